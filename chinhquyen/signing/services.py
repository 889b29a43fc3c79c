"""Signing PDFs (PAdES with pyHanko) and verifying them.

Signature placement follows Nghị định 30/2020/NĐ-CP, Phụ lục I:

* ``personal`` — the official's image (blue, transparent) between the title and the name,
  in the box the caller gives or the template's placeholder (``core.pdf.find_signature_box``);
* ``organisation`` — the organisation's seal at its actual size, covering the left third of
  the official's image;
* ``attachment`` — an attachment signed by the organisation at the top right of page 1, no
  image: its number/notation and the signing time (ISO 8601, +07:00) in 10 pt.

Signatures are PAdES baseline B-B, or B-T when a timestamp server is configured
(``SIGNING_TSA_URL``). Each signature is one incremental update, so earlier signatures stay
valid. Verification decides on pyHanko's overall verdict, the coverage and the modification
analysis (``docmdp_ok``), never on the integrity check alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes, Signer
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.pdf import PdfBox, find_signature_box
from chinhquyen.orgs.models import Organisation

from . import fastpdf, pki
from .keys import KeyUnavailable, signer_cache
from .models import (
    CredentialKind,
    RemoteRequestStatus,
    RemoteSigningRequest,
    SigningCredential,
    TrustRoot,
)
from .verification import (  # noqa: F401  (the public verification API, re-exported)
    SignatureReport,
    VerificationResult,
    collect_trust_roots,
    demo_ca_path,
    verify_pdf,
)

logger = logging.getLogger(__name__)
fastpdf.install()  # pyHanko reads signature hex strings much faster (see fastpdf)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MD_ALGORITHM = "sha256"
SignMode = Literal["personal", "organisation", "attachment"]
SIGN_MODES: tuple[str, ...] = ("personal", "organisation", "attachment")
DEFAULT_PLACEHOLDER = "signer"
MM = 72.0 / 25.4
ATTACHMENT_FONT_SIZE = 10
_SIGN_LOCKS: dict[int, threading.Lock] = {}
_SIGN_LOCKS_GUARD = threading.Lock()


def local_now() -> dt.datetime:
    """Now in Vietnam's time zone, to the second (what a signature shows)."""
    return timezone.now().astimezone(VN_TZ).replace(microsecond=0)


# --- Timestamping ---------------------------------------------------------------------------


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


# --- Placement ------------------------------------------------------------------------------


BoxSpec = PdfBox | tuple[int, float, float, float, float] | str | None


