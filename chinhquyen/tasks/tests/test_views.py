"""Officer screens: a directive from a document with several tasks, the detail's actions, the
list filters, statistics with its table and Excel export, and "Việc cần làm"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chinhquyen.documents.tests.helpers import assigned
from chinhquyen.tasks import services
from chinhquyen.tasks.models import Directive, SourceKind, TaskStatus

from .helpers import first_task

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_incoming_document_page_offers_leaders_a_directive_from_it(world):
    document = assigned(world)
    url = reverse("tasks:directive_create") + f"?van-ban-den={document.pk}"
    detail = reverse("documents:incoming_detail", args=[document.pk])
    leader_page = signed_in(world.leader).get(detail).content.decode()
    assert "Giao nhiệm vụ từ văn bản này" in leader_page
    assert url.replace("?", "") in leader_page.replace("?", "")
    clerk_page = signed_in(world.clerk).get(detail)
    assert clerk_page.status_code == 200
    assert "Giao nhiệm vụ từ văn bản này" not in clerk_page.content.decode()


def test_a_leader_creates_a_directive_from_a_document_with_two_tasks(world):
    document = assigned(world)
    client = signed_in(world.leader)
    url = reverse("tasks:directive_create") + f"?van-ban-den={document.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert document.summary[:30] in page.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("tasks:directive_create"),
        {
            "van-ban-den": document.pk,
            "title": "Triển khai văn bản",
            "source_kind": SourceKind.DOCUMENT,
            "content-0": "Phòng HCTP rà soát",
            "lead_unit-0": world.admin_unit.pk,
            "deadline_kind-0": "date",
            "deadline-0": deadline,
            "content-1": "Phòng BTTP báo cáo",
            "lead_unit-1": world.support_unit.pk,
            "coordinating-1": [world.admin_unit.pk],
            "deadline_kind-1": "working_days",
            "working_days-1": "10",
        },
    )
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert directive.incoming == document
    assert sorted(t.lead_unit.name for t in directive.tasks.all()) == [
        "Phòng Bổ trợ tư pháp",
        "Phòng Hành chính tư pháp",
    ]


def test_bad_form_input_is_shown_in_vietnamese(world):
    response = signed_in(world.leader).post(
        reverse("tasks:directive_create"),
        {"title": "Chỉ đạo", "source_kind": "instruction", "content-0": "Việc"},
    )
    assert response.status_code == 400
    assert "chọn đơn vị chủ trì" in response.content.decode()
    assert signed_in(world.head).get(reverse("tasks:directive_create")).status_code == 403


def test_detail_actions_report_and_accept(world):
    task = first_task(world, deadline=timezone.localdate() + dt.timedelta(days=10))
    head = signed_in(world.leader)
    page = head.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "Báo cáo tiến độ" in page and "Xác nhận hoàn thành" not in page
    bad = head.post(reverse("tasks:action", args=[task.pk, "report"]), {"text": "x"})
    assert bad.status_code == 400 and "0 đến 100" in bad.content.decode()
    ok = head.post(reverse("tasks:action", args=[task.pk, "complete"]), {"text": "Đã hoàn thành."})
    assert ok.status_code == 302
    assigner = signed_in(world.province_leader)
    page = assigner.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "Xác nhận hoàn thành" in page
    assigner.post(reverse("tasks:action", args=[task.pk, "accept"]), {})
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert head.post(reverse("tasks:action", args=[task.pk, "nope"])).status_code == 404


def test_list_filters_and_statistics_with_export(world):
    task = first_task(world, deadline=timezone.localdate() + dt.timedelta(days=10))
    report = services.task_report(actor=world.leader, task=task, percent=100, text="Xong")
    services.task_complete(actor=world.leader, task=task, report=report)
    services.task_accept(actor=world.province_leader, task=task)
    first_task(world, deadline=timezone.localdate() + dt.timedelta(days=12), title="Việc mở")
    client = signed_in(world.province_leader)
    page = client.get(reverse("tasks:list"), {"nhom": "done_on_time"}).content.decode()
    assert "Hoàn thành đúng hạn" in page and "Việc mở" not in page
    assert client.get(reverse("tasks:list"), {"nhom": "bogus"}).status_code == 200
    stats = client.get(reverse("tasks:statistics"), {"tu": "2020-01-01", "den": "2030-12-31"})
    body = stats.content.decode()
    assert "<caption>Số nhiệm vụ theo tình trạng" in body
    assert "Sở Tư pháp" in body and "100,0%" in body  # Vietnamese decimal comma
    # drill-down: each count links to the list of that unit and category
    assert f"nhom=open_in_time&amp;don-vi={world.justice.pk}&amp;tu=2020-01-01" in body
    other_unit = client.get(reverse("tasks:list"), {"don-vi": world.construction.pk})
    assert "Không có nhiệm vụ nào" in other_unit.content.decode()
    export = client.get(
        reverse("tasks:statistics_export"), {"tu": "2020-01-01", "den": "2030-12-31"}
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert rows == [["Sở Tư pháp", 1, 0, 1, 0, 2, 100], ["Tổng cộng", 1, 0, 1, 0, 2, 100]]


def test_todo_page(world):
    first_task(world, deadline=timezone.localdate())
    page = signed_in(world.leader).get(reverse("tasks:todo")).content.decode()
    assert "Việc cần làm" in page
    assert signed_in(world.specialist).get(reverse("tasks:todo")).status_code == 200


def test_delegation_offers_the_lead_units_officials_by_name(world):
    task = first_task(world, units=[world.justice])
    page = signed_in(world.leader).get(reverse("tasks:detail", args=[task.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{world.specialist.pk}">{world.specialist}</option>' in html
    assert f'<option value="{world.specialist_other.pk}">' not in html  # another department


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("", "Nhiệm vụ trong phạm vi"),
        ("assigned", "Nhiệm vụ tôi/đơn vị tôi giao"),
        ("lead", "Nhiệm vụ đơn vị tôi chủ trì"),
        ("mine", "Nhiệm vụ tôi được giao"),
    ],
)
def test_each_statistics_view_has_a_chart_drawn_from_its_table(world, role, heading):
    first_task(world, deadline=timezone.localdate() + dt.timedelta(days=10))
    client = signed_in(world.province_leader)
    query = {"tu": "2020-01-01", "den": "2030-12-31", "vai-tro": role}
    body = client.get(reverse("tasks:statistics"), query).content.decode()
    assert f'<h2 class="h5" id="bieu-do">{heading}: nhiệm vụ theo tình trạng' in body
    assert 'data-chart="task-status"' in body
    assert "vendor/chartjs/dist/chart.umd.min.js" in body and "js/stats-charts.js" in body
    assert "<script>" not in body  # no inline script (CSP): the chart is drawn from the table
    if role in ("", "assigned"):
        assert (
            f'data-label="{world.justice.name}" data-done-on-time="0" data-done-late="0" '
            'data-open-in-time="1" data-open-overdue="0"'
        ) in body
