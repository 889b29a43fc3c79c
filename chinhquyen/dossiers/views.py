"""One-stop shop pages, mounted at /ho-so/: the public status lookup, the applicant's dossiers
(online submission, supplement, withdraw, results, rating) and the officials' work (inbox,
dossier page with the workflow actions, bulk hand-over, tracking register export).

Views only parse, call a selector or a service and render. A dossier outside the user's scope
answers 404 (never 403), so that its existence does not leak.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.models import Position, Role, User, UserKind
from chinhquyen.accounts.permissions import is_applicant, is_official
from chinhquyen.catalog import selectors as catalog_selectors
from chinhquyen.catalog.forms_schema import SchemaForm, describe_data
from chinhquyen.catalog.models import OnlineLevel
from chinhquyen.core.api import DomainError
from chinhquyen.core.clientip import client_ip
from chinhquyen.core.collation import vi_sort
from chinhquyen.core.exports import neutralise
from chinhquyen.core.sealing import seal, unseal
from chinhquyen.payments.services import payment_start

from . import drafts, routing, selectors, services, workflow
from . import lookup as lookup_limits
from .forms import (
    ActionForm,
    ApplicantForm,
    BulkTransferForm,
    CounterIntakeForm,
    CounterProcedureForm,
    InboxFilterForm,
    LookupForm,
    MultipleFileField,
    PaperCountForm,
    RatingForm,
    RegisterExportForm,
    SubmitMetaForm,
    SupplementAnswerForm,
    WithdrawForm,
    fee_case_label,
)
from .integrations import can_pay_fee_online, dossier_fee_payment
from .models import (
    Dossier,
    DossierAttachment,
    DossierNotice,
    DossierResult,
    DossierStatus,
    ResultDelivery,
)
from .workflow import Action, action_label, status_label

COUNTER_MATCHES = 20  # procedures listed when the desk searches by name
LOOKUP_SESSION_KEY = "dossiers_lookup_codes"
NEW_PIN_SESSION_KEY = "dossiers_new_pins"
RECEIPT_PIN_SESSION_KEY = "dossiers_receipt_pins"
# PINs waiting in the session to be shown once: a few dossiers at most
PINS_KEPT = 5


def _pin_keep(request: HttpRequest, key: str, dossier_pk: int, pin: str | None) -> None:
    """Keep a new PIN in the session until it is shown once, sealed: sessions live in the
    database, where a PIN is never stored in clear (security finding #9, point 6)."""
    if not pin:
        return
    pins = dict(list(request.session.get(key, {}).items())[-(PINS_KEPT - 1) :])
    pins[str(dossier_pk)] = seal(pin)
    request.session[key] = pins


def _pin_take(request: HttpRequest, key: str, dossier_pk: int) -> str | None:
    """The PIN kept for ``dossier_pk`` (once: it leaves the session), or None."""
    pins = dict(request.session.get(key, {}))
    token = pins.pop(str(dossier_pk), None)
    if token is None:
        return None
    request.session[key] = pins
    return unseal(str(token))


PDF_MIME = "application/pdf"
NOT_FOUND_MESSAGE = (
    "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập. Vui lòng kiểm tra lại giấy "
    "tiếp nhận hồ sơ."
)
INBOX_PAGE_SIZE = 50
_EVENT_LABELS = {
    "receive": "Tiếp nhận hồ sơ",
    "received": "Tiếp nhận hồ sơ",
    "submit": "Nộp hồ sơ trực tuyến",
    "attach_file": "Đính kèm tệp",
    "reset_pin": "Cấp lại mã tra cứu",
    "payment": "Cập nhật thanh toán",
    "result_signed": "Ký số kết quả",
}
OFFICER_ACTIONS_HIDDEN = {Action.RATE}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error_messages(exc: Exception) -> list[str]:
    """Vietnamese messages of a service error (DomainError or ValidationError)."""
    if isinstance(exc, DomainError):
        return [str(exc.detail)]
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return ["Yêu cầu không thực hiện được."]


def _download(row: DossierAttachment | DossierResult | DossierNotice) -> HttpResponseBase:
    if not row.file:
        raise Http404("Không có tệp.")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp không còn trên hệ thống.") from None
    name = row.original_name or "tep-dinh-kem"
    if isinstance(row, DossierResult):
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "pdf"
        name = f"{row.code}.{extension}"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _official_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_official(request.user):
            raise PermissionDenied("Chỉ cán bộ, công chức được sử dụng chức năng này.")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _applicant_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_applicant(request.user):
            raise PermissionDenied(
                "Chỉ công dân, tổ chức, doanh nghiệp được sử dụng chức năng này."
            )
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --------------------------------------------------------------------------------------------
# Public lookup
# --------------------------------------------------------------------------------------------


def _remember_lookup(request: HttpRequest, code: str) -> None:
    codes = [c for c in request.session.get(LOOKUP_SESSION_KEY, []) if c != code]
    request.session[LOOKUP_SESSION_KEY] = [*codes, code][-5:]


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu hồ sơ: code + PIN (``?ma=`` prefills the code: the receipt's QR code)."""
    context: dict[str, Any] = {"result": None, "not_found": False}
    if request.method == "POST":
        form = LookupForm(request.POST)
        code = lookup_limits.normalise_code(request.POST.get("code", ""))
        # one bucket with the API: per address, per code, and the lock after failures
        ip = client_ip(request)
        verdict = lookup_limits.gate(ip, code)
        if verdict != lookup_limits.OK:
            wait = lookup_limits.retry_after(ip, code)
            refused = render(
                request,
                "dossiers/lookup_throttled.html",
                {"message": lookup_limits.refusal(verdict, wait)},
                status=429,
            )
            refused["Retry-After"] = str(wait)
            return refused
        if form.is_valid():
            code, pin = form.cleaned_data["code"], form.cleaned_data["pin"]
            view = lookup_limits.find(code, pin)
            if view is None:
                lookup_limits.record_failure(code, request)
                context["not_found"] = True
            else:
                dossier = Dossier.objects.select_related("competent_organisation").get(
                    code=view.code
                )
                _remember_lookup(request, view.code)
                context.update(
                    result=view,
                    dossier=dossier,
                    clock=selectors.dossier_clock(dossier),
                    results=[
                        r
                        for r in dossier.results.order_by("number")
                        if r.file and r.cancelled_at is None
                    ]
                    if view.result_ready
                    else [],
                )
                form = LookupForm(initial={"code": view.code})
    else:
        form = LookupForm(initial={"code": (request.GET.get("ma") or "")[:64]})
    context["form"] = form
    status = 404 if context["not_found"] else 200
    return render(request, "dossiers/lookup.html", context, status=status)


@require_GET
def lookup_result(request: HttpRequest, code: str, result_id: int) -> HttpResponseBase:
    """A result file of a dossier looked up with its PIN in this session."""
    if code not in request.session.get(LOOKUP_SESSION_KEY, []):
        raise Http404("Vui lòng tra cứu hồ sơ bằng mã hồ sơ và mã tra cứu trước.")
    row = (
        DossierResult.objects.filter(
            pk=result_id,
            dossier__code=code,
            dossier__status__in=[DossierStatus.RESULT_READY, DossierStatus.RETURNED],
            cancelled_at__isnull=True,
        )
        .exclude(file="")
        .first()
    )
    if row is None:
        raise Http404("Không có kết quả này.")
    return _download(row)


# --------------------------------------------------------------------------------------------
# Applicants
# --------------------------------------------------------------------------------------------


@require_GET
@_applicant_required
def my_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = []
    for dossier in selectors.dossiers_of_applicant(request.user)[:200]:
        text, overdue = selectors.list_clock_text(dossier, now=now)
        rows.append({"dossier": dossier, "clock_text": text, "overdue": overdue})
    user = request.user
    assert isinstance(user, User)
    return render(
        request, "dossiers/my_list.html", {"rows": rows, "drafts": drafts.drafts_of(user)}
    )


def _timeline(dossier: Dossier) -> list[dict[str, Any]]:
    out = []
    for event in dossier.events.all():
        changed = event.to_status and event.to_status != event.from_status
        out.append(
            {
                "event": event,
                "label": _EVENT_LABELS.get(event.action) or action_label(event.action),
                "status_label": status_label(event.to_status) if changed else "",
            }
        )
    return out


def _my_dossier(request: HttpRequest, pk: int) -> Dossier:
    dossier = selectors.dossier_for_user(request.user, pk)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def _my_detail_context(request: HttpRequest, dossier: Dossier, **forms: Any) -> dict[str, Any]:
    actions = selectors.actions_for(request.user, dossier)
    kinds = selectors.applicant_visible_attachment_kinds()
    open_pause = next((p for p in dossier.pauses.all() if p.ended_at is None), None)
    return {
        "dossier": dossier,
        "clock": selectors.dossier_clock(dossier),
        "events": _timeline(dossier),
        "attachments": [a for a in dossier.attachments.all() if a.kind in kinds],
        "results": [r for r in dossier.results.all() if r.file and r.approved_at]
        if dossier.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED)
        else [],
        "answers": describe_data(dossier.procedure_version.form_schema, dossier.form_data),
        "open_pause": open_pause,
        "can_supplement": Action.SUPPLEMENT_ANSWER in actions,
        "can_withdraw": Action.WITHDRAW in actions,
        "can_rate": Action.RATE in actions,
        "can_pay": can_pay_fee_online(request.user, dossier),
        "supplement_form": forms.get("supplement_form") or SupplementAnswerForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "rating": getattr(dossier, "rating", None),
        "new_pin": forms.get("new_pin"),
        "notices": selectors.notices_of(dossier, for_applicant=True),
    }


@require_GET
@_applicant_required
def my_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _my_dossier(request, pk)
    new_pin = _pin_take(request, NEW_PIN_SESSION_KEY, dossier.pk)
    context = _my_detail_context(request, dossier, new_pin=new_pin)
    return render(request, "dossiers/my_detail.html", context)


def _my_post(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    form_key: str,
    perform: Callable[[Dossier, Any], None],
    success: str,
) -> HttpResponse:
    dossier = _my_dossier(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            perform(dossier, form)
        except (DomainError, ValidationError) as exc:
            for message in _error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, success)
            return redirect("dossiers:my_detail", pk=dossier.pk)
    context = _my_detail_context(request, dossier, **{form_key: form})
    return render(request, "dossiers/my_detail.html", context, status=400)


@require_POST
@_applicant_required
def my_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(dossier: Dossier, form: SupplementAnswerForm) -> None:
        services.dossier_supplement_answer(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            uploads=[services.Upload(file=f) for f in form.cleaned_data["tep"]],
            note=form.cleaned_data["note"],
        )

    return _my_post(
        request,
        pk,
        SupplementAnswerForm,
        "supplement_form",
        perform,
        "Đã nộp bổ sung hồ sơ. Thời hạn giải quyết được tính tiếp.",
    )


@require_POST
@_applicant_required
def my_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(dossier: Dossier, form: WithdrawForm) -> None:
        services.dossier_withdraw(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            reason=form.cleaned_data["reason"],
        )

    return _my_post(
        request, pk, WithdrawForm, "withdraw_form", perform, "Đã rút hồ sơ, hồ sơ dừng giải quyết."
    )


@require_POST
@_applicant_required
def my_rate(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(dossier: Dossier, form: RatingForm) -> None:
        services.dossier_rate(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )

    return _my_post(
        request, pk, RatingForm, "rating_form", perform, "Cảm ơn bạn đã đánh giá mức độ hài lòng."
    )


@require_POST
@_applicant_required
def my_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's "Thanh toán trực tuyến" button: off to the payment gateway with the
    dossier's fee (the gateway's IPN marks the dossier paid, see ``integrations``)."""
    dossier = _my_dossier(request, pk)
    try:
        payment = dossier_fee_payment(actor=request.user, dossier=dossier)  # type: ignore[arg-type]
        url = payment_start(actor=request.user, payment=payment, client_ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("dossiers:my_detail", pk=dossier.pk)
    return HttpResponseRedirect(url)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """A dossier file (applicants: their papers and supplements; officials in scope)."""
    row = selectors.attachment_for_user(request.user, pk, attachment_id)
    if row is None:
        raise Http404("Không có tệp này.")
    return _download(row)


@require_GET
@login_required
def result_download(request: HttpRequest, pk: int, result_id: int) -> HttpResponseBase:
    """A result file (applicants once the result is ready; officials in scope)."""
    row = selectors.result_for_user(request.user, pk, result_id)
    if row is None:
        raise Http404("Không có kết quả này.")
    return _download(row)


@require_GET
@login_required
def notice_download(request: HttpRequest, pk: int, notice_id: int) -> HttpResponseBase:
    """An issued one-stop form (officials in scope; applicants those addressed to them)."""
    row = selectors.notice_for_user(request.user, pk, notice_id)
    if row is None:
        raise Http404("Không có phiếu này.")
    return _download(row)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@_applicant_required
def my_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's copy of the receipt (giấy tiếp nhận và hẹn trả kết quả), without the
    PIN (it is not stored in clear)."""
    from . import pdf

    dossier = _my_dossier(request, pk)
    return _pdf_response(pdf.receipt_pdf(dossier), f"giay-tiep-nhan-{dossier.code}.pdf")


@require_GET
@_official_required
def control_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ as it stands now (a row per hand-over)."""
    from . import pdf

    dossier = _officer_dossier(request, pk)
    return _pdf_response(pdf.control_sheet_pdf(dossier), f"phieu-kiem-soat-{dossier.code}.pdf")


# --- online submission ----------------------------------------------------------------------


def _paper_field(paper_id: int) -> str:
    return f"giay_to_{paper_id}"


def _applicant_initial(user: User) -> dict[str, str]:
    return {
        "name": user.full_name or user.get_full_name() or user.get_username(),
        "id_number": user.citizen_id or user.tax_code,
        "address": user.address,
        "phone": user.phone,
        "email": user.email,
        "organisation": user.organisation_name,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@_applicant_required
def submit(request: HttpRequest, code: str) -> HttpResponse:
    """Nộp hồ sơ trực tuyến: the procedure's form, the papers, the applicant's details."""
    version = catalog_selectors.procedure_detail(code)
    if version is None:
        raise Http404("Không có thủ tục này hoặc thủ tục không còn áp dụng.")
    if version.online_level not in (OnlineLevel.PARTIAL, OnlineLevel.FULL):
        return render(request, "dossiers/submit_unavailable.html", {"version": version})
    user = request.user
    assert isinstance(user, User)
    papers = list(version.papers.order_by("order", "pk"))
    competent_all = catalog_selectors.competent_organisations(version)
    competent_choices = competent_all if competent_all.count() != 1 else None
    fees = list(version.fees.order_by("order", "pk"))
    errors: list[str] = []
    paper_errors: dict[int, list[str]] = {}
    if request.method == "POST" and "luu_nhap" in request.POST:
        try:
            drafts.draft_save(
                applicant=user,
                procedure=version.procedure,
                data=drafts.draft_payload(request.POST),
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(
                request,
                "Đã lưu nháp. Bạn có thể quay lại trang này để tiếp tục (tệp đính kèm cần "
                "chọn lại khi nộp).",
            )
        return redirect("dossiers:submit", code=version.procedure.code)
    if request.method == "POST":
        schema_form = SchemaForm(version.form_schema, data=request.POST)
        applicant_form = ApplicantForm(request.POST, prefix="nguoi_nop")
        meta_form = SubmitMetaForm(request.POST, competent_choices=competent_choices, fees=fees)
        uploads: list[services.Upload] = []
        for paper in papers:
            field = MultipleFileField(required=paper.required)
            try:
                files = field.clean(request.FILES.getlist(_paper_field(paper.pk)))
            except ValidationError as exc:
                paper_errors[paper.pk] = (
                    ["Vui lòng đính kèm giấy tờ này."] if paper.required else exc.messages
                )
                continue
            uploads.extend(services.Upload(file=f, paper_id=paper.pk) for f in files)
        valid = schema_form.is_valid() & applicant_form.is_valid() & meta_form.is_valid()
        if valid and not paper_errors:
            try:
                result = services.dossier_submit_online(
                    actor=user,
                    procedure=version,
                    form_data=schema_form.cleaned_data,
                    uploads=uploads,
                    competent_organisation=meta_form.cleaned_data.get("competent"),
                    applicant_details=applicant_form.details(),
                    idempotency_key=meta_form.cleaned_data["idempotency_key"],
                    fee_case=meta_form.cleaned_data.get("fee_case"),
                    fee_case_required=True,
                    result_delivery=meta_form.cleaned_data["result_delivery"]
                    or ResultDelivery.COUNTER,
                )
            except (DomainError, ValidationError) as exc:
                errors = _error_messages(exc)
                if isinstance(exc, DomainError) and exc.error_code == "idempotency_conflict":
                    errors = [
                        "Biểu mẫu này đã được dùng để nộp một hồ sơ khác. Vui lòng kiểm tra "
                        "lại thông tin và bấm «Nộp hồ sơ» một lần nữa để nộp hồ sơ mới."
                    ]
                    fresh = request.POST.copy()
                    fresh["idempotency_key"] = secrets.token_hex(16)
                    meta_form.data = fresh
            else:
                drafts.draft_discard(applicant=user, procedure=version.procedure)
                if result.created and result.pin:
                    _pin_keep(request, NEW_PIN_SESSION_KEY, result.dossier.pk, result.pin)
                    messages.success(request, "Đã nộp hồ sơ trực tuyến thành công.")
                else:
                    messages.info(request, "Hồ sơ này đã được ghi nhận trước đó.")
                return redirect("dossiers:my_detail", pk=result.dossier.pk)
        status = 400
    else:
        draft = drafts.draft_of(user, version.procedure)
        schema_form = SchemaForm(version.form_schema, initial=drafts.initial_from(draft, "bm"))
        applicant_form = ApplicantForm(
            initial={**_applicant_initial(user), **drafts.initial_from(draft, "nguoi_nop")},
            prefix="nguoi_nop",
        )
        meta_form = SubmitMetaForm(
            initial={"idempotency_key": secrets.token_hex(16), **drafts.initial_from(draft)},
            competent_choices=competent_choices,
            fees=fees,
        )
        status = 200
    context = {
        "version": version,
        "procedure": version.procedure,
        "schema_form": schema_form if version.form_schema else None,
        "applicant_form": applicant_form,
        "meta_form": meta_form,
        "papers": [
            {"paper": p, "field": _paper_field(p.pk), "errors": paper_errors.get(p.pk, [])}
            for p in papers
        ],
        "errors": errors,
        "fees": [fee_case_label(f) for f in fees],
    }
    return render(request, "dossiers/submit.html", context, status=status)


# --------------------------------------------------------------------------------------------
# Officials
# --------------------------------------------------------------------------------------------


@require_GET
@_official_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    kwargs: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        kwargs = form.selector_kwargs()
    after = selectors.decode_cursor(request.GET.get("sau", "")) if request.GET.get("sau") else None
    now = timezone.now()
    page = selectors.dossiers_for_inbox(
        request.user, limit=INBOX_PAGE_SIZE, after=after, now=now, **kwargs
    )
    rows = []
    for dossier in page.items:
        text, overdue = selectors.list_clock_text(dossier, now=now)
        rows.append({"dossier": dossier, "clock_text": text, "overdue": overdue})
    query = request.GET.copy()
    query.pop("sau", None)
    next_query = None
    if page.next_cursor is not None:
        query["sau"] = selectors.encode_cursor(page.next_cursor) or ""
        next_query = query.urlencode()
    counts = [
        {"status": value, "label": label, "count": page.counts.get(value, 0)}
        for value, label in DossierStatus.choices
    ]
    return render(
        request,
        "dossiers/inbox.html",
        {
            "form": form,
            "rows": rows,
            "counts": counts,
            "overdue_count": page.counts.get("overdue", 0),
            "next_query": next_query,
            "is_desk": bool(routing.desk_organisations(request.user)),
        },
    )


def _officer_dossier(request: HttpRequest, pk: int) -> Dossier:
    dossier = selectors.dossier_for_user(request.user, pk)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def _assignees(dossier: Dossier) -> list[User]:
    unit = dossier.current_unit
    if unit is None:
        return []
    ids = (
        Position.objects.active()
        .filter(unit__path__startswith=unit.path)
        .exclude(role__in=[Role.API_CLIENT, Role.IT_ADMIN])
        .values_list("user_id", flat=True)
    )
    return list(
        User.objects.filter(pk__in=ids, is_active=True).order_by(vi_sort("full_name"), "pk")
    )


def _action_forms(
    request: HttpRequest, dossier: Dossier, bound: ActionForm | None = None
) -> list[dict[str, Any]]:
    out = []
    assignees: list[User] | None = None
    for action in selectors.actions_for(request.user, dossier):
        if action in OFFICER_ACTIONS_HIDDEN:
            continue
        if bound is not None and bound.action == action:
            form = bound
        else:
            if action == Action.ASSIGN and assignees is None:
                assignees = _assignees(dossier)
            form = ActionForm(action=action, dossier=dossier, assignees=assignees)
        out.append(
            {
                "action": action,
                "label": action_label(action),
                "form": form,
                "multipart": action in (Action.ATTACH_RESULT, Action.SUPPLEMENT_ANSWER),
                "danger": action in (Action.REFUSE, Action.STOP, Action.WITHDRAW),
            }
        )
    return out


def _detail_context(
    request: HttpRequest, dossier: Dossier, bound: ActionForm | None = None
) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "clock": selectors.dossier_clock(dossier),
        "sheet": selectors.control_sheet(dossier),
        "events": _timeline(dossier),
        "attachments": list(dossier.attachments.all()),
        "results": list(dossier.results.all()),
        "pauses": list(dossier.pauses.all()),
        "answers": describe_data(dossier.procedure_version.form_schema, dossier.form_data),
        "action_forms": _action_forms(request, dossier, bound),
        "notices": selectors.notices_of(dossier, for_applicant=False),
    }


def _applicant_to_verify(request: HttpRequest, dossier: Dossier) -> User | None:
    """The applicant's citizen account with a CCCD, shown with its verification state to the
    dossier's one-stop desk: the desk checks the card at the counter (security finding #9,
    point 2; the action is accounts:citizen_id_verify, audited)."""
    if dossier.applicant_id is None or not workflow.is_desk(request.user, dossier):
        return None
    return (
        User.objects.filter(pk=dossier.applicant_id, kind=UserKind.CITIZEN)
        .exclude(citizen_id="")
        .only("pk", "username", "full_name", "citizen_id", "citizen_id_verified", "kind")
        .first()
    )


@require_GET
@_official_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _officer_dossier(request, pk)
    context = _detail_context(request, dossier)
    context["new_pin"] = _pin_take(request, NEW_PIN_SESSION_KEY, dossier.pk)
    context["can_print_receipt"] = workflow.is_desk(request.user, dossier)
    context["applicant_account"] = _applicant_to_verify(request, dossier)
    context["receipt_has_pin"] = str(dossier.pk) in request.session.get(RECEIPT_PIN_SESSION_KEY, {})
    return render(request, "dossiers/detail.html", context)


@require_GET
@_official_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF). The PIN is printed on the first print
    right after intake only (it is not stored in clear)."""
    from . import pdf

    dossier = _officer_dossier(request, pk)
    if not workflow.is_desk(request.user, dossier):
        raise PermissionDenied("Chỉ bộ phận một cửa in giấy tiếp nhận hồ sơ.")
    pin = _pin_take(request, RECEIPT_PIN_SESSION_KEY, dossier.pk)
    content = pdf.receipt_pdf(dossier, pin=pin)
    return _pdf_response(content, f"giay-tiep-nhan-{dossier.code}.pdf")


