"""Writes of the audit app: recording security events and notifying IT administrators.

Security events are infrastructure logging: they are written from signal receivers and from
middleware, never raise into the request that caused them, and are not themselves audited
(they are the audit trail), so these services do not wrap their writes in ``audit_actor``.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from chinhquyen.accounts.models import Position, Role, User

from .models import (
    PATH_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
    SecurityEvent,
    SecurityEventKind,
)

logger = logging.getLogger(__name__)

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value: object, max_length: int) -> str:
    """A printable, truncated string: typed input is attacker-controlled."""
    if value is None:
        return ""
    return _CONTROL_CHARS.sub(" ", str(value)).strip()[:max_length]


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address as django-axes resolves it, or None when it is not a valid IP."""
    if request is None:
        return None
    candidate: object = getattr(request, "axes_ip_address", None)
    if not candidate:
        try:
            from axes.helpers import get_client_ip_address

            candidate = get_client_ip_address(request)
        except Exception:  # axes' resolver depends on settings; fall back to the socket address
            candidate = None
    if not candidate:
        candidate = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(str(candidate).strip()))
    except ValueError:
        return None


def _request_user(request: HttpRequest | None) -> User | None:
    user = getattr(request, "user", None) if request is not None else None
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


SecurityEventHook = Callable[[SecurityEvent], None]
_hooks: list[SecurityEventHook] = []


def security_event_hook_register(hook: SecurityEventHook) -> None:
    """Run ``hook(event)`` for every recorded security event, in the recording transaction.

    The pipeline of higher apps (alert rules, SIEM forwarding: ``chinhquyen.secops``) plugs in
    here, so the audit app does not import upward. A failing hook is logged and rolled back to
    its savepoint; the event row stays.
    """
    if hook not in _hooks:
        _hooks.append(hook)


def _run_hooks(event: SecurityEvent) -> None:
    for hook in list(_hooks):
        try:
            with transaction.atomic():
                hook(event)
        except Exception:
            logger.exception("audit.security_event_hook_failed", extra={"kind": event.kind})


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> SecurityEvent | None:
    """Append a security event. Never raises: a logging failure must not break the caller.

    ``user`` defaults to the request's authenticated user; ``username`` to that user's name.
    Returns None when the row could not be written (the failure is logged).
    """
    try:
        if kind not in SecurityEventKind.values:
            raise ValueError(f"unknown security event kind {kind!r}")
        if user is None:
            user = _request_user(request)
        if username is None:
            username = user.get_username() if user is not None else ""
        meta = request.META if request is not None else {}
        with transaction.atomic():
            event = SecurityEvent.objects.create(
                kind=kind,
                user=user,
                username=clean_text(username, USERNAME_MAX_LENGTH),
                ip=client_ip(request),
                user_agent=clean_text(meta.get("HTTP_USER_AGENT", ""), USER_AGENT_MAX_LENGTH),
                path=clean_text(request.path, PATH_MAX_LENGTH) if request is not None else "",
                method=clean_text(request.method, 10) if request is not None else "",
                detail=dict(detail or {}),
            )
            _run_hooks(event)
            return event
    except Exception:
        logger.exception("audit.security_event_not_recorded", extra={"kind": kind})
        return None


def security_event_export(*, request: Any, export: str, rows: int | None = None) -> None:
    """Record a ``mass_export`` event for a file export (Excel/PDF of a list or register).

    ``request`` is a Django ``HttpRequest`` or a DRF ``Request`` (its Django request is used).
    """
    django_request = getattr(request, "_request", request)
    detail: dict[str, Any] = {"export": export[:64]}
    if rows is not None:
        detail["rows"] = rows
    query = getattr(django_request, "GET", None)
    if query is not None:
        detail["query"] = query.urlencode()[:500]
    security_event_record(kind=SecurityEventKind.MASS_EXPORT, request=django_request, detail=detail)


def lockout_recipients(event: SecurityEvent) -> list[str]:
    """E-mail addresses of the IT administrators responsible for the locked-out account.

    Administrators at a root organisation always receive it; administrators of a subtree
    receive it when the account holds a position inside their subtree. When nobody matches
    (no root administrator configured), every IT administrator is told.
    """
    admin_positions = list(
        Position.objects.active()
        .filter(
            role=Role.IT_ADMIN,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("unit", "user")
    )
    account_units: list[str] = []
    if event.user_id is not None:
        account_units = list(
            Position.objects.active()
            .filter(user_id=event.user_id)
            .values_list("unit__path", flat=True)
        )
    chosen: set[str] = set()
    for position in admin_positions:
        covers = position.unit.depth == 0 or any(
            path.startswith(position.unit.path) for path in account_units
        )
        if covers:
            chosen.add(position.user.email)
    if not chosen:
        chosen = {p.user.email for p in admin_positions}
    return sorted(chosen)


def _lockout_message(event: SecurityEvent, recipients: list[str]) -> EmailMessage:
    when = timezone.localtime(event.created_at).strftime("%H:%M:%S ngày %d/%m/%Y")
    who = event.username or (event.user.get_username() if event.user else "(không rõ)")
    query = urlencode({"kind": SecurityEventKind.LOCKOUT, "username": event.username})
    link = settings.SITE_URL.rstrip("/") + reverse("audit:security_events") + "?" + query
    subject = clean_text(f"[{settings.SITE_NAME}] Tài khoản bị tạm khóa: {who}", 200)
    body = "\n".join(
        [
            "Kính gửi quản trị hệ thống,",
            "",
            "Một tài khoản vừa bị tạm khóa do đăng nhập sai nhiều lần liên tiếp.",
            "",
            f"Tên đăng nhập: {who}",
            f"Địa chỉ IP: {event.ip or '(không rõ)'}",
            f"Thời điểm: {when}",
            f"Trình duyệt: {event.user_agent or '(không rõ)'}",
            "",
            "Nếu đây không phải do người dùng nhập nhầm, hãy kiểm tra nhật ký an ninh:",
            link,
            "",
            f"Thư này được gửi tự động từ {settings.SITE_NAME}.",
        ]
    )
    return EmailMessage(subject=subject, body=body, to=recipients)


@transaction.atomic
def security_event_notify_lockout(*, event_id: int) -> bool:
    """E-mail the IT administrators about a lockout, once.

    The event row is locked while the message is sent and stamped with ``notified_at``, so a
    second (or concurrent) run finds it already notified and sends nothing. Returns True when
    a message was sent.
    """
    event = (
        SecurityEvent.objects.select_for_update()
        .filter(pk=event_id, kind=SecurityEventKind.LOCKOUT)
        .first()
    )
    if event is None or event.notified_at is not None:
        return False
    recipients = lockout_recipients(event)
    if not recipients:
        logger.warning("audit.lockout_no_recipients", extra={"event_id": event_id})
        return False
    _lockout_message(event, recipients).send(fail_silently=False)
    SecurityEvent.objects.filter(pk=event.pk).update(notified_at=timezone.now())
    logger.info(
        "audit.lockout_notified", extra={"event_id": event_id, "recipients": len(recipients)}
    )
    return True
