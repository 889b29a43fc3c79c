"""Calendar notices on every channel: the invitation by SMS, the cancellation notice by e-mail
and SMS, and the list of what changed in the e-mail invitation (when administrators have not
rewritten it). Administrators change them as data."""

from django.db import migrations

INVITATION = "tasks.meeting_invitation"
CANCELLED = "tasks.meeting_cancelled"

OLD_BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    "{{ organisation }} trân trọng kính mời đồng chí dự: {{ title }}\n"
    "Thời gian: {{ when }}\nĐịa điểm: {{ place }}\nChủ trì: {{ chair }}\n"
    "{% if online_url %}Họp trực tuyến, tham gia tại: {{ online_url }}\n{% endif %}\n"
    "Lịch công tác: {{ url }}\n\n"
    "Thư này được gửi tự động từ hệ thống, vui lòng không trả lời thư này."
)
NEW_BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    '{% if changed == "1" %}{{ organisation }} thông báo điều chỉnh lịch'
    "{% if changes %} ({{ changes }}){% endif %}. Thông tin sau điều chỉnh:\n"
    "{% else %}{{ organisation }} trân trọng kính mời đồng chí dự: {{ title }}\n{% endif %}"
    '{% if changed == "1" %}Nội dung: {{ title }}\n{% endif %}'
    "Thời gian: {{ when }}\nĐịa điểm: {{ place }}\nChủ trì: {{ chair }}\n"
    "{% if online_url %}Họp trực tuyến, tham gia tại: {{ online_url }}\n{% endif %}\n"
    "Lịch công tác: {{ url }}\n\n"
    "Thư này được gửi tự động từ hệ thống, vui lòng không trả lời thư này."
)
INVITATION_SMS = (
    '{% if changed == "1" %}[Dieu chinh] {% endif %}Giay moi: {{ title }}. {{ when }}, '
    "tai {{ place }}{% if online_url %}. Hop truc tuyen: {{ online_url }}{% endif %}"
)
CANCELLED_DESCRIPTION = (
    "Thông báo hủy gửi thành phần dự họp khi lịch đã công bố bị hủy (cả lịch, hoặc một buổi "
    "của lịch định kỳ). Biến: name, title, organisation, when (thời gian đã hủy), place, "
    "reason (lý do, có thể rỗng), occurrence (\"1\" nếu chỉ hủy một buổi), url."
)
CANCELLED_SUBJECT = (
    '[Hủy lịch] {% if occurrence == "1" %}Buổi {% endif %}{{ title }} ({{ when }})'
)
CANCELLED_BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    '{{ organisation }} thông báo hủy {% if occurrence == "1" %}buổi họp{% else %}lịch{% endif %}'
    ": {{ title }}\nThời gian: {{ when }}\nĐịa điểm: {{ place }}\n"
    "{% if reason %}Lý do: {{ reason }}\n{% endif %}\n"
    "Lịch công tác: {{ url }}\n\n"
    "Thư này được gửi tự động từ hệ thống, vui lòng không trả lời thư này."
)
CANCELLED_SMS = (
    'Thong bao HUY {% if occurrence == "1" %}buoi hop{% else %}lich{% endif %}: {{ title }}. '
    "{{ when }}{% if reason %}. Ly do: {{ reason }}{% endif %}"
)
INVITATION_SMS_DESCRIPTION = (
    "Giấy mời qua SMS (người đã chọn nhận SMS trong Cài đặt nhắc việc). Biến như mẫu thư."
)
ROWS = (
    (INVITATION, "sms", "", INVITATION_SMS, INVITATION_SMS_DESCRIPTION),
    (CANCELLED, "email", CANCELLED_SUBJECT, CANCELLED_BODY, CANCELLED_DESCRIPTION),
    (CANCELLED, "sms", "", CANCELLED_SMS, CANCELLED_DESCRIPTION),
)


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for key, channel, subject, body, description in ROWS:
        Template.objects.get_or_create(
            key=key,
            channel=channel,
            defaults={"subject": subject, "body": body, "description": description},
        )
    Template.objects.filter(key=INVITATION, channel="email", body=OLD_BODY).update(
        body=NEW_BODY
    )


def unseed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for key, channel, *_ in ROWS:
        Template.objects.filter(key=key, channel=channel).delete()
    Template.objects.filter(key=INVITATION, channel="email", body=NEW_BODY).update(
        body=OLD_BODY
    )


class Migration(migrations.Migration):
    dependencies = [("tasks", "0005_recurring_events"), ("notifications", "0006_notification_preference")]

    operations = [migrations.RunPython(seed, unseed)]
