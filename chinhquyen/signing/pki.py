"""Certificates, PKCS#12 files and signature/seal images (``cryptography`` + Pillow).

Used by the demo set-up (a demo certificate authority, a timestamping certificate, one
PKCS#12 file per official and per organisation) and by the tests. Nothing here touches the
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DEMO_CA_NAME = "CA Chính Quyền thử nghiệm"
DEMO_TSA_NAME = "Dịch vụ cấp dấu thời gian thử nghiệm"
#: The environment variable holding the demo PKCS#12 passphrase, and its documented default.
DEMO_PASSPHRASE_ENV = "SIGNING_DEMO_PASSPHRASE"  # noqa: S105 (a variable name)
DEMO_PASSPHRASE_DEFAULT = "chinhquyen-demo"  # noqa: S105 (documented demo value)

#: Images are generated at this resolution; placement uses it to compute the actual size.
IMAGE_DPI = 300
SIGNATURE_IMAGE_MM = (50.0, 25.0)
SEAL_DIAMETER_MM = 36.0
SIGNATURE_BLUE = (16, 45, 160)
SEAL_RED = (210, 20, 30)


def pki_dir() -> Path:
    """Where key files live (``SIGNING_PKI_DIR``, default ``VAR_DIR/pki``)."""
    configured = getattr(settings, "SIGNING_PKI_DIR", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "pki"


def demo_passphrase() -> str:
    return os.environ.get(DEMO_PASSPHRASE_ENV) or DEMO_PASSPHRASE_DEFAULT


# --- Keys and certificates ------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> str:
        return certificate_pem(self.certificate)


def certificate_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def load_certificate(data: bytes | str) -> x509.Certificate:
    """A certificate from PEM or DER; ``ValueError`` when it is neither."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    if b"-----BEGIN CERTIFICATE-----" in raw:
        return x509.load_pem_x509_certificate(raw)
    return x509.load_der_x509_certificate(raw)


def load_certificates(data: bytes | str) -> list[x509.Certificate]:
    raw = data.encode("ascii") if isinstance(data, str) else data
    if b"-----BEGIN CERTIFICATE-----" in raw:
        return x509.load_pem_x509_certificates(raw)
    return [x509.load_der_x509_certificate(raw)]


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(common_name: str, organisation: str = "", email: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def make_ca(
    common_name: str = DEMO_CA_NAME,
    *,
    key: rsa.RSAPrivateKey | None = None,
    valid_from: dt.datetime | None = None,
    valid_days: int = 3650,
) -> KeyPair:
    """A self-signed root certificate authority."""
    key = key or new_rsa_key()
    start = valid_from or _now() - dt.timedelta(days=1)
    name = _name(common_name, organisation=common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key=key, certificate=cert)


def issue_certificate(
    ca: KeyPair,
    *,
    common_name: str,
    organisation: str = "",
    email: str = "",
    key: rsa.RSAPrivateKey | None = None,
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
    timestamping: bool = False,
) -> KeyPair:
    """An end-entity certificate for signing documents (or, with ``timestamping``, for a TSA)."""
    key = key or new_rsa_key()
    start = valid_from or _now() - dt.timedelta(days=1)
    end = valid_to or start + dt.timedelta(days=3 * 365)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, email))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    cert = builder.sign(ca.key, hashes.SHA256())
    return KeyPair(key=key, certificate=cert)


def pkcs12_bytes(
    pair: KeyPair, *, passphrase: str, chain: list[x509.Certificate] | None = None, name: str = ""
) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        (name or "signer").encode("utf-8"),
        pair.key,
        pair.certificate,
        chain or None,
        encryption,
    )


