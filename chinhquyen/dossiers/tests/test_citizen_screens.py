"""Citizen screens of the one-stop shop (issue #10 item 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import integrations, services
from chinhquyen.dossiers.models import Dossier, DossierDraft, ResultDelivery
from chinhquyen.notifications.models import Notification
from chinhquyen.web.templatetags.web_tags import vi_datetime

from . import scenarios
from .factories import World, pdf, reload

pytestmark = pytest.mark.django_db

assert integrations.NOTIFICATION_HANDLERS  # importing it registers the hooks


def _url(world: World) -> str:
    return reverse("dossiers:submit", args=[world.versions["province"].procedure.code])


def test_online_form_heading_names_the_procedure(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    page = client.get(_url(world)).content.decode()
    assert world.versions["province"].name in page


def test_draft_is_saved_and_resumed_then_discarded_on_submit(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    typed = {
        "idempotency_key": "k-draft",
        "bm-ho_ten": "Nguyễn Văn An",
        "nguoi_nop-name": "Nguyễn Văn An",
        "nguoi_nop-address": "Số 5 đường Trần Hưng Đạo",
        "nguoi_nop-phone": "0987654321",
        "result_delivery": ResultDelivery.POST,
    }
    response = client.post(_url(world), {**typed, "luu_nhap": "1"})
    assert response.status_code == 302
    assert not Dossier.objects.filter(applicant=world.users["citizen"]).exists()
    assert DossierDraft.objects.filter(applicant=world.users["citizen"]).count() == 1
    page = client.get(_url(world)).content.decode()
    assert "Số 5 đường Trần Hưng Đạo" in page
    assert 'value="post" checked' in page.replace("\n", " ") or 'value="post"' in page
    mine = client.get(reverse("dossiers:my_list")).content.decode()
    assert "Hồ sơ nháp" in mine and _url(world) in mine
    # nobody else sees it
    client.force_login(world.users["citizen2"])
    assert "Số 5 đường Trần Hưng Đạo" not in client.get(_url(world)).content.decode()
    # submitting the dossier discards the draft
    client.force_login(world.users["citizen"])
    data = {**typed, "bm-so_luong": "1"}
    for paper in world.versions["province"].papers.all():
        if paper.required:
            data[f"giay_to_{paper.pk}"] = pdf()
    assert client.post(_url(world), data).status_code == 302
    assert not DossierDraft.objects.filter(applicant=world.users["citizen"]).exists()


def test_result_is_named_after_its_code_and_links_the_verification(
    client: Client, world: World
) -> None:
    d = scenarios.awaiting_approval(world)
    result = services.dossier_attach_result(
        actor=world.users["leader"], dossier=d, file=pdf("sample.pdf")
    )
    services.dossier_approve(actor=world.users["leader"], dossier=d)
    client.force_login(world.users["citizen"])
    response = client.get(reverse("dossiers:result_download", args=[d.pk, result.pk]))
    assert response.status_code == 200
    assert f'filename="{reload(d).code}-KQ1.pdf"' in response["Content-Disposition"]
    page = client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    assert page.count(reverse("signing:verify")) >= 2  # the result and the footer


def test_signature_times_are_vietnamese() -> None:
    moment = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC)
    assert vi_datetime(moment.isoformat()) == "09:30 Thứ Hai, 02/03/2026"


def test_result_ready_message_says_the_result_is_online(
    world: World, django_capture_on_commit_callbacks
) -> None:
    d = scenarios.awaiting_approval(world)
    Dossier.objects.filter(pk=d.pk).update(result_delivery=ResultDelivery.ONLINE)
    services.dossier_attach_result(actor=world.users["leader"], dossier=d, file=pdf())
    services.dossier_approve(actor=world.users["leader"], dossier=d)
    row = Notification.objects.filter(template_key="dossier.result_ready", channel="email").first()
    assert row is not None
    assert "Cổng dịch vụ công trực tuyến" in row.body