def _page_size(reader: PdfFileReader, page: int) -> tuple[float, float]:
    page_obj = reader.root["/Pages"]
    try:
        page_dict = reader.find_page_for_modification(page)[0].get_object()
    except (IndexError, PyHankoPdfError) as exc:
        raise DomainError("Trang đặt chữ ký không có trong tệp.", code="bad_box") from exc
    box = page_dict.get("/MediaBox") or page_obj.get("/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    return x1 - x0, y1 - y0


def _resolve_box(pdf: bytes, spec: BoxSpec, *, required: bool) -> PdfBox | None:
    if isinstance(spec, PdfBox):
        return spec
    if isinstance(spec, tuple):
        page, x0, y0, x1, y1 = spec
        return PdfBox(page=int(page), x0=x0, y0=y0, x1=x1, y1=y1)
    name = spec or DEFAULT_PLACEHOLDER
    box = find_signature_box(pdf, name)
    if box is None and (spec or required):
        raise DomainError(
            f"Không tìm thấy vị trí đặt chữ ký «{name}» trong văn bản.", code="no_signature_box"
        )
    return box


def _default_personal_box(reader: PdfFileReader) -> PdfBox:
    """No placeholder: the lower right of the last page (60 × 30 mm above a 25 mm margin)."""
    last = int(reader.root["/Pages"]["/Count"]) - 1
    width, _height = _page_size(reader, last)
    x1 = width - 20 * MM
    return PdfBox(page=last, x0=x1 - 60 * MM, y0=25 * MM, x1=x1, y1=55 * MM)


def _last_visible_signature_box(pdf: bytes) -> PdfBox | None:
    """The widget rectangle of the most recent visible signature (organisation seals go
    next to it when the caller does not say where the official signed)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    found: PdfBox | None = None
    for index, page in enumerate(reader.pages):
        for annot_ref in page.get("/Annots") or []:
            annot = annot_ref.get_object()
            field_type = annot.get("/FT") or (annot.get("/Parent") or {}).get("/FT")
            if field_type != "/Sig" or (
                "/V" not in annot and "/V" not in (annot.get("/Parent") or {})
            ):
                continue
            x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
            if abs(x1 - x0) > 1 and abs(y1 - y0) > 1:
                found = PdfBox(
                    page=index, x0=min(x0, x1), y0=min(y0, y1), x1=max(x0, x1), y1=max(y0, y1)
                )
    return found


def _fit(box: PdfBox, width: float, height: float) -> PdfBox:
    """The largest box of the image's aspect ratio centred in ``box``."""
    scale = min(box.width / width, box.height / height)
    w, h = width * scale, height * scale
    x0 = box.x0 + (box.width - w) / 2
    y0 = box.y0 + (box.height - h) / 2
    return PdfBox(page=box.page, x0=x0, y0=y0, x1=x0 + w, y1=y0 + h)


def seal_box_for(signer_box: PdfBox, seal_png: bytes) -> PdfBox:
    """The seal at its actual size, its right edge a third of the way into the signer's image,
    centred vertically on it."""
    width, height = pki.image_size_points(seal_png)
    right = signer_box.x0 + signer_box.width / 3
    middle = (signer_box.y0 + signer_box.y1) / 2
    return PdfBox(
        page=signer_box.page,
        x0=right - width,
        y0=middle - height / 2,
        x1=right,
        y1=middle + height / 2,
    )


def attachment_box(reader: PdfFileReader) -> PdfBox:
    """Top right of page 1, inside the top margin."""
    width, height = _page_size(reader, 0)
    x1 = width - 10 * MM
    return PdfBox(page=0, x0=x1 - 62 * MM, y0=height - 19 * MM, x1=x1, y1=height - 6 * MM)


def attachment_stamp_text(number_notation: str, signed_at: dt.datetime) -> str:
    return f"{number_notation}\n{signed_at.astimezone(VN_TZ).isoformat()}"


# --- Signing --------------------------------------------------------------------------------


def _image_bytes(image_field: Any) -> bytes:
    if not image_field:
        return b""
    try:
        image_field.open("rb")
        try:
            data: bytes = image_field.read()
        finally:
            image_field.close()
    except (OSError, ValueError):
        return b""
    return data


@dataclass(frozen=True)
class _EncodedImage:
    """An RGBA PNG split and compressed once, ready to embed as an image XObject with a soft
    mask (the same image goes into every document an official signs)."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes


@lru_cache(maxsize=64)
def _encoded_image(png: bytes) -> _EncodedImage:
    import zlib

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    return _EncodedImage(
        width=rgba.width,
        height=rgba.height,
        rgb=zlib.compress(rgba.convert("RGB").tobytes()),
        alpha=zlib.compress(rgba.getchannel("A").tobytes()),
    )


class _SignatureImage(PdfImage):
    """pyHanko's PdfImage, embedding pre-compressed image data."""

    def __init__(self, png: bytes) -> None:
        from PIL import Image

        self.encoded = _encoded_image(png)
        super().__init__(Image.new("L", (self.encoded.width, self.encoded.height)))

    @property
    def image_ref(self) -> generic.IndirectObject:
        writer = self.writer
        assert writer is not None
        ref = self._image_ref
        if ref is None or ref.get_pdf_handler() is not writer:
            encoded = self.encoded

            def stream(colour_space: str, data: bytes) -> generic.StreamObject:
                return generic.StreamObject(
                    {
                        generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                        generic.pdf_name("/Subtype"): generic.pdf_name("/Image"),
                        generic.pdf_name("/Width"): generic.NumberObject(encoded.width),
                        generic.pdf_name("/Height"): generic.NumberObject(encoded.height),
                        generic.pdf_name("/ColorSpace"): generic.pdf_name(colour_space),
                        generic.pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                        generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode"),
                    },
                    encoded_data=data,
                )

            image = stream("/DeviceRGB", encoded.rgb)
            image[generic.pdf_name("/SMask")] = writer.add_object(
                stream("/DeviceGray", encoded.alpha)
            )
            self._image_ref = ref = writer.add_object(image)
        return ref


def _image_style(png: bytes) -> StaticStampStyle:
    return StaticStampStyle(
        background=_SignatureImage(png),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


@lru_cache(maxsize=1)
def _stamp_font_factory() -> Any:
    from .stampfont import ThousandUnitGlyphAccumulatorFactory

    path = pki.font_file("Liberation Serif") or pki.font_file("serif")
    if not path:
        return None
    return ThousandUnitGlyphAccumulatorFactory(path, font_size=ATTACHMENT_FONT_SIZE)


def _text_style(text: str) -> TextStampStyle:
    font = _stamp_font_factory()
    box_style = (
        TextBoxStyle(font=font, font_size=ATTACHMENT_FONT_SIZE, leading=ATTACHMENT_FONT_SIZE + 2)
        if font is not None
        else TextBoxStyle(font_size=ATTACHMENT_FONT_SIZE)
    )
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=box_style,
        border_width=0,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


def _bytes_reserved(signer: Signer, timestamped: bool) -> int:
    """A fixed room for the CMS object, so a signature is produced once without a trial run.

    Hex-encoded in the PDF (twice the DER size), and every verifier reads it character by
    character: keep it tight. The CMS holds the certificates, the signature value (at most 512
    bytes for RSA-4096) and about 600 bytes of attributes and structure; a timestamp token
    adds the TSA's signature and certificates.
    """
    size = 1536
    try:
        cert = signer.signing_cert
        size += len(cert.dump()) if cert is not None else 4096
        size += sum(len(c.dump()) for c in signer.cert_registry)
    except (AttributeError, TypeError):
        size += 8192
    if timestamped:
        size += 8192
    return 2 * (-(-size // 256) * 256)


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf.lstrip()[:5].startswith(b"%PDF"):
        raise DomainError("Tệp cần ký không phải là tệp PDF.", code="not_pdf")
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PyHankoPdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise DomainError("Tệp PDF bị hỏng, không ký được.", code="bad_pdf") from exc


def _existing_signature_count(writer: IncrementalPdfFileWriter) -> int:
    try:
        return sum(1 for _ in sig_fields.enumerate_sig_fields(writer.prev))
    except (PyHankoPdfError, KeyError, TypeError):
        return 0


@dataclass
class _Plan:
    writer: IncrementalPdfFileWriter
    pdf_signer: PdfSigner
    signing_time: dt.datetime


def _plan(
    *,
    pdf: bytes,
    signer: Signer,
    credential: SigningCredential,
    mode: str,
    reason: str,
    location: str,
    signer_box: BoxSpec,
    number_notation: str,
    field_name: str | None,
    timestamper: TimeStamper | None,
) -> _Plan:
    if mode not in SIGN_MODES:
        raise DomainError("Chế độ ký không hợp lệ.", code="bad_mode")
    if mode in ("organisation", "attachment") and not credential.is_organisation:
        raise DomainError(
            "Ký bằng con dấu hoặc ký văn bản kèm theo phải dùng chứng thư của cơ quan.",
            code="bad_credential",
        )
    if mode == "personal" and credential.is_organisation:
        raise DomainError("Ký cá nhân phải dùng chứng thư của cán bộ.", code="bad_credential")
    writer = _writer(pdf)
    name = field_name or f"ChuKy{_existing_signature_count(writer) + 1}"
    signing_time = local_now()

    style: StaticStampStyle | TextStampStyle
    if mode == "personal":
        png = _image_bytes(credential.signature_image)
        box = _resolve_box(pdf, signer_box, required=False) or _default_personal_box(writer.prev)
        if png:
            width, height = pki.image_size_points(png)
            box = _fit(box, width, height)
            style = _image_style(png)
        else:
            style = _text_style(credential.holder_name)
    elif mode == "organisation":
        png = _image_bytes(credential.seal_image)
        if not png:
            raise DomainError("Cơ quan chưa có hình ảnh con dấu.", code="no_seal_image")
        anchor = (
            _resolve_box(pdf, signer_box, required=True)
            if signer_box is not None
            else _last_visible_signature_box(pdf)
            or _resolve_box(pdf, DEFAULT_PLACEHOLDER, required=True)
        )
        assert anchor is not None
        box = seal_box_for(anchor, png)
        style = _image_style(png)
    else:
        if not number_notation.strip():
            raise DomainError(
                "Cần số, ký hiệu văn bản để ký văn bản kèm theo.", code="no_number_notation"
            )
        box = attachment_box(writer.prev)
        style = _text_style(attachment_stamp_text(number_notation.strip(), signing_time))

    meta = PdfSignatureMetadata(
        field_name=name,
        md_algorithm=MD_ALGORITHM,
        reason=reason or None,
        location=location or None,
        subfilter=sig_fields.SigSeedSubFilter.PADES,
    )
    field_spec = sig_fields.SigFieldSpec(sig_field_name=name, on_page=box.page, box=box.as_tuple())
    pdf_signer = PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=style, new_field_spec=field_spec
    )
    return _Plan(writer=writer, pdf_signer=pdf_signer, signing_time=signing_time)


async def _sign_async(plan: _Plan, bytes_reserved: int) -> bytes:
    session = plan.pdf_signer.init_signing_session(plan.writer)
    session.system_time = plan.signing_time
    tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=bytes_reserved)
    prepared, output = tbs.digest_tbs_document()
    post = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=plan.signing_time),
    )
    await post.post_signature_processing(output)
    output.seek(0)
    data: bytes = output.read()
    return data


