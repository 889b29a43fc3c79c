"""Demo work calendars: this week's published calendar of the province leaders (drafted by the
province office's clerk ``vanthu.tinh``, approved by ``lanhdao.tinh``), of Sở Tư pháp
(``vanthu`` drafts, ``lanhdao`` approves) and of its Phòng Hành chính tư pháp (the head
``truongphong`` keeps it), with one province-wide online meeting (sandbox provider), one
event changed after publishing, and the department's weekly briefing as an 8-week series whose
next occurrence is cancelled.

Idempotent and fast: an event is created once per (calendar, title, start); dates are in the
current week, so a later run adds that week's calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation

from . import calendar
from .calendar import EventAction, EventSpec
from .models import CalendarEvent

# (calendar key, office, leader, weekday, start, end, title, place, extras)
PLAN: tuple[tuple[str, str, str, int, str, str, str, str, dict[str, Any]], ...] = (
    (
        "province", "vanthu.tinh", "lanhdao.tinh", 0, "08:00", "10:00",
        "Giao ban Thường trực UBND tỉnh đầu tuần",
        "Phòng họp số 1, trụ sở UBND tỉnh",
        {"chair": "lanhdao.tinh", "units": ["office", "dept_justice", "dept_construction"],
         "preparing": "office"},
    ),
    (
        "province", "vanthu.tinh", "lanhdao.tinh", 1, "14:00", "16:30",
        "Hội nghị trực tuyến toàn tỉnh về chuyển đổi số, Đề án 06 và cải cách thủ tục hành chính "
        "(điểm cầu UBND tỉnh kết nối các sở, UBND xã, phường)",
        "Hội trường UBND tỉnh và các điểm cầu",
        {"chair": "lanhdao.tinh", "units": ["dept_justice", "dept_science", "commune", "commune2"],
         "people": ["lanhdao"], "preparing": "dept_science", "online": True},
    ),
    (
        "province", "vanthu.tinh", "lanhdao.tinh", 3, "08:30", "11:00",
        "Làm việc với Sở Tư pháp về kết quả giải quyết hồ sơ thủ tục hành chính quý",
        "Sở Tư pháp",
        {"chair": "lanhdao.tinh", "people": ["lanhdao"], "preparing": "dept_justice"},
    ),
    (
        "province", "vanthu.tinh", "lanhdao.tinh", 4, "14:00", "17:00",
        "Tiếp công dân định kỳ",
        "Trụ sở Tiếp công dân tỉnh",
        {"chair": "lanhdao.tinh", "preparing": "office"},
    ),
    (
        "dept_justice", "vanthu", "lanhdao", 0, "14:00", "16:00",
        "Giao ban lãnh đạo Sở và trưởng các phòng",
        "Phòng họp tầng 2, Sở Tư pháp",
        {"chair": "lanhdao", "people": ["truongphong"], "units": ["dept_justice_admin"],
         "preparing": "dept_justice_office", "weekly": 8,
         "skip_next": "Lãnh đạo Sở dự Kỳ họp Hội đồng nhân dân tỉnh."},
    ),
    (
        "dept_justice", "vanthu", "lanhdao", 1, "14:00", "16:30",
        "Dự Hội nghị trực tuyến toàn tỉnh về chuyển đổi số (điểm cầu Sở Tư pháp)",
        "Phòng họp trực tuyến, Sở Tư pháp",
        {"chair": "lanhdao", "people": ["truongphong", "chuyenvien"]},
    ),
    (
        "dept_justice", "vanthu", "lanhdao", 2, "08:00", "11:30",
        "Tập huấn nghiệp vụ hộ tịch, chứng thực cho công chức tư pháp - hộ tịch cấp xã",
        "Hội trường Sở Tư pháp",
        {"chair": "lanhdao", "preparing": "dept_justice_admin", "units": ["commune", "commune2"],
         "changed_place": "Hội trường lớn, Trung tâm Hội nghị tỉnh"},
    ),
    (
        "dept_justice_admin", "truongphong", "truongphong", 2, "14:00", "15:30",
        "Họp phòng rà soát quy trình nội bộ thủ tục hộ tịch",
        "Phòng Hành chính tư pháp",
        {"chair": "truongphong", "people": ["chuyenvien"]},
    ),
    (
        "dept_justice_admin", "truongphong", "truongphong", 4, "08:00", "11:00",
        "Kiểm tra công tác chứng thực tại UBND phường Hoa Lư",
        "UBND phường Hoa Lư",
        {"chair": "truongphong", "people": ["chuyenvien"], "units": ["commune"]},
    ),
)  # fmt: skip


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def load_demo_calendar(
    orgs: dict[str, Organisation], people: dict[str, User], today: dt.date | None = None
) -> int:
    """Create and publish this week's demo events; returns how many were created."""
    monday = calendar.week_start(today or timezone.localdate())
    created = 0
    for key, office, leader, weekday, start, end, title, place, extra in PLAN:
        if key not in orgs or office not in people or leader not in people:
            continue
        day = monday + dt.timedelta(days=weekday)
        begins = _at(day, start)
        same = CalendarEvent.objects.filter(organisation=orgs[key], title=title)
        # a series is loaded once (a later week's run must not start a second one)
        if (
            same.exclude(recurrence="") if extra.get("weekly") else same.filter(start=begins)
        ).exists():
            continue
        spec = EventSpec(
            title=title,
            start=begins,
            end=_at(day, end),
            place=place,
            chair=people.get(extra.get("chair", "")),
            participants=[people[p] for p in extra.get("people", []) if p in people],
            participant_units=[orgs[u] for u in extra.get("units", []) if u in orgs],
            preparing_unit=orgs.get(extra.get("preparing", "")),
            online=bool(extra.get("online")),
            recurrence="weekly" if extra.get("weekly") else "",
            recurrence_count=extra.get("weekly"),
        )
        with transaction.atomic():
            event = calendar.event_create(actor=people[office], organisation=orgs[key], spec=spec)
            calendar.event_transition(actor=people[office], event=event, action=EventAction.SUBMIT)
            calendar.event_transition(actor=people[leader], event=event, action=EventAction.APPROVE)
            calendar.event_transition(actor=people[office], event=event, action=EventAction.PUBLISH)
            if extra.get("changed_place"):
                spec.place = extra["changed_place"]
                calendar.event_update(
                    actor=people[office],
                    event=event,
                    spec=spec,
                    note="Chuyển địa điểm do số lượng học viên tăng.",
                )
            if extra.get("skip_next"):
                calendar.occurrence_change(
                    actor=people[office],
                    event=event,
                    original_start=begins + dt.timedelta(weeks=1),
                    cancel=True,
                    note=extra["skip_next"],
                )
        created += 1
    return created
