"""Writes of the notifications app: the outbox, its delivery, retries and templates.

The outbox protocol ("never lost, never twice for the same event"):

1. ``notify(...)`` renders the template and writes a ``queued`` row *inside the caller's
   transaction*, then asks for delivery with ``transaction.on_commit``: a rollback leaves no
   row and sends nothing. A ``dedupe_key`` (unique) makes a second notification of the same
   event a no-op.
2. ``notification_deliver`` (the ``deliver_notification`` task) claims the row with one
   conditional UPDATE (``queued``/``failed`` and due → ``sending``, attempts + 1), so two
   workers never both send it and a ``sent`` row is never sent again; then it calls the
   transport outside any transaction and records ``sent`` (with the provider's id) or the
   failure: ``failed`` with ``next_attempt_at`` after 1, 5, 30 minutes, 2 and 12 hours, then
   ``dead``.
3. ``notifications_sweep`` (periodic, every minute) re-enqueues what a crash may have dropped:
   rows due for an attempt whose task is not (or no longer) waiting in the queue, and rows left
   ``sending`` for more than ten minutes (a worker died mid-attempt). Delivery is therefore
   at-least-once: a worker that dies after the provider accepted the message but before the row
   is marked ``sent`` causes one repeat, which ``http_json`` gateways can drop by the
   ``Idempotency-Key`` header.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.sealing import seal, unseal

from . import preferences
from .models import (
    BACKOFF,
    DEDUPE_KEY_MAX_LENGTH,
    ERROR_MAX_LENGTH,
    MAX_ATTEMPTS,
    PROVIDER_ID_MAX_LENGTH,
    RETRYABLE_STATUSES,
    Channel,
    Notification,
    NotificationStatus,
    NotificationTemplate,
    SandboxSms,
)
from .rendering import RenderedMessage, TemplateRenderError, render_email, render_sms
from .transports import DeliveryError, OutgoingMessage, get_transport
from .validators import normalize_recipient

logger = logging.getLogger(__name__)

# A row left "sending" this long was interrupted (transports time out well before).
STUCK_AFTER = dt.timedelta(minutes=10)
# A due row whose delivery task was enqueued this long ago and never ran is enqueued again.
REENQUEUE_AFTER = dt.timedelta(minutes=10)
SWEEP_BATCH = 500

INTERRUPTED_MESSAGE = "Lần gửi trước bị gián đoạn (quá 10 phút không hoàn tất)."


def _enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception:  # the sweep enqueues it again later
        logger.exception("notifications.enqueue_failed", extra={"notification_id": notification_id})


def _schedule_delivery(notification_id: int) -> None:
    transaction.on_commit(partial(_enqueue_delivery, notification_id), robust=True)


def _json_context(context: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(context, Mapping):
        raise DomainError("Dữ liệu của thông báo phải là một từ điển.", code="invalid_context")
    try:
        data = json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder))
    except (TypeError, ValueError) as exc:
        raise DomainError(
            "Dữ liệu của thông báo phải chuyển được sang JSON.", code="invalid_context"
        ) from exc
    return data if isinstance(data, dict) else {}


def _render(template: NotificationTemplate, context: Mapping[str, Any]) -> RenderedMessage:
    try:
        if template.channel == Channel.EMAIL:
            rendered = render_email(template.subject, template.body, context)
        else:
            rendered = render_sms(template.body, context)
    except TemplateRenderError as exc:
        raise DomainError(
            f"Mẫu thông báo «{template.key}» lỗi: {exc}", code="template_error"
        ) from exc
    if not rendered.body:
        raise DomainError(
            f"Mẫu thông báo «{template.key}» cho ra nội dung rỗng.", code="template_error"
        )
    return rendered


@transaction.atomic
def notify(
    *,
    channel: str,
    recipient: str,
    template: str,
    context: Mapping[str, Any],
    user: User | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Queue a notification in the caller's transaction; delivered after it commits.

    Returns the outbox row; for a ``dedupe_key`` already used, the existing row (nothing new is
    queued); None when administrators switched the template off, or when a reminder kind
    (``preferences.PREFERENCE_KINDS``) goes to a ``user`` who turned that channel or the digest
    off. Inside such a user's quiet hours the row is queued with ``next_attempt_at`` at their
    end and delivered then. Raises ``DomainError`` for an
    unknown channel or template, an invalid recipient, or a template that fails to render.
    Context values should be JSON data (strings preferred: format dates and amounts in the
    caller); dates and decimals are accepted and rendered by Django's formats.
    """
    if channel not in Channel.values:
        raise DomainError("Kênh thông báo không hợp lệ.", code="invalid_channel")
    try:
        address = normalize_recipient(channel, recipient)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_recipient") from exc
    key = (dedupe_key or "").strip() or None
    if key is not None:
        if len(key) > DEDUPE_KEY_MAX_LENGTH:
            raise DomainError("Khóa chống trùng quá dài.", code="invalid_dedupe_key")
        existing = Notification.objects.filter(dedupe_key=key).first()
        if existing is not None:
            logger.info(
                "notifications.deduplicated",
                extra={"notification_id": existing.pk, "dedupe_key": key},
            )
            return existing

    tpl = NotificationTemplate.objects.filter(key=template, channel=channel).first()
    if tpl is None:
        raise DomainError(
            f"Chưa có mẫu thông báo «{template}» cho kênh {Channel(channel).label}.",
            code="unknown_template",
        )
    if not tpl.active:
        logger.info(
            "notifications.template_inactive", extra={"template": template, "channel": channel}
        )
        return None

    decision = preferences.decide(user=user, template=template, channel=channel)
    if not decision.send:
        logger.info(
            "notifications.skipped_by_preference",
            extra={
                "template": template,
                "channel": channel,
                "user_id": getattr(user, "pk", None),
                "reason": decision.reason,
            },
        )
        return None

    stored_context = _json_context(context)
    # Secret values (the lookup PIN) are never stored in clear: the stored context keeps them
    # sealed, the stored text a placeholder; both are opened only when sending (_outgoing).
    render_context = dict(context)
    sealed: dict[str, str] = {}
    for name in SECRET_CONTEXT_KEYS:
        value = str(stored_context.get(name) or "")
        if value:
            sealed[name] = seal(value)
            stored_context[name] = ""
            render_context[name] = _placeholder(name)
    if sealed:
        stored_context[SEALED_KEY] = sealed
    rendered = _render(tpl, render_context)
    now = timezone.now()
    # Inside the recipient's quiet hours the row waits until they end: no task is enqueued now,
    # the sweep enqueues it once ``next_attempt_at`` has passed.
    not_before = decision.not_before if decision.not_before is not None else now
    deferred = not_before > now
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                channel=channel,
                recipient=address,
                user=user,
                template_key=template,
                context=stored_context,
                subject=rendered.subject,
                body=rendered.body,
                body_html=rendered.body_html,
                next_attempt_at=not_before if deferred else now,
                enqueued_at=None if deferred else now,
                dedupe_key=key,
            )
    except IntegrityError:
        # a concurrent transaction queued the same event first
        existing = Notification.objects.filter(dedupe_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    if not deferred:
        _schedule_delivery(notification.pk)
    logger.info(
        "notifications.queued",
        extra={
            "notification_id": notification.pk,
            "template": template,
            "channel": channel,
            "not_before": notification.next_attempt_at.isoformat() if deferred else None,
        },
    )
    return notification


SECRET_CONTEXT_KEYS = ("pin", "otp")
SEALED_KEY = "_sealed"


def _placeholder(name: str) -> str:
    return f"[[bi-mat:{name}]]"


def _unsealed(notification: Notification, text: str) -> str:
    sealed = (notification.context or {}).get(SEALED_KEY) or {}
    for name, token in sealed.items():
        text = text.replace(_placeholder(name), unseal(str(token)) or "")
    return text


def _outgoing(notification: Notification) -> OutgoingMessage:
    return OutgoingMessage(
        notification_id=notification.pk,
        channel=notification.channel,
        recipient=notification.recipient,
        subject=_unsealed(notification, notification.subject),
        body=_unsealed(notification, notification.body),
        body_html=_unsealed(notification, notification.body_html),
    )


def _describe(exc: Exception) -> str:
    if isinstance(exc, DeliveryError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def notification_deliver(*, notification_id: int) -> str:
    """Make one delivery attempt if the notification is due; returns its status afterwards.

    Idempotent and safe to run concurrently: only the run whose conditional UPDATE claims the
    row sends. Not one transaction on purpose: the claim commits before the network call, and
    no lock is held while the transport talks to the outside world.
    """
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status__in=RETRYABLE_STATUSES, next_attempt_at__lte=claimed_at
    ).update(
        status=NotificationStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=claimed_at,
        enqueued_at=None,
    )
    if not claimed:
        status = (
            Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
        )
        return status or "missing"

    notification = Notification.objects.get(pk=notification_id)
    transport_name = ""
    try:
        transport = get_transport(notification.channel)
        transport_name = transport.name
        provider_id = transport.send(_outgoing(notification))
    except Exception as exc:
        return _record_failure(
            notification, exc, claimed_at=claimed_at, transport_name=transport_name
        )

    Notification.objects.filter(pk=notification_id).exclude(status=NotificationStatus.SENT).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        transport=transport_name,
        provider_message_id=(provider_id or "")[:PROVIDER_ID_MAX_LENGTH],
        last_error="",
    )
    logger.info(
        "notifications.sent",
        extra={
            "notification_id": notification_id,
            "channel": notification.channel,
            "transport": transport_name,
            "attempt": notification.attempts,
        },
    )
    return NotificationStatus.SENT.value


