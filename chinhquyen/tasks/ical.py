"""The iCalendar feed of an organisation's published work calendar (RFC 5545), written by hand.

Times are written in UTC (``...Z``), so no VTIMEZONE is needed; X-WR-TIMEZONE tells clients the
calendar's zone (Asia/Ho_Chi_Minh). Text values escape backslash, semicolon, comma and newline
(§3.3.11); content lines are folded so that no line is longer than 75 octets, without cutting a
UTF-8 character (§3.1); lines end in CRLF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from chinhquyen.core.calendar import VN_TZ

from .meetings import join_page
from .models import CalendarEvent, EventRecurrence, EventStatus

PRODID = "-//Chinh Quyen//Lich cong tac//VI"
LIMIT = 75


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (continuations start with a space)."""
    data = line.encode("utf-8")
    if len(data) <= LIMIT:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LIMIT - 1  # the leading space counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _prop(name: str, value: str) -> str:
    return fold(f"{name}:{value}")


def _text(name: str, value: str) -> str:
    return _prop(name, escape_text(value))


TZID = "Asia/Ho_Chi_Minh"
# Vietnam keeps UTC+7 all year: one STANDARD rule describes the zone (RFC 5545 §3.6.5).
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:+07",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def local(value: dt.datetime) -> str:
    return timezone.localtime(value, VN_TZ).strftime("%Y%m%dT%H%M%S")


def _when(name: str, value: dt.datetime, recurring: bool) -> str:
    """A series is written on the local clock with its TZID (so that RRULE repeats 08:00 local,
    and the 31st of a month is the local 31st); one-off events in UTC."""
    if recurring:
        return _prop(f"{name};TZID={TZID}", local(value))
    return _prop(name, utc(value))


def rrule(event: CalendarEvent) -> str:
    """RRULE of a series: FREQ=WEEKLY or MONTHLY, ended by COUNT or by UNTIL (the end of the
    last day on the local clock, in UTC as RFC 5545 §3.3.10 requires with a TZID start)."""
    freq = "WEEKLY" if event.recurrence == EventRecurrence.WEEKLY else "MONTHLY"
    if event.recurrence_count is not None:
        return f"RRULE:FREQ={freq};COUNT={event.recurrence_count}"
    assert event.recurrence_until is not None
    last = dt.datetime.combine(event.recurrence_until, dt.time(23, 59, 59), tzinfo=VN_TZ)
    return f"RRULE:FREQ={freq};UNTIL={utc(last)}"


def event_lines(event: CalendarEvent, *, stamp: dt.datetime, site: str) -> list[str]:
    """The VEVENT of the event; for a series its RRULE, EXDATE of the cancelled occurrences and
    one more VEVENT (same UID, RECURRENCE-ID) per moved occurrence."""
    lines = _vevent(event, stamp=stamp, site=site)
    if not event.recurrence:
        return lines
    exceptions = list(event.exceptions.all())
    cancelled = sorted(x.original_start for x in exceptions if x.cancelled)
    extra = [rrule(event)]
    if cancelled:
        extra.append(_prop(f"EXDATE;TZID={TZID}", ",".join(local(value) for value in cancelled)))
    at = lines.index("END:VEVENT")
    lines[at:at] = extra
    for x in sorted(exceptions, key=lambda x: x.original_start):
        if x.cancelled or x.start is None or x.end is None:
            continue
        lines.extend(
            _vevent(
                event,
                stamp=stamp,
                site=site,
                start=x.start,
                end=x.end,
                recurrence_id=x.original_start,
            )
        )
    return lines


def _vevent(
    event: CalendarEvent,
    *,
    stamp: dt.datetime,
    site: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    recurrence_id: dt.datetime | None = None,
) -> list[str]:
    recurring = bool(event.recurrence)
    description = []
    if event.chair is not None:
        description.append(f"Chủ trì: {event.chair}")
    units = ", ".join(str(u) for u in event.participant_units.all())
    people = ", ".join(str(u) for u in event.participants.all())
    if units or people:
        description.append("Thành phần: " + "; ".join(p for p in (people, units) if p))
    if event.preparing_unit is not None:
        description.append(f"Chuẩn bị: {event.preparing_unit}")
    if event.online:
        description.append(f"Họp trực tuyến: {site}{join_page(event)}")
    if event.notes:
        description.append(event.notes)
    lines = [
        "BEGIN:VEVENT",
        _prop("UID", f"{event.uid}@chinhquyen"),
        _prop("DTSTAMP", utc(stamp)),
    ]
    if recurrence_id is not None:
        lines.append(_prop(f"RECURRENCE-ID;TZID={TZID}", local(recurrence_id)))
    lines += [
        _when("DTSTART", start or event.start, recurring),
        _when("DTEND", end or event.end, recurring),
        _prop("SEQUENCE", str(event.sequence)),
        _text("SUMMARY", event.title),
    ]
    if event.place:
        lines.append(_text("LOCATION", event.place))
    if description:
        lines.append(_text("DESCRIPTION", "\n".join(description)))
    if event.online:
        lines.append(_prop("URL", f"{site}{join_page(event)}"))
    lines.append(
        _prop("STATUS", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    )
    lines.append("END:VEVENT")
    return lines


def calendar_text(
    name: str, events: Iterable[CalendarEvent], *, now: dt.datetime | None = None
) -> str:
    stamp = now or timezone.now()
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _prop("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _text("X-WR-CALNAME", name),
        _prop("X-WR-TIMEZONE", "Asia/Ho_Chi_Minh"),
    ]
    events = list(events)
    if any(event.recurrence for event in events):
        lines.extend(VTIMEZONE)
    for event in events:
        lines.extend(event_lines(event, stamp=stamp, site=site))
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
