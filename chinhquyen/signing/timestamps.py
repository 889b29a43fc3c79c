"""Timestamps for signatures: the RFC 3161 client for ``SIGNING_TSA_URL`` (PAdES B-T) and the
local sandbox TSA (``SIGNING_TSA_URL=sandbox`` with ``SIGNING_SANDBOX``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chinhquyen.core.api import DomainError

from . import pki


def sandbox_enabled() -> bool:
    return bool(getattr(settings, "SIGNING_SANDBOX", False))


@lru_cache(maxsize=4)
def _sandbox_tsa(key_path: str, cert_path: str, ca_path: str, mtime: float) -> TimeStamper:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    pair = pki.load_key_pair(Path(key_path), Path(cert_path), pki.demo_passphrase())
    key_der = pair.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    embed = SimpleCertificateStore()
    if Path(ca_path).exists():
        embed.register(asn1_x509.Certificate.load(_der(Path(ca_path).read_bytes())))
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(
            pair.certificate.public_bytes(serialization.Encoding.DER)
        ),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
        certs_to_embed=embed,
    )


def _der(data: bytes) -> bytes:
    return pki.load_certificate(data).public_bytes(serialization.Encoding.DER)


def sandbox_timestamper() -> TimeStamper:
    """The local sandbox TSA (the demo TSA certificate made by ``signing_setup_demo``)."""
    base = pki.pki_dir()
    key_path, cert_path = base / "tsa" / "tsa.key.pem", base / "tsa" / "tsa.cert.pem"
    if not key_path.exists() or not cert_path.exists():
        raise DomainError(
            "Chưa có chứng thư của dịch vụ cấp dấu thời gian thử nghiệm "
            "(chạy lệnh signing_setup_demo).",
            code="tsa_unavailable",
        )
    return _sandbox_tsa(
        str(key_path), str(cert_path), str(base / "ca" / "ca.cert.pem"), cert_path.stat().st_mtime
    )


def get_timestamper() -> TimeStamper | None:
    """The RFC 3161 timestamp client for ``SIGNING_TSA_URL`` (None when not configured; the
    value ``sandbox`` uses the local sandbox TSA in-process)."""
    url = str(getattr(settings, "SIGNING_TSA_URL", "") or "").strip()
    if not url:
        return None
    if url == "sandbox":
        if not sandbox_enabled():
            raise DomainError(
                "Dịch vụ cấp dấu thời gian thử nghiệm chỉ dùng khi bật SIGNING_SANDBOX.",
                code="tsa_unavailable",
            )
        return sandbox_timestamper()
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=int(getattr(settings, "SIGNING_TSA_TIMEOUT", 10)))
