"""The demo province loads completely and idempotently (what `make run` does), and every demo
account finds something on its screens: inboxes, registers, reports, "Việc của tôi".

The demo is loaded once for the module (twice, to check that a re-run adds nothing) inside a
transaction rolled back at the end; each test reads it through the selectors the screens use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from chinhquyen.accounts.demo import load_demo
from chinhquyen.accounts.models import User
from chinhquyen.demo import ADMIN_GROUP_NAME, DEMO_LOADERS
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.dossiers.models import Dossier, DossierResult, PaymentStatus


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("demo")
    with (
        override_settings(SIGNING_PKI_DIR=tmp / "pki", MEDIA_ROOT=tmp / "media"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        # what the demo does after its commits (sealing results, notifications) runs too
        with TestCase.captureOnCommitCallbacks(execute=True):
            first = load_demo(DEMO_LOADERS)
        models = (User, Group, Dossier, IncomingDocument, OutgoingDocument, DossierResult)
        counts = {model: model.objects.count() for model in models}
        second = load_demo(DEMO_LOADERS)
        assert {model: model.objects.count() for model in models} == counts
        assert second["demo_dossiers_created"] == []
        yield {"first": first, "second": second}
        transaction.set_rollback(True)


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.mark.django_db
def test_the_it_admin_gets_the_admin_site(demo: dict) -> None:
    assert len(demo["first"]["procedures"]) == len(demo["second"]["procedures"]) >= 30
    admin = _user("quantri")
    assert admin.is_staff and not admin.is_superuser
    assert admin.groups.filter(name=ADMIN_GROUP_NAME).exists()
    assert admin.has_perm("core.change_calendarday")
    specialist = _user("chuyenvien")
    assert not specialist.is_staff and not specialist.has_perm("core.change_calendarday")


@pytest.mark.django_db
def test_a_month_of_one_stop_activity(demo: dict) -> None:
    dossiers = Dossier.objects.all()
    assert dossiers.count() >= 40
    oldest = dossiers.order_by("received_at").first()
    assert oldest is not None and timezone.now() - oldest.received_at >= dt.timedelta(days=20)
    payments = set(dossiers.values_list("payment_status", flat=True))
    assert {PaymentStatus.PAID, PaymentStatus.UNPAID} <= payments
    assert dossiers.filter(supplement_count__gt=0).exists()
    # results are sealed by the competent organisation (a readable PDF, signed)
    assert DossierResult.objects.filter(signed=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    ["motcua", "truongphong", "chuyenvien", "lanhdao", "motcua.xa", "chuyenvien.xa"],
)
def test_every_one_stop_officer_has_an_inbox(demo: dict, username: str) -> None:
    from chinhquyen.dossiers.selectors import dossiers_for_inbox

    page = dossiers_for_inbox(_user(username))
    assert page.items, username
    assert page.counts.get("overdue", 0) >= 0


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["motcua", "motcua.xa"])
def test_desks_have_a_tracking_register(demo: dict, username: str) -> None:
    from chinhquyen.dossiers.selectors import tracking_register

    assert tracking_register(_user(username))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["lanhdao.tinh", "lanhdao", "truongphong"])
def test_leaders_and_unit_heads_have_reports(demo: dict, username: str) -> None:
    from chinhquyen.reports.selectors import MonthRange, on_time_report

    today = timezone.localdate()
    last = today.replace(day=1)
    first = (last - dt.timedelta(days=40)).replace(day=1)
    report = on_time_report(user=_user(username), period=MonthRange(first=first, last=last))
    assert report.rows, username
    assert report.total.received > 0 and report.total.finished > 0


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["vanthu", "lanhdao", "truongphong", "chuyenvien"])
def test_document_officers_have_incoming_and_outgoing(demo: dict, username: str) -> None:
    from chinhquyen.documents.selectors import incoming_list, outgoing_list

    user = _user(username)
    assert incoming_list(user).exists(), username
    assert outgoing_list(user).exists(), username


@pytest.mark.django_db
def test_the_clerk_has_registers(demo: dict) -> None:
    from chinhquyen.documents.models import RegisterKind
    from chinhquyen.documents.selectors import export_organisations, register_rows

    clerk = _user("vanthu")
    year = timezone.localdate().year
    organisation = export_organisations(clerk)[0]
    for kind in (RegisterKind.INCOMING, RegisterKind.OUTGOING):
        assert register_rows(clerk, kind=kind, organisation=organisation, year=year).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["congdan", "doanhnghiep"])
def test_applicants_have_dossiers(demo: dict, username: str) -> None:
    from chinhquyen.dossiers.selectors import dossiers_of_applicant

    assert dossiers_of_applicant(_user(username)).exists()


@pytest.mark.django_db
def test_the_it_admin_has_an_audit_log(demo: dict) -> None:
    from chinhquyen.audit.selectors import log_entries_visible_to

    assert log_entries_visible_to(_user("quantri")).exists()
