"""Officials' reminder preferences (cài đặt nhắc việc): channels, the daily digest, quiet hours.

Only the kinds in ``PREFERENCE_KINDS`` follow a user's ``NotificationPreference``: reminders
before, at and after a deadline, the daily digest and escalations. Everything else — security
alerts to IT, lookup-lock notices, OTP codes and PINs, notices to citizens, meeting
invitations — is delivered as before: those messages must not wait for an official's quiet
hours nor be switched off by him.

``notify()`` applies the gate itself (``decide``), so a reminder written by any app follows
the preferences: a channel turned off queues nothing, the digest turned off queues no digest,
and a message falling inside quiet hours is queued with its "not before"
(``Notification.next_attempt_at``) at the end of the quiet period — deferred, never dropped.
``notify_preferred`` sends one reminder on every channel the official chose that he has an
address for (e-mail, SMS); with no preference row that is e-mail only, as before.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.calendar import VN_TZ

from .models import Channel, Notification, NotificationPreference

logger = logging.getLogger(__name__)

DIGEST = "digest"
REMINDER = "reminder"
ESCALATION = "escalation"

#: The template keys that follow an official's preferences, by category. Nothing else does:
#: security alerts (``secops.alert``), lookup locks (``dossier.lookup_locked``), PINs and OTP
#: codes, every notice to an applicant and meeting invitations keep their channel and time.
PREFERENCE_KINDS: Mapping[str, str] = {
    "tasks.digest": DIGEST,
    "tasks.escalation": ESCALATION,
    "document.task_overdue": REMINDER,
    "dossier.step_due_reminder": REMINDER,
    "dossier.apology_prompt": REMINDER,
    "feedback.due": REMINDER,
}


def follows_preferences(template: str) -> bool:
    return template in PREFERENCE_KINDS


def preference_for(user: User) -> NotificationPreference:
    """The user's stored preference, or an unsaved one with the defaults."""
    try:
        return NotificationPreference.objects.get(user=user)
    except ObjectDoesNotExist:
        return NotificationPreference(user=user)


