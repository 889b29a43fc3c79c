"""The applicant (or the desk) chooses the procedure's fee case; the fee follows it (issue #10
item 6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chinhquyen.catalog.models import Fee
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, ResultDelivery

from .factories import World, pdf

pytestmark = pytest.mark.django_db


def _second_case(world: World) -> Fee:
    version = world.versions["province"]
    first = version.fees.get()
    first.case_description = "Cấp lần đầu"
    first.save()
    return Fee.objects.create(version=version, order=2, case_description="Cấp lại", amount=100_000)


def _uploads(world: World) -> list[services.Upload]:
    version = world.versions["province"]
    return [services.Upload(file=pdf(), paper_id=p.pk) for p in version.papers.all() if p.required]


def _submit(world: World, **kwargs) -> Dossier:
    return services.dossier_submit_online(
        actor=world.users["citizen"],
        procedure=world.versions["province"],
        form_data={"ho_ten": "Nguyễn Văn An", "so_luong": 1},
        uploads=_uploads(world),
        **kwargs,
    ).dossier


def test_online_submission_follows_the_chosen_fee_case(world: World) -> None:
    second = _second_case(world)
    with pytest.raises(ValidationError) as missing:
        _submit(world, fee_case_required=True)  # the screens and the API require a choice
    assert "hãy chọn trường hợp áp dụng" in str(missing.value)
    assert _submit(world).fee_total == 200_000  # imports and demo data: the first case
    d = _submit(world, fee_case=second.pk, result_delivery=ResultDelivery.ONLINE)
    assert d.fee_total == 100_000 and d.fee_case == second
    assert d.result_delivery == ResultDelivery.ONLINE
    other = Fee.objects.create(version=world.versions["simple"], amount=5)
    with pytest.raises(ValidationError) as foreign:
        _submit(world, fee_case=other.pk)
    assert "không thuộc thủ tục này" in str(foreign.value)


def test_counter_intake_follows_the_chosen_fee_case(world: World) -> None:
    second = _second_case(world)
    version = world.versions["province"]
    result = services.dossier_receive_at_counter(
        actor=world.users["desk_centre"],
        procedure=version,
        applicant_details={"name": "Lê Văn Cường", "phone": "0912345678"},
        papers=[
            services.PaperCount(paper_id=p.pk, original=1)
            for p in version.papers.all()
            if p.required
        ],
        fee_case=second,
    )
    assert result.dossier.fee_total == 100_000 and result.dossier.fee_case == second


def test_submit_page_shows_the_fee_and_the_cases(client: Client, world: World) -> None:
    url = reverse("dossiers:submit", args=[world.versions["province"].procedure.code])
    client.force_login(world.users["citizen"])
    # one case: shown before submitting
    page = client.get(url).content.decode()
    assert "200.000 đồng" in page and "Hình thức nhận kết quả" in page
    second = _second_case(world)
    page = client.get(url).content.decode()
    assert "Cấp lần đầu — 200.000 đồng (Lệ phí)" in page and "Cấp lại — 100.000 đồng" in page
    data = {
        "idempotency_key": "k-fee",
        "bm-ho_ten": "Nguyễn Văn An",
        "bm-so_luong": "1",
        "nguoi_nop-name": "Nguyễn Văn An",
        "nguoi_nop-phone": "0987654321",
        "fee_case": str(second.pk),
        "result_delivery": ResultDelivery.POST,
    }
    for paper in world.versions["province"].papers.all():
        if paper.required:
            data[f"giay_to_{paper.pk}"] = pdf()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    d = Dossier.objects.get(idempotency_key="k-fee")
    assert d.fee_total == 100_000 and d.result_delivery == ResultDelivery.POST
