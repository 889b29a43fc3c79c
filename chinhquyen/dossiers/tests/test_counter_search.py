"""Counter intake finds the procedure by name without diacritics and the applicant by name or
CCCD (issue #10 item 9, counter part)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .factories import World

pytestmark = pytest.mark.django_db


def test_procedure_by_name_without_diacritics(client: Client, world: World) -> None:
    url = reverse("dossiers:counter_intake")
    client.force_login(world.users["desk_centre"])
    page = client.get(url, {"thu_tuc": "phieu ly lich tu phap"})
    assert page.status_code == 200
    body = page.content.decode()
    # one match: the intake form of that procedure opens
    assert "Cấp phiếu lý lịch tư pháp" in body and "Tờ khai" in body
    several = client.get(url, {"thu_tuc": "thu tuc"}).content.decode()
    assert "Chọn thủ tục" in several
    assert client.get(url, {"thu_tuc": "khong co thu tuc nay"}).status_code == 400


def test_applicant_by_name_or_cccd_fills_the_form(client: Client, world: World) -> None:
    url = reverse("dossiers:counter_intake")
    code = world.versions["province"].procedure.code
    citizen = world.users["citizen"]
    client.force_login(world.users["desk_centre"])
    by_name = client.get(url, {"thu_tuc": code, "nguoi_nop_q": "nguyen van an"})
    assert citizen.citizen_id in by_name.content.decode()
    by_id = client.get(url, {"thu_tuc": code, "nguoi_nop_q": citizen.citizen_id})
    assert "Nguyễn Văn An" in by_id.content.decode()
    assert client.get(url, {"thu_tuc": code, "nguoi_nop_q": "an"}).context["found"] == []
    chosen = client.get(
        url, {"thu_tuc": code, "nguoi_nop_q": citizen.citizen_id, "nguoi": citizen.pk}
    )
    form = chosen.context["applicant_form"]
    assert form.initial["id_number"] == citizen.citizen_id
    assert form.initial["name"] == "Nguyễn Văn An"
