"""Outgoing webhooks: the platform tells external systems what happened, signed per the
Standard Webhooks specification (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``
``v1,<base64 HMAC-SHA256>``; the ``standardwebhooks`` reference library signs and verifies).

Events are written as :class:`WebhookDelivery` rows **in the transaction of the change** (the
dossier hooks run in-transaction, the document history listener and the feedback history
signal too), once per endpoint and event key, so a crash cannot lose one and a repeated change
cannot send it twice. Overdue tasks are found by a periodic scan (``task.overdue`` once per task
and due date). A job delivers them in id order per endpoint; a failing head holds the later
events back and is retried with backoff, so a receiver that was down receives everything later,
in order; after ``WEBHOOK_MAX_ATTEMPTS`` the row is a dead letter the administrator can replay.

Payloads carry codes, statuses, dates and document summaries, never an applicant's personal
data; confidential documents and tasks are never announced (:mod:`.webhook_events`).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chinhquyen.core import sealing
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookState

logger = logging.getLogger(__name__)

EVENT_TYPES: dict[str, str] = {
    "dossier.status_changed": "Hồ sơ thủ tục hành chính đổi trạng thái",
    "document.received": "Cơ quan nhận văn bản đến",
    "document.issued": "Văn bản đi được phát hành",
    "task.overdue": "Nhiệm vụ quá hạn",
    "feedback.answered": "Phản ánh, kiến nghị đã được trả lời",
}
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)
LEASE = dt.timedelta(minutes=5)
ERROR_MAX = 500


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# --- endpoints --------------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate(*, url: str, event_types: list[str]) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise DomainError("Địa chỉ nhận phải là một URL HTTPS đầy đủ.", code="invalid_url")
    if parts.scheme == "http" and not _is_loopback(host):
        raise DomainError(
            "Địa chỉ nhận phải dùng HTTPS (chỉ máy nội bộ 127.0.0.1 mới được dùng HTTP).",
            code="https_required",
        )
    if not event_types:
        raise DomainError("Chọn ít nhất một loại sự kiện.", code="no_event_types")
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise DomainError(
            f"Loại sự kiện không có: {', '.join(unknown)}.", code="unknown_event_type"
        )


def endpoint_save(*, actor: object | None, endpoint: WebhookEndpoint) -> str | None:
    """Validate and save; a new endpoint gets a secret, returned once (None on an edit)."""
    validate(url=endpoint.url, event_types=list(endpoint.event_types or []))
    endpoint.event_types = sorted(set(endpoint.event_types))
    secret = None
    if not endpoint.secret_sealed:
        secret = new_secret()
        endpoint.secret_sealed = sealing.seal(secret)
    with transaction.atomic(), audit_actor(actor):
        endpoint.save()
    forget_targets()
    return secret


def endpoint_rotate_secret(
    *, actor: object | None, endpoint: WebhookEndpoint, now: dt.datetime | None = None
) -> str:
    """A new secret; the old one keeps signing too for ``WEBHOOK_SECRET_OVERLAP_HOURS``."""
    now = now or timezone.now()
    secret = new_secret()
    with transaction.atomic(), audit_actor(actor):
        row = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        row.previous_secret_sealed = row.secret_sealed
        row.previous_secret_until = now + dt.timedelta(
            hours=_setting("WEBHOOK_SECRET_OVERLAP_HOURS", 24)
        )
        row.secret_sealed = sealing.seal(secret)
        row.save(update_fields=["previous_secret_sealed", "previous_secret_until", "secret_sealed"])
        LogEntry.objects.log_create(
            row, action=LogEntry.Action.UPDATE, changes={"secret": ["***", "*** (đã đổi)"]}
        )
    return secret


def signature_header(
    endpoint: WebhookEndpoint, *, msg_id: str, at: dt.datetime, body: bytes
) -> str:
    from standardwebhooks.webhooks import Webhook

    secrets_in_force = [endpoint.secret_sealed]
    if endpoint.previous_secret_sealed and (
        endpoint.previous_secret_until is not None and endpoint.previous_secret_until > at
    ):
        secrets_in_force.append(endpoint.previous_secret_sealed)
    signatures = []
    for sealed in secrets_in_force:
        secret = sealing.unseal(sealed)
        if secret:
            signatures.append(Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body))
    if not signatures:
        raise DomainError("Không đọc được khóa bí mật của điểm nhận.", code="secret_unreadable")
    return " ".join(signatures)


# --- events -----------------------------------------------------------------------------------


TARGETS_SECONDS = 30.0  # how long another process may take to see a changed endpoint
_targets: tuple[float, list[Target]] | None = None  # (expires, targets), per process


@dataclass(frozen=True)
class Target:
    endpoint_id: int
    event_types: frozenset[str]
    scope_path: str  # "" for the whole deployment


def targets() -> list[Target]:
    """The active endpoints, kept per process for ``TARGETS_SECONDS`` (dropped at once in the
    process that changes an endpoint). Not in the shared cache: a write must not depend on
    Redis, nor run a cache query inside its transaction."""
    global _targets
    now = time.monotonic()
    if _targets is None or _targets[0] <= now:
        rows = WebhookEndpoint.objects.filter(is_active=True).values_list(
            "pk", "event_types", "organisation__path"
        )
        _targets = (
            now + TARGETS_SECONDS,
            [Target(pk, frozenset(types or []), path or "") for pk, types, path in rows],
        )
    return _targets[1]


def wanted(event_type: str) -> bool:
    """Whether any active endpoint takes ``event_type`` (callers skip building the event)."""
    return any(event_type in t.event_types for t in targets())


def forget_targets(**_: Any) -> None:
    global _targets
    _targets = None


def emit(
    event_type: str,
    *,
    key: str,
    organisation_path: str | Callable[[], str],
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    at: dt.datetime | None = None,
) -> int:
    """Queue ``event_type`` for every active endpoint that takes it and covers the
    organisation, in the caller's transaction; ``organisation_path`` and ``data`` may be
    callables, called only when some endpoint takes the event. Returns the rows queued."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    wanted = [t for t in targets() if event_type in t.event_types]
    if not wanted:
        return 0
    path = organisation_path() if callable(organisation_path) else organisation_path
    chosen = [t for t in wanted if path.startswith(t.scope_path)]
    if not chosen:
        return 0
    at = at or timezone.now()
    payload = {
        "type": event_type,
        "timestamp": at.isoformat(),
        "data": data() if callable(data) else data,
    }
    rows = [
        WebhookDelivery(
            endpoint_id=t.endpoint_id,
            event_type=event_type,
            key=key[:120],
            msg_id=f"msg_{uuid.uuid4().hex}",
            payload=payload,
            created_at=at,
            next_attempt_at=at,
        )
        for t in chosen
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)  # once per endpoint and key
    transaction.on_commit(_enqueue_delivery)
    return len(rows)


