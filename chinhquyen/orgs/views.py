"""HTML pages: the public directory ("Danh bạ cơ quan") and IT administrators' management of
the organisation tree. Views parse, check permission, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.api import DomainError

from . import permissions as perms
from . import selectors, services
from .forms import (
    CloseForm,
    DirectorySearchForm,
    ImportForm,
    MergeForm,
    MoveForm,
    OrganisationForm,
)
from .models import Organisation, OrganisationKind
from .tabular import XLSX_CONTENT_TYPE

PAGE_SIZE = 50
FORM_FIELDS = (
    "name",
    "short_name",
    "kind",
    "parent",
    "agency_code",
    "administrative_code",
    "address",
    "phone",
    "email",
    "valid_from",
    "valid_to",
)

View = Callable[..., HttpResponseBase]


def org_admin_required(view: View) -> View:
    """Anonymous: to the sign-in page. Signed in without an IT administrator position: 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perms.is_org_admin(request.user):
            raise PermissionDenied("Chỉ quản trị hệ thống được quản lý cơ quan, đơn vị.")
        return view(request, *args, **kwargs)

    return wrapper


def _managed(request: HttpRequest, pk: int) -> Organisation:
    org = get_object_or_404(Organisation.objects.select_related("parent"), pk=pk)
    if not perms.can_manage(request.user, org):
        raise PermissionDenied("Đơn vị này nằm ngoài phạm vi quản trị của bạn.")
    return org


def _report(form: Any, err: Exception) -> None:
    """Put a service error on the form (field errors where the service names a field)."""
    if isinstance(err, ValidationError) and hasattr(err, "error_dict"):
        for field, errors in err.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    elif isinstance(err, ValidationError):
        for message in err.messages:
            form.add_error(None, message)
    elif isinstance(err, DomainError):
        form.add_error(None, str(err.detail))


# --- public directory ------------------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    today = timezone.localdate()
    q = kind = ""
    if form.is_valid():
        q = form.cleaned_data.get("q") or ""
        kind = form.cleaned_data.get("kind") or ""
    context: dict[str, Any] = {"form": form, "q": q, "kind": kind, "today": today}
    if q or kind:
        results = selectors.organisation_list(kind=kind or None, active_on=today, q=q or None)
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("trang"))
        query = request.GET.copy()
        query.pop("trang", None)
        context.update(page=page, querystring=query.urlencode())
    else:
        # The top of the tree: each organisation with no parent and its direct children.
        top = selectors.organisation_list(active_on=today).filter(depth__lte=1)
        context["tree"] = selectors.organisation_tree(top)
    return render(request, "orgs/directory.html", context)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(selectors.organisation_detail_queryset(), pk=pk)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": list(org.ancestors()),
            "children": selectors.organisation_tree(org.active_children),  # type: ignore[attr-defined]
            "is_active": org.is_active(),
            "can_manage": perms.can_manage(request.user, org),
        },
    )


# --- management ------------------------------------------------------------------------------


@org_admin_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("hien-thi") == "tat-ca"
    q = (request.GET.get("q") or "").strip()[:200]
    scope = selectors.organisations_manageable_by(request.user)
    orgs = scope if show_all else scope.active()
    if q:
        orgs = orgs.filter(selectors.search_filter(q))
    return render(
        request,
        "orgs/tree.html",
        {
            "tree": selectors.organisation_tree(orgs),
            "show_all": show_all,
            "q": q,
            "can_create_root": perms.can_create_root(request.user),
            "today": timezone.localdate(),
        },
    )


def _form_values(form: OrganisationForm) -> dict[str, Any]:
    data = {name: form.cleaned_data.get(name) for name in FORM_FIELDS}
    for name in ("short_name", "agency_code", "administrative_code", "address", "phone", "email"):
        data[name] = data[name] or ""
    return data


