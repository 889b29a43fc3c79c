"""Builders for the portal tests: an organisation tree with its portals, public and non-public
issued documents (created directly in their final state)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.documents.models import (
    DocumentType,
    OutgoingDocument,
    OutgoingStatus,
    Register,
    RegisterKind,
)
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org


def make_tree() -> dict[str, Organisation]:
    province = make_org("UBND tỉnh Thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    return {
        "province": province,
        "justice": make_org("Sở Tư pháp", parent=province, short_name="STP"),
        "health": make_org("Sở Y tế", parent=province, short_name="SYT"),
        "commune": make_org(
            "UBND xã Hoa Lư", parent=province, kind=OrganisationKind.COMMUNE_COMMITTEE
        ),
    }


def make_document(
    org: Organisation,
    summary: str,
    *,
    number: int,
    public: bool = True,
    status: str = OutgoingStatus.SENT,
    drafter: User | None = None,
    **kwargs: Any,
) -> OutgoingDocument:
    drafter = drafter or make_official(org, Role.SPECIALIST)
    register, _ = Register.objects.get_or_create(
        organisation=org, year=2026, kind=RegisterKind.OUTGOING
    )
    doc_type, _ = DocumentType.objects.get_or_create(
        name="Quyết định", defaults={"abbreviation": "QĐ"}
    )
    document = OutgoingDocument.objects.create(
        organisation=org,
        drafting_unit=org,
        drafted_by=drafter,
        document_type=doc_type,
        summary=summary,
        search_text=_search(summary),
        status=status,
        register=register,
        number=number,
        notation="QĐ-UBND",
        issued_on=kwargs.pop("issued_on", dt.date(2026, 3, number % 28 + 1)),
        portal_public=public,
        portal_public_at=timezone.now() if public else None,
        **kwargs,
    )
    document.pdf_file.save(f"qd-{number}.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    return document


def _search(text: str) -> str:
    from chinhquyen.core.text import normalize_search

    return normalize_search(text)
