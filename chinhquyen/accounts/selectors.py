"""Reads of accounts, already scoped to what the asking user may see.

Visibility of officials (the same rule as ``permissions.can_view_official``):
- IT administrators see officials holding any position (ended or future ones included) in a
  unit of their scope — they manage them;
- leaders and unit heads see officials holding an active position in their scope;
- every other official sees only themselves; citizens, businesses, API clients and anonymous
  users see no one.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from chinhquyen.core.collation import vi_sort
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation

from . import permissions
from .models import ApiToken, Position, Role, User, UserKind


def _path_q(units: list[Organisation], field: str = "unit__path") -> Q:
    cond = Q()
    for unit in units:
        cond |= Q(**{f"{field}__startswith": unit.path})
    return cond


def positions_prefetch(*, active_only: bool = False, to_attr: str | None = None) -> Prefetch:
    qs = Position.objects.select_related("unit", "delegated_by").order_by(
        "unit__path", "role", "valid_from", "pk"
    )
    if active_only:
        qs = qs.active()
    return Prefetch("positions", queryset=qs, to_attr=to_attr)


def _visible_accounts(user: object, kind: str) -> QuerySet[User]:
    qs = User.objects.filter(kind=kind)
    if not permissions.is_official(user):
        return qs.none()
    assert isinstance(user, User)
    cond = Q(pk=user.pk) if kind == UserKind.OFFICIAL else Q(pk__in=[])
    admin_units = permissions.units_with_role(user, [Role.IT_ADMIN])
    if admin_units:
        cond |= Q(pk__in=Position.objects.filter(_path_q(admin_units)).values("user_id"))
    if kind == UserKind.OFFICIAL:
        managing = permissions.units_with_role(user, [Role.LEADER, Role.UNIT_HEAD])
        if managing:
            cond |= Q(pk__in=Position.objects.active().filter(_path_q(managing)).values("user_id"))
    return qs.filter(cond)


def officials_visible_to(
    user: object,
    *,
    unit: Organisation | None = None,
    role: str | None = None,
    q: str | None = None,
) -> QuerySet[User]:
    """Officials ``user`` may see, optionally filtered.

    ``unit``: officials with an active position in that unit or below it; ``role``: with an
    active position of that role (both together: in the same position); ``q``: accent- and
    case-insensitive search in name, username, e-mail and phone.
    """
    qs = _visible_accounts(user, UserKind.OFFICIAL)
    if unit is not None or role:
        positions = Position.objects.active()
        if unit is not None:
            positions = positions.filter(unit__path__startswith=unit.path)
        if role:
            positions = positions.filter(role=role)
        qs = qs.filter(pk__in=positions.values("user_id"))
    needle = normalize_search(q)
    if needle:
        qs = qs.filter(search_text__contains=needle)
    return qs.order_by(vi_sort("full_name"), "username", "pk")


def official_list(
    user: object,
    *,
    unit: Organisation | None = None,
    role: str | None = None,
    q: str | None = None,
) -> QuerySet[User]:
    """``officials_visible_to`` with active positions prefetched (``active_positions``)."""
    return officials_visible_to(user, unit=unit, role=role, q=q).prefetch_related(
        positions_prefetch(active_only=True, to_attr="active_positions")
    )


def official_get(user: object, pk: int) -> User | None:
    """One official ``user`` may see, with all positions prefetched, or None."""
    return (
        officials_visible_to(user)
        .filter(pk=pk)
        .prefetch_related(positions_prefetch(to_attr="all_positions"))
        .first()
    )


def api_clients_visible_to(user: object) -> QuerySet[User]:
    """API clients attached to a unit in the IT administrator's scope."""
    return (
        _visible_accounts(user, UserKind.API_CLIENT)
        .prefetch_related(
            positions_prefetch(to_attr="all_positions"),
            Prefetch(
                "api_tokens",
                queryset=ApiToken.objects.order_by("-created_at", "-pk"),
                to_attr="token_list",
            ),
        )
        .order_by(vi_sort("full_name"), "pk")
    )


def manageable_position(user: object, pk: int) -> Position | None:
    """A position ``user`` may end, or None."""
    position = Position.objects.select_related("unit", "user").filter(pk=pk).first()
    if position is None or not permissions.can_view_official(user, position.user):
        return None
    return position


def manageable_token(user: object, pk: int) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None or not permissions.can_issue_token(user, token.user):
        return None
    return token


def units_for_assignment(user: object) -> QuerySet[Organisation]:
    """Active units where ``user`` (an IT administrator) may assign positions."""
    return permissions.scope_units(user, [Role.IT_ADMIN]).active().order_by("path")


def is_mfa_enabled(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