def _record_failure(
    notification: Notification, exc: Exception, *, claimed_at: dt.datetime, transport_name: str
) -> str:
    attempts = notification.attempts  # already counts this attempt
    permanent = isinstance(exc, DeliveryError) and exc.permanent
    changes: dict[str, Any] = {
        "last_error": _describe(exc)[:ERROR_MAX_LENGTH],
        "transport": transport_name,
    }
    if permanent or attempts >= MAX_ATTEMPTS:
        changes["status"] = NotificationStatus.DEAD
    else:
        changes["status"] = NotificationStatus.FAILED
        changes["next_attempt_at"] = claimed_at + BACKOFF[attempts - 1]
    Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.SENDING, claimed_at=claimed_at
    ).update(**changes)
    logger.warning(
        "notifications.delivery_failed",
        extra={
            "notification_id": notification.pk,
            "channel": notification.channel,
            "transport": transport_name,
            "attempt": attempts,
            "status": str(changes["status"]),
            "error": changes["last_error"],
        },
        exc_info=not isinstance(exc, DeliveryError),
    )
    return str(changes["status"])


@transaction.atomic
def notifications_sweep() -> int:
    """Recover interrupted attempts and enqueue every due notification; returns how many."""
    now = timezone.now()
    stuck = Notification.objects.filter(
        status=NotificationStatus.SENDING, claimed_at__lt=now - STUCK_AFTER
    )
    dead = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=NotificationStatus.DEAD, last_error=INTERRUPTED_MESSAGE
    )
    recovered = stuck.update(
        status=NotificationStatus.FAILED, next_attempt_at=now, last_error=INTERRUPTED_MESSAGE
    )
    due_ids = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status__in=RETRYABLE_STATUSES, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REENQUEUE_AFTER))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if due_ids:
        Notification.objects.filter(pk__in=due_ids).update(enqueued_at=now)
        for pk in due_ids:
            _schedule_delivery(pk)
    if due_ids or dead or recovered:
        logger.info(
            "notifications.swept",
            extra={"enqueued": len(due_ids), "recovered": recovered, "dead": dead},
        )
    return len(due_ids)


