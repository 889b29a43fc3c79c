"""How an outgoing document written as text is laid out (Nghị định 30/2020/NĐ-CP, Phụ lục I).

``outgoing_layout(document)`` returns the context of ``pdf/documents/outgoing.html``; every
rule of the decree that depends on the document lives here, one function per rule:

* the issuing body's **full name** (``full_name``: "UBND tỉnh Ninh Bình" is printed
  "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"); the superior body's name above it, where it may keep
  the usual abbreviations (UBND, HĐND) — none above a People's Committee or Council, which
  have no superior body line (``superior_name``);
* the **place and date** line with the issuer's place name (``place_name``);
* công văn: the notation ``<issuer>-<drafting unit>`` (``notation``, a công văn without the
  drafting unit's abbreviation cannot be numbered), the summary after "V/v" once
  (``letter_summary``), and the "Kính gửi" block; tờ trình also has "Kính gửi";
* quyết định and nghị quyết: the authority that issues them ("GIÁM ĐỐC SỞ TƯ PHÁP") below
  the summary (``issuing_authority``);
* the signature block: the authority ("KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN") and the
  signer's title, each printed once (``signature_lines``);
* recipients (Nơi nhận): "Như trên" when they are addressed in "Kính gửi", then "Lưu: VT,
  <drafting unit>".
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import NATIONAL_MOTTO, NATIONAL_NAME, vn_date_line
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import numbering
from .models import DocumentType, IssuerProfile, OutgoingDocument, UnitAbbreviation, Urgency

#: Abbreviations the decree allows only in the superior body's line, never in the issuer's
#: own name or in the signer's authority (Phụ lục I, I.3).
FULL_NAMES = {
    "UBND": "ỦY BAN NHÂN DÂN",
    "HĐND": "HỘI ĐỒNG NHÂN DÂN",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(FULL_NAMES) + r")\b", re.IGNORECASE)

#: Bodies with no superior body line (People's Committees and Councils of every level).
NO_SUPERIOR_KINDS = frozenset(
    {OrganisationKind.PROVINCIAL_COMMITTEE.value, OrganisationKind.COMMUNE_COMMITTEE.value}
)

#: Types addressed to someone with a "Kính gửi" block (công văn has no abbreviation).
ADDRESSED_TYPES = frozenset({"TTr"})
#: Types whose issuing authority is written below the summary.
AUTHORITY_TYPES = frozenset({"QĐ", "NQ"})
#: Words that start an authority to sign ("KT. GIÁM ĐỐC" is signed for the director).
_AUTHORITY_PREFIX = re.compile(r"^\s*(TM|KT|Q|TL|TUQ)\.\s*", re.IGNORECASE)
#: "V/v", "Về việc", "V/V:" ... at the start of a letter's summary.
_ABOUT = re.compile(r"^\s*(v\s*/\s*v|về\s+việc)\s*[:.,-]?\s*", re.IGNORECASE)
#: Place names are the end of the body's name: "UBND phường Hoa Lư" is in "Hoa Lư".
_PLACE = re.compile(
    r"\b(?:tỉnh|thành phố|phường|xã|đặc khu|thị trấn|huyện|quận|thị xã)\s+(?P<place>.+)$",
    re.IGNORECASE,
)


def upper(text: str) -> str:
    return " ".join(text.split()).upper()


def full_name(name: str) -> str:
    """The name with UBND/HĐND written out, upper case."""
    return upper(_ABBREVIATION.sub(lambda m: FULL_NAMES[m.group(1).upper()], name))


def _profile(org: Organisation) -> IssuerProfile | None:
    return IssuerProfile.objects.filter(organisation=org).first()


def superior_name(org: Organisation, profile: IssuerProfile | None) -> str:
    """The superior body's line, or "" when the issuer has none."""
    if profile is not None and profile.parent_name:
        return upper(profile.parent_name)
    if org.kind in NO_SUPERIOR_KINDS or org.parent is None:
        return ""
    return upper(org.parent.name)


def place_name(org: Organisation, profile: IssuerProfile | None = None) -> str:
    """Where the issuer sits: its profile's place, the end of its name ("UBND phường Hoa
    Lư" → "Hoa Lư"), its nearest ancestor's, or the province's."""
    profile = profile if profile is not None else _profile(org)
    if profile is not None and profile.place_name:
        return profile.place_name
    chain = [org, *reversed(list(org.ancestors()))]
    for item in chain:
        match = _PLACE.search(item.name)
        if match:
            return match["place"].strip()
        item_profile = _profile(item) if item is not org else None
        if item_profile is not None and item_profile.place_name:
            return item_profile.place_name
    return str(getattr(settings, "PROVINCE_NAME", ""))


def letter_summary(summary: str) -> str:
    """A công văn's summary without a leading "V/v" or "Về việc" (the template adds "V/v")."""
    text = " ".join(summary.split())
    while True:
        stripped = _ABOUT.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def drafting_unit_abbreviation(document: OutgoingDocument) -> str:
    """The drafting unit's abbreviation for a công văn's notation ("VP" in ``12/UBND-VP``):
    the unit's own, else the nearest ancestor's below the issuer."""
    unit: Organisation | None = document.drafting_unit
    rows = dict(
        UnitAbbreviation.objects.filter(
            unit__in=[document.drafting_unit, *document.drafting_unit.ancestors()]
        ).values_list("unit_id", "abbreviation")
    )
    while unit is not None:
        if rows.get(unit.pk):
            return rows[unit.pk]
        if unit.pk == document.organisation_id:
            break
        unit = unit.parent
    return ""


