"""Periodic integrity check of stored files: the evidence item "kiểm tra toàn vẹn định kỳ".

Every stored file whose digest was recorded when it was accepted (dossier components, results
and notices, incoming document files, received edXML messages) is read back from storage and
hashed again; every issued outgoing PDF that was signed has its signatures checked again (each
signature must still be intact and no disallowed change may follow it). A file that is missing,
unreadable, changed, or whose signature broke is a *finding*: it is written on the run, and a
security event ``integrity_mismatch`` goes through the security pipeline (an alert rule seeded
as data tells the IT administrators).

The check walks the sources in a fixed order by primary key and keeps a cursor on each run, so
a province with millions of files is covered over several runs (each bounded by a time budget
and a file count, ``SECOPS_INTEGRITY_SECONDS`` and ``SECOPS_INTEGRITY_MAX_FILES``); a run that
reaches the end of the last source completes a *pass* and the next run starts again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from chinhquyen.audit.models import SecurityEventKind
from chinhquyen.audit.services import security_event_record

from .models import IntegrityCheck

logger = logging.getLogger(__name__)

CHUNK = 200  # rows read per query
FINDINGS_KEPT = 200  # findings written on one run (the count is always complete)
EVENTS_PER_RUN = 20  # security events raised by one run (one per finding, up to this)
SYSTEM_ACCOUNT = "kiem-tra-toan-ven"  # the ``username`` of the events (alert rules group by it)
READ_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One kind of stored file and how to check it."""

    key: str
    label: str
    model: str  # "app_label.ModelName"
    file_field: str
    digest_field: str | None = None  # None: the file is a signed PDF, its signatures are checked
    only: Callable[[], Q] | None = None  # extra filter (e.g. only signed documents)

    def queryset(self) -> QuerySet[Any]:
        model = apps.get_model(self.model)
        qs = model._default_manager.exclude(**{self.file_field: ""}).exclude(
            **{f"{self.file_field}__isnull": True}
        )
        if self.digest_field:
            qs = qs.exclude(**{self.digest_field: ""})
        if self.only is not None:
            qs = qs.filter(self.only())
        fields = ["pk", self.file_field] + ([self.digest_field] if self.digest_field else [])
        return qs.only(*fields).order_by("pk")


def _signed_outgoing() -> Q:
    return Q(signed_at__isnull=False)


SHA = "sha256"  # the digest field of every hashed source
SOURCES: tuple[Source, ...] = (
    Source("dossier_attachment", "Thành phần hồ sơ", "dossiers.DossierAttachment", "file", SHA),
    Source("dossier_result", "Kết quả giải quyết", "dossiers.DossierResult", "file", SHA),
    Source("dossier_notice", "Phiếu, thông báo hồ sơ", "dossiers.DossierNotice", "file", SHA),
    Source("incoming_file", "Tệp văn bản đến", "documents.IncomingFile", "file", SHA),
    Source("edxml_message", "Thông điệp liên thông nhận", "integration.InboundMessage", "xml", SHA),
    Source(
        "outgoing_signed",
        "Văn bản đi đã ký số",
        "documents.OutgoingDocument",
        "pdf_file",
        None,
        _signed_outgoing,
    ),
)
SOURCE_KEYS = tuple(s.key for s in SOURCES)


@dataclass(frozen=True)
class Finding:
    source: str
    object_id: int
    name: str
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.object_id,
            "name": self.name,
            "problem": self.problem,
        }


def _read_digest(field: Any) -> str:
    digest = hashlib.sha256()
    field.open("rb")
    try:
        while block := field.read(READ_BLOCK):
            digest.update(block)
    finally:
        field.close()
    return digest.hexdigest()


def _read_all(field: Any) -> bytes:
    field.open("rb")
    try:
        data: bytes = field.read()
    finally:
        field.close()
    return data


