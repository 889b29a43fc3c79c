"""The one-stop forms are issued when their action happens, stored with the dossier and
downloadable by the officer and the applicant (issue #10 item 2)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.core.pdf import pdf_text
from chinhquyen.dossiers import integrations, notices, services
from chinhquyen.dossiers.models import DossierNotice, NoticeKind

from . import scenarios
from .factories import World, receive, reload

assert integrations.AFTER_COMMIT_HANDLERS  # importing it registers the hooks


def words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def _download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_supplement_request_form_is_issued_and_downloadable(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    d = receive(world).dossier
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_request_supplement(
            actor=world.users["desk_centre"], dossier=d, reason="Thiếu bản sao CCCD."
        )
    notice = DossierNotice.objects.get(dossier=d)
    assert notice.kind == NoticeKind.SUPPLEMENT_REQUEST and notice.for_applicant
    url = reverse("dossiers:notice_download", args=[d.pk, notice.pk])
    # the officer sees it on the dossier page and downloads it
    client.force_login(world.users["desk_centre"])
    assert url in client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    text = words(_download(client, url))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Thiếu bản sao CCCD" in text
    # so does the applicant, on "Hồ sơ của tôi"
    client.force_login(world.users["citizen"])
    assert url in client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    assert d.code in words(_download(client, url))
    # nobody else
    client.force_login(world.users["citizen2"])
    assert client.get(url).status_code == 404
    # issuing again (a retried hook) returns the stored form
    again = notices.issue_notice(
        dossier_id=d.pk, kind=notice.kind, event_id=notice.event_id, pause_id=notice.pause_id
    )
    assert again.pk == notice.pk and DossierNotice.objects.filter(dossier=d).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "kind", "title"),
    [
        (scenarios.refused, NoticeKind.REFUSAL, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        (scenarios.stopped, NoticeKind.STOP_NOTICE, "THÔNG BÁO"),
    ],
)
def test_refusal_and_stop_notice_are_issued(
    world: World, build, kind: str, title: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d = build(world)
    notice = DossierNotice.objects.get(dossier=d)
    assert notice.kind == kind
    with notice.file.open("rb") as handle:
        assert title in words(handle.read())


@pytest.mark.django_db
def test_apology_is_issued_with_the_new_appointment(
    world: World, django_capture_on_commit_callbacks
) -> None:
    d = scenarios.processing(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_apologise(
            actor=world.users["head"],
            dossier=d,
            reason="Chờ kết quả xác minh.",
            new_appointment_at=scenarios.later(60),
        )
    notice = DossierNotice.objects.get(dossier=d, kind=NoticeKind.APOLOGY)
    with notice.file.open("rb") as handle:
        text = words(handle.read())
    assert "Chờ kết quả xác minh" in text


@pytest.mark.django_db
def test_applicant_downloads_the_receipt_and_officer_the_control_sheet(
    world: World, client: Client
) -> None:
    d = reload(scenarios.processing(world))
    client.force_login(world.users["citizen"])
    url = reverse("dossiers:my_receipt", args=[d.pk])
    assert url in client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    text = words(response.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and d.code in text
    assert "Mã PIN" not in text
    client.force_login(world.users["citizen2"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["spec"])
    sheet = client.get(reverse("dossiers:control_sheet", args=[d.pk]))
    assert sheet.status_code == 200
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in words(sheet.content)