def notation(document: OutgoingDocument) -> str:
    """The notation given at issue: ``QĐ-STP`` by type, ``UBND-VP`` for a công văn."""
    if not document.document_type.is_letter:
        return numbering.build_notation(
            document_type=document.document_type,
            issuer=document.organisation,
            drafting_unit=document.drafting_unit,
        )
    unit = require_letter_unit(document)
    return f"{numbering.issuer_abbreviation(document.organisation)}-{unit}"


def require_letter_unit(document: OutgoingDocument) -> str:
    """A công văn is numbered ``<issuer>-<drafting unit>``: without the unit's abbreviation it
    cannot be numbered."""
    unit = drafting_unit_abbreviation(document)
    if not unit:
        raise DomainError(
            f"Đơn vị soạn thảo «{document.drafting_unit}» chưa có chữ viết tắt để ghi ký hiệu "
            "công văn (ví dụ 12/UBND-VP). Đề nghị quản trị viên khai báo trong "
            "«Chữ viết tắt đơn vị soạn thảo».",
            code="drafting_unit_abbreviation",
        )
    return unit


def _core_title(text: str) -> str:
    return _AUTHORITY_PREFIX.sub("", upper(text)).strip()


def signature_lines(authority: str, title: str) -> list[str]:
    """The authority and the title, each once: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"; "GIÁM ĐỐC"
    and "Giám đốc" print one line; "Q. GIÁM ĐỐC" and "Giám đốc" print "Q. GIÁM ĐỐC"."""
    authority_line = full_name(authority) if authority.strip() else ""
    title_line = upper(title)
    if not authority_line:
        return [title_line] if title_line else []
    if not title_line or title_line == authority_line:
        return [authority_line]
    if _core_title(authority_line) == title_line:
        return [authority_line]
    # the title typed again after the authority ("KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC")
    if authority_line.endswith(" " + title_line):
        authority_line = authority_line[: -len(title_line)].strip()
    return [authority_line, title_line]


def issuing_authority(document: OutgoingDocument, issuer: str) -> str:
    """Below a decision's summary: the collective body ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH")
    when signed "TM.", else the head's title with the body ("GIÁM ĐỐC SỞ TƯ PHÁP")."""
    authority = upper(document.signer_authority)
    if authority.startswith("TM.") or not (authority or document.signer_title.strip()):
        return issuer
    head = _core_title(authority) or upper(document.signer_title)
    head = re.sub(r"^PHÓ\s+", "", head)
    if issuer.startswith(head):
        return issuer
    return f"{head} {issuer}"


def is_addressed(document_type: DocumentType) -> bool:
    return document_type.is_letter or document_type.abbreviation in ADDRESSED_TYPES


def outgoing_layout(document: OutgoingDocument) -> dict[str, Any]:
    """The context of ``pdf/documents/outgoing.html`` for ``document``."""
    org = document.organisation
    profile = _profile(org)
    issuer = full_name(org.name)
    doc_type = document.document_type
    addressed = is_addressed(doc_type)
    recipients = [r.name for r in document.recipients.order_by("pk")]
    unit = drafting_unit_abbreviation(document)
    kept = "Lưu: VT" + (f", {unit}" if unit else "")
    place = place_name(org, profile)
    if document.issued_on is not None:
        date_line = vn_date_line(place, document.issued_on)
    else:  # a draft: the clerk fills the date in at issue
        date_line = f"{place}, ngày      tháng      năm"
    number = document.number_notation or f"      /{document.notation or _draft_notation(document)}"
    signer = document.signer
    return {
        "header": {
            "national_name": NATIONAL_NAME,
            "national_motto": NATIONAL_MOTTO,
            "issuer_parent": superior_name(org, profile),
            "issuer": issuer,
            "number_notation": number,
            "date_line": date_line,
        },
        "is_letter": doc_type.is_letter,
        "doc_type": upper(doc_type.name),
        "summary": letter_summary(document.summary) if doc_type.is_letter else document.summary,
        "addressees": recipients if addressed else [],
        "authority_line": issuing_authority(document, issuer)
        if doc_type.abbreviation in AUTHORITY_TYPES
        else "",
        "paragraphs": [
            p.strip() for p in document.body.replace("\r\n", "\n").split("\n") if p.strip()
        ],
        "recipients": (["Như trên"] if addressed and recipients else recipients) + [kept],
        "signature_lines": signature_lines(document.signer_authority, document.signer_title),
        "signer_name": (signer.full_name or signer.username) if signer else "",
        "urgency": document.get_urgency_display() if document.urgency != Urgency.NORMAL else "",
        "secrecy": document.get_secrecy_display() if document.is_secret else "",
    }


def _draft_notation(document: OutgoingDocument) -> str:
    try:
        return notation(document)
    except DomainError:
        return numbering.issuer_abbreviation(document.organisation)