def _enqueue_delivery() -> None:
    from .tasks import deliver_webhooks

    try:
        deliver_webhooks.enqueue()
    except Exception:  # the minute job delivers it anyway
        logger.warning("integration.webhook_enqueue_failed", exc_info=True)


# --- delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int | None
    error: str


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """One HTTP POST without following redirects; any 2xx is success."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with opener.open(request, timeout=_setting("WEBHOOK_TIMEOUT_SECONDS", 10)) as response:
            return Answer(response.status, "")
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(None, f"Không kết nối được: {reason}"[:ERROR_MAX])


def _backoff(attempts: int) -> dt.timedelta:
    base = _setting("WEBHOOK_RETRY_BASE_SECONDS", 30)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def deliver_one(row: WebhookDelivery, *, now: dt.datetime | None = None) -> str:
    """One attempt (the caller holds the endpoint's lease); returns the row's state."""
    now = now or timezone.now()
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    sent_at = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ChinhQuyen-Webhooks/1",
        "webhook-id": row.msg_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
    }
    started = time.monotonic()
    try:
        headers["webhook-signature"] = signature_header(
            row.endpoint, msg_id=row.msg_id, at=sent_at, body=body
        )
        answer = post(row.endpoint.url, body, headers)
    except DomainError as exc:
        answer = Answer(None, str(exc.detail))
    elapsed = int((time.monotonic() - started) * 1000)
    ok = answer.status is not None and 200 <= answer.status < 300
    row.attempts += 1
    row.last_status = answer.status
    row.last_error = "" if ok else (answer.error or f"HTTP {answer.status}")[:ERROR_MAX]
    if ok:
        row.state = WebhookState.DELIVERED
        row.delivered_at = timezone.now()
    elif row.attempts >= int(_setting("WEBHOOK_MAX_ATTEMPTS", 10)):
        row.state = WebhookState.DEAD
    else:
        row.next_attempt_at = now + _backoff(row.attempts)
    with transaction.atomic():
        row.save(
            update_fields=[
                "attempts",
                "last_status",
                "last_error",
                "state",
                "delivered_at",
                "next_attempt_at",
            ]
        )
        WebhookAttempt.objects.create(
            delivery=row,
            at=sent_at,
            status=answer.status,
            error=row.last_error,
            duration_ms=elapsed,
        )
    return row.state


def _claim(endpoint_id: int, now: dt.datetime) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return bool(
        WebhookEndpoint.objects.filter(free, pk=endpoint_id).update(lease_until=now + LEASE)
    )


def deliver_pending(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Deliver the due rows of every endpoint in id order, stopping at a head that fails."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    endpoint_ids = (
        WebhookDelivery.objects.filter(state=WebhookState.PENDING, endpoint__is_active=True)
        .values_list("endpoint_id", flat=True)
        .distinct()
    )
    for endpoint_id in sorted(set(endpoint_ids)):
        if not _claim(endpoint_id, now):
            counts["busy"] = counts.get("busy", 0) + 1
            continue
        try:
            queue = (
                WebhookDelivery.objects.filter(endpoint_id=endpoint_id, state=WebhookState.PENDING)
                .select_related("endpoint")
                .order_by("pk")[:limit]
            )
            for row in queue:
                if row.next_attempt_at > now:
                    break  # the head waits for its retry; later events wait behind it
                state = deliver_one(row, now=now)
                counts[state] = counts.get(state, 0) + 1
                if state == WebhookState.PENDING:
                    break
        finally:
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(lease_until=None)
    return counts


def replay(*, actor: object | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivered or dead event again (same webhook-id, so receivers can de-duplicate)."""
    with transaction.atomic(), audit_actor(actor):
        row = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if row.state == WebhookState.PENDING:
            raise DomainError("Sự kiện này đang chờ gửi.", code="already_pending")
        before = row.state
        row.state = WebhookState.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
        LogEntry.objects.log_create(
            row, action=LogEntry.Action.UPDATE, changes={"state": [before, row.state]}
        )
    transaction.on_commit(_enqueue_delivery)
    return row
