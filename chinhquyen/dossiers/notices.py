"""One-stop forms issued when their action happens (DOMAIN.md §2, issue #10 item 2).

A supplement request, a refusal, an apology with a new appointment and a stop notice are each
rendered once, right after the action commits (``integrations`` registers ``issue_for_hook``
on the hooks), stored with the dossier (``DossierNotice``) and sealed like results when the
issuing unit signs digitally. Officers download them from the dossier page, the applicant from
"Hồ sơ của tôi". The control sheet changes with every hand-over: it is rendered on demand.

Issuing is idempotent (one notice per history event and kind): a retried hook or a second call
returns the stored notice.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation

from . import hooks, pdf
from .models import Dossier, DossierEvent, DossierNotice, DossierPause, NoticeKind

logger = logging.getLogger(__name__)

#: Which form each hook issues.
HOOK_KINDS: dict[str, str] = {
    "supplement_requested": NoticeKind.SUPPLEMENT_REQUEST,
    "refused": NoticeKind.REFUSAL,
    "apologised": NoticeKind.APOLOGY,
    "stopped": NoticeKind.STOP_NOTICE,
}


def _render(kind: str, dossier: Dossier, pause: DossierPause | None) -> tuple[bytes, Organisation]:
    """The form's PDF and the organisation that issues (and seals) it."""
    if kind == NoticeKind.SUPPLEMENT_REQUEST:
        if pause is None:
            raise DomainError("Không có yêu cầu bổ sung.", code="not_found", status_code=404)
        return pdf.supplement_request_pdf(dossier, pause), pdf.pause_issuer(dossier, pause)
    if kind == NoticeKind.REFUSAL:
        return pdf.refusal_pdf(dossier), dossier.receiving_organisation
    if kind == NoticeKind.APOLOGY:
        return pdf.apology_pdf(dossier), dossier.competent_organisation
    if kind == NoticeKind.STOP_NOTICE:
        return pdf.stop_notice_pdf(dossier), dossier.competent_organisation
    raise DomainError("Loại phiếu không hợp lệ.", code="unknown_notice")


def _seal(dossier: Dossier, content: bytes, issuer: Organisation) -> tuple[bytes, bool]:
    """Seal ``content`` with the issuer's digital seal when it has one (else unchanged)."""
    from .integrations import has_seal, sign_result_pdf

    if not has_seal(issuer):
        return content, False
    try:
        return sign_result_pdf(dossier, content, organisation=issuer), True
    except DomainError:
        logger.warning("dossiers.notice_seal_failed", extra={"dossier_id": dossier.pk})
        return content, False


def issue_notice(
    *, dossier_id: int, kind: str, event_id: int | None, pause_id: int | None = None
) -> DossierNotice:
    """Render, seal and store form ``kind`` of a dossier for history event ``event_id``
    (idempotent). Raises ``DomainError`` when the dossier or the pause does not exist."""
    existing = DossierNotice.objects.filter(
        dossier_id=dossier_id, kind=kind, event_id=event_id
    ).first()
    if existing is not None:
        return existing
    dossier = (
        Dossier.objects.select_related(
            "receiving_organisation", "competent_organisation", "procedure_version"
        )
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise DomainError("Không tìm thấy hồ sơ.", code="not_found", status_code=404)
    pause = DossierPause.objects.filter(pk=pause_id, dossier=dossier).first() if pause_id else None
    event = DossierEvent.objects.filter(pk=event_id).first() if event_id else None
    content, issuer = _render(kind, dossier, pause)
    content, signed = _seal(dossier, content, issuer)
    notice = DossierNotice(
        dossier=dossier,
        kind=kind,
        event=event,
        pause=pause,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        signed=signed,
        for_applicant=kind != NoticeKind.CONTROL_SHEET,
        issued_at=event.at if event is not None else timezone.now(),
    )
    notice.file.save("phieu.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:  # issued meanwhile by a concurrent call
        notice.file.delete(save=False)
        return DossierNotice.objects.get(dossier_id=dossier_id, kind=kind, event_id=event_id)
    return notice


def issue_for_hook(event: hooks.HookEvent) -> None:
    """After-commit hook: issue the form of the action that just happened."""
    kind = HOOK_KINDS.get(event.name)
    if kind is None:
        return
    pause_id = event.payload.get("pause_id")
    issue_notice(
        dossier_id=event.dossier_id,
        kind=kind,
        event_id=event.event_id,
        pause_id=pause_id if isinstance(pause_id, int) else None,
    )