@require_POST
@_official_required
def action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Perform one workflow action from its small form on the dossier page."""
    dossier = _officer_dossier(request, pk)
    if action not in Action.values or action in OFFICER_ACTIONS_HIDDEN:
        raise Http404("Thao tác không tồn tại.")
    assignees = _assignees(dossier) if action == Action.ASSIGN else None
    form = ActionForm(
        request.POST, request.FILES, action=action, dossier=dossier, assignees=assignees
    )
    if form.is_valid():
        try:
            services.dossier_transition(
                actor=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                action=action,
                **form.service_params(),
            )
        except (DomainError, ValidationError) as exc:
            for message in _error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, f"Đã thực hiện: {action_label(action)}.")
            return redirect("dossiers:detail", pk=dossier.pk)
    dossier = _officer_dossier(request, pk)
    context = _detail_context(request, dossier, bound=form)
    context["failed_action"] = action
    if action not in {item["action"] for item in context["action_forms"]}:
        context["action_error"] = form.non_field_errors() or [
            f"Không thể thực hiện «{action_label(action)}» với hồ sơ này."
        ]
    return render(request, "dossiers/detail.html", context, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
@_official_required
def counter_intake(request: HttpRequest) -> HttpResponse:
    """Tiếp nhận hồ sơ tại quầy: choose the procedure, then record the applicant, the papers
    handed in (with optional scans); the receipt shows the code and the PIN once."""
    desks = routing.desk_organisations(request.user)
    if not desks:
        raise PermissionDenied("Chỉ cán bộ bộ phận một cửa được tiếp nhận hồ sơ.")
    source = request.POST if request.method == "POST" else request.GET
    choose = CounterProcedureForm(source if "thu_tuc" in source else None)
    version = None
    matches: list[Any] = []
    if choose.is_bound and choose.is_valid():
        typed = choose.cleaned_data["thu_tuc"].strip()
        version = catalog_selectors.procedure_detail(typed)
        if version is None:
            # by name, with or without diacritics: one match is taken, several are listed
            matches = list(catalog_selectors.procedure_search(q=typed)[:COUNTER_MATCHES])
            if len(matches) == 1:
                version = matches[0]
            elif not matches:
                choose.add_error("thu_tuc", "Không có thủ tục này hoặc thủ tục không còn áp dụng.")
    if version is None:
        status = 400 if choose.is_bound and not matches else 200
        return render(
            request,
            "dossiers/counter_intake.html",
            {"choose": choose, "matches": matches},
            status=status,
        )
    papers = list(version.papers.order_by("order", "pk"))
    competent_all = catalog_selectors.competent_organisations(version)
    competent_choices = competent_all if competent_all.count() > 1 else None
    fees = list(version.fees.order_by("order", "pk"))
    errors: list[str] = []
    # the applicant by name or CCCD: the desk picks an account to fill in the details
    applicant_query = request.GET.get("nguoi_nop_q", "").strip()[:100]
    found = selectors.applicants_for_desk(applicant_query)
    chosen: User | None = None
    if request.method == "POST":
        intake_form = CounterIntakeForm(
            request.POST, desks=desks, competent_choices=competent_choices, fees=fees
        )
        applicant_form = ApplicantForm(request.POST, prefix="nguoi_nop")
        paper_forms = [
            PaperCountForm(request.POST, request.FILES, prefix=f"gt{p.pk}") for p in papers
        ]
        valid = intake_form.is_valid() & applicant_form.is_valid()
        valid = all([f.is_valid() for f in paper_forms]) and valid
        if valid:
            counts = []
            uploads = []
            for paper, form in zip(papers, paper_forms, strict=True):
                data = form.cleaned_data
                counts.append(
                    services.PaperCount(
                        paper_id=paper.pk,
                        original=data["original"] or 0,
                        certified_copy=data["certified_copy"] or 0,
                        photocopy=data["photocopy"] or 0,
                    )
                )
                if data.get("scan"):
                    uploads.append(services.Upload(file=data["scan"], paper_id=paper.pk))
            try:
                result = services.dossier_receive_at_counter(
                    actor=request.user,  # type: ignore[arg-type]
                    procedure=version,
                    applicant_details=applicant_form.details(),
                    papers=counts,
                    uploads=uploads,
                    competent_organisation=intake_form.cleaned_data.get("competent"),
                    receiving_organisation=intake_form.cleaned_data["receiving"],
                    channel=intake_form.cleaned_data["channel"],
                    set_count=intake_form.cleaned_data["set_count"],
                    fee_case=intake_form.cleaned_data.get("fee_case"),
                    fee_case_required=True,
                )
            except (DomainError, ValidationError) as exc:
                errors = _error_messages(exc)
            else:
                for key in (NEW_PIN_SESSION_KEY, RECEIPT_PIN_SESSION_KEY):
                    _pin_keep(request, key, result.dossier.pk, result.pin)
                messages.success(request, f"Đã tiếp nhận hồ sơ {result.dossier.code}.")
                return redirect("dossiers:detail", pk=result.dossier.pk)
        status = 400
    else:
        intake_form = CounterIntakeForm(
            initial={"idempotency_key": secrets.token_hex(16)},
            desks=desks,
            competent_choices=competent_choices,
            fees=fees,
        )
        chosen = next((u for u in found if str(u.pk) == request.GET.get("nguoi", "")), None)
        applicant_form = ApplicantForm(
            prefix="nguoi_nop", initial=_applicant_initial(chosen) if chosen else None
        )
        paper_forms = [PaperCountForm(prefix=f"gt{p.pk}") for p in papers]
        status = 200
    context = {
        "choose": choose,
        "version": version,
        "procedure": version.procedure,
        "intake_form": intake_form,
        "applicant_form": applicant_form,
        "paper_rows": list(zip(papers, paper_forms, strict=True)),
        "applicant_query": applicant_query,
        "found": found,
        "chosen": chosen,
        "errors": errors,
    }
    return render(request, "dossiers/counter_intake.html", context, status=status)


@require_POST
@_official_required
def bulk_transfer(request: HttpRequest) -> HttpResponse:
    form = BulkTransferForm(request.POST)
    if form.is_valid():
        ids = form.cleaned_data["ids"]
        visible = set(
            selectors.visible_dossiers(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        if visible != set(ids):
            messages.error(request, "Không tìm thấy một số hồ sơ đã chọn.")
        else:
            try:
                done = services.dossier_bulk_transfer(
                    actor=request.user,  # type: ignore[arg-type]
                    dossiers=ids,
                    note=form.cleaned_data["note"],
                )
            except (DomainError, ValidationError) as exc:
                for message in _error_messages(exc):
                    messages.error(request, message)
            else:
                messages.success(request, f"Đã chuyển xử lý {len(done)} hồ sơ.")
    else:
        for field_errors in form.errors.values():
            for problem in field_errors:
                messages.error(request, str(problem))
    return redirect("dossiers:inbox")


@require_GET
@_official_required
def register_export(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ of the user's one-stop desks as an Excel workbook."""
    if not selectors.register_organisations(request.user):
        raise PermissionDenied("Chỉ cán bộ bộ phận một cửa được xuất sổ theo dõi hồ sơ.")
    form = RegisterExportForm(request.GET or None)
    if not form.is_bound:
        return render(request, "dossiers/register.html", {"form": form})
    if not form.is_valid():
        return render(request, "dossiers/register.html", {"form": form}, status=400)
    date_from = form.cleaned_data.get("date_from")
    date_to = form.cleaned_data.get("date_to")
    rows = selectors.tracking_register(request.user, date_from=date_from, date_to=date_to)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("xuat") == "pdf":
        from . import pdf

        organisation = selectors.register_organisations(request.user)[0]
        content = pdf.tracking_register_pdf(
            rows, organisation=organisation, date_from=date_from, date_to=date_to
        )
        response = HttpResponse(content, content_type=PDF_MIME)
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-ho-so-{stamp}.pdf"'
    else:
        response = HttpResponse(_register_workbook(rows), content_type=XLSX_MIME)
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-ho-so-{stamp}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _register_workbook(rows: list[selectors.RegisterRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    def stamp(value: Any) -> str:
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "So theo doi ho so"
    headers = [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục",
        "Số bộ",
        "Người nộp",
        "Địa chỉ",
        "Số điện thoại",
        "Cơ quan giải quyết",
        "Nhận hồ sơ",
        "Hẹn trả",
        "Hẹn trả lại",
        "Chuyển xử lý",
        "Có kết quả",
        "Trả kết quả",
        "Trạng thái",
        "Kết quả đúng hạn",
        "Ghi chú",
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        values = [
            row.line,
            row.code,
            row.procedure_name,
            row.set_count,
            row.applicant_name,
            row.applicant_address,
            row.applicant_phone,
            row.competent_organisation,
            stamp(row.received_at),
            stamp(row.appointment_at),
            stamp(row.new_appointment_at),
            stamp(row.transferred_at),
            stamp(row.result_at),
            stamp(row.returned_at),
            row.status_label,
            row.classification_label,
            row.note,
        ]
        sheet.append([neutralise(value) for value in values])  # typed text is never a formula
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
