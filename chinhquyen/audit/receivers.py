"""Signal receivers that record security events (infrastructure logging, no business logic).

Connected on import from ``AuditConfig.ready()``:

- ``django.contrib.auth`` ``user_login_failed`` / ``user_logged_in`` / ``user_logged_out``;
- django-axes ``user_locked_out`` (also enqueues the IT administrators' notification);
- allauth MFA ``authentication_failed`` (a wrong TOTP or recovery code) and authenticators
  added, removed or reset (``mfa_changed``);
- a position saved (given, changed or ended): ``privilege_changed``.

allauth's login form does not pass its ``login`` field to ``authenticate()``: it passes the
identifier under the login method it detected (``username``, ``email`` or ``phone``), and
always under ``username`` too when username login is enabled. :func:`login_identifier` reads
them in that order (django-axes is told the same by ``chinhquyen.accounts.lockout``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from chinhquyen.accounts.models import Position, User

from .models import SecurityEventKind
from .selectors import recent_lockout_exists
from .services import client_ip, security_event_record

logger = logging.getLogger(__name__)

_IDENTIFIER_KEYS = ("username", "email", "phone", "login")


def login_identifier(
    credentials: Mapping[str, Any] | None, request: HttpRequest | None = None
) -> str:
    """The account identifier as the person typed it (username, e-mail or phone)."""
    for key in _IDENTIFIER_KEYS:
        value = (credentials or {}).get(key)
        if value:
            return str(value)
    if request is not None and request.method == "POST":
        return str(request.POST.get("login", "") or request.POST.get("username", ""))
    return ""


def _account_for(identifier: str) -> User | None:
    """The account a typed identifier designates, when exactly one does."""
    if not identifier:
        return None
    cond = Q(username__iexact=identifier)
    if "@" in identifier:
        cond |= Q(email__iexact=identifier)
    matches = list(User.objects.filter(cond)[:2])
    return matches[0] if len(matches) == 1 else None


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(
    sender: object,
    credentials: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    try:
        identifier = login_identifier(credentials, request)
        account = _account_for(identifier)
    except Exception:
        logger.exception("audit.login_failed_receiver")
        identifier, account = "", None
    detail: dict[str, Any] = {}
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    security_event_record(
        kind=SecurityEventKind.LOGIN_FAILED,
        request=request,
        user=account,
        username=identifier,
        detail=detail,
    )


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def on_logged_in(
    sender: object, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any
) -> None:
    security_event_record(kind=SecurityEventKind.LOGIN_SUCCEEDED, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def on_logged_out(
    sender: object, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any
) -> None:
    if user is None:  # logging out without a session: nothing happened
        return
    security_event_record(kind=SecurityEventKind.LOGOUT, request=request, user=user)


def _cool_off() -> dt.timedelta:
    value = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, int | float):
        return dt.timedelta(hours=value)
    return dt.timedelta(minutes=30)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def on_locked_out(
    sender: object,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """Record the lockout; tell the IT administrators once per account, address and cool-off.

    django-axes sends this signal again for every attempt made while locked out; those are
    recorded too (``detail.repeat``) but do not send another e-mail.
    """
    credentials = getattr(request, "axes_credentials", None)
    identifier = login_identifier(credentials, request) or (username or "")
    try:
        account = _account_for(identifier)
        ip = client_ip(request)
        repeat = recent_lockout_exists(
            username=identifier[:150], ip=ip, since=timezone.now() - _cool_off()
        )
    except Exception:
        logger.exception("audit.locked_out_receiver")
        account, repeat = None, False
    event = security_event_record(
        kind=SecurityEventKind.LOCKOUT,
        request=request,
        user=account,
        username=identifier,
        detail={"repeat": repeat, "failure_limit": getattr(settings, "AXES_FAILURE_LIMIT", None)},
    )
    if event is None or repeat:
        return
    from .tasks import notify_lockout

    event_id = event.pk

    def enqueue() -> None:
        try:
            notify_lockout.enqueue(event_id)
        except Exception:
            logger.exception("audit.notify_lockout_not_enqueued", extra={"event_id": event_id})

    transaction.on_commit(enqueue)


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_mfa_failed")
def on_mfa_failed(
    sender: object,
    request: HttpRequest | None = None,
    user: User | None = None,
    authenticator: Any = None,
    reauthentication: bool = False,
    **kwargs: Any,
) -> None:
    detail: dict[str, Any] = {"reauthentication": bool(reauthentication)}
    kind = getattr(authenticator, "type", None)
    if kind:
        detail["authenticator"] = str(kind)
    security_event_record(
        kind=SecurityEventKind.MFA_FAILED, request=request, user=user, detail=detail
    )


def _mfa_changed(action: str, request: HttpRequest | None, user: Any, authenticator: Any) -> None:
    detail: dict[str, Any] = {"action": action}
    kind = getattr(authenticator, "type", None)
    if kind:
        detail["authenticator"] = str(kind)
    security_event_record(
        kind=SecurityEventKind.MFA_CHANGED,
        request=request,
        user=user if isinstance(user, User) else None,
        detail=detail,
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_mfa_added")
def on_mfa_added(
    sender: object,
    request: HttpRequest | None = None,
    user: Any = None,
    authenticator: Any = None,
    **kwargs: Any,
) -> None:
    _mfa_changed("added", request, user, authenticator)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_mfa_removed")
def on_mfa_removed(
    sender: object,
    request: HttpRequest | None = None,
    user: Any = None,
    authenticator: Any = None,
    **kwargs: Any,
) -> None:
    _mfa_changed("removed", request, user, authenticator)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_mfa_reset")
def on_mfa_reset(
    sender: object,
    request: HttpRequest | None = None,
    user: Any = None,
    authenticator: Any = None,
    **kwargs: Any,
) -> None:
    _mfa_changed("reset", request, user, authenticator)


@receiver(post_save, sender=Position, dispatch_uid="audit_privilege_changed")
def on_position_saved(sender: object, instance: Position, created: bool, **kwargs: Any) -> None:
    """A position given, changed or ended is a privilege change (roles come from positions)."""
    if kwargs.get("raw"):
        return
    security_event_record(
        kind=SecurityEventKind.PRIVILEGE_CHANGED,
        user=instance.user,
        detail={
            "action": "position_assigned" if created else "position_changed",
            "position_id": instance.pk,
            "role": instance.role,
            "unit_id": instance.unit_id,
            "valid_to": instance.valid_to.isoformat() if instance.valid_to else None,
        },
    )
