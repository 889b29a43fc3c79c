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

from .meetings import join_page
from .models import CalendarEvent, EventStatus

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


def event_lines(event: CalendarEvent, *, stamp: dt.datetime, site: str) -> list[str]:
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
        _prop("DTSTART", utc(event.start)),
        _prop("DTEND", utc(event.end)),
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
    for event in events:
        lines.extend(event_lines(event, stamp=stamp, site=site))
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
