"""PKCS#11 access for the agent (python-pkcs11): list certificates, sign digests.

A digest is signed as the token would sign the data: RSA keys with ``CKM_RSA_PKCS`` over the
DER ``DigestInfo`` (PKCS#1 v1.5), EC keys with ``CKM_ECDSA`` (the signature returned in DER).
A batch of digests is signed in one logged-in session: one PIN entry.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

# DER prefix of DigestInfo for each supported algorithm (RFC 8017, section 9.2, note 1)
DIGEST_INFO_PREFIX = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
DIGEST_SIZE = {"sha256": 32, "sha384": 48, "sha512": 64}


class AgentError(Exception):
    """An error reported to the browser as ``{"error": {"code", "message"}}``."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class TokenCertificate:
    id: str  # SHA-256 fingerprint of the certificate (hex)
    label: str
    token_label: str
    key_id: bytes
    der: bytes

    def describe(self) -> dict[str, Any]:
        cert = x509.load_der_x509_certificate(self.der)
        return {
            "id": self.id,
            "label": self.label,
            "token": self.token_label,
            "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "serial": format(cert.serial_number, "x"),
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "pem": cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        }


class Pkcs11Backend:
    """One PKCS#11 module; one signing operation at a time (tokens are single-threaded)."""

    def __init__(self, module: str, token_label: str | None = None) -> None:
        self.module = module
        self.token_label = token_label
        self._lock = threading.Lock()

    def _lib(self) -> Any:
        import pkcs11

        try:
            return pkcs11.lib(self.module)
        except Exception as exc:  # the module cannot be loaded: report it, do not crash
            raise AgentError(
                "module_unavailable",
                "Không nạp được thư viện PKCS#11 của thiết bị ký.",
                503,
            ) from exc

    def _tokens(self) -> list[Any]:
        from pkcs11 import TokenFlag

        lib = self._lib()
        tokens = []
        for slot in lib.get_slots(token_present=True):
            token = slot.get_token()
            if not token.flags & TokenFlag.TOKEN_INITIALIZED:
                continue  # an empty slot (SoftHSM always offers one)
            if self.token_label and token.label != self.token_label:
                continue
            tokens.append(token)
        if not tokens:
            raise AgentError("token_absent", "Chưa cắm thiết bị ký (USB token).", 503)
        return tokens

    def certificates(self) -> list[TokenCertificate]:
        from pkcs11 import Attribute, ObjectClass

        found: list[TokenCertificate] = []
        with self._lock:
            for token in self._tokens():
                with token.open() as session:
                    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                        der = bytes(obj[Attribute.VALUE])
                        found.append(
                            TokenCertificate(
                                id=hashlib.sha256(der).hexdigest(),
                                label=str(obj[Attribute.LABEL]),
                                token_label=str(token.label),
                                key_id=bytes(obj[Attribute.ID]),
                                der=der,
                            )
                        )
        return found

    def sign(
        self, certificate_id: str, digests: list[bytes], algorithm: str, pin: str | None
    ) -> tuple[list[bytes], TokenCertificate]:
        """Sign every digest with the key of ``certificate_id`` in one logged-in session."""
        from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
        from pkcs11.exceptions import PinIncorrect, PinLenRange, PinLocked, UserAlreadyLoggedIn
        from pkcs11.util.ec import encode_ecdsa_signature

        if algorithm not in DIGEST_INFO_PREFIX:
            raise AgentError("unsupported_algorithm", "Thuật toán băm không được hỗ trợ.")
        if any(len(d) != DIGEST_SIZE[algorithm] for d in digests):
            raise AgentError("bad_digest", "Độ dài giá trị băm không đúng với thuật toán.")
        chosen = next((c for c in self.certificates() if c.id == certificate_id), None)
        if chosen is None:
            raise AgentError("unknown_certificate", "Không có chứng thư số này trên thiết bị.", 404)
        with self._lock:
            token = next(t for t in self._tokens() if t.label == chosen.token_label)
            try:
                session = token.open(user_pin=pin) if pin else token.open()
            except UserAlreadyLoggedIn as exc:  # another program holds a logged-in session
                raise AgentError(
                    "token_busy", "Thiết bị ký đang được phần mềm khác sử dụng.", 409
                ) from exc
            except (PinIncorrect, PinLenRange) as exc:
                raise AgentError(
                    "pin_incorrect", "Mã PIN của thiết bị ký không đúng.", 403
                ) from exc
            except PinLocked as exc:
                raise AgentError("pin_locked", "Thiết bị ký đã bị khóa mã PIN.", 403) from exc
            with session:
                keys = list(
                    session.get_objects(
                        {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: chosen.key_id}
                    )
                )
                if not keys:
                    if not pin:
                        raise AgentError("pin_required", "Cần nhập mã PIN của thiết bị ký.", 401)
                    raise AgentError(
                        "key_absent", "Không tìm thấy khóa ký của chứng thư trên thiết bị.", 404
                    )
                key = keys[0]
                signatures = []
                for digest in digests:
                    if key.key_type == KeyType.EC:
                        raw = key.sign(digest, mechanism=Mechanism.ECDSA)
                        signatures.append(encode_ecdsa_signature(raw))
                    else:
                        data = DIGEST_INFO_PREFIX[algorithm] + digest
                        signatures.append(bytes(key.sign(data, mechanism=Mechanism.RSA_PKCS)))
        return signatures, chosen


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(value: object) -> bytes:
    if not isinstance(value, str):
        raise AgentError("bad_request", "Giá trị băm phải là chuỗi base64.")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise AgentError("bad_request", "Giá trị băm phải là chuỗi base64.") from exc