def _lock_for(credential: SigningCredential) -> threading.Lock | None:
    """A token session signs one document at a time."""
    if credential.kind != CredentialKind.PKCS11:
        return None
    with _SIGN_LOCKS_GUARD:
        return _SIGN_LOCKS.setdefault(credential.pk, threading.Lock())


def _signer_for(credential: SigningCredential) -> Signer:
    if not credential.is_active:
        raise DomainError("Chứng thư ký số đã ngừng sử dụng.", code="credential_inactive")
    if credential.kind == CredentialKind.REMOTE:
        raise DomainError(
            "Chứng thư ký từ xa phải ký qua yêu cầu xác nhận (remote_signing_start).",
            code="remote_credential",
        )
    now = timezone.now()
    if credential.not_after and credential.not_after < now:
        raise DomainError("Chứng thư ký số đã hết hạn.", code="certificate_expired")
    if credential.not_before and credential.not_before > now:
        raise DomainError("Chứng thư ký số chưa có hiệu lực.", code="certificate_not_yet_valid")
    try:
        return signer_cache.get(credential)
    except KeyUnavailable as exc:
        raise DomainError(str(exc), code="key_unavailable") from exc


def sign_pdf(
    *,
    pdf: bytes,
    credential: SigningCredential,
    mode: SignMode | str,
    reason: str = "",
    location: str = "",
    signer_box: BoxSpec = None,
    seal_credential: SigningCredential | None = None,
    number_notation: str = "",
    field_name: str | None = None,
) -> bytes:
    """Sign ``pdf`` with ``credential`` and return the signed PDF (one incremental update per
    signature).

    ``signer_box`` is where the official's image goes (personal) or where it went
    (organisation): a ``PdfBox``, a ``(page, x0, y0, x1, y1)`` tuple in points, or the name of
    a template placeholder (default ``"signer"``). With ``seal_credential`` a personal
    signature is followed at once by the organisation's seal signature next to it.
    """
    signer = _signer_for(credential)
    timestamper = get_timestamper()
    plan = _plan(
        pdf=pdf,
        signer=signer,
        credential=credential,
        mode=str(mode),
        reason=reason,
        location=location,
        signer_box=signer_box,
        number_notation=number_notation,
        field_name=field_name,
        timestamper=timestamper,
    )
    lock = _lock_for(credential)
    try:
        if lock:
            with lock:
                signed = asyncio.run(_sign_async(plan, _bytes_reserved(signer, bool(timestamper))))
        else:
            signed = asyncio.run(_sign_async(plan, _bytes_reserved(signer, bool(timestamper))))
    except DomainError:
        raise
    except TimestampRequestError as exc:
        logger.warning("timestamp server unavailable", exc_info=True)
        raise DomainError(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian, vui lòng thử lại sau.",
            code="tsa_unavailable",
            status_code=503,
        ) from exc
    except Exception as exc:
        logger.exception("signing failed", extra={"credential": credential.pk})
        raise DomainError(
            "Không ký được văn bản: lỗi khi tạo chữ ký số.", code="signing_failed"
        ) from exc
    if seal_credential is not None:
        if mode != "personal":
            raise DomainError("Chỉ đóng dấu kèm theo chữ ký cá nhân.", code="bad_mode")
        box = _last_visible_signature_box(signed)
        signed = sign_pdf(
            pdf=signed,
            credential=seal_credential,
            mode="organisation",
            reason=reason,
            location=location,
            signer_box=box,
        )
    return signed


