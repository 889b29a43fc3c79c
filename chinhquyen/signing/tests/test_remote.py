"""Remote signing through the sandbox provider: request → the official confirms on the
"Xác nhận ký số" page → the system polls → the finished PDF verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.core.api import DomainError
from chinhquyen.signing import remote, services
from chinhquyen.signing.models import CredentialKind, RemoteRequestStatus, RemoteSigningRequest

from .conftest import make_credential


@pytest.fixture
def remote_credential(pki_root, ca, person_pair, official, images):
    return make_credential(
        pki_root,
        ca,
        person_pair,
        owner=official,
        kind=CredentialKind.REMOTE,
        image=images["signature"],
        remote_provider="sandbox",
        remote_user_id=official.username,
    )


def start(credential, pdf, requester=None):
    return services.remote_signing_start(
        actor=requester,
        pdf=pdf,
        credential=credential,
        mode="personal",
        description="Quyết định số 15/QĐ-STP",
        reason="Phê duyệt",
    )


def test_remote_signing_sandbox_flow(
    client, settings, org, official, remote_credential, sample_pdf
):
    settings.SIGNING_SANDBOX = True
    clerk = make_official(org, Role.CLERK, totp=True)
    request = start(remote_credential, sample_pdf, requester=clerk)
    assert request.status == RemoteRequestStatus.PENDING
    assert request.provider == "sandbox" and request.requested_by == clerk
    assert len(request.digest) == 32

    # nothing to finish yet
    polled = services.remote_signing_poll(actor=clerk, request_id=request.pk)
    assert polled.status == RemoteRequestStatus.PENDING and polled.signed_pdf is None

    url = reverse("signing:confirm", args=[request.pk])
    # another official may not confirm with someone else's key
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    # the owner sees the request and approves it
    client.force_login(official)
    page = client.get(url)
    assert page.status_code == 200
    assert "Quyết định số 15/QĐ-STP" in page.content.decode()
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    assert client.get(url).content.decode().count("Đã xác nhận ký số.") == 1

    done = services.remote_signing_poll(actor=clerk, request_id=request.pk)
    assert done.status == RemoteRequestStatus.COMPLETED
    result = services.verify_pdf(bytes(done.signed_pdf))
    assert result.valid, result.reason
    assert result.signatures[0].signer == "Nguyễn Văn An"
    # a second decision is refused
    again = client.post(url, {"decision": "reject"})
    assert again.status_code == 400
    assert "đã được xử lý" in again.content.decode()


def test_rejected_and_expired_requests(client, settings, official, remote_credential, sample_pdf):
    settings.SIGNING_SANDBOX = True
    rejected = start(remote_credential, sample_pdf)
    client.force_login(official)
    client.post(reverse("signing:confirm", args=[rejected.pk]), {"decision": "reject"})
    polled = services.remote_signing_poll(actor=None, request_id=rejected.pk)
    assert polled.status == RemoteRequestStatus.REJECTED and polled.signed_pdf is None

    late = start(remote_credential, sample_pdf)
    RemoteSigningRequest.objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.remote_signing_poll(actor=None, request_id=late.pk).status == (
        RemoteRequestStatus.EXPIRED
    )
    with pytest.raises(DomainError, match="đã được xử lý"):
        remote.sandbox_decide(actor=official, request_id=late.pk, approve=True)


def test_confirm_page_needs_the_sandbox_and_a_login(
    client, settings, official, remote_credential, sample_pdf
):
    settings.SIGNING_SANDBOX = True
    request = start(remote_credential, sample_pdf)
    url = reverse("signing:confirm", args=[request.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    settings.SIGNING_SANDBOX = False
    client.force_login(official)
    assert client.get(url).status_code == 404
    with pytest.raises(DomainError, match="SIGNING_SANDBOX"):
        start(remote_credential, sample_pdf)


def test_unknown_provider_and_non_remote_credential(
    settings, personal, remote_credential, sample_pdf
):
    settings.SIGNING_SANDBOX = True
    with pytest.raises(DomainError, match="không dùng để ký từ xa"):
        start(personal, sample_pdf)
    remote_credential.remote_provider = "smartca"
    with pytest.raises(DomainError, match="«smartca»"):
        start(remote_credential, sample_pdf)
    with pytest.raises(DomainError, match="yêu cầu xác nhận"):
        services.sign_pdf(pdf=sample_pdf, credential=remote_credential, mode="personal")
    assert "sandbox" in remote.provider_names()