def channel_enabled(pref: NotificationPreference, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return pref.email_enabled
    if channel == Channel.SMS:
        return pref.sms_enabled
    return False


def in_quiet_hours(pref: NotificationPreference, at: dt.datetime) -> bool:
    return quiet_until(pref, at) is not None


def quiet_until(pref: NotificationPreference, at: dt.datetime) -> dt.datetime | None:
    """The end of the quiet period ``at`` falls in (an aware datetime), or None outside it.

    Computed on the local clock (Asia/Ho_Chi_Minh): 21:00–07:00 holds 23:30 and 06:59 and ends
    at 07:00 the next morning for the first, the same morning for the second; the start is
    quiet, the end is not.
    """
    start, end = pref.quiet_start, pref.quiet_end
    if start is None or end is None or start == end:
        return None
    local = at.astimezone(VN_TZ)
    now = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= now < end
        day = local.date()
    else:  # crosses midnight
        inside = now >= start or now < end
        day = local.date() + dt.timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(day, end, tzinfo=VN_TZ)


@dataclass(frozen=True)
class Decision:
    send: bool
    not_before: dt.datetime | None = None
    reason: str = ""


SEND_NOW = Decision(send=True)


def decide(
    *, user: User | None, template: str, channel: str, at: dt.datetime | None = None
) -> Decision:
    """Whether (and from when) ``notify`` queues ``template`` to ``user`` on ``channel``."""
    category = PREFERENCE_KINDS.get(template)
    if category is None or user is None or user.pk is None:
        return SEND_NOW
    pref = preference_for(user)
    if not channel_enabled(pref, channel):
        return Decision(send=False, reason="channel_off")
    if category == DIGEST and not pref.digest_enabled:
        return Decision(send=False, reason="digest_off")
    until = quiet_until(pref, at or timezone.now())
    return Decision(send=True, not_before=until, reason="quiet_hours" if until else "")


def _address(user: User, channel: str) -> str:
    return ((user.email if channel == Channel.EMAIL else user.phone) or "").strip()


def preferred_channels(user: User, template: str) -> list[str]:
    """The channels a reminder of ``template`` goes to ``user`` through: those he chose and
    has an address for (defaults: e-mail). Kinds outside ``PREFERENCE_KINDS``: e-mail."""
    if not follows_preferences(template):
        return [Channel.EMAIL] if _address(user, Channel.EMAIL) else []
    pref = preference_for(user)
    if PREFERENCE_KINDS[template] == DIGEST and not pref.digest_enabled:
        return []
    return [
        str(channel)
        for channel in (Channel.EMAIL, Channel.SMS)
        if channel_enabled(pref, channel) and _address(user, channel)
    ]


def notify_preferred(
    *, user: User, template: str, context: Mapping[str, Any], dedupe_key: str
) -> list[Notification]:
    """Queue a reminder to ``user`` on each of his ``preferred_channels``; returns the rows.

    The e-mail keeps ``dedupe_key`` as it is (the key reminders used before preferences), the
    SMS adds ``:sms``. Each channel is its own savepoint: a bad phone number or a missing SMS
    template is logged and does not stop the e-mail. Raises nothing for a single channel's
    failure; returns an empty list when no channel applies.
    """
    from .services import notify

    rows: list[Notification] = []
    for channel in preferred_channels(user, template):
        key = dedupe_key if channel == Channel.EMAIL else f"{dedupe_key}:{channel}"
        try:
            with transaction.atomic():
                row = notify(
                    channel=channel,
                    recipient=_address(user, channel),
                    template=template,
                    context=context,
                    user=user,
                    dedupe_key=key,
                )
        except DomainError:
            logger.warning(
                "notifications.preferred_failed",
                extra={"user_id": user.pk, "template": template, "channel": channel},
                exc_info=True,
            )
            continue
        if row is not None:
            rows.append(row)
    return rows


NO_PHONE_MESSAGE = (
    "Tài khoản chưa có số điện thoại di động: hãy cập nhật hồ sơ cá nhân trước khi "
    "chọn nhận tin nhắn SMS."
)


def preference_errors(
    values: Mapping[str, Any], user: User, *, skip: Iterable[str] = ()
) -> dict[str, str]:
    """The Vietnamese error of each field of a preference form or API body (one per field).

    Quiet hours need both ends, different from each other; SMS needs a phone number on the
    account. ``skip`` names fields that already failed to parse (their check is left out).
    Shared by the "Cài đặt nhắc việc" page and the API so that both say the same.
    """
    skipped = set(skip)
    errors: dict[str, str] = {}
    start, end = values.get("quiet_start"), values.get("quiet_end")
    if not skipped & {"quiet_start", "quiet_end"}:
        if start is None and end is not None:
            errors["quiet_start"] = "Hãy nhập giờ bắt đầu yên lặng."
        elif end is None and start is not None:
            errors["quiet_end"] = "Hãy nhập giờ kết thúc yên lặng."
        elif start is not None and start == end:
            errors["quiet_end"] = "Giờ kết thúc yên lặng phải khác giờ bắt đầu."
    if values.get("sms_enabled") and not (user.phone or "").strip():
        errors["sms_enabled"] = NO_PHONE_MESSAGE
    return errors


@transaction.atomic
def notification_preference_save(
    *, actor: User, user: User, values: Mapping[str, Any]
) -> NotificationPreference:
    """Create or update ``user``'s preference (audited as ``actor``). Raises ``DomainError``
    when SMS is chosen without a phone number on the account, ``ValidationError`` for quiet
    hours with one end only or both ends equal."""
    pref = NotificationPreference.objects.select_for_update().filter(
        user=user
    ).first() or NotificationPreference(user=user)
    for name in ("email_enabled", "sms_enabled", "digest_enabled", "quiet_start", "quiet_end"):
        if name in values:
            setattr(pref, name, values[name])
    if pref.sms_enabled and not (user.phone or "").strip():
        raise DomainError(NO_PHONE_MESSAGE, code="no_phone")
    with audit_actor(actor):
        pref.full_clean(exclude=["user"])
        pref.save()
    logger.info("notifications.preference_saved", extra={"actor_id": actor.pk, "user_id": user.pk})
    return pref
