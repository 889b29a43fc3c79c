"""Drafts of online submissions: save what was typed, come back later (issue #10 item 10).

Only the typed fields are kept (the procedure's form, the applicant's details, the fee case and
how to receive the result); files are attached when submitting. One draft per applicant and
procedure; submitting the dossier discards it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from chinhquyen.accounts.models import User
from chinhquyen.catalog.models import Procedure
from chinhquyen.core.api import DomainError

from .models import DossierDraft

#: Posted fields a draft keeps: prefixes of the form's and the applicant's fields, and names.
KEPT_PREFIXES = ("bm-", "nguoi_nop-")
KEPT_NAMES = frozenset({"fee_case", "result_delivery", "competent"})
MAX_DRAFT_BYTES = 64 * 1024


def draft_payload(posted: Any) -> dict[str, list[str]]:
    """The fields of a posted submission form a draft keeps (``QueryDict`` or mapping)."""
    keys = [k for k in posted if k.startswith(KEPT_PREFIXES) or k in KEPT_NAMES]
    getlist = getattr(posted, "getlist", None)
    out: dict[str, list[str]] = {}
    for key in keys:
        values = getlist(key) if getlist is not None else posted[key]
        if isinstance(values, str):
            values = [values]
        out[key] = [str(v) for v in values]
    return out


@transaction.atomic
def draft_save(
    *, applicant: User, procedure: Procedure, data: Mapping[str, list[str]]
) -> DossierDraft:
    """Save (or replace) the applicant's draft for ``procedure``."""
    payload = {str(k): [str(v) for v in values] for k, values in data.items()}
    if len(json.dumps(payload, ensure_ascii=False).encode()) > MAX_DRAFT_BYTES:
        raise DomainError("Nội dung nháp quá dài, không thể lưu.", code="draft_too_large")
    draft, _created = DossierDraft.objects.update_or_create(
        applicant=applicant, procedure=procedure, defaults={"data": payload}
    )
    return draft


def draft_of(applicant: User, procedure: Procedure) -> DossierDraft | None:
    return DossierDraft.objects.filter(applicant=applicant, procedure=procedure).first()


def drafts_of(applicant: User) -> list[DossierDraft]:
    return list(DossierDraft.objects.filter(applicant=applicant).select_related("procedure")[:50])


def draft_discard(*, applicant: User, procedure: Procedure) -> None:
    DossierDraft.objects.filter(applicant=applicant, procedure=procedure).delete()


def initial_from(draft: DossierDraft | None, prefix: str = "") -> dict[str, Any]:
    """Initial values for a form from a draft: fields under ``prefix`` ("bm", "nguoi_nop"),
    or the unprefixed ones when ``prefix`` is empty."""
    if draft is None:
        return {}
    out: dict[str, Any] = {}
    for key, values in (draft.data or {}).items():
        if prefix:
            if not key.startswith(f"{prefix}-"):
                continue
            name = key[len(prefix) + 1 :]
        elif key in KEPT_NAMES:
            name = key
        else:
            continue
        out[name] = values[0] if len(values) == 1 else values
    return out
