"""A key on a PKCS#11 token (SoftHSM2 in a temporary directory) signs like a USB token."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from chinhquyen.signing import services
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.models import CredentialKind, SigningCredential

MODULE_CANDIDATES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
MODULE = next((p for p in MODULE_CANDIDATES if Path(p).exists()), None)
TOKEN = "cq-token"
PIN = "123456"

pytestmark = pytest.mark.skipif(
    MODULE is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"),
    reason="softhsm2 and opensc are installed by scripts/install-system-deps.sh",
)


@pytest.fixture(scope="module")
def token(tmp_path_factory, person_pair):
    """A SoftHSM token holding the test official's key and certificate. Module-scoped: the
    PKCS#11 library reads its configuration once per process."""
    tmp_path = tmp_path_factory.mktemp("softhsm")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    saved = {name: os.environ.get(name) for name in ("SOFTHSM2_CONF", "CQ_TEST_TOKEN_PIN")}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ}
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--so-pin",
            "87654321",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    key_der = tmp_path / "key.der"
    key_der.write_bytes(
        person_pair.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_der = tmp_path / "cert.der"
    cert_der.write_bytes(person_pair.certificate.public_bytes(serialization.Encoding.DER))
    for path, kind in ((key_der, "privkey"), (cert_der, "cert")):
        subprocess.run(
            [
                "pkcs11-tool",
                "--module",
                MODULE,
                "--token-label",
                TOKEN,
                "--login",
                "--pin",
                PIN,
                "--write-object",
                str(path),
                "--type",
                kind,
                "--id",
                "01",
                "--label",
                "signer",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
    key_der.unlink()
    os.environ["CQ_TEST_TOKEN_PIN"] = PIN
    yield conf
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