@transaction.atomic
def notification_retry(*, actor: User | None, notification_ids: Iterable[int]) -> int:
    """Send failed or dead notifications again ("gửi lại"), with a fresh attempt budget.

    Sent notifications and those being sent are left alone. Returns how many were queued.
    """
    with audit_actor(actor):
        ids = list(
            Notification.objects.select_for_update()
            .filter(
                pk__in=list(notification_ids),
                status__in=[NotificationStatus.FAILED, NotificationStatus.DEAD],
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.QUEUED,
            attempts=0,
            next_attempt_at=now,
            enqueued_at=now,
            claimed_at=None,
        )
        for pk in ids:
            _schedule_delivery(pk)
    logger.info(
        "notifications.retried",
        extra={"actor_id": getattr(actor, "pk", None), "notification_ids": ids},
    )
    return len(ids)


@transaction.atomic
def notification_template_save(
    *, actor: User | None, template: NotificationTemplate
) -> NotificationTemplate:
    """Validate (syntax, subject rules, uniqueness) and save an administrator's template."""
    with audit_actor(actor):
        template.full_clean()
        template.save()
    return template


@transaction.atomic
def notifications_prune(*, older_than: dt.datetime) -> int:
    """Delete finished notifications (sent or dead) and sandbox SMS created before a date."""
    removed, _ = Notification.objects.filter(
        created_at__lt=older_than,
        status__in=[NotificationStatus.SENT, NotificationStatus.DEAD],
    ).delete()
    sandbox_removed, _ = SandboxSms.objects.filter(received_at__lt=older_than).delete()
    return removed + sandbox_removed


@transaction.atomic
def sandbox_sms_receive(
    *, to: str, message: str, brandname: str, idempotency_key: str | None
) -> SandboxSms:
    """Store a message received by the sandbox gateway (a repeated key returns the first)."""
    key = (idempotency_key or "").strip() or None
    if key is not None:
        existing = SandboxSms.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return SandboxSms.objects.create(
                to=to, message=message, brandname=brandname, idempotency_key=key
            )
    except IntegrityError:
        existing = SandboxSms.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing
