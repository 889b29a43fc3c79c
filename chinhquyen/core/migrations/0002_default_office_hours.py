"""Seed the province's default office hours (DOMAIN.md §4): 07:30–11:30, 13:00–17:00, with
dossiers received from 15:00 counted from the next working day. Editable in the admin."""

import datetime

from django.db import migrations


def seed_default_office_hours(apps, schema_editor):
    OfficeHours = apps.get_model("core", "OfficeHours")
    OfficeHours.objects.get_or_create(
        organisation_code="",
        defaults={
            "morning_start": datetime.time(7, 30),
            "morning_end": datetime.time(11, 30),
            "afternoon_start": datetime.time(13, 0),
            "afternoon_end": datetime.time(17, 0),
            "cutoff": datetime.time(15, 0),
        },
    )


def remove_default_office_hours(apps, schema_editor):
    OfficeHours = apps.get_model("core", "OfficeHours")
    OfficeHours.objects.filter(organisation_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(seed_default_office_hours, remove_default_office_hours),
    ]
