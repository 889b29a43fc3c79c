"""SMS templates print the lookup PIN only when there is one (only intake knows it), and a
template for the stop notice (thông báo dừng giải quyết hồ sơ). Templates an administrator has
already edited are left alone."""

from django.db import migrations

OLD = " với mã PIN {{ pin }}."
NEW = "{% if pin %} với mã PIN {{ pin }}{% endif %}."

STOPPED = {
    "key": "dossier.stopped",
    "description": (
        "Gửi khi dừng giải quyết hồ sơ (kể cả khi người nộp rút hồ sơ). Biến: code, reason "
        "(lý do dừng), organisation, lookup_url, pin, applicant_name."
    ),
    "sms": "Hồ sơ {{ code }} đã được dừng giải quyết: {{ reason }}.",
    "subject": "Thông báo dừng giải quyết hồ sơ {{ code }}",
    "email": (
        'Kính gửi {{ applicant_name|default:"Ông/Bà" }},\n\n'
        "Hồ sơ {{ code }} đã được dừng giải quyết"
        "{% if organisation %} tại {{ organisation }}{% endif %}.\n"
        "Lý do: {{ reason }}."
        "{% if lookup_url %}\n\nÔng/Bà có thể tra cứu tình trạng hồ sơ tại {{ lookup_url }}"
        "{% if pin %} với mã PIN {{ pin }}{% endif %}.{% endif %}"
        "\n\nThư này được gửi tự động từ hệ thống dịch vụ công, vui lòng không trả lời thư này."
    ),
}


def forwards(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    for template in Template.objects.filter(channel="sms", body__endswith=OLD):
        template.body = template.body[: -len(OLD)] + NEW
        template.save(update_fields=["body"])
    Template.objects.get_or_create(
        key=STOPPED["key"],
        channel="sms",
        defaults={"subject": "", "body": STOPPED["sms"], "description": STOPPED["description"]},
    )
    Template.objects.get_or_create(
        key=STOPPED["key"],
        channel="email",
        defaults={
            "subject": STOPPED["subject"],
            "body": STOPPED["email"],
            "description": STOPPED["description"],
        },
    )


def backwards(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    Template.objects.filter(key=STOPPED["key"]).delete()
    for template in Template.objects.filter(channel="sms", body__endswith=NEW):
        template.body = template.body[: -len(NEW)] + OLD
        template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_seed_templates")]

    operations = [migrations.RunPython(forwards, backwards)]
