"""Security finding #9, point 6: the PIN shown once after intake or submission waits in the
session sealed; the database-backed session row never holds its digits."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from chinhquyen.core.sealing import unseal
from chinhquyen.dossiers import intake
from chinhquyen.dossiers.models import Dossier

from .factories import World, pdf
from .test_views_applicant import _post_data, _submit_url

PIN = "73915482"


@pytest.fixture
def known_pin(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(intake, "new_pin", lambda: PIN)
    return PIN


def _stored_sessions() -> str:
    """Every session row as stored, raw and decoded."""
    rows = list(Session.objects.all())
    return "".join(row.session_data + repr(row.get_decoded()) for row in rows)


def _counter_data(world: World) -> dict[str, Any]:
    v = world.versions["province"]
    data: dict[str, Any] = {
        "thu_tuc": v.procedure.code,
        "idempotency_key": "pin-session",
        "channel": "1",
        "set_count": "1",
        "receiving": str(world.orgs["centre"].pk),
        "nguoi_nop-name": "Phạm Thị Dung",
        "nguoi_nop-phone": "0912345678",
    }
    for paper in v.papers.order_by("order", "pk"):
        data.update({f"gt{paper.pk}-original": "0", f"gt{paper.pk}-certified_copy": "0"})
        data[f"gt{paper.pk}-photocopy"] = "0"
    first = v.papers.order_by("order", "pk").first()
    assert first is not None
    data[f"gt{first.pk}-original"] = "1"
    data[f"gt{first.pk}-scan"] = pdf("to-khai.pdf")
    return data


def test_counter_intake_keeps_the_pin_out_of_the_session_store(
    client: Client, world: World, known_pin: str
) -> None:
    client.force_login(world.users["desk_centre"])
    response = client.post(reverse("dossiers:counter_intake"), _counter_data(world))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert Session.objects.exists() and known_pin not in _stored_sessions()
    # still shown once on the dossier page and printed once on the receipt
    page = client.get(response["Location"]).content.decode()
    assert known_pin in page
    assert known_pin not in client.get(response["Location"]).content.decode()
    assert "có mã tra cứu" in page
    receipt = client.get(reverse("dossiers:receipt", args=[dossier.pk]))
    assert receipt.status_code == 200
    assert known_pin not in _stored_sessions()


def test_online_submission_keeps_the_pin_out_of_the_session_store(
    client: Client, world: World, known_pin: str
) -> None:
    client.force_login(world.users["citizen"])
    response = client.post(_submit_url(world), _post_data(world, "pin-session"))
    assert response.status_code == 302
    assert known_pin not in _stored_sessions()
    assert known_pin in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_sessions_saved_before_the_sealing_are_sealed_by_the_migration() -> None:
    migration = import_module("chinhquyen.dossiers.migrations.0009_seal_session_pins")
    old = SessionStore()
    old["dossiers_new_pins"] = {"41": PIN}
    old["dossiers_receipt_pins"] = {"41": PIN, "42": None}
    old["other"] = "kept"
    old.save()
    assert PIN in _stored_sessions()
    migration.seal_session_pins(apps, None)
    assert PIN not in _stored_sessions()
    data = SessionStore(session_key=old.session_key).load()
    assert data["other"] == "kept"
    assert unseal(data["dossiers_new_pins"]["41"]) == PIN
    assert unseal(data["dossiers_receipt_pins"]["41"]) == PIN
    sealed = data["dossiers_new_pins"]["41"]
    migration.seal_session_pins(apps, None)  # again: nothing sealed twice
    assert SessionStore(session_key=old.session_key).load()["dossiers_new_pins"]["41"] == sealed
