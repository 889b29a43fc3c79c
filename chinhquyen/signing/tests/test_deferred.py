"""Two-step signing with the official's own device: every refusal, expiry, the registered
certificate rule and a batch with one failing item."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.audit.models import SecurityEvent
from chinhquyen.core.api import DomainError
from chinhquyen.signing import deferred, pki
from chinhquyen.signing.models import (
    CertificateStatus,
    OfficialCertificate,
    PreparedSignature,
    PreparedStatus,
)
from chinhquyen.signing.verification import verify_pdf

pytestmark = pytest.mark.django_db


def device_sign(pair: pki.KeyPair, digest_input: bytes) -> bytes:
    """What a token does: RSA PKCS#1 v1.5 over SHA-256 of the signed attributes."""
    return pair.key.sign(digest_input, padding.PKCS1v15(), hashes.SHA256())


@pytest.fixture
def admin(org) -> User:
    return make_official(org, Role.IT_ADMIN, full_name="Quản trị")


@pytest.fixture
def approved(official, admin, person_pair) -> OfficialCertificate:
    cert = deferred.certificate_register(
        actor=official, official=official, certificate_pem=person_pair.certificate_pem
    )
    return deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)


def _prepare(official, sample_pdf, **kw) -> PreparedSignature:
    return deferred.prepare(
        actor=official, pdf=sample_pdf, official=official, description="QĐ 15", **kw
    )


def _refused_event(code: str) -> bool:
    return SecurityEvent.objects.filter(
        detail__action="signature_refused", detail__code=code
    ).exists()


def test_prepare_sign_complete_verifies(approved, official, sample_pdf, person_pair, ca, tmp_path):
    prepared = _prepare(official, sample_pdf)
    assert prepared.status == PreparedStatus.PENDING
    assert len(bytes(prepared.digest)) == 32
    signature = device_sign(person_pair, bytes(prepared.signed_attrs))
    done = deferred.complete(
        actor=official,
        prepared_id=prepared.pk,
        signature=signature,
        certificates=[person_pair.certificate_pem],
    )
    assert done.status == PreparedStatus.COMPLETED
    signed = bytes(done.signed_pdf)
    result = verify_pdf(signed)
    assert result.valid, result.reason
    [sig] = result.signatures
    assert (sig.signer, sig.coverage, sig.docmdp_ok) == ("Nguyễn Văn An", "ENTIRE_FILE", True)
    if shutil.which("pdfsig"):
        path = tmp_path / "signed.pdf"
        path.write_bytes(signed)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
        assert "Signature Validation: Signature is Valid." in out.stdout, out.stdout
        assert "Total document signed" in out.stdout


def test_registered_certificate_rule(official, admin, sample_pdf, person_pair):
    with pytest.raises(DomainError) as exc:
        _prepare(official, sample_pdf)
    assert exc.value.error_code == "no_registered_certificate"
    cert = deferred.certificate_register(
        actor=official, official=official, certificate_pem=person_pair.certificate_pem
    )
    assert cert.status == CertificateStatus.PENDING
    with pytest.raises(DomainError):  # pending: not usable yet
        _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:  # only an administrator approves
        deferred.certificate_decide(actor=official, certificate_id=cert.pk, approve=True)
    assert exc.value.error_code == "permission_denied"
    deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)
    assert _prepare(official, sample_pdf).certificate_id == cert.pk


def test_expired_preparation_refused(approved, official, sample_pdf, person_pair):
    prepared = _prepare(official, sample_pdf)
    PreparedSignature.objects.filter(pk=prepared.pk).update(
        expires_at=prepared.created_at - dt.timedelta(seconds=1)
    )
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "prepared_expired"
    assert "hết hạn" in str(exc.value.detail)
    prepared.refresh_from_db()
    assert prepared.status == PreparedStatus.EXPIRED
    assert _refused_event("prepared_expired")


def test_signature_over_other_digest_refused(approved, official, sample_pdf, person_pair):
    prepared = _prepare(official, sample_pdf)
    other = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(other.signed_attrs)),
        )
    assert exc.value.error_code == "digest_mismatch"
    prepared.refresh_from_db()
    assert prepared.status == PreparedStatus.REFUSED
    assert _refused_event("digest_mismatch")
    with pytest.raises(DomainError) as exc:  # one shot: a refused preparation stays refused
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "not_pending"


def test_other_certificate_refused(approved, official, sample_pdf, ca):
    stranger = pki.issue_certificate(ca, common_name="Người khác")
    prepared = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(stranger, bytes(prepared.signed_attrs)),
            certificates=[stranger.certificate_pem],
        )
    assert exc.value.error_code == "certificate_mismatch"
    assert "chứng thư số khác" in str(exc.value.detail)
    assert _refused_event("certificate_mismatch")


