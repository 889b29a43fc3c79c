"""Fixtures for the signing tests: a session-wide test CA and key pairs (RSA-2048 keys are
slow to generate), a temporary PKI directory per test, credentials and a sample document."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.base import ContentFile

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.core.pdf import document_header, render_pdf
from chinhquyen.orgs.models import Organisation
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.signing import pki, services
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.models import CredentialKind, SigningCredential

# One CA, one official's key pair and one token per test process. Test modules elsewhere import
# these fixtures, which makes pytest hold a second definition (and a second session instance)
# of each; the PKCS#11 library reads its configuration once per process, so a second token
# would be invisible to it. Every definition therefore returns the process's single instance.
_ONCE: dict[str, Any] = {}


@pytest.fixture(scope="session")
def ca() -> pki.KeyPair:
    if "ca" not in _ONCE:
        _ONCE["ca"] = pki.make_ca("CA Chính Quyền kiểm thử")
    return cast(pki.KeyPair, _ONCE["ca"])


@pytest.fixture(scope="session")
def person_pair(ca: pki.KeyPair) -> pki.KeyPair:
    if "person_pair" not in _ONCE:
        _ONCE["person_pair"] = pki.issue_certificate(
            ca, common_name="Nguyễn Văn An", email="an@example.vn"
        )
    return cast(pki.KeyPair, _ONCE["person_pair"])


@pytest.fixture(scope="session")
def org_pair(ca: pki.KeyPair) -> pki.KeyPair:
    return pki.issue_certificate(ca, common_name="Sở Tư pháp", organisation="UBND tỉnh Ninh Bình")


@pytest.fixture(scope="session")
def tsa_pair(ca: pki.KeyPair) -> pki.KeyPair:
    return pki.issue_certificate(ca, common_name="TSA kiểm thử", timestamping=True)


@pytest.fixture(scope="session")
def images() -> dict[str, bytes]:
    return {
        "signature": pki.signature_image_png("Nguyễn Văn An"),
        "seal": pki.seal_image_png("Sở Tư pháp", "UBND tỉnh Ninh Bình"),
    }


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return render_pdf(
        "pdf/sample_document.html",
        {
            "header": document_header(
                issuer_parent="UBND tỉnh Ninh Bình",
                issuer="Sở Tư pháp",
                number_notation="15/QĐ-STP",
                place="Ninh Bình",
                issued_on=dt.date(2026, 1, 5),
            ),
            "summary": "Về việc cấp bản sao trích lục hộ tịch",
            "paragraphs": ["Cấp bản sao trích lục khai sinh cho công dân Trần Thị Bình."],
            "recipients": ["Như Điều 2", "Lưu: VT"],
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn An",
        },
    )


@pytest.fixture(autouse=True)
def pki_root(settings, tmp_path: Path, ca: pki.KeyPair, tsa_pair: pki.KeyPair) -> Iterator[Path]:
    """A fresh PKI directory holding the test CA as the "demo CA" (so it is trusted) and the
    sandbox TSA key; no TSA configured, sandbox off, no key loaded."""
    root = tmp_path / "pki"
    passphrase = pki.demo_passphrase()
    for folder, pair in (("ca", ca), ("tsa", tsa_pair)):
        pki.write_private(
            root / folder / f"{folder}.key.pem", pki.private_key_pem(pair.key, passphrase)
        )
        (root / folder / f"{folder}.cert.pem").write_text(pair.certificate_pem)
    settings.SIGNING_PKI_DIR = root
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = False
    signer_cache.invalidate()
    yield root
    signer_cache.invalidate()


def store_p12(root: Path, name: str, pair: pki.KeyPair, ca: pki.KeyPair) -> str:
    relative = f"test/{name}.p12"
    data = pki.pkcs12_bytes(pair, passphrase=pki.demo_passphrase(), chain=[ca.certificate])
    pki.write_private(root / relative, data)
    return relative


def make_credential(
    root: Path,
    ca: pki.KeyPair,
    pair: pki.KeyPair,
    *,
    owner: User | None = None,
    organisation: Organisation | None = None,
    kind: str = CredentialKind.PKCS12,
    image: bytes = b"",
    **fields: object,
) -> SigningCredential:
    name = f"{owner.username if owner else organisation.pk if organisation else 'x'}-{kind}"
    credential = SigningCredential(
        owner=owner,
        organisation=organisation,
        kind=kind,
        label=f"Chứng thư {name}",
        certificate_pem=pair.certificate_pem,
        pkcs12_path=store_p12(root, name, pair, ca),
        passphrase_env=pki.DEMO_PASSPHRASE_ENV,
        **fields,
    )
    if image:
        target = credential.seal_image if organisation else credential.signature_image
        target.save(f"{name}.png", ContentFile(image), save=False)
    return services.credential_save(actor=None, credential=credential)


def remote_account(
    root: Path,
    ca: pki.KeyPair,
    pair: pki.KeyPair,
    *,
    owner: User,
    admin: User,
    user_id: str,
    image: bytes = b"",
) -> Any:
    """An official's remote signing account (SmartCA-style): the sandbox "phone" signs with
    the key of a remote credential, and its certificate is registered and approved (by
    ``admin``) for remote signing. Returns the ``OfficialCertificate``."""
    from chinhquyen.signing import deferred

    make_credential(
        root,
        ca,
        pair,
        owner=owner,
        kind=CredentialKind.REMOTE,
        remote_provider="smartca",
        remote_user_id=user_id,
        image=image,
    )
    cert = deferred.certificate_register(
        actor=owner,
        official=owner,
        certificate_pem=pair.certificate_pem,
        remote_provider="smartca",
        remote_user_id=user_id,
    )
    return deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)


@pytest.fixture
def org(db) -> Organisation:
    return make_org("Sở Tư pháp")


@pytest.fixture
def official(org: Organisation) -> User:
    return make_official(org, Role.LEADER, full_name="Nguyễn Văn An", totp=True)


@pytest.fixture
def personal(pki_root: Path, ca, person_pair, official, images) -> SigningCredential:
    return make_credential(pki_root, ca, person_pair, owner=official, image=images["signature"])


@pytest.fixture
def seal(pki_root: Path, ca, org_pair, org, images) -> SigningCredential:
    return make_credential(pki_root, ca, org_pair, organisation=org, image=images["seal"])


# --- A SoftHSM2 token (PKCS#11) ------------------------------------------------------------

MODULE_CANDIDATES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
MODULE = next((p for p in MODULE_CANDIDATES if Path(p).exists()), None)
TOKEN = "cq-token"
PIN = "123456"


def softhsm_available() -> bool:
    return (
        MODULE is not None
        and bool(shutil.which("softhsm2-util"))
        and bool(shutil.which("pkcs11-tool"))
    )


@pytest.fixture(scope="session")
def token(tmp_path_factory, person_pair):
    """A SoftHSM token holding the test official's key and certificate. Session-scoped: the
    PKCS#11 library reads its configuration once per process (the token tests and the
    signing-agent tests share it)."""
    if "token" in _ONCE:
        yield _ONCE["token"]
        return
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
    _ONCE["token"] = conf
    yield conf
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
