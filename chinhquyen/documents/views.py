"""Officer screens for documents: quick registration, incoming list and detail with the
leader's assignment form, "Việc của tôi", outgoing drafts through approval and dispatch,
register exports. Views parse, look documents up through the selectors (invisible = 404),
call a service and redirect with a message; service errors become form errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.search import RankedResults
from chinhquyen.orgs.models import Organisation

from . import exchange, exports, files, forms, selectors, services, signing
from . import permissions as perms
from .models import (
    AssignmentRole,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    StatusCode,
    TaskStatus,
)
from .services import RecipientInput

PAGE_SIZE = 30
View = Callable[..., HttpResponseBase]
#: Form prefixes of the incoming document page: its forms share field names (instructions,
#: note, reason), and ids must be unique for the labels to point at the right box.
SUBMIT, RETURN, ASSIGN, TASK, COMPLETE = "trinh", "tra-lai", "phan-cong", "giao-viec", "ket-thuc"


def documents_required(view: View) -> View:
    """Anonymous: to the sign-in page. Without a document position: 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perms.uses_documents(request.user):
            raise PermissionDenied(
                "Chức năng dành cho văn thư, lãnh đạo, chuyên viên làm công tác văn bản."
            )
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _form_error(form: Any, err: DomainError | PermissionDenied) -> None:
    message = str(err.detail) if isinstance(err, DomainError) else str(err)
    form.add_error(None, message or "Bạn không có quyền thực hiện thao tác này.")


