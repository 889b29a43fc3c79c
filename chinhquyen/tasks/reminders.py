"""Reminders (nhắc việc): the "việc cần làm" of an official, the daily digest, escalation.

``todo_items`` merges what is due for one official across the one-stop shop (open dossier
steps assigned to him), documents (his open tasks on incoming documents) and directives (tasks
assigned to him, and tasks led by a unit he heads that nobody below was given): overdue, due
today, due within the "before" rules' working days. Reminder rules are data
(``ReminderRule``): the largest active "before" rule sets the horizon of the digest; without
an active "at" rule items due today are left out; each "after" rule escalates a task overdue by
that many working days to its assigner and the heads of its lead unit, once per task and rule.

Messages go through the notification outbox with dedupe keys (one digest per official and day,
one escalation per task and rule), so running the job again queues nothing new. Each official's
"Cài đặt nhắc việc" (``notifications.preferences``) chooses e-mail and/or SMS, turns the digest
off, and defers messages falling in his quiet hours; the "Việc cần làm" page is always there.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.core.calendar import LegalCalendar, to_legal_time
from chinhquyen.documents.models import OPEN_TASK_STATUSES as DOC_OPEN
from chinhquyen.documents.models import Task as DocumentTask
from chinhquyen.dossiers.models import DossierStep
from chinhquyen.notifications.preferences import notify_preferred

from . import deadlines, permissions
from .models import ReminderRule, ReminderWhen, Task, TaskStatus

logger = logging.getLogger(__name__)
DIGEST_TEMPLATE = "tasks.digest"
ESCALATION_TEMPLATE = "tasks.escalation"
WORKING = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)
BUCKETS = {"overdue": "Quá hạn", "today": "Đến hạn hôm nay", "soon": "Sắp đến hạn"}


@dataclass(frozen=True)
class TodoItem:
    kind: str  # dossier | document | task
    kind_label: str
    title: str
    due: dt.date
    bucket: str  # overdue | today | soon
    url: str

    @property
    def bucket_label(self) -> str:
        return BUCKETS[self.bucket]


@dataclass(frozen=True)
class Rules:
    horizon_days: int
    remind_today: bool
    escalate_after: tuple[int, ...]


def active_rules() -> Rules:
    rows = list(ReminderRule.objects.filter(active=True).values_list("when", "working_days"))
    before = [d for w, d in rows if w == ReminderWhen.BEFORE]
    horizon = max(before) if before else 0
    return Rules(
        horizon_days=horizon,
        remind_today=any(w == ReminderWhen.AT for w, _ in rows),
        escalate_after=tuple(sorted({max(d, 1) for w, d in rows if w == ReminderWhen.AFTER})),
    )


def horizon(on: dt.date, working_days: int) -> dt.date:
    return deadlines.calendar().next_working_day(on, working_days) if working_days else on


def _bucket(due: dt.date, on: dt.date) -> str:
    if due < on:
        return "overdue"
    return "today" if due == on else "soon"


def _task_filter(user: User) -> Q:
    head_units = [
        p.unit_id
        for p in Position.objects.active().filter(user=user, role__in=[Role.UNIT_HEAD, Role.LEADER])
    ]
    return Q(assignee=user) | Q(lead_unit_id__in=head_units, assignee__isnull=True)


def todo_items(
    user: User, *, on: dt.date | None = None, rules: Rules | None = None
) -> list[TodoItem]:
    """Everything due for ``user`` up to the horizon, overdue first, then by due date."""
    day = on or timezone.localdate()
    rules = rules or active_rules()
    until = horizon(day, rules.horizon_days)
    items: list[TodoItem] = []
    tasks = (
        Task.objects.filter(permissions.visibility(user))
        .filter(_task_filter(user), status__in=WORKING, due__lte=until)
        .select_related("lead_unit")
        .order_by("due", "pk")
    )
    for task in tasks:
        assert task.due is not None
        items.append(
            TodoItem(
                kind="task",
                kind_label="Nhiệm vụ",
                title=("Nhiệm vụ mật" if task.confidential else task.content[:200]),
                due=task.due,
                bucket=_bucket(task.due, day),
                url=reverse("tasks:detail", args=[task.pk]),
            )
        )
    documents = (
        DocumentTask.objects.filter(assignee=user, status__in=DOC_OPEN, due__lte=until)
        .select_related("document")
        .order_by("due", "pk")
    )
    for item in documents:
        assert item.due is not None
        doc = item.document
        items.append(
            TodoItem(
                kind="document",
                kind_label="Văn bản đến",
                title=(
                    f"Số đến {doc.incoming_number_display}"
                    + ("" if doc.is_secret else f": {doc.summary[:150]}")
                ),
                due=item.due,
                bucket=_bucket(item.due, day),
                url=reverse("documents:incoming_detail", args=[doc.pk]),
            )
        )
    until_end = timezone.make_aware(dt.datetime.combine(until, dt.time.max))
    steps = (
        DossierStep.objects.filter(
            assignee=user, finished_at__isnull=True, due_at__isnull=False, due_at__lte=until_end
        )
        .select_related("dossier")
        .order_by("due_at", "pk")
    )
    for step in steps:
        assert step.due_at is not None
        due = to_legal_time(step.due_at).date()
        items.append(
            TodoItem(
                kind="dossier",
                kind_label="Hồ sơ một cửa",
                title=f"Hồ sơ {step.dossier.code}",
                due=due,
                bucket=_bucket(due, day),
                url=reverse("dossiers:detail", args=[step.dossier_id]),
            )
        )
    if not rules.remind_today:
        items = [i for i in items if i.bucket != "today"]
    order = {"overdue": 0, "today": 1, "soon": 2}
    return sorted(items, key=lambda i: (order[i.bucket], i.due, i.kind))


def _candidates(until: dt.date) -> list[User]:
    """Officials who may have something due (one query per source, not one per official)."""
    ids: set[int] = set()
    open_tasks = Task.objects.filter(status__in=WORKING, due__lte=until)
    ids.update(open_tasks.exclude(assignee=None).values_list("assignee_id", flat=True))
    lead_units = open_tasks.filter(assignee=None).values("lead_unit_id")
    ids.update(
        Position.objects.active()
        .filter(unit_id__in=lead_units, role__in=[Role.UNIT_HEAD, Role.LEADER])
        .values_list("user_id", flat=True)
    )
    ids.update(
        DocumentTask.objects.filter(status__in=DOC_OPEN, due__lte=until)
        .exclude(assignee=None)
        .values_list("assignee_id", flat=True)
    )
    until_end = timezone.make_aware(dt.datetime.combine(until, dt.time.max))
    ids.update(
        DossierStep.objects.filter(
            finished_at__isnull=True, due_at__lte=until_end, assignee__isnull=False
        ).values_list("assignee_id", flat=True)
    )
    return list(
        User.objects.filter(pk__in=ids, is_active=True).exclude(email="", phone="").order_by("pk")
    )


def _url(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def send_digests(on: dt.date | None = None) -> int:
    """Queue today's digest for every official with something due; returns how many."""
    day = on or timezone.localdate()
    if not deadlines.calendar().is_working_day(day):
        return 0
    rules = active_rules()
    count = 0
    for user in _candidates(horizon(day, rules.horizon_days)):
        items = todo_items(user, on=day, rules=rules)
        if not items:
            continue
        lines = "\n".join(
            f"- [{i.bucket_label}] {i.kind_label}: {i.title} (hạn {i.due:%d/%m/%Y})"
            for i in items[:50]
        )
        rows = notify_preferred(
            user=user,
            template=DIGEST_TEMPLATE,
            context={
                "name": user.display_name,
                "day": f"{day:%d/%m/%Y}",
                "overdue": str(sum(i.bucket == "overdue" for i in items)),
                "due_today": str(sum(i.bucket == "today" for i in items)),
                "due_soon": str(sum(i.bucket == "soon" for i in items)),
                "lines": lines,
                "url": _url(reverse("tasks:todo")),
            },
            dedupe_key=f"{DIGEST_TEMPLATE}:{user.pk}:{day.isoformat()}",
        )
        if rows:
            count += 1
    logger.info("tasks.digests", extra={"count": count, "day": day.isoformat()})
    return count


