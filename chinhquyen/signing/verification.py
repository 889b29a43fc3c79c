"""Verifying the signatures of a PDF (PAdES, pyHanko's validation): what the public
verification page, the API and ``manage.py verify_pdf`` run.

Kept apart from signing (``services``) so that verifying loads only what it needs, and can
run without a database (``collect_trust_roots(database=False)``: the command line before
``migrate``). Verification decides on pyHanko's overall verdict, the coverage and the
modification analysis (``docmdp_ok``), never on the integrity check alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from . import fastpdf, pki

logger = logging.getLogger(__name__)
fastpdf.install()  # pyHanko reads signature hex strings much faster (see fastpdf)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class SignatureReport:
    field: str
    signer: str
    issuer: str
    signing_time: str | None
    timestamp: str | None
    intact: bool
    trusted: bool
    coverage: str
    modification_level: str | None
    docmdp_ok: bool | None
    valid: bool
    problem: str = ""


@dataclass
class VerificationResult:
    valid: bool
    reason: str
    signatures: list[SignatureReport] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "reason": self.reason,
            "signatures": [asdict(s) for s in self.signatures],
        }


@lru_cache(maxsize=256)
def _asn1_cert(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def _to_asn1(cert: bytes | str | asn1_x509.Certificate) -> list[asn1_x509.Certificate]:
    if isinstance(cert, asn1_x509.Certificate):
        return [cert]
    return [
        _asn1_cert(c.public_bytes(serialization.Encoding.DER)) for c in pki.load_certificates(cert)
    ]


@lru_cache(maxsize=8)
def _file_certs(path: str, mtime_ns: int) -> tuple[asn1_x509.Certificate, ...]:
    return tuple(_to_asn1(Path(path).read_bytes()))


def demo_ca_path() -> Path:
    return pki.pki_dir() / "ca" / "ca.cert.pem"


def collect_trust_roots(
    extra: Sequence[bytes | str] | None = None, *, database: bool = True
) -> list[asn1_x509.Certificate]:
    """Enabled ``TrustRoot`` rows (unless ``database=False``), the demo CA (when it exists)
    and ``extra``."""
    roots: list[asn1_x509.Certificate] = []
    if database:
        from .models import TrustRoot

        enabled = TrustRoot.objects.filter(enabled=True).values_list("certificate_pem", flat=True)
        for pem in enabled:
            try:
                roots.extend(_to_asn1(pem))
            except ValueError:
                logger.warning("unreadable trust root skipped")
    path = demo_ca_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    if mtime is not None:
        roots.extend(_file_certs(str(path), mtime))
    for item in extra or []:
        roots.extend(_to_asn1(item))
    unique: dict[bytes, asn1_x509.Certificate] = {c.sha256: c for c in roots}
    return list(unique.values())


def _fmt_time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(VN_TZ).isoformat()


def _cert_name(cert: asn1_x509.Certificate, attr: str) -> str:
    from cryptography import x509

    parsed = x509.load_der_x509_certificate(cert.dump())
    return pki.describe_name(getattr(parsed, attr))


def _problem(status: Any, coverage_ok: bool) -> str:
    """Why one signature fails, in Vietnamese (first problem that applies)."""
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

    if not status.intact:
        return "nội dung tệp đã bị thay đổi sau khi ký (dữ liệu không khớp với chữ ký)"
    if not status.valid:
        return "chữ ký số không đúng (giá trị chữ ký không khớp với chứng thư)"
    if not coverage_ok:
        return "tệp đã bị sửa đổi sau khi ký (có bản cập nhật thay đổi nội dung văn bản)"
    indic = status.trust_problem_indic
    if indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE):
        return "chứng thư số của người ký đã hết hạn"
    if indic in (AdESFailure.NOT_YET_VALID, AdESIndeterminate.NOT_YET_VALID):
        return "chứng thư số của người ký chưa có hiệu lực"
    if indic in (AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE):
        return "chứng thư số của người ký đã bị thu hồi"
    if indic is not None or status.validation_path is None:
        cert = status.signing_cert
        now = timezone.now()
        if cert.not_valid_after < now:
            return "chứng thư số của người ký đã hết hạn"
        if cert.not_valid_before > now:
            return "chứng thư số của người ký chưa có hiệu lực"
        return "chứng thư số của người ký không do tổ chức chứng thực tin cậy cấp"
    ts = status.timestamp_validity
    if ts is not None and not (ts.valid and ts.intact and ts.trusted):
        return "dấu thời gian của chữ ký không hợp lệ hoặc không do đơn vị tin cậy cấp"
    if not status.seed_value_ok:
        return "chữ ký không đáp ứng ràng buộc của ô chữ ký"
    return "chữ ký không hợp lệ"


async def _verify_async(reader: Any, roots: list[asn1_x509.Certificate]) -> list[SignatureReport]:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import (
        KeyUsageConstraints,
        SignatureCoverageLevel,
        async_validate_pdf_signature,
    )
    from pyhanko_certvalidator import ValidationContext

    reports: list[SignatureReport] = []
    key_usage = KeyUsageConstraints(
        key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
    )
    for embedded in reader.embedded_regular_signatures:
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        status = await async_validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            key_usage_settings=key_usage,
        )
        coverage = status.coverage
        level = status.modification_level
        coverage_ok = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
            coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and level is not None
            and level != ModificationLevel.OTHER
            and bool(status.docmdp_ok)
        )
        ok = bool(status.bottom_line) and coverage_ok and status.docmdp_ok is not False
        ts = status.timestamp_validity
        reports.append(
            SignatureReport(
                field=str(embedded.field_name),
                signer=_cert_name(status.signing_cert, "subject"),
                issuer=_cert_name(status.signing_cert, "issuer"),
                signing_time=_fmt_time(status.signer_reported_dt),
                timestamp=_fmt_time(ts.timestamp) if ts is not None else None,
                intact=bool(status.intact),
                trusted=bool(status.trusted),
                coverage=coverage.name if coverage is not None else "UNCLEAR",
                modification_level=level.name if level is not None else None,
                docmdp_ok=status.docmdp_ok,
                valid=ok,
                problem="" if ok else _problem(status, coverage_ok),
            )
        )
    return reports


def verify_pdf(
    pdf: bytes, *, trust_roots: Sequence[bytes | str] | None = None, database: bool = True
) -> VerificationResult:
    """Check every signature of ``pdf``: integrity, coverage, later changes and trust.

    ``trust_roots`` (PEM or DER certificates) are trusted in addition to the enabled
    ``TrustRoot`` rows (not read with ``database=False``) and the demo CA.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    roots = collect_trust_roots(trust_roots, database=database)
    if not pdf[:1024].lstrip().startswith(b"%PDF"):
        return VerificationResult(False, "Tệp không phải là tệp PDF hoặc đã bị hỏng.")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        has_any = bool(reader.embedded_signatures)
    except Exception:
        return VerificationResult(False, "Tệp không phải là tệp PDF hợp lệ hoặc đã bị hỏng.")
    if not has_any or not reader.embedded_regular_signatures:
        return VerificationResult(False, "Tệp không có chữ ký số.")
    try:
        reports = asyncio.run(_verify_async(reader, roots))
    except Exception:
        logger.info("signature validation error", exc_info=True)
        return VerificationResult(
            False, "Không kiểm tra được chữ ký số: cấu trúc chữ ký trong tệp bị hỏng."
        )
    bad = [r for r in reports if not r.valid]
    if bad:
        first = bad[0]
        who = f"«{first.signer}»" if first.signer else f"ô {first.field}"
        reason = f"Chữ ký số của {who} không hợp lệ: {first.problem}."
        if len(bad) > 1:
            reason += f" Có {len(bad)}/{len(reports)} chữ ký không hợp lệ."
        return VerificationResult(False, reason, reports)
    count = len(reports)
    noun = "chữ ký số hợp lệ" if count == 1 else f"{count} chữ ký số, tất cả đều hợp lệ"
    return VerificationResult(
        True,
        f"Văn bản có {noun}; nội dung không bị thay đổi sau khi ký.",
        reports,
    )