def _page(request: HttpRequest, qs: QuerySet[Any] | RankedResults) -> tuple[Any, str]:
    # RankedResults pages like a queryset (count() and slices) without being one
    page = Paginator(cast(Any, qs), PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return page, query.urlencode()


def _file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    ascii_name = name.encode("ascii", "ignore").decode() or "van-ban"
    response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------------------------
# Incoming
# --------------------------------------------------------------------------------------------


@documents_required
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    status = request.GET.get("trang-thai") or ""
    overdue = request.GET.get("qua-han") == "1"
    if status and status not in IncomingStatus.values:
        status = ""
    qs = selectors.incoming_list(request.user, q=q or None, status=status or None, overdue=overdue)
    page, querystring = _page(request, selectors.search_results(qs, q))
    clerk_orgs = perms.clerk_organisations(request.user)
    waiting = (
        selectors.incoming_list(request.user, status=IncomingStatus.RECEIVED).count()
        if clerk_orgs
        else 0
    )
    return render(
        request,
        "documents/incoming_list.html",
        {
            "page": page,
            "querystring": querystring,
            "q": q,
            "status": status,
            "overdue": overdue,
            "statuses": IncomingStatus.choices,
            "can_register": bool(clerk_orgs),
            "waiting": waiting,
            "today": timezone.localdate(),
        },
    )


@documents_required
@require_http_methods(["GET", "POST"])
def incoming_register(request: HttpRequest) -> HttpResponse:
    organisations = perms.clerk_organisations(request.user)
    if not organisations:
        raise PermissionDenied("Chỉ văn thư được vào sổ văn bản đến.")
    form = forms.IncomingRegisterForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sender_name, sender_org = form.sender()
        try:
            document = services.incoming_register(
                actor=_user(request),
                organisation=data["organisation"],
                sender_name=sender_name,
                sender_organisation=sender_org,
                number_notation=data["number_notation"],
                document_date=data["document_date"],
                document_type=data["document_type"],
                summary=data["summary"],
                urgency=data["urgency"],
                secrecy=data["secrecy"],
                pages=data["pages"],
                signer_name=data["signer_name"],
                is_electronic=data["is_electronic"],
                uploads=data["uploads"],
                deadline=data["deadline"],
                note=data["note"],
            )
        except (DomainError, PermissionDenied) as err:
            _form_error(form, err)
        else:
            messages.success(
                request,
                f"Đã vào sổ văn bản đến số {document.incoming_number_display}: "
                f"{document.summary[:80]}",
            )
            if "xem" in request.POST:
                return redirect("documents:incoming_detail", pk=document.pk)
            return redirect("documents:incoming_register")
    recent = selectors.incoming_list(request.user).filter(registered_by=_user(request))[:5]
    return render(
        request,
        "documents/incoming_register.html",
        {"form": form, "recent": recent},
    )


@documents_required
@require_GET
def sender_suggestions(request: HttpRequest) -> HttpResponse:
    """htmx: ``<option>`` rows for the sender datalist (accent-insensitive)."""
    q = (request.GET.get("sender_name") or request.GET.get("q") or "").strip()[:100]
    orgs = selectors.sender_suggestions(q) if len(q) >= 2 else []
    return render(request, "documents/_sender_options.html", {"orgs": orgs})


def _can_give_directive(user: User) -> bool:
    """A leader may give a directive (tasks for units) from a document (tasks app)."""
    from chinhquyen.tasks.permissions import can_assign

    return can_assign(user)


def _incoming_context(request: HttpRequest, document: IncomingDocument) -> dict[str, Any]:
    user = _user(request)
    org = document.organisation
    is_clerk = perms.can_clerk_incoming(user, document)
    can_assign = perms.can_assign(user, document) and document.status not in (
        IncomingStatus.RECEIVED,
        IncomingStatus.COMPLETED,
        IncomingStatus.RETURNED,
        IncomingStatus.WITHDRAWN,
    )
    assignments = getattr(document, "active_assignments", [])
    task_units = [
        a.unit
        for a in assignments
        if a.role != AssignmentRole.INFORM and perms.heads_unit(user, a.unit)
    ]
    open_statuses = (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS)
    context: dict[str, Any] = {
        "doc": document,
        "today": timezone.localdate(),
        "is_clerk": is_clerk,
        "can_accept": is_clerk and document.status == IncomingStatus.RECEIVED,
        "can_submit": is_clerk and document.status == IncomingStatus.REGISTERED,
        "can_return": is_clerk
        and document.status
        in (IncomingStatus.RECEIVED, IncomingStatus.REGISTERED, IncomingStatus.SUBMITTED),
        "can_assign": can_assign,
        "can_task": bool(task_units) and document.status in open_statuses,
        "can_complete": document.status in open_statuses and perms.can_complete(user, document),
        "my_open_tasks": [
            t
            for t in document.tasks.all()
            if t.assignee_id == user.pk and t.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
        ]
        if document.status in open_statuses
        else [],
        "replies": list(selectors.outgoing_for(user).filter(in_reply_to=document)),
        "messages_in": selectors.incoming_messages(document),
        "can_give_directive": _can_give_directive(user),
    }
    if context["can_submit"]:
        context["submit_form"] = forms.SubmitForm(leaders=selectors.leaders_of(org), prefix=SUBMIT)
    if context["can_return"]:
        context["return_form"] = forms.ReasonForm(prefix=RETURN)
    if can_assign:
        lead = next((a for a in assignments if a.role == AssignmentRole.LEAD), None)
        context["assign_form"] = forms.AssignForm(
            units=selectors.units_of(org),
            people=selectors.members_of(org),
            prefix=ASSIGN,
            initial={
                "lead_unit": lead.unit_id if lead else None,
                "coordinate_units": [
                    a.unit_id for a in assignments if a.role == AssignmentRole.COORDINATE
                ],
                "inform_units": [a.unit_id for a in assignments if a.role == AssignmentRole.INFORM],
                "deadline": document.deadline,
                "instructions": document.instructions,
            },
        )
    if context["can_task"]:
        people = selectors.members_of(task_units[0])
        for unit in task_units[1:]:
            people = people | selectors.members_of(unit)
        context["task_form"] = forms.TaskForm(people=people.distinct(), prefix=TASK)
    if context["can_complete"]:
        replies = selectors.outgoing_for(user).filter(organisation=org).exclude(number=None)
        context["complete_form"] = forms.CompleteForm(
            replies=replies.order_by("-issued_at")[:50], prefix=COMPLETE
        )
    if is_clerk:
        context["file_form"] = forms.FileForm()
    pending = [
        m for m in context["messages_in"] if m.status == StatusCode.TAKE_BACK_REQUESTED and is_clerk
    ]
    context["take_back_pending"] = pending
    if pending:
        context["take_back_form"] = forms.TakeBackAnswerForm()
    return context


@documents_required
@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.incoming_detail(request.user, pk)
    return render(request, "documents/incoming_detail.html", _incoming_context(request, document))


INCOMING_ACTIONS = (
    "accept",
    "submit",
    "return",
    "assign",
    "task",
    "complete",
    "file",
    "take_back_answer",
)


@documents_required
@require_POST
def incoming_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One form post per action; errors re-render the page with the form and its errors."""
    if action not in INCOMING_ACTIONS:
        raise PermissionDenied("Thao tác không hợp lệ.")
    document = selectors.incoming_detail(request.user, pk)
    user = _user(request)
    context = _incoming_context(request, document)
    org = document.organisation
    form: Any = None
    done = ""
    try:
        if action == "accept":
            document = services.incoming_accept(actor=user, document=document)
            done = f"Đã vào sổ, số đến {document.incoming_number_display}."
        elif action == "submit":
            form = forms.SubmitForm(request.POST, leaders=selectors.leaders_of(org), prefix=SUBMIT)
            context["submit_form"] = form
            if form.is_valid():
                services.incoming_submit(
                    actor=user,
                    document=document,
                    leader=form.cleaned_data["leader"],
                    note=form.cleaned_data["note"],
                )
                done = f"Đã trình {form.cleaned_data['leader']}."
        elif action == "return":
            form = forms.ReasonForm(request.POST, prefix=RETURN)
            context["return_form"] = form
            if form.is_valid():
                services.incoming_return(
                    actor=user, document=document, reason=form.cleaned_data["reason"]
                )
                done = "Đã trả lại văn bản cho nơi gửi."
        elif action == "assign":
            form = forms.AssignForm(
                request.POST,
                units=selectors.units_of(org),
                people=selectors.members_of(org),
                prefix=ASSIGN,
            )
            context["assign_form"] = form
            if form.is_valid():
                data = form.cleaned_data
                services.incoming_assign(
                    actor=user,
                    document=document,
                    lead_unit=data["lead_unit"],
                    coordinate_units=list(data["coordinate_units"]),
                    inform_units=list(data["inform_units"]),
                    deadline=data["deadline"],
                    instructions=data["instructions"],
                    assignee=data["assignee"],
                )
                done = f"Đã phân công {data['lead_unit']} xử lý chính."
                if data["assignee"]:
                    done += f" Đã giao việc cho {data['assignee']}."
        elif action == "task":
            people = context.get("task_form")
            form = forms.TaskForm(
                request.POST,
                people=people.fields["assignee"].queryset if people else User.objects.none(),  # type: ignore[attr-defined]
                prefix=TASK,
            )
            context["task_form"] = form
            if form.is_valid():
                task = services.task_create(
                    actor=user,
                    document=document,
                    assignee=form.cleaned_data["assignee"],
                    due=form.cleaned_data["due"],
                    instructions=form.cleaned_data["instructions"],
                )
                done = f"Đã giao việc cho {task.assignee}."
        elif action == "complete":
            replies = selectors.outgoing_for(user).filter(organisation=org).exclude(number=None)
            form = forms.CompleteForm(request.POST, replies=replies, prefix=COMPLETE)
            context["complete_form"] = form
            if form.is_valid():
                services.incoming_complete(
                    actor=user,
                    document=document,
                    reply=form.cleaned_data["reply"],
                    note=form.cleaned_data["note"],
                )
                done = "Đã kết thúc xử lý văn bản."
        elif action == "file":
            form = forms.FileForm(request.POST, request.FILES)
            context["file_form"] = form
            if form.is_valid():
                services.incoming_add_file(
                    actor=user, document=document, upload=form.cleaned_data["file"]
                )
                done = "Đã thêm tệp."
        elif action == "take_back_answer":
            form = forms.TakeBackAnswerForm(request.POST)
            context["take_back_form"] = form
            message_id = int(request.POST.get("message") or 0)
            message = next((m for m in context["messages_in"] if m.pk == message_id), None)
            if message is None:
                raise PermissionDenied("Không tìm thấy đề nghị lấy lại văn bản.")
            if form.is_valid():
                exchange.exchange_answer_take_back(
                    actor=user,
                    message=message,
                    agree=form.cleaned_data["agree"],
                    reason=form.cleaned_data["reason"],
                )
                done = "Đã trả lời đề nghị lấy lại văn bản."
    except (DomainError, PermissionDenied) as err:
        if form is None:
            messages.error(request, str(err.detail) if isinstance(err, DomainError) else str(err))
            return redirect("documents:incoming_detail", pk=pk)
        _form_error(form, err)
    if done:
        messages.success(request, done)
        return redirect("documents:incoming_detail", pk=pk)
    context["open_form"] = action
    return render(request, "documents/incoming_detail.html", context, status=400)


@documents_required
@require_GET
def incoming_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    document = selectors.incoming_detail(request.user, pk)
    row = get_object_or_404(document.files.all(), pk=file_id)
    return _file_response(files.read_field(row.file), row.name, row.content_type)


@documents_required
@require_GET
def processing_slip(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.incoming_detail(request.user, pk)
    name = f"phieu-giai-quyet-{document.incoming_number_display or document.pk}.pdf"
    return _file_response(exports.processing_slip_pdf(document), name, "application/pdf")


# --------------------------------------------------------------------------------------------
# My tasks
# --------------------------------------------------------------------------------------------


# "Việc của tôi" shows at most this many of each kind of waiting work (the lists link to all).
MY_WORK_LIMIT = 50


@documents_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("hien-thi") == "tat-ca"
    qs = selectors.tasks_of(request.user, open_only=not show_all)
    page, querystring = _page(request, qs)
    work = selectors.my_work(request.user)
    return render(
        request,
        "documents/my_tasks.html",
        {
            "to_assign": list(work.to_assign[:MY_WORK_LIMIT]),
            "to_review": list(work.to_review[:MY_WORK_LIMIT]),
            "to_distribute": list(work.to_distribute[:MY_WORK_LIMIT]),
            "page": page,
            "querystring": querystring,
            "show_all": show_all,
            "today": timezone.localdate(),
            "result_form": forms.TaskResultForm(),
            "open_statuses": (TaskStatus.OPEN, TaskStatus.IN_PROGRESS),
        },
    )


@documents_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = selectors.task_detail(request.user, pk)
    try:
        if action == "start":
            services.task_start(actor=_user(request), task=task)
            messages.success(request, "Đã chuyển việc sang đang xử lý.")
        elif action == "complete":
            form = forms.TaskResultForm(request.POST)
            result = form.cleaned_data["result"] if form.is_valid() else ""
            services.task_complete(actor=_user(request), task=task, result=result)
            messages.success(request, "Đã báo cáo hoàn thành việc.")
        else:
            raise PermissionDenied("Thao tác không hợp lệ.")
    except DomainError as err:
        messages.error(request, str(err.detail))
    return redirect("documents:my_tasks")


# --------------------------------------------------------------------------------------------
# Outgoing
# --------------------------------------------------------------------------------------------


@documents_required
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    status = request.GET.get("trang-thai") or ""
    if status and status not in OutgoingStatus.values:
        status = ""
    view = request.GET.get("xem") or ""
    qs = selectors.outgoing_list(
        request.user,
        q=q or None,
        status=status or None,
        mine=view == "cua-toi",
        to_review=view == "cho-duyet",
    )
    page, querystring = _page(request, selectors.search_results(qs, q))
    to_review = len(selectors.awaiting_review_ids(_user(request)))
    return render(
        request,
        "documents/outgoing_list.html",
        {
            "page": page,
            "querystring": querystring,
            "q": q,
            "status": status,
            "view": view,
            "statuses": OutgoingStatus.choices,
            "to_review": to_review,
            "can_draft": bool(perms.draft_units(request.user)),
        },
    )


def _recipient_inputs(form: forms.OutgoingForm) -> list[RecipientInput]:
    rows = [RecipientInput(organisation=o) for o in form.cleaned_data.get("recipients") or []]
    rows += [RecipientInput(name=n, agency_code=c) for n, c in form.external()]
    return rows


def _reply_summary(incoming: IncomingDocument) -> str:
    number = f" số {incoming.number_notation}" if incoming.number_notation else ""
    return f"Trả lời văn bản{number} của {incoming.sender_name}"[:2000]


@documents_required
@require_http_methods(["GET", "POST"])
def outgoing_create(request: HttpRequest) -> HttpResponse:
    units = perms.draft_units(request.user)
    if not units:
        raise PermissionDenied("Bạn không có đơn vị để soạn thảo văn bản.")
    reply_to: IncomingDocument | None = None
    if request.GET.get("tra-loi"):
        reply_to = selectors.incoming_for(request.user).filter(pk=request.GET["tra-loi"]).first()
    form = forms.OutgoingForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        recipients=selectors.recipient_choices(),
        initial={
            "summary": _reply_summary(reply_to) if reply_to else "",
            "document_type": selectors.letter_type_id() if reply_to else None,
            "recipients": [reply_to.sender_organisation_id]
            if reply_to and reply_to.sender_organisation_id
            else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.outgoing_create(
                actor=_user(request),
                drafting_unit=data["drafting_unit"],
                document_type=data["document_type"],
                summary=data["summary"],
                body=data["body"],
                upload=data["file"],
                urgency=data["urgency"],
                secrecy=data["secrecy"],
                is_legal_normative=data["is_legal_normative"]
                or data["document_type"].is_legal_normative,
                is_electronic=data["is_electronic"],
                due_date=data["due_date"],
                in_reply_to=reply_to,
                recipients=_recipient_inputs(form),
                signer_authority=data["signer_authority"],
                signer_title=data["signer_title"],
            )
        except (DomainError, PermissionDenied) as err:
            _form_error(form, err)
        else:
            messages.success(request, "Đã tạo dự thảo. Hãy trình duyệt khi hoàn thiện.")
            return redirect("documents:outgoing_detail", pk=document.pk)
    return render(request, "documents/outgoing_form.html", {"form": form, "reply_to": reply_to})


def _outgoing_context(request: HttpRequest, document: OutgoingDocument) -> dict[str, Any]:
    user = _user(request)
    status = document.status
    is_drafter = document.drafted_by_id == user.pk
    is_clerk = perms.can_issue(user, document)
    context: dict[str, Any] = {
        "doc": document,
        "can_submit": perms.can_edit_draft(user, document),
        "can_review": perms.can_review(user, document),
        "can_cancel": perms.can_edit_draft(user, document),
        "can_issue": is_clerk and status == OutgoingStatus.APPROVED,
        "can_attach_pdf": (is_clerk or is_drafter)
        and status == OutgoingStatus.ISSUED
        and document.signed_at is None,
        "can_sign": perms.can_sign(user, document) and status == OutgoingStatus.ISSUED,
        "can_dispatch": is_clerk
        and (
            status == OutgoingStatus.SIGNED
            or (status == OutgoingStatus.ISSUED and not document.is_electronic)
        ),
        "can_revoke": status == OutgoingStatus.SENT and perms.can_revoke(user, document),
        "is_clerk": is_clerk,
        "messages_out": selectors.recipient_statuses(document)
        if status in (OutgoingStatus.SENT, OutgoingStatus.REVOKED)
        else [],
        "current_step": perms.current_step(document)
        if status == OutgoingStatus.IN_REVIEW
        else None,
    }
    if context["can_submit"]:
        context["submit_form"] = forms.SubmitReviewForm(
            heads=selectors.reviewers_for(document.drafting_unit, document.organisation).exclude(
                pk=user.pk
            ),
            leaders=selectors.leaders_of(document.organisation).exclude(pk=user.pk),
        )
    if context["can_review"]:
        context["review_form"] = forms.ReviewForm()
    if context["can_sign"]:
        method = signing.personal_method(user)
        context["sign_method"] = method
        context["sign_form"] = forms.SignForm(method=method)
    if context["can_attach_pdf"]:
        context["file_form"] = forms.FileForm()
    if context["can_revoke"] or (is_clerk and context["messages_out"]):
        context["reason_form"] = forms.ReasonForm()
        context["feedback_form"] = forms.FeedbackForm()
    return context


@documents_required
@require_GET
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.outgoing_detail(request.user, pk)
    return render(request, "documents/outgoing_detail.html", _outgoing_context(request, document))


OUTGOING_ACTIONS = (
    "prepare",
    "submit",
    "review",
    "cancel",
    "issue",
    "pdf",
    "sign",
    "dispatch",
    "revoke",
    "take_back",
    "feedback",
)


@documents_required
@require_POST
def outgoing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in OUTGOING_ACTIONS:
        raise PermissionDenied("Thao tác không hợp lệ.")
    document = selectors.outgoing_detail(request.user, pk)
    user = _user(request)
    context = _outgoing_context(request, document)
    form: Any = None
    done = ""
    try:
        if action == "submit":
            form = forms.SubmitReviewForm(
                request.POST,
                heads=selectors.reviewers_for(document.drafting_unit, document.organisation),
                leaders=selectors.leaders_of(document.organisation),
            )
            context["submit_form"] = form
            if form.is_valid():
                services.outgoing_submit(
                    actor=user,
                    document=document,
                    reviewers=form.reviewers(),
                    note=form.cleaned_data["note"],
                )
                done = "Đã trình duyệt dự thảo."
        elif action == "review":
            form = forms.ReviewForm(request.POST)
            context["review_form"] = form
            if form.is_valid():
                result = services.outgoing_review(
                    actor=user,
                    document=document,
                    approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data["comment"],
                )
                outcomes: dict[str, str] = {
                    OutgoingStatus.APPROVED: "Đã phê duyệt. Văn thư sẽ cấp số, ngày ban hành.",
                    OutgoingStatus.IN_REVIEW: "Đã đồng ý, trình người duyệt tiếp theo.",
                }
                done = outcomes.get(result.status, "Đã trả lại dự thảo để sửa.")
        elif action == "cancel":
            services.outgoing_cancel(actor=user, document=document)
            done = "Đã hủy dự thảo."
        elif action == "issue":
            result = services.outgoing_issue(actor=user, document=document)
            done = f"Đã cấp số {result.number_notation}, ngày {result.issued_on:%d/%m/%Y}."
        elif action == "prepare":
            result = services.outgoing_prepare_pdf(actor=user, document=document)
            done = "Đã tạo bản PDF để ký." if result.pdf_file else ""
            if not done:
                raise DomainError("Dự thảo không có nội dung để tạo bản PDF: hãy tải bản PDF lên.")
        elif action == "pdf":
            form = forms.FileForm(request.POST, request.FILES)
            context["file_form"] = form
            if form.is_valid():
                services.outgoing_attach_pdf(
                    actor=user, document=document, upload=form.cleaned_data["file"]
                )
                done = "Đã tải lên bản PDF để ký."
        elif action == "sign":
            form = forms.SignForm(request.POST, method=context.get("sign_method"))
            context["sign_form"] = form
            if form.is_valid():
                services.outgoing_sign(actor=user, document=document, pin=form.cleaned_data["pin"])
                done = "Đã ký số văn bản."
        elif action == "dispatch":
            services.outgoing_dispatch(actor=user, document=document)
            done = "Đã phát hành văn bản đến các nơi nhận."
        elif action == "revoke":
            form = forms.ReasonForm(request.POST)
            context["reason_form"] = form
            if form.is_valid():
                services.outgoing_revoke(
                    actor=user, document=document, reason=form.cleaned_data["reason"]
                )
                done = "Đã thu hồi văn bản."
        elif action in ("take_back", "feedback"):
            message_id = int(request.POST.get("message") or 0)
            message = next((m for m in context["messages_out"] if m.pk == message_id), None)
            if message is None:
                raise PermissionDenied("Không tìm thấy nơi nhận.")
            if action == "take_back":
                form = forms.ReasonForm(request.POST)
                context["reason_form"] = form
                if form.is_valid():
                    exchange.exchange_request_take_back(
                        actor=user, message=message, reason=form.cleaned_data["reason"]
                    )
                    done = f"Đã đề nghị {message.to_name} cho lấy lại văn bản."
            else:
                form = forms.FeedbackForm(request.POST)
                context["feedback_form"] = form
                if form.is_valid():
                    exchange.exchange_record_feedback(
                        actor=user,
                        message=message,
                        code=form.cleaned_data["code"],
                        description=form.cleaned_data["description"],
                    )
                    done = f"Đã ghi nhận trạng thái của {message.to_name}."
    except (DomainError, PermissionDenied) as err:
        if form is None:
            messages.error(request, str(err.detail) if isinstance(err, DomainError) else str(err))
            return redirect("documents:outgoing_detail", pk=pk)
        _form_error(form, err)
    if done:
        messages.success(request, done)
        return redirect("documents:outgoing_detail", pk=pk)
    context["open_form"] = action
    return render(request, "documents/outgoing_detail.html", context, status=400)


@documents_required
@require_GET
def outgoing_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    document = selectors.outgoing_detail(request.user, pk)
    if kind == "pdf" and document.pdf_file:
        name = (document.number_notation or f"van-ban-{document.pk}").replace("/", "-")
        return _file_response(files.read_field(document.pdf_file), f"{name}.pdf", "application/pdf")
    if kind == "du-thao" and document.file:
        content_type = files.CONTENT_TYPES.get(document.file_type, "application/octet-stream")
        return _file_response(files.read_field(document.file), document.file_name, content_type)
    raise PermissionDenied("Không có tệp này.")


# --------------------------------------------------------------------------------------------
# Registers
# --------------------------------------------------------------------------------------------


@documents_required
@require_GET
def registers(request: HttpRequest) -> HttpResponseBase:
    organisations = selectors.export_organisations(request.user)
    if not organisations:
        raise PermissionDenied("Chỉ văn thư, lãnh đạo được in, xuất sổ đăng ký văn bản.")
    form = forms.RegisterExportForm(request.GET or None, organisations=organisations)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        organisation: Organisation = data["organisation"]
        content, name, content_type = exports.register_file(
            request.user,
            kind=data["kind"],
            organisation_id=organisation.pk,
            year=data["year"],
            output=data["output"],
        )
        return _file_response(content, name, content_type)
    return render(request, "documents/registers.html", {"form": form})


def home(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("documents:incoming_list"))
