"""HTML pages: my profile, and the IT administrator's management of officials, positions and
API clients. Views parse forms, call selectors and services, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import CharField, Form, PasswordInput
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation

from . import permissions, selectors, services
from .forms import (
    ApiClientCreateForm,
    OfficialCreateForm,
    OfficialEditForm,
    PositionAssignForm,
    PositionEndForm,
    TokenIssueForm,
)
from .models import Role, User, UserKind

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _apply_errors(form: Form, err: Exception) -> None:
    """Show a service's error on the form (field errors where the field exists)."""
    if isinstance(err, ValidationError) and hasattr(err, "error_dict"):
        for field, errors in err.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(err, ValidationError):
        form.add_error(None, err.messages)
    elif isinstance(err, DomainError):
        form.add_error(None, str(err.detail))
    else:
        form.add_error(None, str(err) or services.NO_PERMISSION)


def _managed_official(request: HttpRequest, pk: int) -> User:
    official = selectors.official_get(request.user, pk)
    if official is None:
        raise Http404
    if not permissions.can_manage_official(request.user, official):
        raise PermissionDenied
    return official


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    positions = user.positions.select_related("unit", "delegated_by").order_by(
        "-valid_to", "unit__path"
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "positions": positions,
            "mfa_enabled": selectors.is_mfa_enabled(user),
        },
    )


