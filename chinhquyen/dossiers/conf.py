"""Settings of the one-stop shop, read with defaults (an administrator may override them in the
deployment's settings module). Every value is a legal or operational parameter, not code."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def max_upload_bytes() -> int:
    """Largest file accepted in a dossier (DOSSIER_MAX_UPLOAD_BYTES, default 20 MB)."""
    return int(getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def max_files() -> int:
    """Most files one dossier may hold, results excluded (DOSSIER_MAX_FILES, default 30)."""
    return int(getattr(settings, "DOSSIER_MAX_FILES", 30))


def early_margin_hours() -> Decimal:
    """A dossier is early (trước hạn) when finished at least this much working time before its
    appointment (DOSSIER_EARLY_MARGIN_HOURS, default 8 = one working day)."""
    return Decimal(str(getattr(settings, "DOSSIER_EARLY_MARGIN_HOURS", 8)))


def step_early_margin_hours() -> Decimal:
    """A process step is early when handed over at least this much working time before its
    own deadline (DOSSIER_STEP_EARLY_MARGIN_HOURS, default 4 = half a working day)."""
    return Decimal(str(getattr(settings, "DOSSIER_STEP_EARLY_MARGIN_HOURS", 4)))


def apology_notice_hours() -> Decimal:
    """An apology with a new appointment counts for the on-time classification only when made
    at least this much working time before the deadline (DOMAIN.md §2: "no later than one day
    before"; DOSSIER_APOLOGY_NOTICE_HOURS, default 8 = one working day)."""
    return Decimal(str(getattr(settings, "DOSSIER_APOLOGY_NOTICE_HOURS", 8)))


#: When the competent organisation's seal goes on an electronic result.
SEAL_AT_APPROVAL = "approval"
SEAL_AT_RETURN = "return"


def seal_results_at() -> str:
    """When electronic results are sealed (DOSSIER_SEAL_RESULTS_AT): ``"approval"`` (default —
    the competent person's approval) or ``"return"`` (the desk's return step, for provinces
    that seal when returning). Never before the approval."""
    value = str(getattr(settings, "DOSSIER_SEAL_RESULTS_AT", SEAL_AT_APPROVAL))
    return SEAL_AT_RETURN if value == SEAL_AT_RETURN else SEAL_AT_APPROVAL
