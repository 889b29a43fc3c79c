"""Directives, delegation, progress roll-up, completion, acceptance and history."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.core.api import DomainError
from chinhquyen.documents.tests.helpers import draft, issued, sample_pdf
from chinhquyen.tasks import services
from chinhquyen.tasks.models import (
    DeadlineKind,
    Recurrence,
    SourceKind,
    TaskEvent,
    TaskReportFile,
    TaskStatus,
)
from chinhquyen.tasks.services import TaskSpec
from chinhquyen.tasks.workflow import TRANSITIONS, Action, allowed_actions, target

from .helpers import MONDAY, directive, first_task

pytestmark = pytest.mark.django_db


def test_directive_from_a_document_yields_one_task_per_unit(world):
    doc = issued(world)
    d = services.directive_create(
        actor=world.province_leader,
        title="Thông báo kết luận giao ban tháng 3",
        source_kind=SourceKind.DOCUMENT,
        outgoing=doc,
        tasks=[
            TaskSpec(
                content="Rà soát thủ tục hộ tịch",
                lead_unit=world.justice,
                coordinating_units=[world.construction],
                deadline=dt.date(2026, 3, 31),
            ),
            TaskSpec(
                content="Báo cáo cấp phép xây dựng",
                lead_unit=world.construction,
                deadline_kind=DeadlineKind.WORKING_DAYS,
                working_days=10,
            ),
        ],
        today=MONDAY,
    )
    tasks = list(d.tasks.order_by("pk"))
    assert [t.lead_unit for t in tasks] == [world.justice, world.construction]
    assert list(tasks[0].coordinating_units.all()) == [world.construction]
    # 10 working days after Monday 2/3/2026
    assert tasks[1].due == dt.date(2026, 3, 16)
    assert all(t.events.get().action == Action.CREATE for t in tasks)


def test_only_a_leader_assigns_and_only_within_his_scope(world):
    assert directive(world, units=[world.admin_unit]).tasks.count() == 1  # province leader
    with pytest.raises(DomainError) as exc:
        services.directive_create(
            actor=world.head,
            title="x",
            source_kind=SourceKind.INSTRUCTION,
            tasks=[TaskSpec(content="y", lead_unit=world.admin_unit, deadline=MONDAY)],
            today=MONDAY,
        )
    assert exc.value.status_code == 403
    with pytest.raises(DomainError) as exc:
        services.directive_create(
            actor=world.leader,  # leader of Sở Tư pháp cannot assign to Sở Xây dựng
            title="x",
            source_kind=SourceKind.INSTRUCTION,
            tasks=[TaskSpec(content="y", lead_unit=world.construction, deadline=MONDAY)],
            today=MONDAY,
        )
    assert exc.value.status_code == 403


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        ({"content": " "}, "content_required"),
        ({"deadline": dt.date(2026, 1, 1)}, "deadline_in_past"),
        ({"deadline_kind": "working_days", "working_days": 0}, "working_days_required"),
        ({"deadline_kind": "recurring", "recurrence": "weekly"}, "invalid_recurrence"),
        ({"priority": "nope"}, "invalid_priority"),
    ],
)
def test_bad_task_input_is_refused_in_vietnamese(world, spec, code):
    base = {"content": "Việc", "lead_unit": world.justice, "deadline": dt.date(2026, 3, 20)}
    with pytest.raises(DomainError) as exc:
        services.directive_create(
            actor=world.province_leader,
            title="Chỉ đạo",
            source_kind=SourceKind.INSTRUCTION,
            tasks=[TaskSpec(**{**base, **spec})],
            today=MONDAY,
        )
    assert exc.value.error_code == code


def test_document_source_needs_a_document(world):
    with pytest.raises(DomainError, match="văn bản"):
        services.directive_create(
            actor=world.province_leader,
            title="Chỉ đạo",
            source_kind=SourceKind.DOCUMENT,
            tasks=[TaskSpec(content="Việc", lead_unit=world.justice, deadline=MONDAY)],
            today=MONDAY,
        )


def test_delegation_goes_down_the_lead_units_own_subtree(world):
    task = first_task(world)
    division = services.task_delegate(
        actor=world.leader,
        task=task,
        content="Phòng HCTP chủ trì",
        unit=world.admin_unit,
        today=MONDAY,
    )
    assert division.parent == task and division.assigner == world.leader
    assert division.assigner_unit == world.justice and division.due == task.due
    person = services.task_delegate(
        actor=world.head,
        task=division,
        content="Soạn báo cáo",
        assignee=world.specialist,
        today=MONDAY,
    )
    assert person.assignee == world.specialist and person.lead_unit == world.admin_unit
    # not outside the subtree, not to a unit above, not by someone outside the lead unit
    with pytest.raises(DomainError, match="trực thuộc"):
        services.task_delegate(
            actor=world.leader,
            task=task,
            content="x",
            unit=world.construction_unit,
            today=MONDAY,
        )
    with pytest.raises(DomainError, match="không công tác"):
        services.task_delegate(
            actor=world.head,
            task=division,
            content="x",
            assignee=world.specialist_support,
            today=MONDAY,
        )
    with pytest.raises(DomainError) as exc:
        services.task_delegate(
            actor=world.head_support,
            task=task,
            content="x",
            unit=world.support_unit,
            today=MONDAY,
        )
    assert exc.value.status_code in (403, 404)
    with pytest.raises(DomainError, match="không được sau hạn"):
        services.task_delegate(
            actor=world.leader,
            task=task,
            content="x",
            unit=world.support_unit,
            deadline=task.due + dt.timedelta(days=7),
            today=MONDAY,
        )


def test_progress_rolls_up_through_the_tree(world):
    task = first_task(world)
    a = services.task_delegate(
        actor=world.leader, task=task, content="A", unit=world.admin_unit, today=MONDAY
    )
    b = services.task_delegate(
        actor=world.leader, task=task, content="B", unit=world.support_unit, today=MONDAY
    )
    leaf = services.task_delegate(
        actor=world.head, task=a, content="A1", assignee=world.specialist, today=MONDAY
    )
    services.task_report(actor=world.specialist, task=leaf, percent=80, text="Đã soạn dự thảo")
    a.refresh_from_db()
    task.refresh_from_db()
    assert a.progress == 80
    assert task.progress == 40  # mean of 80 and 0
    services.task_report(actor=world.head_support, task=b, percent=60, text="Đang rà soát")
    task.refresh_from_db()
    assert task.progress == 70
    assert task.status == TaskStatus.ASSIGNED  # reports below do not start the parent


def test_report_attachments_are_checked_by_content(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = first_task(world)
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("bao-cao.pdf", sample_pdf(), content_type="application/pdf")
    report = services.task_report(
        actor=world.leader, task=task, percent=30, text="Báo cáo", files=[good]
    )
    assert TaskReportFile.objects.get(report=report).content_type == "application/pdf"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.task_report(actor=world.leader, task=task, percent=40, text="x", files=[fake])
    assert exc.value.error_code == "invalid_file_type"
    with pytest.raises(DomainError, match="0 đến 100"):
        services.task_report(actor=world.leader, task=task, percent=101, text="x")


def test_completion_needs_evidence_and_the_assigners_acceptance(world):
    task = first_task(world)
    with pytest.raises(DomainError) as exc:
        services.task_complete(actor=world.leader, task=task)
    assert exc.value.error_code == "evidence_required"
    with pytest.raises(DomainError) as exc:
        services.task_complete(actor=world.leader, task=task, outgoing=draft(world))
    assert exc.value.error_code == "evidence_not_issued"
    services.task_complete(
        actor=world.leader, task=task, outgoing=issued(world), today=dt.date(2026, 3, 20)
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and task.completed_on == dt.date(2026, 3, 20)
    with pytest.raises(DomainError) as exc:
        services.task_accept(actor=world.leader, task=task)  # not the assigner
    assert exc.value.status_code == 403
    services.task_return(actor=world.province_leader, task=task, reason="Bổ sung số liệu")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.completed_on is None
    report = services.task_report(actor=world.leader, task=task, percent=100, text="Đã bổ sung")
    services.task_complete(actor=world.leader, task=task, report=report)
    services.task_accept(actor=world.province_leader, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.progress == 100
    actions = list(task.events.values_list("action", "from_status", "to_status"))
    assert actions == [
        ("create", "", "assigned"),
        ("complete", "assigned", "submitted"),
        ("return", "submitted", "in_progress"),
        ("report", "in_progress", "in_progress"),
        ("complete", "in_progress", "submitted"),
        ("accept", "submitted", "completed"),
    ]


def test_parent_cannot_complete_with_open_sub_tasks(world):
    task = first_task(world)
    services.task_delegate(
        actor=world.leader, task=task, content="A", unit=world.admin_unit, today=MONDAY
    )
    report = services.task_report(actor=world.leader, task=task, percent=90, text="Gần xong")
    with pytest.raises(DomainError) as exc:
        services.task_complete(actor=world.leader, task=task, report=report)
    assert exc.value.error_code == "open_sub_tasks"


def test_extension_requests_go_to_the_assigner(world):
    task = first_task(world, deadline=dt.date(2026, 3, 20))
    req = services.extension_request(
        actor=world.leader, task=task, requested_deadline=dt.date(2026, 4, 10), reason="Chờ số liệu"
    )
    with pytest.raises(DomainError) as exc:
        services.extension_request(
            actor=world.leader, task=task, requested_deadline=dt.date(2026, 4, 11), reason="Lần 2"
        )
    assert exc.value.error_code == "extension_pending"
    with pytest.raises(DomainError) as exc:
        services.extension_decide(actor=world.leader, request=req, accept=True)
    assert exc.value.status_code == 403
    services.extension_decide(
        actor=world.province_leader, request=req, accept=True, new_deadline=dt.date(2026, 4, 30)
    )
    task.refresh_from_db()
    # 30/4 is a holiday (then 1/5, the weekend): the legal due date is Monday 4/5
    assert task.deadline == dt.date(2026, 4, 30) and task.due == dt.date(2026, 5, 4)
    assert task.original_due == dt.date(2026, 3, 20)
    with pytest.raises(DomainError) as exc:
        services.extension_decide(actor=world.province_leader, request=req, accept=False)
    assert exc.value.error_code == "already_decided"
    refused = services.extension_request(
        actor=world.leader, task=task, requested_deadline=dt.date(2026, 6, 1), reason="Thêm"
    )
    services.extension_decide(actor=world.province_leader, request=refused, accept=False)
    task.refresh_from_db()
    assert task.due == dt.date(2026, 5, 4)
    decided = TaskEvent.objects.filter(task=task, action=Action.DECIDE_EXTENSION)
    assert [e.data["accepted"] for e in decided] == [True, False]


def test_recurring_tasks_have_no_extension_and_reports_mark_their_period(world):
    task = first_task(world, deadline_kind=DeadlineKind.RECURRING, recurrence=Recurrence.MONTHLY)
    assert task.due == dt.date(2026, 3, 31)  # the first monthly report
    with pytest.raises(DomainError, match="thường xuyên"):
        services.extension_request(
            actor=world.leader, task=task, requested_deadline=dt.date(2026, 5, 1), reason="x"
        )
    report = services.task_report(
        actor=world.leader,
        task=task,
        percent=10,
        text="Báo cáo tháng 3",
        today=dt.date(2026, 3, 28),
    )
    assert report.period_end == dt.date(2026, 3, 31)


def test_the_transition_table_is_walked_whole():
    statuses = list(TaskStatus.values)
    for status in statuses:
        for action in Action.values:
            if (status, action) in TRANSITIONS:
                assert target(status, action) == TRANSITIONS[(status, action)]
            else:
                with pytest.raises(DomainError) as exc:
                    target(status, action)
                assert exc.value.status_code == 409
    assert allowed_actions(TaskStatus.COMPLETED) == []
    assert allowed_actions(TaskStatus.CANCELLED) == []


def test_closed_tasks_refuse_work(world):
    task = first_task(world)
    report = services.task_report(actor=world.leader, task=task, percent=100, text="Xong")
    services.task_complete(actor=world.leader, task=task, report=report)
    services.task_accept(actor=world.province_leader, task=task)
    with pytest.raises(DomainError) as exc:
        services.task_report(actor=world.leader, task=task, percent=100, text="Lại")
    assert exc.value.status_code == 409


def test_confidential_tasks_are_hidden_from_unnamed_managers(world):
    task = first_task(world, confidential=True, named_people=[world.leader])
    assert set(task.named_people.all()) == {world.leader, world.province_leader}
    with pytest.raises(DomainError) as exc:
        services.task_delegate(
            actor=world.head, task=task, content="x", assignee=world.specialist, today=MONDAY
        )
    assert exc.value.status_code == 404
    sub = services.task_delegate(
        actor=world.leader, task=task, content="x", unit=world.admin_unit, today=MONDAY
    )
    # the heads of the unit it is delegated to are named on the sub-task, not on the task
    assert sub.confidential and world.head in sub.named_people.all()
    assert world.head not in task.named_people.all()
