"""The one-stop shop's official forms as PDF (DOMAIN.md §2, Phụ lục I of the current circular).

One function per form, each returning PDF bytes (A4, Liberation Serif, national header). Every
form is rendered through ``core.pdf.render_pdf_template`` under a key (``FORM_KEYS``), so an
administrator can override its template in the admin (``core.DocumentTemplate``); the files in
``templates/dossiers/pdf/`` are the defaults. The functions only read: the caller decides who
may print what (use the scoped selectors before calling them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.core.pdf import document_header, render_pdf_template
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import selectors
from .models import Dossier, DossierEvent, DossierPause, StepKind, Timeliness
from .selectors import RegisterRow
from .workflow import Action

#: Template keys (``core.DocumentTemplate.key``) and default templates of the forms.
FORM_KEYS: dict[str, tuple[str, str]] = {
    "receipt": ("dossiers.receipt", "dossiers/pdf/receipt.html"),
    "supplement_request": ("dossiers.supplement_request", "dossiers/pdf/supplement_request.html"),
    "refusal": ("dossiers.refusal", "dossiers/pdf/refusal.html"),
    "apology": ("dossiers.apology", "dossiers/pdf/apology.html"),
    "stop_notice": ("dossiers.stop_notice", "dossiers/pdf/stop_notice.html"),
    "control_sheet": ("dossiers.control_sheet", "dossiers/pdf/control_sheet.html"),
    "tracking_register": ("dossiers.tracking_register", "dossiers/pdf/tracking_register.html"),
}

#: The public lookup page (the applicant enters the PIN there) when its URL is not routed.
LOOKUP_PATH = "/ho-so/tra-cuu/"


# --- Formatting -----------------------------------------------------------------------------


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, VN_TZ)


def appointment_text(value: dt.datetime | None) -> str:
    """ "14 giờ 30 phút, ngày 05/03/2026" (legal time in Vietnam)."""
    if value is None:
        return ""
    moment = local(value)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def handover_text(value: dt.datetime | None) -> str:
    """ "14:30 05/03/2026" — the control sheet's hand-over time."""
    return f"{local(value):%H:%M %d/%m/%Y}" if value is not None else ""