# --- Credentials ----------------------------------------------------------------------------


def fill_certificate_fields(credential: SigningCredential) -> None:
    """Copy subject, issuer, serial, validity and fingerprint from ``certificate_pem``."""
    try:
        cert = pki.load_certificate(credential.certificate_pem.strip())
    except ValueError as exc:
        raise DomainError("Chứng thư số không đúng định dạng PEM.", code="bad_certificate") from exc
    credential.certificate_pem = pki.certificate_pem(cert)
    credential.subject = pki.describe_name(cert.subject)[:500]
    credential.issuer = pki.describe_name(cert.issuer)[:500]
    credential.serial_number = format(cert.serial_number, "x")[:64]
    credential.not_before = cert.not_valid_before_utc
    credential.not_after = cert.not_valid_after_utc
    credential.fingerprint = pki.fingerprint(cert)


@transaction.atomic
def credential_save(*, actor: object | None, credential: SigningCredential) -> SigningCredential:
    """Create or update a credential: certificate fields refreshed, loaded key dropped."""
    fill_certificate_fields(credential)
    credential.full_clean(exclude=["signature_image", "seal_image"])
    with audit_actor(actor):
        credential.save()
    if credential.pk:
        signer_cache.invalidate(credential.pk)
    return credential


@transaction.atomic
def trust_root_add(
    *, actor: object | None, name: str, certificate_pem: str, enabled: bool = True
) -> TrustRoot:
    try:
        cert = pki.load_certificate(certificate_pem.strip())
    except ValueError as exc:
        raise DomainError("Chứng thư gốc không đúng định dạng.", code="bad_certificate") from exc
    with audit_actor(actor):
        root, _ = TrustRoot.objects.update_or_create(
            fingerprint=pki.fingerprint(cert),
            defaults={
                "name": name,
                "certificate_pem": pki.certificate_pem(cert),
                "enabled": enabled,
            },
        )
    return root


