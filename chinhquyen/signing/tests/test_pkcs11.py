"""A key on a PKCS#11 token (SoftHSM2 in a temporary directory) signs like a USB token."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from chinhquyen.signing import services
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.models import CredentialKind, SigningCredential
from chinhquyen.signing.tests.conftest import MODULE, PIN, TOKEN

pytestmark = pytest.mark.skipif(
    MODULE is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"),
    reason="softhsm2 and opensc are installed by scripts/install-system-deps.sh",
)


def test_signing_with_a_pkcs11_token(tmp_path, token, official, person_pair, images, sample_pdf):
    credential = SigningCredential(
        owner=official,
        kind=CredentialKind.PKCS11,
        label="USB token",
        certificate_pem=person_pair.certificate_pem,
        pkcs11_module=MODULE,
        pkcs11_token_label=TOKEN,
        pkcs11_key_label="signer",
        pkcs11_pin_env="CQ_TEST_TOKEN_PIN",
    )
    credential = services.credential_save(actor=None, credential=credential)

    loads_before = signer_cache.loads
    first = services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")
    second = services.sign_pdf(pdf=first, credential=credential, mode="personal")
    assert signer_cache.loads - loads_before == 1  # the token session stays open between signatures

    result = services.verify_pdf(second)
    assert result.valid, result.reason
    assert [s.signer for s in result.signatures] == ["Nguyễn Văn An", "Nguyễn Văn An"]

    path = tmp_path / "token-signed.pdf"
    path.write_bytes(second)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert out.stdout.count("Signature Validation: Signature is Valid.") == 2

    # a changed credential opens the token again (while the first session is still logged in)
    credential.label = "USB token (đổi tên)"
    services.credential_save(actor=None, credential=credential)
    third = services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")
    assert signer_cache.loads - loads_before == 2
    assert services.verify_pdf(third).valid
    signer_cache.invalidate()

    # dropping the signers closed their sessions: the token is no longer logged in, so another
    # program (the officials' signing agent) can log in with the PIN
    import pkcs11

    lib = pkcs11.lib(MODULE)
    with lib.get_token(token_label=TOKEN).open(user_pin=PIN) as session:
        assert list(session.get_objects({pkcs11.Attribute.LABEL: "signer"}))


def test_wrong_token_label_is_a_clear_error(token, official, person_pair, sample_pdf):
    credential = services.credential_save(
        actor=None,
        credential=SigningCredential(
            owner=official,
            kind=CredentialKind.PKCS11,
            label="USB token",
            certificate_pem=person_pair.certificate_pem,
            pkcs11_module=MODULE,
            pkcs11_token_label="khong-co",
            pkcs11_key_label="signer",
            pkcs11_pin_env="CQ_TEST_TOKEN_PIN",
        ),
    )
    with pytest.raises(services.DomainError, match="Không mở được thiết bị ký"):
        services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")


def test_wrong_key_label_is_a_clear_error(token, official, person_pair, sample_pdf):
    credential = services.credential_save(
        actor=None,
        credential=SigningCredential(
            owner=official,
            kind=CredentialKind.PKCS11,
            label="USB token",
            certificate_pem=person_pair.certificate_pem,
            pkcs11_module=MODULE,
            pkcs11_token_label=TOKEN,
            pkcs11_key_label="khong-co-khoa",
            pkcs11_pin_env="CQ_TEST_TOKEN_PIN",
        ),
    )
    with pytest.raises(services.DomainError, match="Không tìm thấy khóa ký"):
        services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal")
