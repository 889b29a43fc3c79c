"""Demo directives and tasks: twelve months of the province leader's directives to departments,
with every status category present (done on time, done late, open in time, open overdue),
delegation down Sở Tư pháp (Giám đốc → Phòng HCTP → chuyên viên), progress reports, an
accepted and a pending extension, a recurring monthly report and a confidential task.

Idempotent and fast: a directive with the source reference ``DEMO-CD-<n>`` is created once;
the whole set is skipped when the last one exists. Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation

from . import services
from .models import DeadlineKind, Directive, Priority, Recurrence, SourceKind, Task, TaskEvent

COUNT = 24
TOPICS = (
    "Triển khai cải cách thủ tục hành chính, số hóa hồ sơ",
    "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch",
    "Báo cáo tình hình giải quyết hồ sơ trễ hạn",
    "Kiểm tra công tác cấp giấy phép xây dựng",
    "Thực hiện Đề án 06 về dữ liệu dân cư",
    "Tổng kết công tác chuyển đổi số quý",
    "Chuẩn bị nội dung kỳ họp HĐND tỉnh",
    "Khắc phục hạn chế sau thanh tra công vụ",
)
SOURCES = (SourceKind.MEETING, SourceKind.INSTRUCTION, SourceKind.DOCUMENT)


def _ref(n: int) -> str:
    return f"DEMO-CD-{n:02d}"


def _backdate(directive: Directive, day: dt.date) -> None:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    Task.objects.filter(directive=directive).update(created_at=when)
    TaskEvent.objects.filter(task__directive=directive).update(at=when)


def _one(n: int, people: dict[str, User], orgs: dict[str, Organisation], today: dt.date) -> None:
    days_ago = 360 - n * 15  # every fortnight over the last twelve months
    day = today - dt.timedelta(days=days_ago)
    if day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    deadline = day + dt.timedelta(days=21 + (n % 3) * 7)
    topic = TOPICS[n % len(TOPICS)]
    source = SOURCES[n % len(SOURCES)]
    if source == SourceKind.DOCUMENT:
        # the demo has no directive document in every month: record it as a written instruction
        source = SourceKind.INSTRUCTION
    specs = [
        services.TaskSpec(
            content=f"Sở Tư pháp chủ trì: {topic.lower()}",
            lead_unit=orgs["dept_justice"],
            coordinating_units=[orgs["dept_construction"]] if n % 2 else [],
            deadline=deadline,
            priority=Priority.HIGH if n % 5 == 0 else Priority.NORMAL,
            confidential=n == 7,
        ),
        services.TaskSpec(
            content=f"Sở Xây dựng chủ trì: {topic.lower()}",
            lead_unit=orgs["dept_construction"],
            deadline_kind=DeadlineKind.WORKING_DAYS,
            working_days=15 + n % 10,
        ),
    ]
    if n == 1:
        specs.append(
            services.TaskSpec(
                content="Báo cáo định kỳ hằng tháng kết quả cải cách hành chính",
                lead_unit=orgs["dept_justice"],
                deadline_kind=DeadlineKind.RECURRING,
                recurrence=Recurrence.MONTHLY,
            )
        )
    leader, dept_leader = people["lanhdao.tinh"], people["lanhdao"]
    directive = services.directive_create(
        actor=leader,
        title=f"Kết luận của Phó Chủ tịch UBND tỉnh: {topic}",
        source_kind=source,
        source_reference=_ref(n),
        tasks=specs,
        today=day,
    )
    justice = directive.tasks.get(lead_unit=orgs["dept_justice"], deadline_kind="date")
    due = justice.due
    assert due is not None
    if n % 3 == 0:
        # delegated down Sở Tư pháp: Phòng HCTP, then its specialist, who reports progress
        sub = services.task_delegate(
            actor=dept_leader,
            task=justice,
            content="Phòng Hành chính tư pháp tham mưu thực hiện",
            unit=orgs["dept_justice_admin"],
            today=day,
        )
        mine = services.task_delegate(
            actor=people["truongphong"],
            task=sub,
            content="Tổng hợp số liệu, dự thảo báo cáo",
            assignee=people["chuyenvien"],
            today=day,
        )
        services.task_report(
            actor=people["chuyenvien"],
            task=mine,
            percent=70,
            text="Đã tổng hợp số liệu các phòng, đang dự thảo báo cáo.",
            today=day + dt.timedelta(days=5),
        )
    if due >= today:
        if n % 2 == 0:
            services.task_report(
                actor=dept_leader,
                task=justice,
                percent=40,
                text="Đang triển khai theo kế hoạch.",
                today=today,
            )
        if n == COUNT - 2:
            services.extension_request(
                actor=dept_leader,
                task=justice,
                requested_deadline=due + dt.timedelta(days=14),
                reason="Chờ ý kiến của các sở, ngành phối hợp.",
            )
    elif n % 4 == 3:
        pass  # left open after its deadline: "chưa hoàn thành quá hạn"
    elif n % 3 == 0:
        pass  # delegated work still open below: overdue as well
    else:
        if n % 4 == 2:
            request = services.extension_request(
                actor=dept_leader,
                task=justice,
                requested_deadline=due + dt.timedelta(days=10),
                reason="Cần thêm thời gian lấy ý kiến.",
            )
            services.extension_decide(actor=leader, request=request, accept=True)
            justice.refresh_from_db()
            due = justice.due
            assert due is not None
        finished = due - dt.timedelta(days=2) if n % 4 != 1 else due + dt.timedelta(days=5)
        report = services.task_report(
            actor=dept_leader,
            task=justice,
            percent=100,
            text="Đã hoàn thành, báo cáo kết quả kèm theo.",
            today=finished,
        )
        services.task_complete(actor=dept_leader, task=justice, report=report, today=finished)
        services.task_accept(actor=leader, task=justice, note="Đồng ý kết quả.")
    _backdate(directive, day)


def load_calendar(orgs: dict[str, Organisation]) -> int:
    """This week's published work calendars (``demo_calendar``)."""
    from chinhquyen.documents.demo import PROVINCE_CLERK, _ensure_province_clerk

    from .demo_calendar import load_demo_calendar

    usernames = ("lanhdao.tinh", "lanhdao", "truongphong", "chuyenvien", "vanthu", PROVINCE_CLERK)
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if PROVINCE_CLERK not in people and "province" in orgs:
        people[PROVINCE_CLERK] = _ensure_province_clerk(orgs["province"])
    return load_demo_calendar(orgs, people)


def load_demo_tasks(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.orgs.demo import load_demo_organisations

    orgs = context.get("orgs") or load_demo_organisations()
    load_calendar(orgs)
    if Directive.objects.filter(source_reference=_ref(COUNT - 1)).exists():
        return None
    usernames = ("lanhdao.tinh", "lanhdao", "truongphong", "chuyenvien")
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if len(people) != len(usernames):
        return None
    today = timezone.localdate()
    done = set(
        Directive.objects.filter(source_reference__startswith="DEMO-CD-").values_list(
            "source_reference", flat=True
        )
    )
    for n in range(COUNT):
        if _ref(n) in done:
            continue
        with transaction.atomic():
            _one(n, people, orgs, today)
    return None
