"""Remote signing (SmartCA-style) over HTTP: the adapter talks HTTP to the sandbox service,
which runs in a live server thread and speaks the same protocol — no mock in between."""

from __future__ import annotations

import pytest

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.core.api import DomainError
from chinhquyen.signing import deferred, remote_http
from chinhquyen.signing.models import (
    PreparedSignature,
    PreparedStatus,
    SandboxTransaction,
)
from chinhquyen.signing.tests.conftest import remote_account
from chinhquyen.signing.verification import verify_pdf

pytestmark = pytest.mark.django_db(transaction=True)
USER_ID = "0912345678"


@pytest.fixture
def remote_setup(live_server, settings, pki_root, ca, person_pair, official, org, images):
    settings.SIGNING_SANDBOX = True
    settings.SIGNING_REMOTE_URL = f"{live_server.url}/ky-so/sandbox/ky-tu-xa"
    settings.SIGNING_REMOTE_API_KEY = "khoa-thu-nghiem"
    # the sandbox's "phone" signs with the official's remote credential
    admin = make_official(org, Role.IT_ADMIN, full_name="Quản trị")
    return remote_account(
        pki_root,
        ca,
        person_pair,
        owner=official,
        admin=admin,
        user_id=USER_ID,
        image=images["signature"],
    )


def _prepare(official, pdf, cert, n=1):
    return [
        deferred.prepare(
            actor=official, pdf=pdf, official=official, description=f"QĐ {i}", certificate=cert
        )
        for i in range(n)
    ]


def test_batch_through_the_sandbox_over_http(remote_setup, official, sample_pdf):
    assert deferred.registered_certificate(official, remote=True) == remote_setup
    prepared = _prepare(official, sample_pdf, remote_setup, n=2)
    tid = remote_http.remote_request(
        actor=official, prepared_ids=[p.pk for p in prepared], description="Lô 2 văn bản"
    )
    tx = SandboxTransaction.objects.get(transaction_id=tid)  # created by the HTTP endpoint
    assert tx.user_id == USER_ID and len(tx.digests) == 2
    assert remote_http.remote_poll(actor=official, transaction_id=tid).status == "pending"

    remote_http.sandbox_transaction_decide(actor=official, transaction_id=tid, approve=True)
    outcome = remote_http.remote_poll(actor=official, transaction_id=tid)
    assert outcome.status == "completed"
    assert [i.ok for i in outcome.items] == [True, True], outcome.items
    for p in prepared:
        p.refresh_from_db()
        assert p.status == PreparedStatus.COMPLETED
        assert verify_pdf(bytes(p.signed_pdf)).valid


def test_rejection_on_the_phone(remote_setup, official, sample_pdf):
    [prepared] = _prepare(official, sample_pdf, remote_setup)
    tid = remote_http.remote_request(actor=official, prepared_ids=[prepared.pk], description="x")
    remote_http.sandbox_transaction_decide(actor=official, transaction_id=tid, approve=False)
    outcome = remote_http.remote_poll(actor=official, transaction_id=tid)
    assert outcome.status == "rejected" and "từ chối" in outcome.message
    assert PreparedSignature.objects.get(pk=prepared.pk).status == PreparedStatus.REFUSED


def test_wrong_api_key_and_unreachable_service(remote_setup, official, sample_pdf, settings):
    [prepared] = _prepare(official, sample_pdf, remote_setup)
    # the sandbox checks the key (the same setting configures both sides here)
    stranger = remote_http.RemoteSigningClient(settings.SIGNING_REMOTE_URL, api_key="sai")
    with pytest.raises(DomainError) as exc:
        stranger.request(user_id=USER_ID, digests=[b"0" * 32], algorithm="sha256", description="x")
    assert exc.value.error_code == "remote_refused"
    assert not SandboxTransaction.objects.exists()
    settings.SIGNING_REMOTE_URL = "http://127.0.0.1:9/khong-co"
    with pytest.raises(DomainError) as exc:
        remote_http.remote_request(actor=official, prepared_ids=[prepared.pk], description="x")
    assert exc.value.error_code == "remote_unavailable"
    assert "không phản hồi" in str(exc.value.detail)


def test_usb_certificate_is_not_for_remote(remote_setup, official, sample_pdf, person_pair, ca):
    [prepared] = _prepare(official, sample_pdf, remote_setup)
    other = deferred.OfficialCertificate.objects.filter(pk=remote_setup.pk)
    other.update(remote_user_id="")
    with pytest.raises(DomainError) as exc:
        remote_http.remote_request(actor=official, prepared_ids=[prepared.pk], description="x")
    assert exc.value.error_code == "certificate_mismatch"


def test_remote_through_the_api(remote_setup, official, sample_pdf):
    from rest_framework.test import APIClient

    from chinhquyen.accounts.models import User

    [prepared] = _prepare(official, sample_pdf, remote_setup)
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=official.pk))
    response = client.post(
        "/api/v1/signing/deferred/remote/",
        {"ids": [prepared.pk], "description": "QĐ 1"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    tid = response.json()["transaction_id"]
    poll = client.post(
        "/api/v1/signing/deferred/remote/poll/", {"transaction_id": tid}, format="json"
    )
    assert poll.json()["status"] == "pending"
    remote_http.sandbox_transaction_decide(actor=official, transaction_id=tid, approve=True)
    poll = client.post(
        "/api/v1/signing/deferred/remote/poll/", {"transaction_id": tid}, format="json"
    )
    body = poll.json()
    assert body["status"] == "completed" and body["items"][0]["ok"], body