@org_admin_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    scope = selectors.organisations_manageable_by(request.user)
    allow_root = perms.can_create_root(request.user)
    initial: dict[str, Any] = {"kind": OrganisationKind.UNIT}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = int(parent_id)
    form = OrganisationForm(
        request.POST or None, parents=scope, allow_root=allow_root, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = _form_values(form)
        if not perms.can_manage(request.user, values["parent"]):
            raise PermissionDenied("Bạn không được tạo đơn vị ở vị trí này.")
        try:
            org = services.organisation_create(actor=request.user, **values)
        except (ValidationError, DomainError) as err:
            _report(form, err)
        else:
            messages.success(request, f"Đã thêm “{org.name}”.")
            return redirect("orgs:tree")
    return render(request, "orgs/form.html", {"form": form, "title": "Thêm cơ quan, đơn vị"})


@org_admin_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    scope = selectors.organisations_manageable_by(request.user)
    # Keeping the current parent is always allowed, even when it is outside the scope (an IT
    # administrator of a department edits the department itself).
    parents = Organisation.objects.filter(Q(pk__in=scope.values("pk")) | Q(pk=org.parent_id))
    initial = {name: getattr(org, name) for name in FORM_FIELDS}
    form = OrganisationForm(
        request.POST or None,
        parents=parents,
        allow_root=org.parent_id is None or perms.can_create_root(request.user),
        editing=org,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        values = _form_values(form)
        changes = {k: v for k, v in values.items() if getattr(org, k) != v}
        if "parent" in changes and not perms.can_manage(request.user, changes["parent"]):
            raise PermissionDenied("Bạn không được chuyển đơn vị đến vị trí này.")
        try:
            org = services.organisation_update(actor=request.user, org=org, data=changes)
        except (ValidationError, DomainError) as err:
            _report(form, err)
        else:
            messages.success(request, f"Đã lưu “{org.name}”.")
            return redirect("orgs:tree")
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": f"Sửa “{org.name}”"}
    )


@org_admin_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    form = MoveForm(
        request.POST or None,
        org=org,
        parents=selectors.organisations_manageable_by(request.user),
        allow_root=perms.can_create_root(request.user),
        initial={"parent": org.parent_id},
    )
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["parent"]
        if not perms.can_move(request.user, org, new_parent):
            raise PermissionDenied("Bạn không được chuyển đơn vị đến vị trí này.")
        try:
            services.organisation_move(actor=request.user, org=org, new_parent=new_parent)
        except (ValidationError, DomainError) as err:
            _report(form, err)
        else:
            messages.success(request, f"Đã chuyển “{org.name}”.")
            return redirect("orgs:tree")
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org, "title": f"Chuyển “{org.name}” sang đơn vị cấp trên khác"},
    )


@org_admin_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_close(
                actor=request.user, org=org, valid_to=form.cleaned_data["valid_to"]
            )
        except (ValidationError, DomainError) as err:
            _report(form, err)
        else:
            messages.success(request, f"“{org.name}” đã hết hiệu lực.")
            return redirect("orgs:tree")
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org, "title": f"Đóng (hết hiệu lực) “{org.name}”", "danger": True},
    )


@org_admin_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    scope = selectors.organisations_manageable_by(request.user)
    form = MergeForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        predecessors = list(form.cleaned_data["predecessors"])
        successor = form.cleaned_data["successor"]
        if not perms.can_merge(request.user, predecessors, successor):
            raise PermissionDenied("Các đơn vị phải thuộc phạm vi quản trị của bạn.")
        try:
            services.organisation_merge(
                actor=request.user,
                predecessors=predecessors,
                successor=successor,
                effective_date=form.cleaned_data["effective_date"],
            )
        except (ValidationError, DomainError) as err:
            _report(form, err)
        else:
            messages.success(request, f"Đã sáp nhập vào “{successor.name}”.")
            return redirect("orgs:tree")
    return render(request, "orgs/form.html", {"form": form, "title": "Sáp nhập đơn vị"})


@org_admin_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.organisations_import(
            actor=request.user,
            file=form.cleaned_data["file"],
            authorize=perms.import_authorizer(request.user),
        )
        if result.ok:
            messages.success(
                request,
                f"Đã nhập tệp: thêm {result.created}, cập nhật {result.updated}, "
                f"không đổi {result.unchanged}.",
            )
            return redirect("orgs:tree")
    return render(request, "orgs/import.html", {"form": form, "result": result})


@org_admin_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    content = services.organisations_export(
        orgs=selectors.organisations_manageable_by(request.user)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"co-quan-don-vi-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