def private_key_pem(key: rsa.RSAPrivateKey, passphrase: str) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_key_pair(key_path: Path, cert_path: Path, passphrase: str) -> KeyPair:
    key = serialization.load_pem_private_key(
        key_path.read_bytes(), password=passphrase.encode("utf-8") if passphrase else None
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("Only RSA keys are supported for demo key pairs.")
    return KeyPair(key=key, certificate=load_certificate(cert_path.read_bytes()))


def write_private(path: Path, data: bytes) -> None:
    """Write a secret file readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


def name_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe_name(name: x509.Name) -> str:
    """The common name (and organisation) of a certificate subject or issuer, for people."""
    common = name_attribute(name, NameOID.COMMON_NAME)
    org = name_attribute(name, NameOID.ORGANIZATION_NAME)
    if common and org and org != common:
        return f"{common} ({org})"
    return common or org or name.rfc4514_string()


# --- Images ---------------------------------------------------------------------------------


@cache
def font_file(pattern: str) -> str | None:
    """The font file fontconfig picks for ``pattern`` ("Liberation Serif:italic")."""
    try:
        out = subprocess.run(  # noqa: S603
            ["fc-match", "-f", "%{file}", pattern],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = out.stdout.strip()
    return path if path and Path(path).exists() else None


def _font(pattern: str, size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    path = font_file(pattern)
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _px(mm: float) -> int:
    return round(mm / 25.4 * IMAGE_DPI)


def _png(image) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(IMAGE_DPI, IMAGE_DPI), optimize=True)
    return buffer.getvalue()


def signature_image_png(full_name: str) -> bytes:
    """A blue handwritten-looking signature (the name in italic with a flourish) on a
    transparent background."""
    from PIL import Image, ImageDraw

    width, height = _px(SIGNATURE_IMAGE_MM[0]), _px(SIGNATURE_IMAGE_MM[1])
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    words = full_name.split()
    text = " ".join(words[-2:]) if len(words) > 2 else full_name
    size = int(height * 0.42)
    font = _font("Liberation Serif:italic", size)
    while size > 20 and draw.textlength(text, font=font) > width * 0.9:
        size -= 4
        font = _font("Liberation Serif:italic", size)
    text_width = draw.textlength(text, font=font)
    x = (width - text_width) / 2
    y = height * 0.18
    colour = (*SIGNATURE_BLUE, 255)
    draw.text((x, y), text, font=font, fill=colour)
    # A flourish under the name, seeded by the name so the same person always gets the same.
    seed = int(hashlib.sha256(full_name.encode("utf-8")).hexdigest()[:8], 16)
    amplitude = height * (0.05 + (seed % 5) / 100)
    base = y + size * 1.15
    points = []
    steps = 60
    for i in range(steps + 1):
        t = i / steps
        px = x - width * 0.03 + t * (text_width + width * 0.08)
        py = base + math.sin(t * math.pi * (1.5 + (seed % 3) / 2)) * amplitude - t * amplitude
        points.append((px, py))
    draw.line(points, fill=colour, width=max(3, size // 14), joint="curve")
    return _png(image)


def seal_image_png(organisation_name: str, parent_name: str = "") -> bytes:
    """A red round seal (two rings, the organisation's name around the edge, a star in the
    middle) on a transparent background, ``SEAL_DIAMETER_MM`` across."""
    from PIL import Image, ImageDraw

    size = _px(SEAL_DIAMETER_MM)
    scale = 2  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colour = (*SEAL_RED, 235)
    centre = big / 2
    outer = big / 2 - 4 * scale
    ring = 7 * scale
    draw.ellipse(
        (centre - outer, centre - outer, centre + outer, centre + outer), outline=colour, width=ring
    )
    inner = outer * 0.66
    draw.ellipse(
        (centre - inner, centre - inner, centre + inner, centre + inner),
        outline=colour,
        width=ring // 2,
    )
    # The name around the upper edge, clockwise.
    text = (parent_name + " " if parent_name else "").upper() + organisation_name.upper()
    text = " ".join(text.split())
    font_size = int((outer - inner) * 0.42)
    font = _font("Liberation Sans:bold", font_size)
    radius = (outer + inner) / 2 - font_size * 0.35
    span = min(300.0, 14.0 * len(text))  # degrees the text covers
    start = -90 - span / 2
    for index, char in enumerate(text):
        angle = start + span * (index + 0.5) / max(len(text), 1)
        rad = math.radians(angle)
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (font_size, font_size), char, font=font, fill=colour, anchor="mm"
        )
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        gx = centre + radius * math.cos(rad) - glyph.width / 2
        gy = centre + radius * math.sin(rad) - glyph.height / 2
        image.alpha_composite(glyph, (round(gx), round(gy)))
    # A five-pointed star in the middle.
    star_r = inner * 0.45
    star = []
    for i in range(10):
        r = star_r if i % 2 == 0 else star_r * 0.4
        a = math.radians(-90 + i * 36)
        star.append((centre + r * math.cos(a), centre + r * math.sin(a)))
    draw.polygon(star, fill=colour)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return _png(image)


def image_size_points(png: bytes) -> tuple[float, float]:
    """The physical size of an image in PDF points (from its DPI, ``IMAGE_DPI`` if absent)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        dpi = image.info.get("dpi") or (IMAGE_DPI, IMAGE_DPI)
        dpi_x = float(dpi[0]) or IMAGE_DPI
        dpi_y = float(dpi[1]) or IMAGE_DPI
        return image.width / dpi_x * 72.0, image.height / dpi_y * 72.0