def _escalation_targets(task: Task) -> Iterable[User]:
    from .services import unit_heads

    seen: dict[int, User] = {task.assigner.pk: task.assigner}
    for head in unit_heads(task.lead_unit):
        seen.setdefault(head.pk, head)
    for user in seen.values():
        if user.is_active and (user.email or user.phone) and permissions.can_view(user, task):
            yield user


def working_days_late(due: dt.date, day: dt.date, cal: LegalCalendar, cap: int = 400) -> int:
    """Working days after ``due`` up to and including ``day`` (0 when not late)."""
    count, cursor = 0, due
    while count < cap:
        cursor = cal.next_working_day(cursor)
        if cursor > day:
            break
        count += 1
    return count


def escalate(on: dt.date | None = None) -> int:
    """For each "after N working days" rule, tell the assigner and the lead unit's heads about
    tasks whose due date lies N working days (or more) back; once per task, rule and person."""
    day = on or timezone.localdate()
    cal = deadlines.calendar()
    count = 0
    rules = active_rules().escalate_after
    if not rules:
        return 0
    overdue = (
        Task.objects.filter(status__in=WORKING, due__lt=day)
        .select_related("assigner", "lead_unit")
        .order_by("pk")
    )
    for task in overdue:
        assert task.due is not None
        late = working_days_late(task.due, day, cal)
        for after in (a for a in rules if a <= late):
            for user in _escalation_targets(task):
                rows = notify_preferred(
                    user=user,
                    template=ESCALATION_TEMPLATE,
                    context={
                        "name": user.display_name,
                        "content": "Nhiệm vụ mật: xem trên hệ thống."
                        if task.confidential
                        else task.content[:300],
                        "unit": task.lead_unit.name,
                        "due": f"{task.due:%d/%m/%Y}",
                        "days_late": str(late),
                        "progress": str(task.progress),
                        "url": _url(reverse("tasks:detail", args=[task.pk])),
                    },
                    dedupe_key=f"{ESCALATION_TEMPLATE}:{task.pk}:{after}:{user.pk}",
                )
                if rows:
                    count += 1
    logger.info("tasks.escalations", extra={"count": count, "day": day.isoformat()})
    return count
