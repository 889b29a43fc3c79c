"""Seed the notice sent when a dossier's public lookup is locked after repeated wrong PINs."""

from django.db import migrations

KEY = "dossier.lookup_locked"
DESCRIPTION = (
    "Gửi khi việc tra cứu hồ sơ bị tạm khóa do nhập sai mã PIN nhiều lần. Biến: code, hours "
    "(số giờ khóa), lookup_url, applicant_name."
)
SMS = (
    "Ho so {{ code }}: tra cuu bi tam khoa {{ hours }} gio do nhap sai ma PIN nhieu lan. "
    "Neu khong phai Ong/Ba, vui long lien he bo phan mot cua."
)
SUBJECT = "Tạm khóa tra cứu hồ sơ {{ code }}"
EMAIL = (
    'Kính gửi {{ applicant_name|default:"Ông/Bà" }},\n\n'
    "Việc tra cứu hồ sơ {{ code }} đã bị tạm khóa {{ hours }} giờ vì có nhiều lần nhập sai mã "
    "PIN. Hồ sơ của Ông/Bà không bị ảnh hưởng. Nếu không phải Ông/Bà tra cứu, vui lòng liên hệ "
    "bộ phận một cửa nơi nộp hồ sơ.\n\n"
    "Thư này được gửi tự động từ hệ thống dịch vụ công, vui lòng không trả lời thư này."
)


def seed(apps, schema_editor):
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


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_sms_pin_optional_and_stop_notice")]

    operations = [migrations.RunPython(seed, unseed)]
