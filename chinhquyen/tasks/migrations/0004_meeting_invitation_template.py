"""The e-mail template of a calendar event's invitation (with the online meeting link);
administrators change it as data."""

from django.db import migrations

KEY = "tasks.meeting_invitation"
DESCRIPTION = (
    "Giấy mời gửi thành phần dự họp khi lịch công tác được công bố hoặc điều chỉnh. Biến: name, "
    "title (nội dung), organisation (lịch của cơ quan), when (thời gian), place (địa điểm), chair "
    "(chủ trì), online_url (đường dẫn họp trực tuyến, rỗng nếu họp trực tiếp), changed (\"1\" nếu "
    "là thông báo điều chỉnh), url (trang lịch công tác)."
)
SUBJECT = '{% if changed == "1" %}[Điều chỉnh] {% endif %}Giấy mời: {{ title }} ({{ when }})'
BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    "{{ organisation }} trân trọng kính mời đồng chí dự: {{ title }}\n"
    "Thời gian: {{ when }}\nĐịa điểm: {{ place }}\nChủ trì: {{ chair }}\n"
    "{% if online_url %}Họp trực tuyến, tham gia tại: {{ online_url }}\n{% endif %}\n"
    "Lịch công tác: {{ url }}\n\n"
    "Thư này được gửi tự động từ hệ thống, vui lòng không trả lời thư này."
)


def seed(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.get_or_create(
        key=KEY,
        channel="email",
        defaults={"subject": SUBJECT, "body": BODY, "description": DESCRIPTION},
    )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.filter(
        key=KEY, channel="email"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tasks", "0003_calendar_and_meetings")]

    operations = [migrations.RunPython(seed, unseed)]
