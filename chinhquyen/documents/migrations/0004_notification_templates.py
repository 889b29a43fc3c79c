"""The e-mail template of the overdue task reminder (editable by administrators)."""

from django.db import migrations

KEY = "document.task_overdue"
DESCRIPTION = (
    "Gửi mỗi ngày một lần cho cán bộ có việc xử lý văn bản đến đã quá hạn. Biến: name (người "
    "nhận), summary (trích yếu; văn bản mật không gửi trích yếu), incoming_number (số đến), "
    "number_notation (số, ký hiệu), sender (cơ quan gửi), due (hạn), days_late (số ngày quá "
    "hạn), url (trang Việc của tôi)."
)
SUBJECT = "Việc xử lý văn bản đến số {{ incoming_number }} đã quá hạn"
BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    "Việc xử lý văn bản đến số {{ incoming_number }}"
    "{% if number_notation %} ({{ number_notation }}{% if sender %} của {{ sender }}{% endif %})"
    "{% endif %} được giao cho đồng chí đã quá hạn {{ days_late }} ngày (hạn {{ due }}).\n"
    "Trích yếu: {{ summary }}\n\n"
    "Đề nghị đồng chí khẩn trương xử lý và cập nhật kết quả tại {{ url }}.\n\n"
    "Thư này được gửi tự động từ hệ thống quản lý văn bản, vui lòng không trả lời thư này."
)


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.get_or_create(
        key=KEY,
        channel="email",
        defaults={"subject": SUBJECT, "body": BODY, "description": DESCRIPTION},
    )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(key=KEY, channel="email").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_search_trigram"),
        ("notifications", "0002_seed_templates"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