def active_credential_for_user(
    user: User, *, kinds: Iterable[str] | None = None
) -> SigningCredential:
    wanted = list(kinds or (CredentialKind.PKCS12, CredentialKind.PKCS11))
    order = {kind: index for index, kind in enumerate(wanted)}
    candidates = sorted(
        SigningCredential.objects.filter(owner=user, is_active=True, kind__in=wanted),
        key=lambda c: (order.get(c.kind, 99), -c.pk),
    )
    if not candidates:
        raise DomainError("Cán bộ chưa có chứng thư ký số đang sử dụng.", code="no_credential")
    return candidates[0]


def active_credential_for_organisation(organisation: Organisation) -> SigningCredential:
    credential = (
        SigningCredential.objects.filter(organisation=organisation, is_active=True)
        .exclude(kind=CredentialKind.REMOTE)
        .order_by("-pk")
        .first()
    )
    if credential is None:
        raise DomainError("Cơ quan chưa có chứng thư ký số đang sử dụng.", code="no_credential")
    return credential


# --- Remote signing (SmartCA-style) ---------------------------------------------------------


def _remote_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "SIGNING_REMOTE_TIMEOUT", 300)))


def _credential_cert_store(credential: SigningCredential) -> SimpleCertificateStore:
    store = SimpleCertificateStore()
    for root in collect_trust_roots():
        store.register(root)
    return store


