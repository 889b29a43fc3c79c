"""Signing a PDF with a key the server holds (PAdES with pyHanko): ``sign_pdf``.

Signatures are PAdES baseline B-B, or B-T when a timestamp server is configured
(``SIGNING_TSA_URL``, see ``timestamps``). Each signature is one incremental update, so
earlier signatures stay valid; where it goes and what it shows is ``appearance``. The plan
(``_plan``) and the room reserved for the CMS object (``_bytes_reserved``) also serve remote
signing (``remote_signing``) and two-step signing (``deferred``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import threading
from dataclasses import dataclass
from typing import Literal

from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from chinhquyen.core.api import DomainError

from . import fastpdf, pki
from .appearance import (
    DEFAULT_PLACEHOLDER,
    BoxSpec,
    _default_personal_box,
    _fit,
    _image_bytes,
    _image_style,
    _last_visible_signature_box,
    _resolve_box,
    _text_style,
    attachment_box,
    attachment_stamp_text,
    local_now,
    seal_box_for,
)
from .keys import KeyUnavailable, signer_cache
from .models import CredentialKind, SigningCredential
from .timestamps import get_timestamper

logger = logging.getLogger(__name__)
fastpdf.install()  # pyHanko reads signature hex strings much faster (see fastpdf)

MD_ALGORITHM = "sha256"
SignMode = Literal["personal", "organisation", "attachment"]
SIGN_MODES: tuple[str, ...] = ("personal", "organisation", "attachment")
_SIGN_LOCKS: dict[int, threading.Lock] = {}
_SIGN_LOCKS_GUARD = threading.Lock()


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
