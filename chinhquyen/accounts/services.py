"""Writes to accounts: officials and their positions, citizens and businesses, API clients and
their tokens. Every service is keyword-only, typed, one transaction, and attributes its writes
to ``actor`` for the audit log.

``actor=None`` means the system itself (management commands, the demo loader, a self-service
sign-up): no permission check is made. Whenever a person acts on another account the actor is
checked with the predicates of ``permissions.py`` and ``PermissionDenied`` is raised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation

from . import permissions
from .authentication import generate_token
from .models import ApiToken, Position, Role, User, UserKind
from .validators import validate_citizen_id, validate_tax_code

NO_PERMISSION = "Bạn không có quyền thực hiện thao tác này."
MERGE_MISMATCH = "Tên đăng nhập hoặc mật khẩu của tài khoản cần hợp nhất không đúng."
CCCD_VERIFIED_ELSEWHERE = "Số CCCD này đã được xác minh cho một tài khoản khác."


@dataclass(frozen=True)
class PositionSpec:
    """A position to give an official when the account is created."""

    unit: Organisation
    role: str
    title: str = ""
    is_acting: bool = False
    delegated_by: User | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def _as_spec(value: PositionSpec | Mapping[str, Any]) -> PositionSpec:
    if isinstance(value, PositionSpec):
        return value
    return PositionSpec(**dict(value))


# --- shared checks ----------------------------------------------------------------------------


def _require(allowed: bool, message: str = NO_PERMISSION) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_username(username: str, *, exclude_pk: int | None = None) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "Vui lòng nhập tên đăng nhập."})
    qs = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"username": "Tên đăng nhập này đã được sử dụng."})
    return username


def _clean_email(email: str, *, required: bool, exclude_pk: int | None = None) -> str:
    email = (email or "").strip().lower()
    if not email:
        if required:
            raise ValidationError({"email": "Vui lòng nhập địa chỉ thư điện tử."})
        return ""
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
        addresses = addresses.exclude(user_id=exclude_pk)
    if users.exists() or addresses.exists():
        raise ValidationError({"email": "Địa chỉ thư điện tử này đã được sử dụng."})
    return email


def _clean_citizen_id(
    citizen_id: str, *, exclude_pk: int | None = None, verified: bool = True
) -> str:
    """A well-formed CCCD; when ``verified``, no other account may hold it verified. An
    unverified CCCD (typed at a local sign-up) is never refused for being taken: the answer
    must not tell whether a CCCD is registered (security finding #9)."""
    citizen_id = (citizen_id or "").strip()
    if not citizen_id:
        raise ValidationError({"citizen_id": "Vui lòng nhập số CCCD (12 chữ số)."})
    try:
        validate_citizen_id(citizen_id)
    except ValidationError as err:
        raise ValidationError({"citizen_id": err.messages}) from err
    if not verified:
        return citizen_id
    qs = User.objects.filter(citizen_id=citizen_id, citizen_id_verified=True)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"citizen_id": CCCD_VERIFIED_ELSEWHERE})
    return citizen_id


def _set_password(user: User, password: str | None) -> None:
    if password:
        try:
            validate_password(password, user)
        except ValidationError as err:
            raise ValidationError({"password": err.messages}) from err
        user.set_password(password)
    else:
        user.set_unusable_password()


def _save_new_user(user: User, password: str | None) -> User:
    _set_password(user, password)
    user.refresh_search_text()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _check_period(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "Ngày kết thúc phải từ ngày bắt đầu trở đi."})


# --- officials ------------------------------------------------------------------------------