@login_required
def officials(request: HttpRequest) -> HttpResponse:
    if not permissions.can_browse_officials(request.user):
        raise PermissionDenied
    role = request.GET.get("role") or None
    if role not in Role.values:
        role = None
    unit: Organisation | None = None
    unit_param = request.GET.get("unit") or ""
    if unit_param.isdigit():
        unit = Organisation.objects.filter(pk=int(unit_param)).first()
    q = (request.GET.get("q") or "").strip()
    qs = selectors.official_list(request.user, unit=unit, role=role, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    units = [
        (u.pk, "— " * u.depth + u.name)
        for u in permissions.scope_units(request.user, permissions.MANAGING_ROLES).order_by("path")
    ]
    return render(
        request,
        "accounts/officials.html",
        {
            "page": page,
            "q": q,
            "role": role or "",
            "unit": unit,
            "units": units,
            "roles": [(r.value, r.label) for r in Role if r != Role.API_CLIENT],
            "can_create": permissions.is_it_admin(request.user),
        },
    )


@login_required
def official_create(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not permissions.is_it_admin(actor):
        raise PermissionDenied
    units = selectors.units_for_assignment(actor)
    form = OfficialCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            official = services.official_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"] or None,
                positions=[
                    services.PositionSpec(
                        unit=data["unit"],
                        role=data["role"],
                        title=data["title"],
                        is_acting=data["is_acting"],
                        valid_from=data["valid_from"],
                        valid_to=data["valid_to"],
                    )
                ],
            )
        except (ValidationError, DomainError, PermissionDenied) as err:
            _apply_errors(form, err)
        else:
            messages.success(request, f"Đã tạo tài khoản cán bộ {official.full_name}.")
            return redirect("accounts:official_edit", pk=official.pk)
    return render(request, "accounts/official_create.html", {"form": form})


@login_required
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    official = _managed_official(request, pk)
    form = OfficialEditForm(
        request.POST or None,
        initial={
            "full_name": official.full_name,
            "email": official.email,
            "phone": official.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.official_update(
                actor=actor,
                user=official,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except (ValidationError, DomainError, PermissionDenied) as err:
            _apply_errors(form, err)
        else:
            messages.success(request, "Đã lưu thông tin cán bộ.")
            return redirect("accounts:official_edit", pk=official.pk)
    return render(
        request,
        "accounts/official_edit.html",
        {
            "official": official,
            "form": form,
            "positions": getattr(official, "all_positions", []),
            "end_form": PositionEndForm(),
            "mfa_enabled": selectors.is_mfa_enabled(official),
            "is_self": official.pk == actor.pk,
        },
    )


@login_required
@require_POST
def official_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    official = _managed_official(request, pk)
    try:
        services.user_deactivate(actor=_user(request), user=official)
    except (DomainError, PermissionDenied) as err:
        messages.error(request, str(getattr(err, "detail", err)) or services.NO_PERMISSION)
    else:
        messages.success(request, f"Đã khóa tài khoản {official.username}.")
    return redirect("accounts:official_edit", pk=official.pk)


@login_required
@require_POST
def official_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    official = _managed_official(request, pk)
    try:
        services.official_mfa_reset(actor=_user(request), user=official)
    except (DomainError, PermissionDenied) as err:
        messages.error(request, str(getattr(err, "detail", err)) or services.NO_PERMISSION)
    else:
        messages.success(
            request,
            "Đã đặt lại xác thực hai lớp: cán bộ phải kích hoạt lại ở lần đăng nhập tới.",
        )
    return redirect("accounts:official_edit", pk=official.pk)


@login_required
def position_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    official = _managed_official(request, pk)
    units = selectors.units_for_assignment(actor)
    delegators = selectors.officials_visible_to(actor).exclude(pk=official.pk)
    form = PositionAssignForm(request.POST or None, units=units, delegators=delegators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.position_assign(
                actor=actor,
                user=official,
                unit=data["unit"],
                role=data["role"],
                title=data["title"],
                is_acting=data["is_acting"],
                delegated_by=data["delegated_by"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except (ValidationError, DomainError, PermissionDenied) as err:
            _apply_errors(form, err)
        else:
            messages.success(request, "Đã giao vị trí công tác.")
            return redirect("accounts:official_edit", pk=official.pk)
    return render(request, "accounts/position_assign.html", {"official": official, "form": form})


@login_required
@require_POST
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = selectors.manageable_position(request.user, pk)
    if position is None:
        raise Http404
    form = PositionEndForm(request.POST)
    target = (
        redirect("accounts:api_clients")
        if position.user.kind == UserKind.API_CLIENT
        else redirect("accounts:official_edit", pk=position.user_id)
    )
    if not form.is_valid():
        messages.error(request, "Ngày kết thúc không hợp lệ.")
        return target
    try:
        services.position_end(actor=_user(request), position=position, on=form.cleaned_data["on"])
    except PermissionDenied as err:
        raise PermissionDenied from err
    except (ValidationError, DomainError) as err:
        text = " ".join(err.messages) if isinstance(err, ValidationError) else str(err.detail)
        messages.error(request, text)
    else:
        messages.success(request, "Đã kết thúc vị trí công tác.")
    return target


@login_required
def api_clients(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not permissions.is_it_admin(actor):
        raise PermissionDenied
    units = selectors.units_for_assignment(actor)
    create_form = ApiClientCreateForm(
        request.POST if request.POST.get("action") == "create" else None, units=units
    )
    context: dict[str, Any] = {"create_form": create_form}
    if create_form.is_bound and create_form.is_valid():
        try:
            client = services.api_client_create(
                actor=actor,
                name=create_form.cleaned_data["name"],
                unit=create_form.cleaned_data["unit"],
            )
        except (ValidationError, DomainError, PermissionDenied) as err:
            _apply_errors(create_form, err)
        else:
            messages.success(request, f"Đã tạo hệ thống kết nối {client.full_name}.")
            return redirect("accounts:api_clients")
    context["clients"] = selectors.api_clients_visible_to(actor)
    context["token_form"] = TokenIssueForm()
    return render(request, "accounts/api_clients.html", context)


@login_required
@require_POST
def api_token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    client = selectors.api_clients_visible_to(actor).filter(pk=pk).first()
    if client is None:
        raise Http404
    form = TokenIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tên khóa hoặc ngày hết hạn không hợp lệ.")
        return redirect("accounts:api_clients")
    try:
        token, raw = services.api_token_issue(
            actor=actor, user=client, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
    except (ValidationError, DomainError) as err:
        text = " ".join(err.messages) if isinstance(err, ValidationError) else str(err.detail)
        messages.error(request, text)
        return redirect("accounts:api_clients")
    # The raw token is rendered once, in this response, and never stored.
    return render(
        request,
        "accounts/api_token_issued.html",
        {"client": client, "token": token, "raw": raw},
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.manageable_token(request.user, pk)
    if token is None:
        raise Http404
    services.api_token_revoke(actor=_user(request), token=token)
    messages.success(request, f"Đã thu hồi khóa {token.name}.")
    return redirect("accounts:api_clients")


# --- CCCD verification and account merging (security finding #9, point 2) --------------------


@login_required
@require_POST
def citizen_id_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A desk officer saw the citizen's card at the counter: the account's CCCD is verified."""
    actor = _user(request)
    if not (permissions.is_official(actor) and permissions.roles_of(actor) & VERIFIERS):
        raise PermissionDenied(services.NO_PERMISSION)
    citizen = User.objects.filter(pk=pk, kind=UserKind.CITIZEN).first()
    if citizen is None:
        raise Http404
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("accounts:profile")
    if not request.POST.get("confirm"):
        messages.error(request, "Vui lòng xác nhận đã đối chiếu thẻ CCCD bản gốc của người nộp.")
        return redirect(back)
    try:
        services.citizen_id_verify(actor=actor, user=citizen)
    except (DomainError, PermissionDenied, ValidationError) as err:
        detail = getattr(err, "detail", None) or " ".join(getattr(err, "messages", [str(err)]))
        messages.error(request, str(detail) or services.NO_PERMISSION)
    else:
        messages.success(request, f"Đã xác thực số CCCD của tài khoản {citizen.username}.")
    return redirect(back)


class MergeForm(Form):
    username = CharField(label="Tên đăng nhập của tài khoản cũ", max_length=150)
    password = CharField(label="Mật khẩu của tài khoản cũ", widget=PasswordInput)


@login_required
def citizen_merge(request: HttpRequest) -> HttpResponse:
    """A citizen signed in through the identity provider (CCCD verified) takes over the local
    account they made before, by proving its password; audited (services)."""
    user = _user(request)
    if user.kind != UserKind.CITIZEN:
        raise PermissionDenied("Chỉ tài khoản công dân được hợp nhất tài khoản.")
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = User.objects.filter(
            username__iexact=form.cleaned_data["username"], kind=UserKind.CITIZEN
        ).first()
        try:
            if source is None:
                raise DomainError(services.MERGE_MISMATCH)
            services.citizen_accounts_merge(
                actor=user, target=user, source=source, password=form.cleaned_data["password"]
            )
        except (DomainError, PermissionDenied) as err:
            _apply_errors(form, err)
        else:
            messages.success(request, "Đã hợp nhất tài khoản cũ vào tài khoản này.")
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/citizen_merge.html",
        {"form": form, "verified": user.citizen_id_verified},
    )


VERIFIERS = {Role.DESK_OFFICER, Role.IT_ADMIN}
