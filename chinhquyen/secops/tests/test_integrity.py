"""The periodic integrity check of stored files: digests read back, findings raised as security
events and alerts, runs continuing where the last one stopped, and the evidence item."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from chinhquyen.audit.models import SecurityEvent, SecurityEventKind
from chinhquyen.dossiers.models import DossierAttachment
from chinhquyen.dossiers.tests.factories import World as DossierWorld
from chinhquyen.dossiers.tests.factories import build_world, submit
from chinhquyen.jobs.registry import autodiscover, get_job
from chinhquyen.secops import evidence, integrity, tasks
from chinhquyen.secops.evidence import Status
from chinhquyen.secops.models import Alert, IntegrityCheck

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def files() -> DossierWorld:
    """Three dossiers submitted online: their components are stored files with digests."""
    w = build_world()
    for n in range(3):
        submit(w, key=f"integrity-{n}")
    return w


def _total() -> int:
    return sum(source.queryset().count() for source in integrity.SOURCES)


def _item(user: object, **kwargs: object) -> evidence.Evidence:
    return evidence.report(user, **kwargs).item("integrity")  # type: ignore[arg-type]


def _figures(item: evidence.Evidence) -> dict[str, str]:
    return {f.label: f.value for f in item.figures}


def test_a_whole_clean_pass_is_evidence(world: World, files: DossierWorld) -> None:
    assert _item(world.root_admin).status == Status.UNKNOWN  # never ran
    total = _total()
    assert DossierAttachment.objects.count() >= 2 and total >= DossierAttachment.objects.count()

    run = integrity.run_check()

    assert run.pass_completed and run.files_checked == total and run.failures == 0
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.INTEGRITY_MISMATCH).exists()
    item = _item(world.root_admin)
    assert item.status == Status.MET
    assert f"{total} tệp, 0 sai lệch" in _figures(item)["Lần kiểm tra gần nhất"]


def test_changed_and_missing_files_raise_events_and_an_alert(
    world: World, files: DossierWorld
) -> None:
    changed, removed = DossierAttachment.objects.order_by("pk")[:2]
    with open(changed.file.path, "ab") as fh:
        fh.write(b"% injected")
    os.remove(removed.file.path)

    run = integrity.run_check()

    problems = {(f["source"], f["id"]): f["problem"] for f in run.findings}
    assert problems == {
        ("dossier_attachment", changed.pk): "Mã băm SHA-256 không khớp với lúc lưu.",
        ("dossier_attachment", removed.pk): "Tệp không còn trong kho lưu trữ.",
    }
    assert run.failures == 2 and run.pass_completed
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.INTEGRITY_MISMATCH)
    assert sorted(e.detail["id"] for e in events) == sorted([changed.pk, removed.pk])
    assert {e.username for e in events} == {integrity.SYSTEM_ACCOUNT}
    alert = Alert.objects.get(kind=SecurityEventKind.INTEGRITY_MISMATCH)
    assert alert.severity == "critical"

    item = _item(world.root_admin)
    assert item.status == Status.NOT_MET
    figures = [f.value for f in item.figures if f.label == "Sai lệch"]
    assert f"Thành phần hồ sơ #{changed.pk}: Mã băm SHA-256 không khớp với lúc lưu." in figures


def test_a_digest_changed_in_the_database_is_found(world: World, files: DossierWorld) -> None:
    row = DossierAttachment.objects.order_by("pk").first()
    assert row is not None
    DossierAttachment.objects.filter(pk=row.pk).update(sha256="0" * 64)

    run = integrity.run_check()

    assert [(f["id"], f["problem"]) for f in run.findings] == [
        (row.pk, "Mã băm SHA-256 không khớp với lúc lưu.")
    ]


def test_runs_continue_where_the_last_one_stopped(world: World, files: DossierWorld) -> None:
    total = _total()
    assert total >= 3

    first = integrity.run_check(max_files=1)
    assert first.files_checked == 1 and not first.pass_completed
    assert first.cursor["source"] == "dossier_attachment"
    assert _item(world.root_admin).status == Status.UNKNOWN  # the first pass is not over
    assert _figures(_item(world.root_admin))["Lượt kiểm tra trọn vẹn gần nhất"] == (
        "lượt đầu tiên chưa xong"
    )

    rest = integrity.run_check(max_files=total)
    assert rest.files_checked == total - 1 and rest.pass_completed
    assert rest.pass_started_at == first.pass_started_at

    again = integrity.run_check(max_files=1)  # a new pass starts from the beginning
    assert again.files_checked == 1 and again.cursor == first.cursor
    assert again.pass_started_at == again.started_at > first.pass_started_at


def test_a_finding_stays_until_a_clean_pass_and_a_stopped_job_is_not_met(
    world: World, files: DossierWorld
) -> None:
    row = DossierAttachment.objects.order_by("pk").first()
    assert row is not None
    good = row.sha256
    DossierAttachment.objects.filter(pk=row.pk).update(sha256="1" * 64)
    integrity.run_check()
    assert _item(world.root_admin).status == Status.NOT_MET

    DossierAttachment.objects.filter(pk=row.pk).update(sha256=good)  # restored from backup
    integrity.run_check(max_files=1)  # the next pass has begun, and is clean so far
    assert _item(world.root_admin).status == Status.NOT_MET  # the last whole pass found it
    integrity.run_check()
    assert _item(world.root_admin).status == Status.MET

    later = timezone.now() + evidence.INTEGRITY_RUN_MAX_AGE + dt.timedelta(hours=1)
    assert _item(world.root_admin, now=later).status == Status.NOT_MET


def test_the_job_is_periodic_and_the_command_reports(world: World, files: DossierWorld) -> None:
    autodiscover()
    assert get_job("secops.integrity_check").task is tasks.integrity_check

    out = StringIO()
    call_command("integrity_check", "--het", stdout=out)
    assert f"Đã kiểm tra {_total()} tệp, 0 tệp sai lệch — hoàn thành một lượt." in out.getvalue()

    row = DossierAttachment.objects.order_by("pk").first()
    assert row is not None
    os.remove(row.file.path)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("integrity_check", "--het", stdout=out)
    assert exit_info.value.code == 1
    assert f"Thành phần hồ sơ #{row.pk}" in out.getvalue()
    assert "Tệp không còn trong kho lưu trữ." in out.getvalue()
    assert IntegrityCheck.objects.count() == 2
