"""The demo dossiers load through the services, cover every status, and load only once —
whatever the day and hour the demo is started."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.dossiers.demo import SCENARIOS, load_demo_dossiers
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, Timeliness


@pytest.mark.parametrize(
    "now",
    [
        None,  # the real now
        dt.datetime(2026, 3, 8, 6, 0, tzinfo=VN_TZ),  # a Sunday, early
        dt.datetime(2026, 3, 13, 16, 45, tzinfo=VN_TZ),  # a Friday, after the cut-off
    ],
)
@pytest.mark.django_db
def test_demo_dossiers(now: dt.datetime | None) -> None:
    context: dict = {}
    first = load_demo_dossiers(context, now=now)
    assert len(first["demo_dossiers_created"]) == len(SCENARIOS) >= 40
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) == len(SCENARIOS)
    moment = now or timezone.now()
    assert all(e.at <= moment for e in DossierEvent.objects.all())
    statuses = Counter(d.status for d in dossiers)
    assert set(statuses) == set(DossierStatus.values)
    classes = Counter(d.classification for d in dossiers if d.classification)
    assert {Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE} <= set(classes)
    assert any(d.apologised_at and d.apology_in_time for d in dossiers)
    assert any(d.supplement_count == 2 for d in dossiers)
    assert any(d.receiving_organisation_id != d.competent_organisation_id for d in dossiers)
    overdue = [
        d
        for d in dossiers
        if d.status in ("transferred", "processing", "awaiting_approval") and d.due_at < moment
    ]
    assert overdue  # the inbox shows some overdue dossiers
    assert len({d.code for d in dossiers}) == len(dossiers)
    assert all(DossierEvent.objects.filter(dossier=d, action="receive").exists() for d in dossiers)
    events = DossierEvent.objects.count()

    again = load_demo_dossiers(context, now=now)
    assert again["demo_dossiers_created"] == []
    assert Dossier.objects.count() == len(SCENARIOS)
    assert DossierEvent.objects.count() == events
