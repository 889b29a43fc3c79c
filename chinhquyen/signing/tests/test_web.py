"""The public verification page and API, the sandbox TSA endpoint, the admin."""

from __future__ import annotations

import hashlib

import pytest
from asn1crypto import algos, tsp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.signing import services
from chinhquyen.signing.forms import VERIFY_MAX_BYTES

API = "/api/v1/signing/verify/"


@pytest.fixture
def signed(personal, sample_pdf):
    return services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")


def upload(data: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_verify_page_shows_the_verdict(client, signed):
    page = client.get(reverse("signing:verify"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kiểm tra chữ ký số trên văn bản" in html
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html

    response = client.post(reverse("signing:verify"), {"file": upload(signed)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hợp lệ." in html and "Nguyễn Văn An" in html

    tampered = signed[:-40] + b"% sua doi\n" + signed[-30:]
    response = client.post(reverse("signing:verify"), {"file": upload(tampered)})
    assert "Không hợp lệ." in response.content.decode()


def test_verify_page_rejects_what_is_not_a_pdf(client, db):
    response = client.post(
        reverse("signing:verify"), {"file": upload(b"MZ\x90\x00 an executable", "a.pdf")}
    )
    assert response.status_code == 400
    assert "không phải là tệp PDF" in response.content.decode()
    response = client.post(reverse("signing:verify"), {})
    assert response.status_code == 400
    assert "Vui lòng chọn tệp PDF cần kiểm tra." in response.content.decode()


def test_api_verify_is_public(client, signed):
    response = client.post(API, {"file": upload(signed)})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["reason"].startswith("Văn bản có chữ ký số hợp lệ")
    [sig] = body["signatures"]
    assert sig["signer"] == "Nguyễn Văn An" and sig["coverage"] == "ENTIRE_FILE"
    assert sig["docmdp_ok"] is True and sig["problem"] == ""


def test_api_verify_invalid_pdf_is_200_with_valid_false(client, db, sample_pdf):
    response = client.post(API, {"file": upload(sample_pdf)})
    assert response.status_code == 200
    assert response.json() == {
        "valid": False,
        "reason": "Tệp không có chữ ký số.",
        "signatures": [],
    }


def test_api_verify_bad_input_is_a_structured_400(client, db, monkeypatch):
    response = client.post(API, {"file": upload(b"just text", "x.pdf")})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["fields"]["file"] == ["Tệp đã chọn không phải là tệp PDF."]

    response = client.post(API, {})
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]

    monkeypatch.setattr("chinhquyen.signing.forms.VERIFY_MAX_BYTES", 10)
    response = client.post(API, {"file": upload(b"%PDF-1.7\n" + b"0" * 20)})
    assert response.status_code == 400
    assert "tối đa 20 MB" in response.json()["error"]["fields"]["file"][0]
    assert VERIFY_MAX_BYTES == 20 * 1024 * 1024


def test_api_verify_is_throttled_for_anonymous_callers(client, db, monkeypatch, sample_pdf):
    from django.core.cache import cache

    from chinhquyen.signing.api.views import VerifyAnonThrottle

    cache.clear()
    # the class attribute is restored after the test (resetting it from api_settings while the
    # settings were still overridden leaked "2/min" into every later test of the worker)
    monkeypatch.setattr(
        VerifyAnonThrottle,
        "THROTTLE_RATES",
        {**VerifyAnonThrottle.THROTTLE_RATES, "signing_verify": "2/min"},
    )
    try:
        codes = [client.post(API, {"file": upload(sample_pdf)}).status_code for _ in range(3)]
    finally:
        cache.clear()
    assert codes == [200, 200, 429]


def _tsq(data: bytes) -> bytes:
    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": tsp.MessageImprint(
                {
                    "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                    "hashed_message": hashlib.sha256(data).digest(),
                }
            ),
            "nonce": 12345,
            "cert_req": True,
        }
    ).dump()


def test_sandbox_tsa_endpoint(client, settings, db):
    url = reverse("signing:sandbox_tsa")
    assert url == "/ky-so/sandbox/tsa/"
    query = _tsq(b"van ban")
    assert client.post(url, query, content_type="application/timestamp-query").status_code == 404

    settings.SIGNING_SANDBOX = True
    response = client.post(url, query, content_type="application/timestamp-query")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    info = reply["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == hashlib.sha256(b"van ban").digest()
    assert info["nonce"].native == 12345

    assert (
        client.post(url, b"garbage", content_type="application/timestamp-query").status_code == 400
    )
    assert client.post(url, query, content_type="application/json").status_code == 415
    assert client.get(url).status_code == 405


def test_admin_lists_credentials_and_trust_roots(client, personal, seal):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for name in ("signingcredential", "trustroot", "remotesigningrequest"):
        response = client.get(reverse(f"admin:signing_{name}_changelist"))
        assert response.status_code in (200, 302), name