@transaction.atomic
def official_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    email: str,
    phone: str = "",
    password: str | None = None,
    positions: Iterable[PositionSpec | Mapping[str, Any]] = (),
) -> User:
    """Create an official (cán bộ) with at least one position.

    The e-mail address is recorded as verified (the IT administrator vouches for it), so the
    official can activate two-factor authentication at first sign-in. Without ``password`` the
    account gets an unusable password and the official sets one through "Quên mật khẩu".
    """
    specs = [_as_spec(p) for p in positions]
    if not specs:
        raise ValidationError({"positions": "Cán bộ phải có ít nhất một vị trí công tác."})
    for spec in specs:
        if actor is not None:
            _require(
                permissions.can_assign_position(actor, spec.unit),
                "Bạn không có quyền tạo cán bộ tại đơn vị này.",
            )
    if not (full_name or "").strip():
        raise ValidationError({"full_name": "Vui lòng nhập họ và tên."})
    with audit_actor(actor):
        user = User(
            kind=UserKind.OFFICIAL,
            username=_clean_username(username),
            full_name=full_name.strip(),
            email=_clean_email(email, required=True),
            phone=(phone or "").strip(),
        )
        _save_new_user(user, password)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        for spec in specs:
            _position_create(
                actor=actor,
                user=user,
                unit=spec.unit,
                role=spec.role,
                title=spec.title,
                is_acting=spec.is_acting,
                delegated_by=spec.delegated_by,
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
            )
    return user


@transaction.atomic
def official_update(
    *,
    actor: User | None,
    user: User,
    full_name: str,
    email: str,
    phone: str = "",
) -> User:
    """Change an official's name and contact details (IT administrator in scope)."""
    if actor is not None:
        _require(permissions.can_manage_official(actor, user))
    if user.kind not in (UserKind.OFFICIAL, UserKind.API_CLIENT):
        raise DomainError("Chỉ sửa được tài khoản cán bộ hoặc hệ thống kết nối.", "not_official")
    if not (full_name or "").strip():
        raise ValidationError({"full_name": "Vui lòng nhập họ và tên."})
    new_email = _clean_email(email, required=user.kind == UserKind.OFFICIAL, exclude_pk=user.pk)
    with audit_actor(actor):
        user.full_name = full_name.strip()
        user.phone = (phone or "").strip()
        if new_email != user.email.lower():
            EmailAddress.objects.filter(user=user).delete()
            if new_email:
                EmailAddress.objects.create(user=user, email=new_email, verified=True, primary=True)
        user.email = new_email
        user.refresh_search_text()
        user.full_clean(exclude=["password"])
        user.save()
    return user


