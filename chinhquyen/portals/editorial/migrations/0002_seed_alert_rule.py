"""The alert rule of the portals' integrity check: one event is enough (a defaced public page),
grouped by the portal's organisation so that its IT administrators are told."""

from django.db import migrations

NAME = "Trang cổng thông tin bị thay đổi ngoài quy trình"


def seed(apps, schema_editor):
    apps.get_model("secops", "AlertRule").objects.get_or_create(
        name=NAME,
        defaults={
            "kind": "portal_integrity",
            "threshold": 1,
            "window_seconds": 60,
            "group_by": "unit",
            "severity": "critical",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("secops", "AlertRule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal_editorial", "0001_initial"),
        ("secops", "0004_portal_integrity_kind"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
