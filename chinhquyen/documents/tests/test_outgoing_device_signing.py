"""The leader signs outgoing documents with his own device (USB token through the signing
agent): prepare through the API, the device signs the digests, complete through the API; the
verified PDF is stored and the documents are signed — a batch with one failing item."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from rest_framework.test import APIClient

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.documents import files
from chinhquyen.documents.models import OutgoingStatus as O
from chinhquyen.signing import deferred
from chinhquyen.signing.verification import verify_pdf

from .helpers import issued

pytestmark = pytest.mark.django_db
PURPOSE = "documents.outgoing_sign"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


@pytest.fixture
def registered(world, credentials, signer_pairs):
    cert = deferred.certificate_register(
        actor=world.leader,
        official=world.leader,
        certificate_pem=signer_pairs["person"].certificate_pem,
    )
    admin = make_official(world.justice, Role.IT_ADMIN, full_name="Quản trị")
    response = api(admin).post(
        f"/api/v1/signing/certificates/{cert.pk}/decide/", {"approve": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    return cert


def test_leader_signs_a_batch_with_his_device(world, registered, signer_pairs):
    documents = [issued(world) for _ in range(3)]
    client = api(world.leader)
    response = client.post(
        "/api/v1/signing/deferred/prepare/",
        {"purpose": PURPOSE, "target_ids": [str(d.pk) for d in documents]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    items = response.json()["items"]
    assert all(item["id"] and item["digest"] for item in items), items

    key = signer_pairs["person"].key
    signatures = []
    for index, item in enumerate(items):
        prepared = deferred.PreparedSignature.objects.get(pk=item["id"])
        assert base64.b64decode(item["digest"]) == bytes(prepared.digest)
        data = bytes(prepared.signed_attrs) if index != 1 else b"another document"
        signatures.append(key.sign(data, padding.PKCS1v15(), hashes.SHA256()))
    response = client.post(
        "/api/v1/signing/deferred/complete/",
        {
            "items": [
                {"id": item["id"], "signature": base64.b64encode(sig).decode()}
                for item, sig in zip(items, signatures, strict=True)
            ],
            "certificate_chain": [signer_pairs["person"].certificate_pem],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    outcome = [(row["ok"], row["code"]) for row in response.json()["items"]]
    assert outcome == [(True, ""), (False, "digest_mismatch"), (True, "")]

    for document, ok in zip(documents, (True, False, True), strict=True):
        document.refresh_from_db()
        if ok:
            assert document.status == O.SIGNED and document.signed_at
            result = verify_pdf(files.read_field(document.pdf_file))
            assert result.valid, result.reason
            assert result.signatures[0].signer == "Lãnh đạo Sở"
        else:
            assert document.status == O.ISSUED and document.signed_at is None


def test_only_the_approving_leader_prepares(world, registered, signer_pairs):
    document = issued(world)
    response = api(world.head).post(
        "/api/v1/signing/deferred/prepare/",
        {"purpose": PURPOSE, "target_ids": [str(document.pk)]},
        format="json",
    )
    # the unit head has no registered certificate: refused before anything is prepared
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_registered_certificate"
    outcomes = deferred.prepare_targets(
        actor=world.leader, purpose=PURPOSE, target_ids=[str(document.pk), "999999"]
    )
    assert outcomes[0].prepared is not None
    assert outcomes[1].code == "not_found"


def test_officer_page_offers_usb_token_signing(world, credentials):
    from django.test import Client
    from django.urls import reverse

    document = issued(world)
    client = Client()
    client.force_login(world.leader)
    page = client.get(reverse("documents:outgoing_detail", args=[document.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ký bằng USB token" in html and "signing/agent" in html
    assert 'data-purpose="documents.outgoing_sign"' in html
    assert "http://127.0.0.1:8765" in page["Content-Security-Policy"]


def test_certificate_page_register_and_approve(world, signer_pairs):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from chinhquyen.signing.models import CertificateStatus, OfficialCertificate

    leader = Client()
    leader.force_login(world.leader)
    url = reverse("signing:certificates")
    pem = signer_pairs["person"].certificate_pem.encode()
    response = leader.post(url, {"certificate": SimpleUploadedFile("token.cer", pem)})
    assert response.status_code == 302
    cert = OfficialCertificate.objects.get(official=world.leader)
    assert cert.status == CertificateStatus.PENDING
    assert leader.post(url, {"action": "approve", "certificate": cert.pk}).status_code == 403

    admin = make_official(world.justice, Role.IT_ADMIN, full_name="Quản trị", totp=True)
    it = Client()
    it.force_login(admin)
    assert cert.subject in it.get(url).content.decode()
    assert it.post(url, {"action": "approve", "certificate": cert.pk}).status_code == 302
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.APPROVED and cert.decided_by == admin
