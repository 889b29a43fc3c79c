"""Every write of the floor: take a ticket, call, recall, no-show, serve, link a dossier, rate.

Ticket numbers come from the area's day counter row (one ``INSERT ... ON CONFLICT DO UPDATE
... RETURNING`` statement, as ``dossiers.codes`` does), with a UNIQUE constraint as backstop.
Calling the next ticket locks the oldest waiting row with ``SELECT ... FOR UPDATE SKIP
LOCKED`` where the database has it (PostgreSQL), so two counters calling at once never get
the same ticket; the status change is a conditional UPDATE as a second guard (SQLite
serialises writers).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import connection, transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.dossiers.models import Dossier

from .models import (
    Counter,
    CounterRating,
    CounterScore,
    ServiceArea,
    Ticket,
    TicketChannel,
    TicketCounter,
    TicketStatus,
)
from .permissions import can_operate

ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)


def next_ticket_number(area: ServiceArea, day: dt.date) -> int:
    if not connection.in_atomic_block:
        raise RuntimeError("next_ticket_number must run inside the ticket's transaction")
    quote = connection.ops.quote_name
    table = quote(TicketCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (area_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (area_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [area.pk, day])
        (number,) = cursor.fetchone()
    return int(number)


def ticket_take(
    *, area: ServiceArea, channel: str = TicketChannel.KIOSK, now: dt.datetime | None = None
) -> Ticket:
    if not area.active:
        raise DomainError("Khu vực này không phát số.", code="area_closed")
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        number = next_ticket_number(area, day)
        return Ticket.objects.create(
            area=area,
            day=day,
            number=number,
            channel=channel if channel in TicketChannel.values else TicketChannel.KIOSK,
            key=secrets.token_urlsafe(16),
            issued_at=now,
        )


def _check(actor: User, counter: Counter) -> None:
    if not can_operate(actor, counter):
        raise DomainError(
            "Chỉ cán bộ của bộ phận một cửa này được thao tác tại quầy.",
            code="forbidden",
            status_code=403,
        )


def counter_current(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, status__in=ACTIVE)
        .select_related("area")
        .order_by("-called_at")
        .first()
    )


def ticket_call_next(
    *, actor: User, counter: Counter, now: dt.datetime | None = None
) -> Ticket | None:
    """The oldest waiting ticket of today in the counter's areas, now called to it (or None)."""
    _check(actor, counter)
    if counter_current(counter) is not None:
        raise DomainError(
            "Quầy đang có số chưa kết thúc: hãy kết thúc hoặc báo vắng mặt trước.",
            code="counter_busy",
        )
    now = now or timezone.now()
    day = timezone.localdate(now)
    area_ids = list(counter.areas.filter(active=True).values_list("pk", flat=True))
    for _attempt in range(5):
        with transaction.atomic():
            queue = Ticket.objects.filter(
                area_id__in=area_ids, day=day, status=TicketStatus.WAITING
            ).order_by("issued_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                queue = queue.select_for_update(skip_locked=True)
            ticket = queue.first()
            if ticket is None:
                return None
            claimed = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, called_at=now, counter=counter, served_by=actor
            )
            if claimed:
                if counter.current_officer_id != actor.pk:
                    counter.current_officer = actor
                    counter.save(update_fields=["current_officer"])
                ticket.refresh_from_db()
                return ticket
    return None


def _current(actor: User, counter: Counter) -> Ticket:
    _check(actor, counter)
    ticket = counter_current(counter)
    if ticket is None:
        raise DomainError("Quầy không có số đang gọi.", code="no_ticket")
    return ticket


def ticket_recall(*, actor: User, counter: Counter) -> Ticket:
    ticket = _current(actor, counter)
    if ticket.status != TicketStatus.CALLED:
        raise DomainError("Số này đang được phục vụ.", code="serving")
    ticket.recalls += 1
    ticket.save(update_fields=["recalls"])
    return ticket


def ticket_no_show(*, actor: User, counter: Counter) -> Ticket:
    ticket = _current(actor, counter)
    if ticket.status != TicketStatus.CALLED:
        raise DomainError("Số này đang được phục vụ.", code="serving")
    ticket.status = TicketStatus.NO_SHOW
    ticket.save(update_fields=["status"])
    return ticket


def ticket_start(*, actor: User, counter: Counter, now: dt.datetime | None = None) -> Ticket:
    ticket = _current(actor, counter)
    if ticket.status == TicketStatus.CALLED:
        ticket.status = TicketStatus.SERVING
        ticket.served_started_at = now or timezone.now()
        ticket.served_by = actor
        ticket.save(update_fields=["status", "served_started_at", "served_by"])
    return ticket


def ticket_finish(*, actor: User, counter: Counter, now: dt.datetime | None = None) -> Ticket:
    ticket = _current(actor, counter)
    now = now or timezone.now()
    ticket.status = TicketStatus.DONE
    ticket.served_started_at = ticket.served_started_at or ticket.called_at or now
    ticket.served_ended_at = now
    ticket.served_by = actor
    ticket.save(update_fields=["status", "served_started_at", "served_ended_at", "served_by"])
    return ticket


def ticket_link_dossier(*, actor: User, counter: Counter, ticket: Ticket, code: str) -> Ticket:
    """Record the dossier a ticket served at this counter became (by its code)."""
    _check(actor, counter)
    if ticket.counter_id != counter.pk or ticket.status not in (*ACTIVE, TicketStatus.DONE):
        raise DomainError("Số này không được phục vụ tại quầy.", code="not_this_counter")
    dossier = Dossier.objects.filter(code=code.strip()).first()
    if dossier is None:
        raise DomainError("Không tìm thấy hồ sơ với mã này.", code="dossier_not_found")
    ticket.dossier = dossier
    ticket.save(update_fields=["dossier"])
    return ticket


def counter_last_finished(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, status=TicketStatus.DONE)
        .select_related("area")
        .order_by("-served_ended_at", "-pk")
        .first()
    )


def counter_rate(
    *, counter: Counter, score: int, reason: str = "", now: dt.datetime | None = None
) -> CounterRating:
    """Rate the counter's last finished ticket: only that one, only once."""
    if score not in CounterScore.values:
        raise DomainError("Mức đánh giá không hợp lệ.", code="invalid_score")
    with transaction.atomic():
        ticket = counter_last_finished(counter)
        if ticket is None:
            raise DomainError("Chưa có lượt phục vụ nào để đánh giá.", code="nothing_to_rate")
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if CounterRating.objects.filter(ticket=ticket).exists():
            raise DomainError("Lượt phục vụ này đã được đánh giá.", code="already_rated")
        return CounterRating.objects.create(
            ticket=ticket,
            counter=counter,
            officer_id=ticket.served_by_id,
            score=score,
            reason=reason.strip()[:500],
            rated_at=now or timezone.now(),
        )