@transaction.atomic
def remote_signing_start(
    *,
    actor: object | None,
    pdf: bytes,
    credential: SigningCredential,
    mode: SignMode | str = "personal",
    description: str,
    reason: str = "",
    location: str = "",
    signer_box: BoxSpec = None,
    number_notation: str = "",
    field_name: str | None = None,
) -> RemoteSigningRequest:
    """Prepare the document, send its digest to the credential's remote provider and record
    the request; the official confirms on a phone (or the sandbox page)."""
    from .remote import get_provider

    if credential.kind != CredentialKind.REMOTE or not credential.is_active:
        raise DomainError("Chứng thư này không dùng để ký từ xa.", code="bad_credential")
    provider = get_provider(credential.remote_provider)
    cert = asn1_x509.Certificate.load(_der(credential.certificate_pem.encode("ascii")))
    external = ExternalSigner(
        signing_cert=cert,
        cert_registry=_credential_cert_store(credential),
        signature_value=256,
    )
    plan = _plan(
        pdf=pdf,
        signer=external,
        credential=credential,
        mode=str(mode),
        reason=reason,
        location=location,
        signer_box=signer_box,
        number_notation=number_notation,
        field_name=field_name,
        timestamper=None,
    )
    reserved = _bytes_reserved(external, True) + 16384  # the provider's CMS may be larger
    session = plan.pdf_signer.init_signing_session(plan.writer)
    session.system_time = plan.signing_time
    tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document()
    output.seek(0)
    prepared_pdf = output.read()
    request_id = provider.request_signature(
        credential, prepared.document_digest, description, md_algorithm=MD_ALGORITHM
    )
    with audit_actor(actor):
        request = RemoteSigningRequest.objects.create(
            credential=credential,
            requested_by=actor if isinstance(actor, User) and actor.pk else None,
            provider=provider.name,
            provider_request_id=request_id,
            description=description[:500],
            md_algorithm=MD_ALGORITHM,
            digest=prepared.document_digest,
            prepared_pdf=prepared_pdf,
            reserved_region_start=prepared.reserved_region_start,
            reserved_region_end=prepared.reserved_region_end,
            expires_at=timezone.now() + _remote_timeout(),
        )
    return request


def _finish(request: RemoteSigningRequest, cms_bytes: bytes) -> bytes:
    prepared = PreparedByteRangeDigest(
        document_digest=bytes(request.digest),
        reserved_region_start=request.reserved_region_start,
        reserved_region_end=request.reserved_region_end,
    )
    output = io.BytesIO(bytes(request.prepared_pdf))
    PdfTBSDocument.finish_signing(output, prepared, cms_bytes)
    return output.getvalue()


@transaction.atomic
def remote_signing_poll(*, actor: object | None, request_id: int) -> RemoteSigningRequest:
    """Ask the provider; when the official approved, finish the PDF (``signed_pdf``)."""
    from .remote import PollStatus, get_provider

    request = RemoteSigningRequest.objects.select_for_update().get(pk=request_id)
    if request.status in (
        RemoteRequestStatus.COMPLETED,
        RemoteRequestStatus.REJECTED,
        RemoteRequestStatus.EXPIRED,
        RemoteRequestStatus.FAILED,
    ):
        return request
    result = get_provider(request.provider).poll(request.provider_request_id)
    with audit_actor(actor):
        if result.status == PollStatus.APPROVED and result.cms:
            try:
                request.signed_pdf = _finish(request, result.cms)
                request.status = RemoteRequestStatus.COMPLETED
            except Exception:
                logger.exception("remote signature could not be embedded")
                request.status = RemoteRequestStatus.FAILED
                request.error = "Chữ ký trả về không gắn được vào văn bản."
        elif result.status == PollStatus.REJECTED:
            request.status = RemoteRequestStatus.REJECTED
        elif result.status == PollStatus.EXPIRED or (
            result.status == PollStatus.PENDING and request.expires_at < timezone.now()
        ):
            request.status = RemoteRequestStatus.EXPIRED
        else:
            return request
        request.save(update_fields=["status", "signed_pdf", "error"])
    return request
