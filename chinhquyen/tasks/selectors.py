"""Reads of the tasks app, already scoped to what the user may see (``permissions.visibility``).

Lists, statistics, exports and details all start from ``visible_tasks``, so a user counts and
exports exactly the tasks he may open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.core.text import normalize_search

from . import deadlines, permissions
from .models import Category, ExtensionRequest, Task, TaskEvent, TaskReport, TaskStatus

ROLES = {
    "assigned": "Tôi/đơn vị tôi giao",
    "lead": "Đơn vị tôi chủ trì",
    "coordinate": "Đơn vị tôi phối hợp",
    "mine": "Tôi được giao",
}
DEFAULT_PERIOD = "month"


def visible_tasks(user: object) -> QuerySet[Task]:
    return Task.objects.filter(permissions.visibility(user)).exclude(status=TaskStatus.CANCELLED)


@dataclass(frozen=True)
class Window:
    """A reporting window: tasks due in ``[start, end]``, judged at ``at`` (the cut-off, or today
    when the window is not over)."""

    start: dt.date | None
    end: dt.date | None
    at: dt.date
    kind: str = ""


def window(
    *,
    period: str | None = None,
    on: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    today: dt.date | None = None,
    default: str | None = None,
) -> Window:
    today = today or timezone.localdate()
    if date_from or date_to:
        if date_from and date_to and date_from > date_to:
            raise DomainError("Ngày bắt đầu phải trước ngày kết thúc.", code="invalid_period")
        end = date_to
        return Window(date_from, end, min(today, end) if end else today)
    kind = period or default
    if not kind:
        return Window(None, None, today)
    start, end = deadlines.report_period(kind, on or today)
    return Window(start, end, min(today, end), kind)


def _scoped(user: object, role: str | None) -> QuerySet[Task]:
    qs = visible_tasks(user)
    if not role:
        return qs
    u = permissions.official(user)
    if role not in ROLES or u is None:
        raise DomainError("Vai trò lọc không hợp lệ.", code="invalid_role")
    ids = permissions.scope_unit_ids(u)
    if role == "assigned":
        return qs.filter(Q(assigner=u) | Q(assigner_unit_id__in=ids))
    if role == "lead":
        return qs.filter(lead_unit_id__in=ids)
    if role == "coordinate":
        return qs.filter(coordinating_units__in=ids).distinct()
    return qs.filter(assignee=u)


def task_list(
    user: object,
    *,
    category: str | None = None,
    status: str | None = None,
    role: str | None = None,
    q: str | None = None,
    win: Window | None = None,
    top_level: bool = False,
    unit: int | None = None,
) -> QuerySet[Task]:
    win = win or window()
    qs = _scoped(user, role)
    field_name = deadlines.due_field()
    if win.start:
        qs = qs.filter(**{f"{field_name}__gte": win.start})
    if win.end:
        qs = qs.filter(**{f"{field_name}__lte": win.end})
    if status:
        if status not in TaskStatus.values:
            raise DomainError("Trạng thái không hợp lệ.", code="invalid_status")
        qs = qs.filter(status=status)
    if top_level:
        qs = qs.filter(parent__isnull=True)
    if unit is not None:
        qs = qs.filter(lead_unit_id=unit)
    for word in normalize_search(q).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    qs = qs.annotate(category=deadlines.category_expression(win.at))
    if category:
        if category not in Category.values:
            raise DomainError("Nhóm trạng thái không hợp lệ.", code="invalid_category")
        qs = qs.filter(category=category)
    return qs.select_related(
        "lead_unit", "assigner", "assignee", "directive", "assigner_unit"
    ).order_by(field_name, "pk")


def task_detail(user: object, pk: int) -> Task:
    task = (
        visible_tasks(user)
        .select_related(
            "directive",
            "directive__incoming",
            "directive__outgoing",
            "lead_unit",
            "assigner",
            "assigner_unit",
            "assignee",
            "parent",
            "evidence_outgoing",
            "evidence_report",
        )
        .prefetch_related(
            "coordinating_units",
            Prefetch("reports", queryset=TaskReport.objects.select_related("author")),
            "reports__files",
            Prefetch(
                "extensions",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by"),
            ),
            Prefetch("events", queryset=TaskEvent.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise DomainError("Không tìm thấy nhiệm vụ.", code="not_found", status_code=404)
    return task


def sub_tasks(user: object, task: Task) -> list[Task]:
    return list(visible_tasks(user).filter(parent=task).select_related("lead_unit", "assignee"))


@dataclass
class Counts:
    label: str = ""
    unit_id: int | None = None
    done_on_time: int = 0
    done_late: int = 0
    open_in_time: int = 0
    open_overdue: int = 0

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.open_in_time + self.open_overdue

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_rate(self) -> float | None:
        """Share of completed tasks completed on time (percent, one decimal); None if none."""
        return round(100 * self.done_on_time / self.done, 1) if self.done else None

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "unit_id": self.unit_id,
            "done_on_time": self.done_on_time,
            "done_late": self.done_late,
            "open_in_time": self.open_in_time,
            "open_overdue": self.open_overdue,
            "total": self.total,
            "on_time_rate": self.on_time_rate,
        }


@dataclass
class Statistics:
    window: Window
    total: Counts
    units: list[Counts] = field(default_factory=list)


def statistics(user: object, *, role: str | None = None, win: Window | None = None) -> Statistics:
    """Counts per category and the on-time rate over the caller's scope, and per lead unit
    (top-level and delegated tasks alike: each is a task of its lead unit)."""
    win = win or window(default=DEFAULT_PERIOD)
    qs = task_list(user, role=role, win=win).order_by()
    rows = qs.values("lead_unit_id", "lead_unit__name", "category").annotate(  # type: ignore[misc]
        n=Count("pk")
    )
    total = Counts(label="Tổng cộng")
    per_unit: dict[int, Counts] = {}
    for row in rows:
        unit = per_unit.setdefault(
            row["lead_unit_id"], Counts(label=row["lead_unit__name"], unit_id=row["lead_unit_id"])
        )
        setattr(unit, row["category"], getattr(unit, row["category"]) + row["n"])
        setattr(total, row["category"], getattr(total, row["category"]) + row["n"])
    units = sorted(per_unit.values(), key=lambda c: c.label)
    return Statistics(window=win, total=total, units=units)
