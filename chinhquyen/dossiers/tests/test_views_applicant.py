"""Applicant pages: online submission through the screens, my list/detail, supplement,
withdraw, rating, result download."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Channel, Dossier, DossierStatus

from . import scenarios
from .factories import World, pdf, receive, reload, submit


def _submit_url(world: World, version: str = "province") -> str:
    return reverse("dossiers:submit", args=[world.versions[version].procedure.code])


def _post_data(world: World, key: str, version: str = "province") -> dict:
    v = world.versions[version]
    data: dict = {
        "idempotency_key": key,
        "bm-ho_ten": "Nguyễn Văn An",
        "bm-so_luong": "1",
        "nguoi_nop-name": "Nguyễn Văn An",
        "nguoi_nop-phone": "0987654321",
    }
    for paper in v.papers.all():
        if paper.required:
            data[f"giay_to_{paper.pk}"] = pdf()
    return data


def test_submit_form_prefilled(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    response = client.get(_submit_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn An" in body and "037090001234" in body
    assert 'name="idempotency_key"' in body
    assert "Họ và tên" in body  # the procedure's own form


def test_submit_end_to_end_and_idempotent_retry(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    response = client.post(_submit_url(world), _post_data(world, "k-1"))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.ONLINE
    assert dossier.attachments.count() == 1
    assert response["Location"] == reverse("dossiers:my_detail", args=[dossier.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Mã tra cứu (PIN)" in page  # shown once
    assert "Mã tra cứu (PIN)" not in client.get(response["Location"]).content.decode()
    # a double submit with the same key stores once
    again = client.post(_submit_url(world), _post_data(world, "k-1"))
    assert again.status_code == 302
    assert Dossier.objects.count() == 1


def test_submit_errors_in_vietnamese(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    data = _post_data(world, "k-2")
    data["bm-ho_ten"] = ""
    data.pop(next(k for k in data if k.startswith("giay_to_")))
    response = client.post(_submit_url(world), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng đính kèm giấy tờ này." in body
    assert Dossier.objects.count() == 0


def test_submit_bad_file_is_a_form_error(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    data = _post_data(world, "k-3")
    key = next(k for k in data if k.startswith("giay_to_"))
    data[key] = pdf("virus.exe", b"MZ\x90\x00 not a pdf")
    response = client.post(_submit_url(world), data)
    assert response.status_code == 400
    assert Dossier.objects.count() == 0


def test_submit_commune_procedure_asks_for_commune(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    body = client.get(_submit_url(world, "commune")).content.decode()
    assert "Cơ quan giải quyết" in body and "UBND xã B" in body
    data = _post_data(world, "k-4", "commune")
    response = client.post(_submit_url(world, "commune"), data)
    assert response.status_code == 400
    data = _post_data(world, "k-4", "commune")
    data["competent"] = world.orgs["commune2"].pk
    response = client.post(_submit_url(world, "commune"), data)
    assert response.status_code == 302
    assert Dossier.objects.get().competent_organisation == world.orgs["commune2"]


def test_submit_needs_applicant(client: Client, world: World) -> None:
    assert client.get(_submit_url(world)).status_code == 302  # to sign in
    client.force_login(world.users["desk_centre"])
    assert client.get(_submit_url(world)).status_code == 403
    client.force_login(world.users["citizen"])
    assert client.get("/ho-so/nop/KHONG-CO/").status_code == 404


def test_my_list_and_detail_scoped(client: Client, world: World) -> None:
    mine = receive(world).dossier
    other = receive(world, applicant=world.users["citizen2"]).dossier
    client.force_login(world.users["citizen"])
    body = client.get(reverse("dossiers:my_list")).content.decode()
    assert mine.code in body and other.code not in body
    assert client.get(reverse("dossiers:my_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("dossiers:my_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("dossiers:my_withdraw", args=[other.pk])).status_code == 404


def test_supplement_answer(client: Client, world: World) -> None:
    d = scenarios.supplement_requested(world)
    client.force_login(world.users["citizen"])
    page = client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    assert "Thiếu bản sao giấy tờ tùy thân." in page and "Nộp bổ sung" in page
    url = reverse("dossiers:my_supplement", args=[d.pk])
    empty = client.post(url, {})
    assert empty.status_code == 400
    assert "Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú." in empty.content.decode()
    response = client.post(url, {"tep": [pdf("bo-sung.pdf")], "note": "Đã bổ sung"})
    assert response.status_code == 302
    d = reload(d)
    assert d.status == DossierStatus.RECEIVED
    assert d.attachments.filter(kind="supplement").count() == 1


def test_withdraw(client: Client, world: World) -> None:
    d = submit(world).dossier
    client.force_login(world.users["citizen"])
    response = client.post(reverse("dossiers:my_withdraw", args=[d.pk]), {"reason": "Nộp nhầm"})
    assert response.status_code == 302
    assert reload(d).status == DossierStatus.STOPPED
    # a second withdrawal is refused with a message, never a 500
    again = client.post(reverse("dossiers:my_withdraw", args=[d.pk]), {})
    assert again.status_code == 400


def test_result_download_and_rating(client: Client, world: World) -> None:
    d = scenarios.awaiting_approval(world)
    services.dossier_attach_result(
        actor=world.users["leader"], dossier=d, name="Phiếu LLTP", file=pdf("kq.pdf")
    )
    services.dossier_approve(actor=world.users["leader"], dossier=d)
    services.dossier_return_result(actor=world.users["desk_centre"], dossier=d)
    result = d.results.get()
    client.force_login(world.users["citizen"])
    page = client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    url = reverse("dossiers:result_download", args=[d.pk, result.pk])
    assert url in page and "Đánh giá mức độ hài lòng" in page
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rate = reverse("dossiers:my_rate", args=[d.pk])
    assert client.post(rate, {"score": "9"}).status_code == 400
    assert client.post(rate, {"score": "3", "comment": "Nhanh"}).status_code == 302
    assert reload(d).rating.score == 3
    client.force_login(world.users["citizen2"])
    assert client.get(url).status_code == 404


def test_submit_not_online_and_key_reuse(client: Client, world: World) -> None:
    client.force_login(world.users["citizen"])
    vertical = world.versions["vertical"].procedure.code
    body = client.get(reverse("dossiers:submit", args=[vertical])).content.decode()
    assert "chưa cung cấp dịch vụ công trực tuyến" in body
    assert client.post(_submit_url(world), _post_data(world, "k-9")).status_code == 302
    other = _post_data(world, "k-9")
    other["bm-ho_ten"] = "Người khác hẳn"
    response = client.post(_submit_url(world), other)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Biểu mẫu này đã được dùng để nộp một hồ sơ khác" in body
    assert 'value="k-9"' not in body  # a fresh key: the next press stores a new dossier
    assert Dossier.objects.count() == 1
