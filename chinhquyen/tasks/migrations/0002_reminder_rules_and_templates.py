"""Default reminder rules (nhắc việc) and the e-mail templates of the daily digest and the
escalation; administrators change both as data."""

from django.db import migrations

RULES = [
    ("Nhắc trước hạn 3 ngày làm việc", "before", 3),
    ("Nhắc đúng ngày đến hạn", "at", 0),
    ("Báo cáo người giao, lãnh đạo đơn vị khi quá hạn 1 ngày làm việc", "after", 1),
]

DIGEST_KEY = "tasks.digest"
DIGEST_DESCRIPTION = (
    "Bản tin việc cần làm gửi mỗi ngày làm việc cho cán bộ có việc đến hạn, sắp đến hạn hoặc "
    "quá hạn (hồ sơ một cửa, văn bản, nhiệm vụ). Biến: name, day (ngày), overdue, due_today, "
    "due_soon (số việc), lines (danh sách việc, mỗi dòng một việc), url (trang Việc cần làm)."
)
DIGEST_SUBJECT = "Việc cần làm ngày {{ day }}: {{ overdue }} quá hạn, {{ due_today }} đến hạn"
DIGEST_BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    "Hôm nay ({{ day }}) đồng chí có {{ overdue }} việc quá hạn, {{ due_today }} việc đến hạn "
    "và {{ due_soon }} việc sắp đến hạn:\n\n{{ lines }}\n\n"
    "Xem và xử lý tại {{ url }}.\n\n"
    "Thư này được gửi tự động từ hệ thống, vui lòng không trả lời thư này."
)
ESCALATION_KEY = "tasks.escalation"
ESCALATION_DESCRIPTION = (
    "Gửi người giao nhiệm vụ và lãnh đạo đơn vị chủ trì khi nhiệm vụ quá hạn theo quy tắc nhắc "
    "việc. Biến: name, content (nội dung; nhiệm vụ mật không gửi nội dung), unit (đơn vị chủ "
    "trì), due (hạn), days_late (số ngày làm việc quá hạn), progress (%), url."
)
ESCALATION_SUBJECT = "Nhiệm vụ quá hạn: {{ unit }} (hạn {{ due }})"
ESCALATION_BODY = (
    'Kính gửi {{ name|default:"đồng chí" }},\n\n'
    "Nhiệm vụ do {{ unit }} chủ trì đã quá hạn {{ days_late }} ngày làm việc (hạn {{ due }}), "
    "tiến độ {{ progress }}%.\nNội dung: {{ content }}\n\n"
    "Xem chi tiết và đôn đốc tại {{ url }}.\n\n"
    "Thư này được gửi tự động từ hệ thống, vui lòng không trả lời thư này."
)
TEMPLATES = [
    (DIGEST_KEY, DIGEST_SUBJECT, DIGEST_BODY, DIGEST_DESCRIPTION),
    (ESCALATION_KEY, ESCALATION_SUBJECT, ESCALATION_BODY, ESCALATION_DESCRIPTION),
]


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("tasks", "ReminderRule")
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for name, when, days in RULES:
        ReminderRule.objects.get_or_create(
            when=when, working_days=days, defaults={"name": name, "channel": "email"}
        )
    for key, subject, body, description in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            key=key,
            channel="email",
            defaults={"subject": subject, "body": body, "description": description},
        )


def unseed(apps, schema_editor):
    apps.get_model("tasks", "ReminderRule").objects.all().delete()
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(
        key__in=[DIGEST_KEY, ESCALATION_KEY], channel="email"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("notifications", "0002_seed_templates"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
