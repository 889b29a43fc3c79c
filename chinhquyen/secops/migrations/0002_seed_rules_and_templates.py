"""Seed the default alert rules and the notice sent to IT administrators when one fires."""

from django.db import migrations

RULES = [
    # name, kind, threshold, window seconds, group by, severity
    ("Dò mật khẩu một tài khoản", "login_failed", 10, 300, "user", "high"),
    ("Dò mật khẩu từ một địa chỉ IP", "login_failed", 20, 300, "ip", "high"),
    ("Nhiều lần khóa tài khoản từ một địa chỉ IP", "lockout", 3, 3600, "ip", "critical"),
    ("Xác thực hai lớp sai nhiều lần", "mfa_failed", 5, 600, "user", "high"),
    ("Xuất dữ liệu hàng loạt nhiều lần", "mass_export", 3, 600, "user", "medium"),
    ("Bị từ chối truy cập nhiều lần", "permission_denied", 20, 600, "user", "medium"),
    ("Khóa API bị từ chối nhiều lần từ một địa chỉ IP", "token_rejected", 30, 600, "ip", "medium"),
    ("Tra cứu hồ sơ bất thường từ một địa chỉ IP", "unusual_lookup", 3, 3600, "ip", "medium"),
    ("Chữ ký số không hợp lệ trên tệp nhận về", "signature_failed", 3, 3600, "ip", "high"),
    ("Thay đổi quyền trong một đơn vị", "privilege_changed", 10, 3600, "unit", "low"),
]

KEY = "secops.alert"
DESCRIPTION = (
    "Gửi quản trị hệ thống khi một quy tắc cảnh báo an ninh được kích hoạt. Biến: rule, "
    "severity, group, count, minutes, when, link."
)
SMS = (
    "Canh bao an ninh ({{ severity }}): {{ rule }} - {{ group }}: {{ count }} su kien trong "
    "{{ minutes }} phut. Xem: {{ link }}"
)
SUBJECT = "[Cảnh báo an ninh] {{ rule }}"
EMAIL = (
    "Kính gửi quản trị hệ thống,\n\n"
    "Quy tắc cảnh báo «{{ rule }}» (mức độ: {{ severity }}) vừa được kích hoạt lúc {{ when }}: "
    "{{ group }} có {{ count }} sự kiện trong {{ minutes }} phút.\n\n"
    "Hãy tiếp nhận và xử lý cảnh báo tại trang giám sát an ninh:\n{{ link }}\n\n"
    "Thư này được gửi tự động, vui lòng không trả lời thư này."
)


def seed(apps, schema_editor):
    AlertRule = apps.get_model("secops", "AlertRule")
    for name, kind, threshold, window, group_by, severity in RULES:
        AlertRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "threshold": threshold,
                "window_seconds": window,
                "group_by": group_by,
                "severity": severity,
            },
        )
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.get_or_create(
        key=KEY, channel="sms", defaults={"subject": "", "body": SMS, "description": DESCRIPTION}
    )
    NotificationTemplate.objects.get_or_create(
        key=KEY,
        channel="email",
        defaults={"subject": SUBJECT, "body": EMAIL, "description": DESCRIPTION},
    )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.filter(key=KEY).delete()
    apps.get_model("secops", "AlertRule").objects.filter(name__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("secops", "0001_initial"),
        ("notifications", "0005_seal_outbox_pins"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
