"""The official confirms each personal signature with the secret of his signing method.

Nothing is signed in one click: before the server uses an official's key, he types the
PKCS#12 file's passphrase (checked by opening the file with it) or his token's PIN (checked
against the token's PIN). Remote signing is confirmed on the official's phone instead (see
``remote``), so it needs no secret here. Wrong secrets are counted per official: after
``MAX_FAILURES`` within ``LOCK_SECONDS`` signing is refused until the period ends.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from chinhquyen.core.api import DomainError

from .keys import KeyUnavailable, resolve_pkcs12_path, secret_from_env
from .models import CredentialKind, SigningCredential
from .pki import DEMO_PASSPHRASE_ENV, demo_passphrase

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class Method:
    """What the signing form asks for: the secret's name, and the demo's hint."""

    label: str
    prompt: str
    demo_hint: str = ""


def method_for(credential: SigningCredential) -> Method:
    if credential.kind == CredentialKind.PKCS11:
        return Method(
            label=f"Thiết bị ký (USB token) «{credential.label}»",
            prompt="Mã PIN của thiết bị ký",
        )
    hint = ""
    if credential.passphrase_env == DEMO_PASSPHRASE_ENV and getattr(
        settings, "SIGNING_SANDBOX", False
    ):
        hint = (
            f"Bản trình diễn: mật khẩu tệp khóa của các tài khoản mẫu là «{demo_passphrase()}» "
            f"(biến môi trường {DEMO_PASSPHRASE_ENV})."
        )
    return Method(
        label=f"Tệp khóa PKCS#12 «{credential.label}»",
        prompt="Mật khẩu (PIN) tệp khóa ký số",
        demo_hint=hint,
    )


def _key(user_id: int) -> str:
    return f"signing:pin-failures:{user_id}"


def _pkcs12_opens(credential: SigningCredential, secret: str) -> bool:
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        data = resolve_pkcs12_path(credential.pkcs12_path).read_bytes()
    except (OSError, KeyUnavailable) as exc:
        raise DomainError("Không tìm thấy tệp khóa của chứng thư.", code="key_unavailable") from exc
    try:
        pkcs12.load_key_and_certificates(data, secret.encode("utf-8"))
    except (ValueError, TypeError):
        return False
    return True


def _secret_matches(credential: SigningCredential, secret: str) -> bool:
    if credential.kind == CredentialKind.PKCS12:
        return _pkcs12_opens(credential, secret)
    if credential.kind == CredentialKind.PKCS11:
        expected = secret_from_env(credential.pkcs11_pin_env) or ""
        return bool(expected) and hmac.compare_digest(expected.encode(), secret.encode())
    raise DomainError(
        "Chứng thư ký từ xa được xác nhận trên điện thoại, không bằng mã PIN.",
        code="remote_credential",
    )


def check_secret(*, user_id: int, credential: SigningCredential, secret: str | None) -> None:
    """Raise a Vietnamese ``DomainError`` unless ``secret`` unlocks ``credential``."""
    failures = int(cache.get(_key(user_id)) or 0)
    if failures >= MAX_FAILURES:
        raise DomainError(
            f"Nhập sai mã PIN ký số {MAX_FAILURES} lần: tạm khóa ký số "
            f"{LOCK_SECONDS // 60} phút, vui lòng thử lại sau.",
            code="pin_locked",
            status_code=429,
        )
    if not (secret or "").strip():
        raise DomainError(
            f"Vui lòng nhập {method_for(credential).prompt.lower()} để xác nhận ký.",
            code="pin_required",
        )
    if not _secret_matches(credential, secret or ""):
        if cache.add(_key(user_id), 1, timeout=LOCK_SECONDS):
            failures = 1
        else:
            try:
                failures = cache.incr(_key(user_id))
            except ValueError:
                failures = 1
        left = MAX_FAILURES - failures
        raise DomainError(
            "Mã PIN (mật khẩu) ký số không đúng."
            + (f" Còn {left} lần thử." if left > 0 else " Ký số tạm khóa."),
            code="pin_invalid",
        )
    cache.delete(_key(user_id))