def date_text(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return f"{value:%d/%m/%Y}"


def money_text(amount: int) -> str:
    """ "200.000 đồng" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def lookup_url(dossier: Dossier) -> str:
    """The public lookup page for ``dossier`` (SITE_URL + path), printed and put in the QR."""
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    try:
        path = reverse("dossiers:lookup")
    except NoReverseMatch:
        path = LOOKUP_PATH
    return f"{base}{path}?ma={quote(dossier.code, safe='')}"


def qr_data_uri(payload: str) -> str:
    """A PNG data URI of a QR code for ``payload`` (embedded: rendering never fetches)."""
    return str(segno.make(payload, error="m").png_data_uri(scale=6, border=2))


#: People's Committees are themselves the issuing authority: no superior line above them.
COMMITTEE_KINDS = frozenset(
    {OrganisationKind.PROVINCIAL_COMMITTEE, OrganisationKind.COMMUNE_COMMITTEE}
)

#: Form numbers printed at the top right (Phụ lục I of the current circular, DOMAIN.md §2);
#: DOSSIER_FORM_NUMBERS in settings overrides them per form.
FORM_NUMBERS: dict[str, str] = {
    "receipt": "Mẫu số 01",
    "supplement_request": "Mẫu số 02",
    "refusal": "Mẫu số 03",
    "apology": "Mẫu số 04",
    "stop_notice": "Mẫu số 05",
    "control_sheet": "Mẫu số 06",
    "tracking_register": "Mẫu số 07",
}


def form_number(form: str) -> str:
    overrides = getattr(settings, "DOSSIER_FORM_NUMBERS", None) or {}
    return str(overrides.get(form, FORM_NUMBERS[form]))


def _parent_name(org: Organisation) -> str:
    if org.kind in COMMITTEE_KINDS:
        return ""
    return org.parent.name if org.parent_id and org.parent is not None else ""


def _header(issuer: Organisation, *, on: dt.datetime | None = None) -> dict[str, str]:
    place = _place_of(issuer)
    return document_header(
        issuer=issuer.name,
        issuer_parent=_parent_name(issuer),
        place=place,
        issued_on=local(on or timezone.now()).date(),
    )


def _place_of(org: Organisation) -> str:
    """The place name of the date line (ND 30/2020): the commune's name for an organisation
    of a commune, else the province's — the nearest People's Committee above (or being) the
    organisation, without "UBND"/"tỉnh"/"xã"…; a numbered ward keeps its kind ("Phường 12")."""
    top = org
    while top.kind not in COMMITTEE_KINDS and top.parent_id and top.parent is not None:
        top = top.parent
    name = top.name
    for prefix in PLACE_PREFIXES:
        rest = name[len(prefix) :]
        if name.lower().startswith(prefix) and not rest.strip().isdigit():
            name = rest
    return name[:1].upper() + name[1:]


#: Stripped (in this order, case-insensitive) from the committee's name for the place.
PLACE_PREFIXES = (
    "ubnd ",
    "ủy ban nhân dân ",
    "tỉnh ",
    "thành phố ",
    "xã ",
    "phường ",
    "đặc khu ",
)


def _last_event(dossier: Dossier, actions: Sequence[str]) -> DossierEvent | None:
    return dossier.events.filter(action__in=list(actions)).order_by("-at", "-id").first()


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or getattr(user, "username", ""))


def _base_context(dossier: Dossier, issuer: Organisation, *, on: dt.datetime | None) -> dict:
    return {
        "dossier": dossier,
        "header": _header(issuer, on=on),
        "issuer_name": issuer.name,
        "receiving_name": dossier.receiving_organisation.name,
        "competent_name": dossier.competent_organisation.name,
        "received_text": appointment_text(dossier.received_at),
        "received_date": date_text(dossier.received_at),
        "appointment_text": appointment_text(dossier.appointment_at),
        "lookup_url": lookup_url(dossier),
    }


def _render(form: str, context: dict[str, Any]) -> bytes:
    key, default_template = FORM_KEYS[form]
    context = {"form_number": form_number(form), **context}
    return render_pdf_template(key, context, default_template=default_template)


# --- 1. Giấy tiếp nhận hồ sơ và hẹn trả kết quả ---------------------------------------------


def register_line(dossier: Dossier) -> int:
    """The dossier's line in the receiving organisation's tracking register of its year (the
    order of receipt, from 1 on 1 January, legal time)."""
    year = local(dossier.received_at).year
    start = dt.datetime(year, 1, 1, tzinfo=VN_TZ)
    earlier = Dossier.objects.filter(
        receiving_organisation_id=dossier.receiving_organisation_id,
        received_at__gte=start,
    ).filter(received_at__lt=dossier.received_at)
    same_moment = Dossier.objects.filter(
        receiving_organisation_id=dossier.receiving_organisation_id,
        received_at=dossier.received_at,
        pk__lte=dossier.pk,
    )
    return earlier.count() + same_moment.count()


def receipt_context(dossier: Dossier, *, pin: str | None = None) -> dict[str, Any]:
    """The receipt's template context (also what a DB override of ``dossiers.receipt`` gets)."""
    context = _base_context(dossier, dossier.receiving_organisation, on=dossier.received_at)
    intake = dossier.steps.filter(kind=StepKind.INTAKE).select_related("assignee").first()
    officer = intake.assignee if intake is not None else None
    receiving = dossier.receiving_organisation
    url = lookup_url(dossier)
    version = dossier.procedure_version
    fee = dossier.fee_total
    fee_text = "Không thu phí, lệ phí" if fee == 0 else money_text(fee)
    if fee:
        fee_text += f" ({dossier.get_payment_status_display()})"
    context.update(
        {
            "receipt_number": dossier.code,
            "papers": list(dossier.papers_received or []),
            "attachment_count": dossier.attachments.count(),
            "processing_days_text": version.processing_time_display(),
            "appointment_text": appointment_text(dossier.appointment_at),
            "collect_place": ", ".join(p for p in (receiving.name, receiving.address) if p),
            "fee_text": fee_text,
            "register_name": f"Sổ theo dõi hồ sơ năm {local(dossier.received_at).year}",
            "register_book": str(local(dossier.received_at).year),
            "register_line": register_line(dossier),
            "copies_text": RECEIPT_COPIES,
            "officer_name": _user_name(officer),
            "pin": pin or "",
            "lookup_url": url,
            "qr_payload": url,
            "qr_data_uri": qr_data_uri(url),
        }
    )
    return context


#: The receipt's copy line (the applicant keeps one, the desk one).
RECEIPT_COPIES = (
    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 bản; 01 bản giao cho người "
    "nộp hồ sơ, 01 bản lưu tại Bộ phận Một cửa."
)


def receipt_pdf(dossier: Dossier, *, pin: str | None = None) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả. ``pin`` is the lookup PIN, printed only when
    given (it exists in clear only at intake or after ``dossier_reset_pin``)."""
    return _render("receipt", receipt_context(dossier, pin=pin))


# --- 2. Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ ---------------------------------------------


def pause_issuer(dossier: Dossier, pause: DossierPause) -> Organisation:
    """The desk issues the request when the dossier had not left it yet; otherwise the
    competent organisation."""
    handed_over = (
        dossier.steps.exclude(kind=StepKind.INTAKE)
        .filter(started_at__lte=pause.started_at)
        .exists()
    )
    return dossier.competent_organisation if handed_over else dossier.receiving_organisation


def _contact(org: Organisation) -> str:
    parts = [org.name]
    if org.address:
        parts.append(f"địa chỉ {org.address}")
    if org.phone:
        parts.append(f"điện thoại {org.phone}")
    if org.email:
        parts.append(f"thư điện tử {org.email}")
    return ", ".join(parts)


def supplement_request_pdf(
    dossier: Dossier,
    pause: DossierPause,
    *,
    signer_title: str = "NGƯỜI TIẾP NHẬN HỒ SƠ",
    signer_name: str = "",
) -> bytes:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ for one supplement request (``pause``)."""
    issuer = pause_issuer(dossier, pause)
    context = _base_context(dossier, issuer, on=pause.started_at)
    context.update(
        {
            "pause": pause,
            "requested_papers": list(pause.requested_papers or []),
            "contact": _contact(issuer),
            "recipients": ["Như trên", "Lưu: hồ sơ"],
            "signer_title": signer_title,
            "signer_name": signer_name or _user_name(pause.requested_by),
        }
    )
    return _render("supplement_request", context)


# --- 3. Phiếu từ chối tiếp nhận giải quyết hồ sơ --------------------------------------------


def refusal_pdf(dossier: Dossier, *, signer_title: str = "NGƯỜI TIẾP NHẬN HỒ SƠ") -> bytes:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ (the reason comes from the refusal event)."""
    event = _last_event(dossier, [Action.REFUSE])
    at = event.at if event is not None else dossier.finished_at
    context = _base_context(dossier, dossier.receiving_organisation, on=at)
    context.update(
        {
            "reason": event.reason if event is not None else "",
            "recipients": ["Như trên", "Lưu: hồ sơ"],
            "signer_title": signer_title,
            "signer_name": event.actor_name if event is not None else "",
        }
    )
    return _render("refusal", context)


# --- 4. Văn bản xin lỗi và hẹn lại ngày trả kết quả -----------------------------------------


def apology_pdf(
    dossier: Dossier,
    *,
    signer_authority: str = "",
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
    signer_name: str = "",
) -> bytes:
    """Văn bản xin lỗi và hẹn lại ngày trả kết quả, signed by the unit head (the competent
    organisation issues it; the signer defaults to the official who recorded the apology)."""
    event = _last_event(dossier, [Action.APOLOGISE])
    context = _base_context(dossier, dossier.competent_organisation, on=dossier.apologised_at)
    context.update(
        {
            "reason": event.reason if event is not None else "",
            "new_appointment_text": appointment_text(dossier.new_appointment_at),
            "recipients": ["Như trên", "Lưu: hồ sơ"],
            "signer_authority": signer_authority,
            "signer_title": signer_title,
            "signer_name": signer_name or (event.actor_name if event is not None else ""),
        }
    )
    return _render("apology", context)


# --- 5. Thông báo dừng giải quyết hồ sơ -----------------------------------------------------


def stop_notice_pdf(
    dossier: Dossier,
    *,
    signer_authority: str = "",
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
    signer_name: str = "",
) -> bytes:
    """Thông báo dừng giải quyết hồ sơ (stopped by the agency or withdrawn by the applicant)."""
    event = _last_event(dossier, [Action.STOP, Action.WITHDRAW])
    at = event.at if event is not None else dossier.finished_at
    withdrawn = event is not None and event.action == Action.WITHDRAW
    context = _base_context(dossier, dossier.competent_organisation, on=at)
    if not signer_name and event is not None and not withdrawn:
        signer_name = event.actor_name  # the unit head who stopped it
    context.update(
        {
            "reason": event.reason if event is not None else "",
            "withdrawn": withdrawn,
            "stopped_text": appointment_text(at),
            "recipients": ["Như trên", "Lưu: hồ sơ"],
            "signer_authority": signer_authority,
            "signer_title": signer_title,
            # a withdrawal is the applicant's request: never their name under the agency's
            # head; the applicant's own block shows it
            "signer_name": signer_name,
            "requester_name": dossier.applicant_name if withdrawn else "",
        }
    )
    return _render("stop_notice", context)


# --- 6. Phiếu kiểm soát quá trình giải quyết hồ sơ ------------------------------------------


def control_sheet_rows(dossier: Dossier, *, now: dt.datetime | None = None) -> list[dict]:
    """One row per hand-over: from/to unit, hand-over time, result (trước hạn / đúng hạn /
    quá hạn; "Đang xử lý" with the time left for the open step)."""
    rows: list[dict[str, Any]] = []
    previous = None
    for step, step_clock in selectors.control_sheet(dossier, now=now):
        to_unit = step.unit.name if step.unit is not None else step.external_name
        if step.finished_at is not None:
            result = Timeliness(step.result).label if step.result else ""
        else:
            result = f"Đang xử lý ({step_clock.text})" if step_clock.text else "Đang xử lý"
        rows.append(
            {
                "name": step.name,
                "from_unit": step.from_unit.name if step.from_unit is not None else "",
                "to_unit": to_unit,
                "assignee": _user_name(step.assignee),
                # who handed the dossier over (closed the previous step) and who received it
                "giver": _user_name(previous.finished_by) if previous is not None else "",
                "receiver": _user_name(step.assignee),
                "received_text": handover_text(step.started_at),
                "handed_over_text": handover_text(step.finished_at),
                "due_text": handover_text(step.due_at),
                "result": str(result),
                "note": f"Chuyển đi lúc {handover_text(step.finished_at)}"
                if step.finished_at is not None
                else "",
            }
        )
        previous = step
    return rows


def control_sheet_pdf(dossier: Dossier, *, now: dt.datetime | None = None) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    steps = dossier.steps.select_related("from_unit", "unit", "assignee")
    external = sorted({s.external_name for s in steps if s.external_name})
    context = _base_context(dossier, dossier.receiving_organisation, on=now)
    context.update(
        {
            "rows": control_sheet_rows(dossier, now=now),
            "coordinating_names": ", ".join(external),
        }
    )
    return _render("control_sheet", context)


# --- 7. Sổ theo dõi hồ sơ -------------------------------------------------------------------


def tracking_register_pdf(
    rows: Sequence[RegisterRow],
    *,
    organisation: Organisation,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> bytes:
    """Sổ theo dõi hồ sơ (A4 landscape) from ``selectors.tracking_register(...)`` rows."""
    lines = [
        {
            "line": row.line,
            "code": row.code,
            "procedure_name": row.procedure_name,
            "set_count": row.set_count,
            "applicant_name": row.applicant_name,
            "applicant_address": row.applicant_address,
            "applicant_phone": row.applicant_phone,
            "competent_organisation": row.competent_organisation,
            "received_text": handover_text(row.received_at),
            "appointment_text": handover_text(row.new_appointment_at or row.appointment_at),
            "transferred_text": handover_text(row.transferred_at),
            "result_text": handover_text(row.result_at),
            "returned_text": handover_text(row.returned_at),
            "status_label": row.status_label,
            "classification_label": row.classification_label,
            "note": row.note,
        }
        for row in rows
    ]
    context = {
        "header": _header(organisation),
        "organisation_name": organisation.name,
        "date_from_text": date_text(date_from) or "…",
        "date_to_text": date_text(date_to) or "…",
        "rows": lines,
    }
    return _render("tracking_register", context)