def test_other_key_without_chain_refused(approved, official, sample_pdf, ca):
    stranger = pki.issue_certificate(ca, common_name="Người khác")
    prepared = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(stranger, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "digest_mismatch"


def test_untrusted_certificate_refused(official, admin, sample_pdf):
    rogue_ca = pki.make_ca("CA không tin cậy")
    rogue = pki.issue_certificate(rogue_ca, common_name="Nguyễn Văn An")
    cert = deferred.certificate_register(
        actor=official, official=official, certificate_pem=rogue.certificate_pem
    )
    deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)
    prepared = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(rogue, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "certificate_untrusted"
    assert "tin cậy" in str(exc.value.detail)
    assert _refused_event("certificate_untrusted")


def test_expired_certificate_refused(approved, official, sample_pdf, person_pair):
    prepared = _prepare(official, sample_pdf)
    # the certificate ran out between preparation and the device's answer
    OfficialCertificate.objects.filter(pk=approved.pk).update(
        certificate_pem=pki.issue_certificate(
            pki.make_ca("x"),
            common_name="x",
            key=person_pair.key,
            valid_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            valid_to=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
        ).certificate_pem
    )
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "certificate_expired"
    assert _refused_event("certificate_expired")


def test_revoked_certificate_refused_by_crl(
    approved, official, sample_pdf, person_pair, ca, settings, tmp_path: Path
):
    now = dt.datetime.now(dt.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=1))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(person_pair.certificate.serial_number)
            .revocation_date(now - dt.timedelta(minutes=5))
            .build()
        )
        .sign(ca.key, hashes.SHA256())
    )
    path = tmp_path / "ca.crl"
    path.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    settings.SIGNING_CRL_FILES = str(path)
    prepared = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "certificate_revoked"
    assert "thu hồi" in str(exc.value.detail)
    assert _refused_event("certificate_revoked")


def test_revoked_by_administrator_refused(approved, official, admin, sample_pdf, person_pair):
    prepared = _prepare(official, sample_pdf)
    deferred.certificate_revoke(actor=admin, certificate_id=approved.pk)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
        )
    assert exc.value.error_code == "certificate_revoked"


def test_only_the_official_completes(approved, official, admin, sample_pdf, person_pair):
    prepared = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=admin,
            prepared_id=prepared.pk,
            signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
        )
    assert exc.value.status_code == 404


def test_batch_with_one_failing_item(approved, official, sample_pdf, person_pair):
    prepared = [_prepare(official, sample_pdf) for _ in range(3)]
    signatures = [device_sign(person_pair, bytes(p.signed_attrs)) for p in prepared]
    signatures[1] = device_sign(person_pair, b"something else")
    outcomes = deferred.complete_batch(
        actor=official,
        items=[(p.pk, s) for p, s in zip(prepared, signatures, strict=True)],
        certificates=[person_pair.certificate_pem],
    )
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].code == "digest_mismatch"
    statuses = [PreparedSignature.objects.get(pk=p.pk).status for p in prepared]
    assert statuses == [PreparedStatus.COMPLETED, PreparedStatus.REFUSED, PreparedStatus.COMPLETED]


def test_completion_hook_runs_after_verification(approved, official, sample_pdf, person_pair):
    seen: list[tuple[int, bool]] = []
    deferred.register_completion_hook(
        "test-hook", lambda prepared, pdf: seen.append((prepared.pk, verify_pdf(pdf).valid))
    )
    prepared = _prepare(official, sample_pdf, purpose="test-hook", target=official)
    deferred.complete(
        actor=official,
        prepared_id=prepared.pk,
        signature=device_sign(person_pair, bytes(prepared.signed_attrs)),
    )
    assert seen == [(prepared.pk, True)]
    assert prepared.target_id == str(official.pk)


def test_cms_signature_from_remote_service(approved, official, sample_pdf, person_pair, ca):
    """A remote service returns a CMS over the document digest."""
    import asyncio

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            person_pair.certificate.public_bytes(serialization.Encoding.DER)
        ),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            person_pair.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore(),
    )

    def cms_over(digest: bytes) -> bytes:
        return asyncio.run(
            signer.async_sign(
                digest,
                "sha256",
                use_pades=True,
                signed_attr_settings=PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC)),
            )
        ).dump()

    prepared = _prepare(official, sample_pdf)
    wrong = _prepare(official, sample_pdf)
    with pytest.raises(DomainError) as exc:
        deferred.complete(
            actor=official,
            prepared_id=wrong.pk,
            signature=cms_over(b"\x00" * 32),
            signature_format="cms",
        )
    assert exc.value.error_code == "digest_mismatch"
    done = deferred.complete(
        actor=official,
        prepared_id=prepared.pk,
        signature=cms_over(bytes(prepared.document_digest)),
        signature_format="cms",
    )
    assert verify_pdf(bytes(done.signed_pdf)).valid


def test_administrators_decide_within_their_part_of_the_tree(official, org, person_pair):
    from chinhquyen.orgs.tests.factories import make_org

    province = make_org("UBND tỉnh")
    sibling = make_org("Sở Xây dựng", parent=province)
    outsider = make_official(sibling, Role.IT_ADMIN, full_name="Quản trị Sở khác")
    root_admin = make_official(province, Role.IT_ADMIN, full_name="Quản trị tỉnh")
    cert = deferred.certificate_register(
        actor=official, official=official, certificate_pem=person_pair.certificate_pem
    )
    org.parent = province
    org.save()
    official_in_child = make_official(
        make_org("Phòng HCTP", parent=org), Role.LEADER, full_name="Lãnh đạo phòng"
    )
    assert not deferred.may_decide_for(outsider, official_in_child)
    with pytest.raises(DomainError) as exc:
        deferred.certificate_decide(actor=outsider, certificate_id=cert.pk, approve=True)
    assert exc.value.status_code == 403
    assert deferred.may_decide_for(root_admin, official_in_child)
    assert deferred.certificate_decide(actor=root_admin, certificate_id=cert.pk, approve=True)
