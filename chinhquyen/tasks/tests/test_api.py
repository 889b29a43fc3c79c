"""The tasks API: scoping, filters, statistics, the write actions and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from chinhquyen.accounts.models import User
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.tasks import services
from chinhquyen.tasks.models import Task, TaskStatus

from .helpers import MONDAY, directive, first_task

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_caller_lists_exactly_his_scope(world):
    justice = first_task(world, units=[world.justice], coordinating_units=[world.construction])
    other = first_task(world, units=[world.construction])
    secret = first_task(world, units=[world.justice], confidential=True)
    sub = services.task_delegate(
        actor=world.leader,
        task=justice,
        content="Phòng HCTP",
        unit=world.admin_unit,
        today=MONDAY,
    )
    mine = services.task_delegate(
        actor=world.head,
        task=sub,
        content="Chuyên viên",
        assignee=world.specialist,
        today=MONDAY,
    )
    assert ids(api(world.province_leader).get("/api/v1/tasks/")) == {
        justice.pk,
        other.pk,
        secret.pk,
        sub.pk,
        mine.pk,
    }
    # the department sees what it leads and its subtree, not the confidential task
    assert ids(api(world.leader).get("/api/v1/tasks/")) == {justice.pk, sub.pk, mine.pk}
    # the other department coordinates the first task and leads its own
    assert ids(api(world.leader_other).get("/api/v1/tasks/")) == {justice.pk, other.pk}
    assert ids(api(world.head).get("/api/v1/tasks/")) == {sub.pk, mine.pk}
    assert ids(api(world.head_support).get("/api/v1/tasks/")) == set()
    assert ids(api(world.specialist).get("/api/v1/tasks/")) == {mine.pk}
    assert api(world.leader).get(f"/api/v1/tasks/{secret.pk}/").status_code == 404
    assert api(world.head_support).get(f"/api/v1/tasks/{sub.pk}/").status_code == 404
    assert ids(api(world.leader).get("/api/v1/tasks/?role=coordinate")) == set()
    assert ids(api(world.leader_other).get("/api/v1/tasks/?role=coordinate")) == {justice.pk}


def test_anonymous_and_citizens_are_refused(world, client):
    from chinhquyen.dossiers.tests.factories import make_user

    assert client.get("/api/v1/tasks/").status_code in (401, 403)
    citizen = APIClient()
    citizen.force_authenticate(make_user(username="cong-dan"))
    assert citizen.get("/api/v1/tasks/statistics/").status_code == 403


def _complete(world, task: Task, day: dt.date) -> None:
    report = services.task_report(actor=world.leader, task=task, percent=100, text="Xong")
    services.task_complete(actor=world.leader, task=task, report=report, today=day)
    services.task_accept(actor=world.province_leader, task=task)


def test_filters_and_statistics_on_the_report_period(world):
    d = directive(
        world,
        units=[world.justice, world.justice, world.justice, world.justice],
        deadline=dt.date(2026, 3, 20),
    )
    on_time, late, overdue, in_time = list(d.tasks.order_by("pk"))
    _complete(world, on_time, dt.date(2026, 3, 20))
    _complete(world, late, dt.date(2026, 3, 24))
    mid_april = dt.date(2026, 4, 14)
    Task.objects.filter(pk=in_time.pk).update(due=mid_april, original_due=mid_april)
    outside = first_task(world, deadline=dt.date(2026, 5, 20))
    leader = api(world.province_leader)
    # month period containing 20/3/2026: 15/3 – 14/4, judged at 14/4 (past)
    query = "period=month&on=2026-03-20"
    assert ids(leader.get(f"/api/v1/tasks/?{query}")) == {
        on_time.pk,
        late.pk,
        overdue.pk,
        in_time.pk,
    }
    for category, expected in [
        ("done_on_time", on_time),
        ("done_late", late),
        ("open_overdue", overdue),
        ("open_in_time", in_time),
    ]:
        assert ids(leader.get(f"/api/v1/tasks/?{query}&category={category}")) == {expected.pk}
    body = leader.get(f"/api/v1/tasks/statistics/?{query}").json()
    assert body["start"] == "2026-03-15" and body["end"] == "2026-04-14"
    assert body["total"] == {
        "label": "Tổng cộng",
        "unit_id": None,
        "done_on_time": 1,
        "done_late": 1,
        "open_in_time": 1,
        "open_overdue": 1,
        "total": 4,
        "on_time_rate": 50.0,
    }
    assert [u["label"] for u in body["units"]] == ["Sở Tư pháp"]
    # the other department's leader sees none of it
    other = api(world.leader_other).get(f"/api/v1/tasks/statistics/?{query}").json()
    assert other["total"]["total"] == 0
    assert outside.pk not in ids(leader.get(f"/api/v1/tasks/?{query}"))


def test_statistics_default_to_the_current_month_period(world):
    body = api(world.leader).get("/api/v1/tasks/statistics/").json()
    assert body["period"] == "month"
    assert body["end"].endswith("-14") and body["start"].endswith("-15")


@pytest.mark.parametrize(
    "query",
    ["category=nope", "period=week", "on=hom-nay", "date_from=2026-05-01&date_to=2026-04-01"],
)
def test_bad_filters_get_a_structured_vietnamese_error(world, query):
    response = api(world.leader).get(f"/api/v1/tasks/?{query}")
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_whole_flow_through_the_api(world):
    today = timezone.localdate()
    leader = api(world.province_leader)
    deadline = (today + dt.timedelta(days=30)).isoformat()
    response = leader.post(
        "/api/v1/tasks/directives/",
        {
            "title": "Kết luận giao ban",
            "source_kind": "meeting",
            "source_reference": "TB 12/TB-UBND",
            "tasks": [
                {
                    "content": "Sở Tư pháp rà soát",
                    "lead_unit": world.justice.pk,
                    "deadline": deadline,
                },
                {
                    "content": "Sở Xây dựng báo cáo",
                    "lead_unit": world.construction.pk,
                    "deadline_kind": "working_days",
                    "working_days": 5,
                },
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    task_id = response.json()["tasks"][0]
    dept = api(world.leader)
    response = dept.post(
        f"/api/v1/tasks/{task_id}/delegate/",
        {"content": "Phòng HCTP thực hiện", "unit": world.admin_unit.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    sub_id = response.json()["id"]
    response = api(world.head).post(
        f"/api/v1/tasks/{sub_id}/reports/", {"percent": 50, "text": "Đang làm"}
    )
    assert response.status_code == 201, response.content
    assert api(world.leader).get(f"/api/v1/tasks/{task_id}/").json()["progress"] == 50
    response = api(world.head).post(
        f"/api/v1/tasks/{sub_id}/extensions/",
        {"requested_deadline": (today + dt.timedelta(days=60)).isoformat(), "reason": "Chờ"},
        format="json",
    )
    assert response.status_code == 201, response.content
    ext_id = response.json()["extensions"][0]["id"]
    response = dept.post(
        f"/api/v1/tasks/{sub_id}/extensions/{ext_id}/decide/", {"accept": False}, format="json"
    )
    assert response.status_code == 200 and response.json()["extensions"][0]["status"] == "refused"
    document = issued(world)
    response = api(world.head).post(
        f"/api/v1/tasks/{sub_id}/complete/", {"outgoing": document.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert api(world.head).post(f"/api/v1/tasks/{sub_id}/accept/", {}).status_code == 403
    response = dept.post(f"/api/v1/tasks/{sub_id}/accept/", {}, format="json")
    assert response.json()["status"] == TaskStatus.COMPLETED
    body = api(world.leader).get(f"/api/v1/tasks/{task_id}/").json()
    assert body["progress"] == 100
    # a second acceptance is refused by the workflow
    response = dept.post(f"/api/v1/tasks/{sub_id}/accept/", {}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "source_kind": "instruction", "tasks": []}, "tasks"),
        ({"title": "x", "source_kind": "bogus", "tasks": []}, "source_kind"),
    ],
)
def test_bad_directive_input_is_a_400(world, payload, field):
    response = api(world.province_leader).post("/api/v1/tasks/directives/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_assigning_outside_the_scope_is_a_403(world):
    response = api(world.leader).post(
        "/api/v1/tasks/directives/",
        {
            "title": "x",
            "source_kind": "instruction",
            "tasks": [
                {
                    "content": "y",
                    "lead_unit": world.construction.pk,
                    "deadline": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 403


def test_list_and_statistics_query_counts_are_pinned(world):
    directive(world, units=[world.justice, world.construction])
    client = api(world.province_leader)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count("/api/v1/tasks/")  # warm the per-request caches of the client's user
    small_list, small_stats = count("/api/v1/tasks/"), count("/api/v1/tasks/statistics/")
    directive(world, units=[world.justice] * 5 + [world.construction] * 5)
    assert count("/api/v1/tasks/") == small_list
    assert count("/api/v1/tasks/statistics/") == small_stats
    assert small_list <= 8 and small_stats <= 7
