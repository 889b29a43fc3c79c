"""Loading signing keys (PKCS#12 files, PKCS#11 tokens) and keeping them loaded.

Opening a PKCS#12 file (key derivation) or logging in to a token costs far more than a
signature, so loaded pyHanko signers stay in a process-level cache keyed by the credential
(id, certificate fingerprint, last change): editing a credential makes a new key, and
``invalidate(credential_id)`` drops it at once.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.signers.pdf_cms import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .models import CredentialKind, SigningCredential
from .pki import DEMO_PASSPHRASE_DEFAULT, DEMO_PASSPHRASE_ENV, pki_dir


class KeyUnavailable(Exception):
    """The credential's key cannot be loaded (missing file, wrong passphrase, no token)."""


class FastSimpleSigner(SimpleSigner):
    """pyHanko's SimpleSigner re-parses the private key for every signature; this one parses
    it once (RSA or EC keys)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    @property
    def private_key(self) -> Any:
        """The ``cryptography`` private key (for other signature formats: XML-DSig)."""
        return self._pyca_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism.signature_algo
        key = self._pyca_key
        if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: str | None) -> FastSimpleSigner:
        from cryptography.hazmat.primitives.serialization import pkcs12

        try:
            key, cert, others = pkcs12.load_key_and_certificates(
                data, passphrase.encode("utf-8") if passphrase else None
            )
        except ValueError as exc:
            raise KeyUnavailable("Không mở được tệp khóa: sai mật khẩu hoặc tệp hỏng.") from exc
        if key is None or cert is None:
            raise KeyUnavailable("Tệp khóa không chứa khóa bí mật và chứng thư số.")
        return cls.from_key(key, cert, others)

    @classmethod
    def from_key(cls, key: Any, cert: Any, chain: list[Any] | None = None) -> FastSimpleSigner:
        """From ``cryptography`` objects (a private key, its certificate, the CA chain)."""
        key_der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        store = SimpleCertificateStore()
        store.register_multiple(
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in chain or []
        )
        return cls(
            signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=store,
        )


def secret_from_env(name: str) -> str | None:
    """The secret held in environment variable ``name`` (the demo passphrase has a default)."""
    if not name:
        return None
    value = os.environ.get(name)
    if value is None and name == DEMO_PASSPHRASE_ENV:
        return DEMO_PASSPHRASE_DEFAULT
    return value


def resolve_pkcs12_path(relative: str) -> Path:
    """A PKCS#12 path inside the PKI directory (absolute paths must also be inside it)."""
    base = pki_dir().resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):
        raise KeyUnavailable("Tệp khóa phải nằm trong thư mục khóa của hệ thống.")
    return path


def load_pkcs12_signer(credential: SigningCredential) -> Signer:
    if not credential.pkcs12_path:
        raise KeyUnavailable("Chứng thư chưa khai báo tệp khóa PKCS#12.")
    path = resolve_pkcs12_path(credential.pkcs12_path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyUnavailable("Không tìm thấy tệp khóa của chứng thư.") from exc
    return FastSimpleSigner.from_pkcs12(data, secret_from_env(credential.passphrase_env))


def load_pkcs11_signer(credential: SigningCredential) -> Signer:
    from pkcs11 import PKCS11Error
    from pkcs11.exceptions import UserAlreadyLoggedIn
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    if not credential.pkcs11_module:
        raise KeyUnavailable("Chứng thư chưa khai báo thư viện PKCS#11.")
    pin = secret_from_env(credential.pkcs11_pin_env)
    criteria = TokenCriteria(label=credential.pkcs11_token_label or None)
    try:
        try:
            session = open_pkcs11_session(
                credential.pkcs11_module, token_criteria=criteria, user_pin=pin
            )
        except UserAlreadyLoggedIn:
            # another session of this process is logged in: login state is shared
            session = open_pkcs11_session(credential.pkcs11_module, token_criteria=criteria)
    except (PKCS11Error, OSError, RuntimeError) as exc:
        raise KeyUnavailable(f"Không mở được thiết bị ký: {exc.__class__.__name__}.") from exc
    certificate = asn1_x509.Certificate.load(certificate_der(credential.certificate_pem))
    signer = PKCS11Signer(
        session,
        key_label=credential.pkcs11_key_label or None,
        signing_cert=certificate,
        other_certs_to_pull=None,
    )
    try:
        signer._load_objects()  # find the key now, so a wrong label is reported clearly
    except (PKCS11Error, RuntimeError) as exc:
        session.close()
        raise KeyUnavailable("Không tìm thấy khóa ký trên thiết bị ký.") from exc
    return signer


def certificate_der(pem: str) -> bytes:
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(
        serialization.Encoding.DER
    )


Loader = Callable[[SigningCredential], Signer]

#: How each kind of credential is loaded. A remote credential is loaded here only by the
#: sandbox provider, which holds the official's demo key in a PKCS#12 file.
LOADERS: dict[str, Loader] = {
    CredentialKind.PKCS12: load_pkcs12_signer,
    CredentialKind.PKCS11: load_pkcs11_signer,
    CredentialKind.REMOTE: load_pkcs12_signer,
}


class SignerCache:
    """Loaded signers by credential; thread-safe; counts loads so tests can see reuse."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signers: dict[tuple[int, str, str], Signer] = {}
        self.loads = 0
        self.hits = 0

    def get(self, credential: SigningCredential) -> Signer:
        key = credential.cache_key()
        with self._lock:
            signer = self._signers.get(key)
            if signer is not None:
                self.hits += 1
                return signer
        loader = LOADERS.get(credential.kind)
        if loader is None:
            raise KeyUnavailable("Loại chứng thư này không ký trực tiếp trên máy chủ.")
        signer = loader(credential)
        with self._lock:
            self.loads += 1
            # a changed credential replaces its older entries
            for old in [k for k in self._signers if k[0] == key[0] and k != key]:
                _release(self._signers.pop(old))
            self._signers[key] = signer
        return signer

    def preload(self, credential: SigningCredential, signer: Signer) -> None:
        """Keep ``signer`` as the loaded key of ``credential`` (an unsaved credential made
        from a key file given on the command line: ``sign_pdf --key``)."""
        with self._lock:
            self._signers[credential.cache_key()] = signer

    def invalidate(self, credential_id: int | None = None) -> None:
        with self._lock:
            if credential_id is None:
                dropped = list(self._signers.values())
                self._signers.clear()
            else:
                dropped = [
                    self._signers.pop(k) for k in list(self._signers) if k[0] == credential_id
                ]
        for signer in dropped:
            _release(signer)

    def __len__(self) -> int:
        return len(self._signers)


def _release(signer: Signer) -> None:
    """Close the PKCS#11 session a dropped signer holds: a token stays logged in while any
    session of the process is open, which would keep it busy for other programs."""
    session = getattr(signer, "pkcs11_session", None)
    if session is not None:
        with contextlib.suppress(Exception):  # already closed, or the token was removed
            session.close()


signer_cache = SignerCache()


def get_signer(credential: SigningCredential) -> Signer:
    return signer_cache.get(credential)