def _signature_problem(data: bytes) -> str:
    """Why the signatures of ``data`` no longer hold ("" when every one is intact)."""
    from chinhquyen.signing.verification import verify_pdf

    result = verify_pdf(data)
    if not result.signatures:
        return result.reason or "Tệp không còn chữ ký số."
    for report in result.signatures:
        if not report.intact:
            return f"Chữ ký «{report.signer or report.field}» không còn toàn vẹn."
        if report.docmdp_ok is False:
            return f"Tệp bị sửa đổi sau chữ ký «{report.signer or report.field}»."
    return ""


def check_one(source: Source, row: Model) -> Finding | None:
    """Read one stored file back; a :class:`Finding` when it no longer matches."""
    field = getattr(row, source.file_field)
    name = field.name
    try:
        if source.digest_field:
            if _read_digest(field) != getattr(row, source.digest_field):
                return Finding(source.key, row.pk, name, "Mã băm SHA-256 không khớp với lúc lưu.")
            return None
        problem = _signature_problem(_read_all(field))
    except FileNotFoundError:
        return Finding(source.key, row.pk, name, "Tệp không còn trong kho lưu trữ.")
    except OSError as exc:
        return Finding(source.key, row.pk, name, f"Không đọc được tệp ({exc.strerror or exc}).")
    return Finding(source.key, row.pk, name, problem) if problem else None


def _rows_from(cursor: dict[str, Any]) -> Iterator[tuple[Source, Model]]:
    """Rows in check order, starting after ``cursor`` ({"source": key, "after": pk})."""
    start = cursor.get("source")
    index = SOURCE_KEYS.index(start) if start in SOURCE_KEYS else 0
    after = int(cursor.get("after") or 0) if start in SOURCE_KEYS else 0
    for source in SOURCES[index:]:
        while True:
            chunk = list(source.queryset().filter(pk__gt=after)[:CHUNK])
            yield from ((source, row) for row in chunk)
            if len(chunk) < CHUNK:
                break
            after = chunk[-1].pk
        after = 0


def last_run() -> IntegrityCheck | None:
    return IntegrityCheck.objects.order_by("-finished_at", "-pk").first()


def run_check(
    *,
    max_files: int | None = None,
    seconds: float | None = None,
    now: dt.datetime | None = None,
) -> IntegrityCheck:
    """Check files from where the last run stopped until the budget is spent or a pass ends."""
    max_files = max_files or settings.SECOPS_INTEGRITY_MAX_FILES
    seconds = seconds or settings.SECOPS_INTEGRITY_SECONDS
    started = now or timezone.now()
    previous = last_run()
    cursor: dict[str, Any] = dict(previous.cursor) if previous and previous.cursor else {}
    pass_started_at = (
        previous.pass_started_at if previous and not previous.pass_completed else started
    )
    deadline = time.monotonic() + seconds
    checked = 0
    findings: list[Finding] = []
    position: dict[str, Any] = {}
    completed = True
    for source, row in _rows_from(cursor):
        if checked >= max_files or time.monotonic() >= deadline:
            completed = False
            break
        finding = check_one(source, row)
        checked += 1
        position = {"source": source.key, "after": row.pk}
        if finding is not None:
            findings.append(finding)
    run = IntegrityCheck.objects.create(
        started_at=started,
        finished_at=timezone.now() if now is None else started,
        pass_started_at=pass_started_at,
        files_checked=checked,
        failures=len(findings),
        findings=[f.as_dict() for f in findings[:FINDINGS_KEPT]],
        cursor={} if completed else position,
        pass_completed=completed,
    )
    for finding in findings[:EVENTS_PER_RUN]:
        security_event_record(
            kind=SecurityEventKind.INTEGRITY_MISMATCH,
            username=SYSTEM_ACCOUNT,
            detail={"check_id": run.pk, **finding.as_dict()},
        )
    logger.info(
        "secops.integrity_checked",
        extra={
            "check_id": run.pk,
            "files": checked,
            "failures": len(findings),
            "pass_completed": completed,
        },
    )
    return run


def source_label(key: str) -> str:
    return next((s.label for s in SOURCES if s.key == key), key)
