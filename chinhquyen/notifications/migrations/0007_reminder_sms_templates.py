"""SMS texts of the reminder kinds, for officials who choose SMS in "Cài đặt nhắc việc".

Only the kinds in ``preferences.PREFERENCE_KINDS``; the e-mail texts are seeded by their apps.
Rendered on one line and folded to ASCII when ``NOTIFY_SMS_ASCII`` is on.
"""

from django.db import migrations

TEMPLATES = {
    "tasks.digest": (
        "Bản tin việc cần làm qua SMS. Biến: name, day, overdue, due_today, due_soon, url.",
        "Viec can lam ngay {{ day }}: {{ overdue }} qua han, {{ due_today }} den han, "
        "{{ due_soon }} sap den han. Xem tai {{ url }}",
    ),
    "tasks.escalation": (
        "Báo nhiệm vụ quá hạn qua SMS. Biến: unit, due, days_late, progress, url.",
        "Nhiem vu do {{ unit }} chu tri qua han {{ days_late }} ngay lam viec (han {{ due }}), "
        "tien do {{ progress }}%. Xem {{ url }}",
    ),
    "document.task_overdue": (
        "Nhắc việc xử lý văn bản đến quá hạn qua SMS. Biến: incoming_number, due, days_late, url.",
        "Van ban den so {{ incoming_number }} giao dong chi xu ly da qua han {{ days_late }} "
        "ngay (han {{ due }}). Xem {{ url }}",
    ),
    "dossier.step_due_reminder": (
        "Nhắc bước xử lý hồ sơ sắp đến hạn qua SMS. Biến: code, step, due, left, url.",
        "Ho so {{ code }}: buoc {{ step }} den han luc {{ due }} (con {{ left }}). Xem {{ url }}",
    ),
    "dossier.apology_prompt": (
        "Nhắc gửi văn bản xin lỗi khi hồ sơ sắp quá hạn, qua SMS. Biến: code, due, apology_by, "
        "url.",
        "Ho so {{ code }} hen tra {{ due }}: neu khong kip, gui van ban xin loi va hen lai "
        "cham nhat {{ apology_by }}. Xem {{ url }}",
    ),
    "feedback.due": (
        "Nhắc phản ánh sắp đến hạn hoặc quá hạn qua SMS. Biến: code, step, due, url.",
        "Phan anh {{ code }} can {{ step }}, han {{ due }}. Xem {{ url }}",
    ),
}


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for key, (description, body) in TEMPLATES.items():
        NotificationTemplate.objects.get_or_create(
            key=key,
            channel="sms",
            defaults={"subject": "", "body": body, "description": description},
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(key__in=list(TEMPLATES), channel="sms").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_notification_preference")]

    operations = [migrations.RunPython(seed, unseed)]
