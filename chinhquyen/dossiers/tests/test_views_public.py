"""Public lookup page: same answer for unknown code and wrong PIN, throttle, result download."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import services

from . import scenarios
from .factories import World, pdf, receive, reload

URL = "/ho-so/tra-cuu/"


def test_url_name() -> None:
    assert reverse("dossiers:lookup") == URL


def test_prefill_from_qr_code(client: Client, world: World) -> None:
    response = client.get(URL, {"ma": "ABC-123"})
    assert response.status_code == 200
    assert 'value="ABC-123"' in response.content.decode()


def test_right_pin_shows_status(client: Client, world: World) -> None:
    intake = receive(world)
    response = client.post(URL, {"code": intake.dossier.code.lower(), "pin": intake.pin})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cấp phiếu lý lịch tư pháp" in body
    assert "Đã tiếp nhận" in body
    assert "Hẹn trả kết quả" in body
    # no personal data on the public page
    assert "Nguyễn Văn An" not in body


def test_unknown_code_and_wrong_pin_same_answer(client: Client, world: World) -> None:
    intake = receive(world)
    wrong_pin = "0" if intake.pin != "0" else "1"
    a = client.post(URL, {"code": intake.dossier.code, "pin": wrong_pin * len(intake.pin or "")})
    b = client.post(URL, {"code": "KHONG-CO-MA", "pin": intake.pin})
    assert a.status_code == b.status_code == 404
    message = "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập"
    assert message in a.content.decode()
    assert message in b.content.decode()
    assert intake.dossier.code not in a.content.decode().split("</form>")[-1]


def test_throttled_after_twenty_attempts(client: Client, world: World) -> None:
    for n in range(20):  # other codes each time: one code has its own, lower limit
        assert client.post(URL, {"code": f"X{n}", "pin": "1"}).status_code == 404
    response = client.post(URL, {"code": "X", "pin": "1"})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    # another address is not affected
    other = client.post(URL, {"code": "X", "pin": "1"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404


def test_empty_post_is_a_form_error(client: Client, world: World) -> None:
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_result_download_after_lookup(client: Client, world: World) -> None:
    d = scenarios.awaiting_approval(world)
    services.dossier_attach_result(
        actor=world.users["leader"], dossier=d, name="Phiếu LLTP", file=pdf("kq.pdf")
    )
    services.dossier_approve(actor=world.users["leader"], dossier=d)
    pin = services.dossier_reset_pin(actor=world.users["desk_centre"], dossier=d)
    d = reload(d)
    result = d.results.get()
    url = reverse("dossiers:lookup_result", args=[d.code, result.pk])
    assert client.get(url).status_code == 404  # not looked up in this session
    response = client.post(URL, {"code": d.code, "pin": pin})
    assert url in response.content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("path", ["/ho-so/tra-cuu/?ma=%00%ff", "/ho-so/tra-cuu/x/ket-qua/1/"])
def test_no_500_on_odd_input(client: Client, world: World, path: str) -> None:
    # a NUL in the query string is refused as a bad request (core.middleware), never a 500
    assert client.get(path).status_code in (200, 400, 404)