def _position_create(
    *,
    actor: User | None,
    user: User,
    unit: Organisation,
    role: str,
    title: str,
    is_acting: bool,
    delegated_by: User | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> Position:
    if role not in Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if user.kind == UserKind.OFFICIAL and role == Role.API_CLIENT:
        raise ValidationError({"role": "Vai trò «Hệ thống kết nối» chỉ dành cho tài khoản API."})
    if user.kind == UserKind.API_CLIENT and role != Role.API_CLIENT:
        raise ValidationError(
            {"role": "Tài khoản hệ thống kết nối chỉ có vai trò «Hệ thống kết nối»."}
        )
    if user.kind not in (UserKind.OFFICIAL, UserKind.API_CLIENT):
        raise DomainError("Chỉ cán bộ mới được giao vị trí công tác.", "not_official")
    _check_period(valid_from, valid_to)
    start = valid_from or timezone.localdate()
    if unit.valid_to is not None and start > unit.valid_to:
        raise ValidationError({"unit": "Đơn vị đã hết hiệu lực, không thể giao vị trí."})
    if delegated_by is not None and (
        delegated_by.pk == user.pk or delegated_by.kind != UserKind.OFFICIAL
    ):
        raise ValidationError({"delegated_by": "Người ủy quyền phải là một cán bộ khác."})
    overlapping = Position.objects.filter(user=user, unit=unit, role=role)
    if valid_to is not None:
        overlapping = overlapping.exclude(valid_from__gt=valid_to)
    if valid_from is not None:
        overlapping = overlapping.exclude(valid_to__lt=valid_from)
    if overlapping.exists():
        raise DomainError(
            "Cán bộ đã giữ vai trò này tại đơn vị này trong khoảng thời gian đã chọn.",
            "position_overlap",
        )
    position = Position(
        user=user,
        unit=unit,
        role=role,
        title=(title or "").strip(),
        is_acting=is_acting,
        delegated_by=delegated_by,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    position.full_clean()
    position.save()
    permissions.clear_cache(user)
    return position


@transaction.atomic
def position_assign(
    *,
    actor: User | None,
    user: User,
    unit: Organisation,
    role: str,
    title: str = "",
    is_acting: bool = False,
    delegated_by: User | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Position:
    """Give an official a position (role in a unit), possibly acting or delegated, with dates.

    The actor must be an IT administrator whose scope covers ``unit``.
    """
    if actor is not None:
        _require(
            permissions.can_assign_position(actor, unit),
            "Bạn không có quyền phân công vị trí tại đơn vị này.",
        )
    with audit_actor(actor):
        return _position_create(
            actor=actor,
            user=user,
            unit=unit,
            role=role,
            title=title,
            is_acting=is_acting,
            delegated_by=delegated_by,
            valid_from=valid_from,
            valid_to=valid_to,
        )


@transaction.atomic
def position_end(*, actor: User | None, position: Position, on: dt.date) -> Position:
    """End a position: ``on`` is the last day the position is held (inclusive)."""
    if actor is not None:
        _require(
            permissions.can_assign_position(actor, position.unit),
            "Bạn không có quyền kết thúc vị trí tại đơn vị này.",
        )
    position = Position.objects.select_for_update().get(pk=position.pk)
    if position.valid_from is not None and on < position.valid_from:
        raise ValidationError({"on": "Ngày kết thúc phải từ ngày bắt đầu trở đi."})
    if position.valid_to is not None and position.valid_to <= on:
        raise DomainError(
            f"Vị trí này đã kết thúc từ ngày {position.valid_to:%d/%m/%Y}.", "position_ended"
        )
    with audit_actor(actor):
        position.valid_to = on
        position.save(update_fields=["valid_to"])
    permissions.clear_cache(position.user)
    return position


@transaction.atomic
def official_mfa_reset(*, actor: User | None, user: User) -> int:
    """Remove an official's authenticators (lost phone): at the next sign-in the official must
    activate TOTP again. Returns the number of authenticators removed."""
    if actor is not None:
        _require(permissions.can_manage_official(actor, user))
        if actor.pk == user.pk:
            raise DomainError(
                "Không thể tự đặt lại xác thực hai lớp của chính mình.", "mfa_reset_self"
            )
    with audit_actor(actor):
        deleted, _ = Authenticator.objects.filter(user=user).delete()
    return deleted


# --- citizens and businesses ---------------------------------------------------------------


@transaction.atomic
def citizen_register(
    *,
    actor: User | None = None,
    username: str,
    full_name: str,
    citizen_id: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    address: str = "",
    verified_by: str = "",
) -> User:
    """Register a citizen (công dân). The CCCD is validated structurally; it is verified only
    when ``verified_by`` names the proof (the identity provider), and then must be unique among
    verified accounts. A local sign-up's CCCD stays unverified; the holders of the same CCCD
    are told by e-mail that someone registered with it."""
    if not (full_name or "").strip():
        raise ValidationError({"full_name": "Vui lòng nhập họ và tên."})
    verified = bool(verified_by)
    with audit_actor(actor):
        user = User(
            kind=UserKind.CITIZEN,
            username=_clean_username(username),
            full_name=full_name.strip(),
            citizen_id=_clean_citizen_id(citizen_id, verified=verified),
            citizen_id_verified=verified,
            citizen_id_verified_by=verified_by,
            email=_clean_email(email, required=False),
            phone=(phone or "").strip(),
            address=(address or "").strip(),
        )
        _save_new_user(user, password)
    if not verified:
        holders = list(
            User.objects.filter(citizen_id=user.citizen_id)
            .exclude(pk=user.pk)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if holders:
            transaction.on_commit(lambda: _tell_cccd_holders(holders))
    return user


CCCD_NOTICE_SUBJECT = "Có tài khoản mới đăng ký với số CCCD của bạn"
CCCD_NOTICE_BODY = (
    "Một tài khoản mới vừa được đăng ký trên {site} với số định danh cá nhân (CCCD) của bạn. "
    "Nếu không phải bạn, hãy đăng nhập bằng định danh điện tử (VNeID) hoặc mang CCCD đến bộ "
    "phận một cửa để xác minh: tài khoản chưa xác minh không được gắn với danh tính của bạn."
)


def _tell_cccd_holders(emails: list[str]) -> None:
    from django.conf import settings
    from django.core.mail import send_mail

    body = CCCD_NOTICE_BODY.format(site=settings.SITE_NAME)
    for email in emails:
        send_mail(CCCD_NOTICE_SUBJECT, body, None, [email], fail_silently=True)


@transaction.atomic
def citizen_id_verify(*, actor: User, user: User) -> User:
    """An officer saw the citizen's card at the counter: the account's CCCD becomes verified.

    Only one-stop desk officers (and IT administrators) may; no other account may already hold
    the same CCCD verified (the citizen then merges, see ``citizen_accounts_merge``)."""
    _require(
        permissions.is_official(actor)
        and bool(permissions.roles_of(actor) & {Role.DESK_OFFICER, Role.IT_ADMIN})
    )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.kind != UserKind.CITIZEN or not user.citizen_id:
        raise DomainError("Tài khoản này không phải tài khoản công dân có số CCCD.")
    if user.citizen_id_verified:
        return user
    _clean_citizen_id(user.citizen_id, exclude_pk=user.pk, verified=True)
    with audit_actor(actor):
        user.citizen_id_verified = True
        user.citizen_id_verified_by = f"cán bộ {actor.username}"
        user.save(update_fields=["citizen_id_verified", "citizen_id_verified_by"])
    return user


# Links to a user that move with a merge are every foreign key to the account, except the
# sign-in machinery that stays with the account it was made for.
_MERGE_KEEPS = {
    ("account", "emailaddress"),
    ("socialaccount", "socialaccount"),
    ("mfa", "authenticator"),
    ("accounts", "apitoken"),
    ("accounts", "position"),
    ("auditlog", "logentry"),
    ("axes", "accessattempt"),
    ("axes", "accesslog"),
    ("axes", "accessfailurelog"),
}


@transaction.atomic
def citizen_accounts_merge(
    *, actor: User, target: User, source: User, password: str | None = None
) -> User:
    """Merge the local account ``source`` into ``target``, whose CCCD is verified.

    Either the citizen, signed in as ``target`` (through the identity provider), proves that
    ``source`` is theirs with its password, or a one-stop desk officer merges after checking
    the card. Dossiers and every other link move to ``target``; ``source`` is deactivated.
    Audited (auditlog entry on ``source`` naming ``target`` and the actor)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if actor.pk == target.pk:
        if password is None or not source.check_password(password):
            raise DomainError(MERGE_MISMATCH)
    else:
        _require(
            permissions.is_official(actor)
            and bool(permissions.roles_of(actor) & {Role.DESK_OFFICER, Role.IT_ADMIN})
        )
    target, source = (
        User.objects.select_for_update().get(pk=target.pk),
        User.objects.select_for_update().get(pk=source.pk),
    )
    if not (target.kind == source.kind == UserKind.CITIZEN) or target.pk == source.pk:
        raise DomainError("Chỉ hợp nhất hai tài khoản công dân khác nhau.")
    if not target.citizen_id_verified or not source.is_active:
        raise DomainError("Tài khoản nhận phải có CCCD đã xác minh; tài khoản nguồn phải đang mở.")
    if source.citizen_id and source.citizen_id != target.citizen_id:
        raise DomainError("Hai tài khoản mang hai số CCCD khác nhau, không thể hợp nhất.")
    for rel in User._meta.related_objects:
        model: Any = rel.related_model
        label = (str(model._meta.app_label), str(model._meta.model_name))
        if not rel.one_to_many or label in _MERGE_KEEPS:
            continue
        model._default_manager.filter(**{rel.field.name: source}).update(**{rel.field.name: target})
    with audit_actor(actor):
        source.is_active = False
        source.save(update_fields=["is_active"])
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(source.pk),
        object_id=source.pk,
        object_repr=str(source)[:200],
        action=LogEntry.Action.UPDATE,
        changes={"merged_into": [None, str(target.pk)]},
        actor=actor,
    )
    return target


@transaction.atomic
def business_register(
    *,
    actor: User | None = None,
    username: str,
    full_name: str,
    tax_code: str,
    organisation_name: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    address: str = "",
) -> User:
    """Register an organisation or business account (tổ chức, doanh nghiệp) by its tax code."""
    tax_code = (tax_code or "").strip()
    if not tax_code:
        raise ValidationError({"tax_code": "Vui lòng nhập mã số thuế."})
    try:
        validate_tax_code(tax_code)
    except ValidationError as err:
        raise ValidationError({"tax_code": err.messages}) from err
    if not (organisation_name or "").strip():
        raise ValidationError({"organisation_name": "Vui lòng nhập tên tổ chức, doanh nghiệp."})
    if not (full_name or "").strip():
        raise ValidationError({"full_name": "Vui lòng nhập họ và tên người đại diện."})
    with audit_actor(actor):
        user = User(
            kind=UserKind.BUSINESS,
            username=_clean_username(username),
            full_name=full_name.strip(),
            tax_code=tax_code,
            organisation_name=organisation_name.strip(),
            email=_clean_email(email, required=False),
            phone=(phone or "").strip(),
            address=(address or "").strip(),
        )
        return _save_new_user(user, password)


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """Lock an account: it can no longer sign in and its API tokens are revoked.

    IT administrators lock officials and API clients in their scope; anyone may lock their own
    account.
    """
    if actor is not None and actor.pk != user.pk:
        _require(permissions.can_manage_official(actor, user))
    now = timezone.now()
    with audit_actor(actor):
        user.is_active = False
        user.save(update_fields=["is_active"])
        for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
    return user


# --- API clients and tokens ------------------------------------------------------------------

_USERNAME_CHARS = re.compile(r"[^a-z0-9.-]+")


def _api_client_username(name: str) -> str:
    base = "api-" + (
        _USERNAME_CHARS.sub("-", slugify(normalize_search(name))).strip("-") or "client"
    )
    base = base[:120]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def api_client_create(*, actor: User | None, name: str, unit: Organisation) -> User:
    """Create an API client (a connected system) attached to ``unit``: a user of kind
    ``api_client`` holding the ``api_client`` role there. It signs in with bearer tokens only."""
    if actor is not None:
        _require(
            permissions.can_assign_position(actor, unit),
            "Bạn không có quyền tạo hệ thống kết nối tại đơn vị này.",
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Vui lòng nhập tên hệ thống kết nối."})
    with audit_actor(actor):
        user = User(
            kind=UserKind.API_CLIENT,
            username=_api_client_username(name),
            full_name=name[:150],
        )
        _save_new_user(user, None)
        _position_create(
            actor=actor,
            user=user,
            unit=unit,
            role=Role.API_CLIENT,
            title="",
            is_acting=False,
            delegated_by=None,
            valid_from=None,
            valid_to=None,
        )
    return user


@transaction.atomic
def api_token_issue(
    *,
    actor: User | None,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``. Returns the token row and the raw token, which is
    shown once and never stored (only its SHA-256 digest is)."""
    if actor is not None:
        _require(permissions.can_issue_token(actor, user))
    if not user.is_active:
        raise DomainError("Tài khoản đã bị khóa, không thể cấp khóa API.", "user_inactive")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Vui lòng nhập tên khóa API."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Thời điểm hết hạn phải ở tương lai."})
    raw, prefix, digest = generate_token()
    with audit_actor(actor):
        token = ApiToken(user=user, name=name[:100], prefix=prefix, digest=digest)
        token.expires_at = expires_at
        token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent)."""
    if actor is not None:
        _require(permissions.can_issue_token(actor, token.user))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        with audit_actor(actor):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
