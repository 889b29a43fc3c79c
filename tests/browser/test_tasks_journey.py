"""Directive and task tracking in a real browser (issue #12), at 1280 px and on a 375 px phone.

1. The province leader gives a directive from a document registered at the province, with two
   tasks: one led by Sở Tư pháp, one by Sở Xây dựng.
2. The head of Sở Tư pháp delegates his task to a specialist of Phòng Hành chính tư pháp.
3. The specialist reports progress, then completes with an issued outgoing document.
4. The head (the sub-task's assigner) accepts; he completes his own task with the same
   document; the province leader (its assigner) accepts.
5. The leader's statistics count it "Hoàn thành đúng hạn"; the drill-down lists it.

Every page visited is checked by axe-core at the person's width and must not be wider than the
screen. Data: the documents tests' small province (``documents/tests/conftest.build_world``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chinhquyen.documents import services as doc_services
from chinhquyen.documents.tests.conftest import build_world
from chinhquyen.documents.tests.helpers import issued, register
from chinhquyen.tasks.models import Category, Task, TaskStatus

from .a11y import check_a11y
from .conftest import Person
from .steps import from_main_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Triển khai Kế hoạch chuyển đổi số năm 2026"
TASK_JUSTICE = "Sở Tư pháp rà soát thủ tục hành chính cắt giảm thời gian giải quyết"
TASK_BUILDING = "Sở Xây dựng cập nhật cơ sở dữ liệu công trình"
SUB_TASK = "Phòng Hành chính tư pháp lập danh mục thủ tục đề xuất cắt giảm"
EVIDENCE = "Báo cáo kết quả rà soát thủ tục hành chính"


def _document_types() -> None:
    """The types seeded by migration 0002 (a transactional test before this one flushed them)."""
    from django.apps import apps

    seed = importlib.import_module("chinhquyen.documents.migrations.0002_seed_document_types")
    seed.seed(apps, None)


def _fits(person: Person, label: str) -> None:
    """No horizontal scrolling, and no serious or critical axe-core finding."""
    page = person.page
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{label} at {person.width} px: page is {width} px wide"
    check_a11y(page, f"{person.name}: {label} ({person.width} px)")


def _done(person: Person, text: str) -> None:
    expect(person.page.get_by_role("status").first).to_contain_text(text)


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_directive_delegated_completed_accepted_counts_on_time(
    people: Callable[..., Person], width: int
) -> None:
    _document_types()
    world = build_world()
    source = register(
        world,
        actor=world.province_clerk,
        organisation=world.province,
        summary="Về việc triển khai Kế hoạch chuyển đổi số năm 2026",
    )
    source = doc_services.incoming_submit(
        actor=world.province_clerk, document=source, leader=world.province_leader
    )
    evidence = issued(world, summary=EVIDENCE)
    deadline = timezone.localdate() + dt.timedelta(days=20)

    # 1. the province leader gives the directive from the document ---------------------------
    leader = people("lanhdao", width=width)
    ld = leader.page
    sign_in(leader, world.province_leader, totp=True)
    from_main_menu(leader, "Nhiệm vụ")
    expect(ld.get_by_role("heading", name="Nhiệm vụ", exact=True)).to_be_visible()
    _fits(leader, "danh sách nhiệm vụ")
    # from the incoming document's page
    leader.go(reverse("documents:incoming_detail", args=[source.pk]))
    ld.get_by_role("link", name="Giao nhiệm vụ từ văn bản này").click()
    expect(ld.get_by_role("heading", name="Giao nhiệm vụ")).to_be_visible()
    expect(ld.get_by_label("Nguồn")).to_have_value("document")
    _fits(leader, "giao nhiệm vụ")
    ld.get_by_label("Trích yếu chỉ đạo").fill(TITLE)
    for i, (content, unit) in enumerate(
        ((TASK_JUSTICE, world.justice), (TASK_BUILDING, world.construction))
    ):
        row = ld.get_by_role("group", name=f"Nhiệm vụ {i + 1}")
        row.get_by_label("Nội dung").fill(content)
        row.get_by_label("Đơn vị chủ trì").select_option(str(unit.pk))
        row.get_by_label("Loại thời hạn").select_option("date")
        row.get_by_label("Đến ngày").fill(deadline.isoformat())
    ld.get_by_role("button", name="Giao nhiệm vụ").click()
    _done(leader, "Đã giao 2 nhiệm vụ.")
    expect(ld.get_by_role("link", name=TASK_BUILDING)).to_be_visible()
    task = Task.objects.get(content=TASK_JUSTICE)
    assert task.directive.incoming_id == source.pk and task.due is not None

    # 2. the head of Sở Tư pháp delegates to the specialist -----------------------------------
    head = people("giamdocso", width=width)
    hd = head.page
    sign_in(head, world.leader, totp=True)
    from_main_menu(head, "Nhiệm vụ")
    hd.get_by_role("link", name=TASK_JUSTICE).click()
    expect(hd.get_by_role("heading", name=TASK_JUSTICE)).to_be_visible()
    _fits(head, "nhiệm vụ của sở")
    delegate = hd.locator("form", has=hd.get_by_role("heading", name="Giao tiếp cho cấp dưới"))
    delegate.get_by_label("Nội dung").fill(SUB_TASK)
    delegate.get_by_label("Đơn vị trực thuộc").select_option(str(world.admin_unit.pk))
    delegate.get_by_label("Cán bộ (chuyên viên) thực hiện").select_option(str(world.specialist.pk))
    delegate.get_by_role("button", name="Giao", exact=True).click()
    _done(head, "Đã giao tiếp nhiệm vụ.")
    expect(hd.get_by_role("heading", name=SUB_TASK)).to_be_visible()
    sub = Task.objects.get(content=SUB_TASK)
    assert sub.parent_id == task.pk and sub.assignee_id == world.specialist.pk

    # 3. the specialist reports progress and completes with the outgoing document ------------
    spec = people("chuyenvien", width=width)
    sp = spec.page
    sign_in(spec, world.specialist, totp=True)
    from_main_menu(spec, "Nhiệm vụ")
    sp.get_by_role("link", name=SUB_TASK).click()
    expect(sp.get_by_role("heading", name=SUB_TASK)).to_be_visible()
    _fits(spec, "việc được giao")
    sp.get_by_label("Tiến độ (%)").fill("60")
    sp.get_by_label("Nội dung", exact=True).fill("Đã rà soát 12/20 thủ tục.")
    sp.get_by_role("button", name="Gửi báo cáo").click()
    _done(spec, "Đã gửi báo cáo tiến độ.")
    expect(sp.get_by_role("listitem").filter(has_text="Đã rà soát 12/20 thủ tục.")).to_contain_text(
        "60%"
    )
    sp.get_by_label("Văn bản báo cáo kết quả").select_option(str(evidence.pk))
    sp.get_by_role("button", name="Báo cáo hoàn thành").click()
    _done(spec, "Đã báo cáo hoàn thành, chờ người giao xác nhận.")
    _fits(spec, "đã báo cáo hoàn thành")
    task.refresh_from_db()
    assert task.progress == 60  # the sub-task's report rolled up

    # 4. the head accepts the sub-task and completes his own; the leader accepts -------------
    head.go(reverse("tasks:detail", args=[sub.pk]))
    expect(hd.get_by_role("heading", name="Xác nhận kết quả")).to_be_visible()
    _fits(head, "xác nhận việc giao tiếp")
    hd.get_by_role("button", name="Xác nhận hoàn thành").click()
    _done(head, "Đã xác nhận hoàn thành.")
    hd.get_by_role("link", name=re.compile("^Sở Tư pháp rà soát")).click()
    expect(hd.get_by_role("heading", name=TASK_JUSTICE)).to_be_visible()
    expect(hd.get_by_role("progressbar", name="Tiến độ")).to_have_attribute("value", "100")
    hd.get_by_label("Văn bản báo cáo kết quả").select_option(str(evidence.pk))
    hd.get_by_role("button", name="Báo cáo hoàn thành").click()
    _done(head, "Đã báo cáo hoàn thành, chờ người giao xác nhận.")

    leader.go(reverse("tasks:detail", args=[task.pk]))
    expect(ld.get_by_role("heading", name="Xác nhận kết quả")).to_be_visible()
    expect(ld.get_by_text(evidence.number_notation).first).to_be_visible()
    _fits(leader, "xác nhận hoàn thành")
    ld.get_by_label("Ý kiến").fill("Đồng ý kết quả.")
    ld.get_by_role("button", name="Xác nhận hoàn thành").click()
    _done(leader, "Đã xác nhận hoàn thành.")
    expect(ld.get_by_text("Hoàn thành đúng hạn", exact=True)).to_be_visible()
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED

    # 5. the statistics count it on time; the drill-down lists it -----------------------------
    ld.get_by_role("navigation", name="Theo dõi nhiệm vụ").get_by_role(
        "link", name="Thống kê"
    ).click()
    expect(ld.get_by_role("heading", name="Thống kê nhiệm vụ")).to_be_visible()
    ld.get_by_label("Kỳ báo cáo").select_option("")
    ld.get_by_role("button", name="Xem", exact=True).click()
    expect(ld.get_by_text("Tất cả nhiệm vụ;")).to_be_visible()
    table = ld.get_by_role("table", name=re.compile("^Số nhiệm vụ theo tình trạng"))
    justice = table.get_by_role("row", name=re.compile("^Sở Tư pháp"))
    cells = justice.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("1")  # hoàn thành đúng hạn
    expect(cells.nth(4)).to_have_text("1")  # tổng số
    expect(cells.nth(5)).to_have_text("100,0%")
    building = table.get_by_role("row", name=re.compile("^Sở Xây dựng"))
    expect(building.get_by_role("cell").nth(2)).to_have_text("1")  # chưa hoàn thành trong hạn
    # the chart is drawn beside its table (Chart.js, no inline script) and fits the screen
    chart = ld.locator(".stat-chart canvas")
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, box
    assert box["x"] + box["width"] <= leader.width, box
    expect(ld.get_by_role("heading", name=re.compile("nhiệm vụ theo tình trạng"))).to_be_visible()
    _fits(leader, "thống kê")
    # the view "tasks I assigned" has its own chart and table
    ld.get_by_label("Phạm vi", exact=True).select_option("assigned")
    ld.get_by_role("button", name="Xem", exact=True).click()
    expect(
        ld.get_by_role("heading", name="Nhiệm vụ tôi/đơn vị tôi giao: nhiệm vụ theo tình trạng")
    ).to_be_visible()
    expect(ld.locator(".stat-chart canvas")).to_have_count(1)
    expect(table.get_by_role("row", name=re.compile("^Sở Tư pháp"))).to_be_visible()
    _fits(leader, "thống kê nhiệm vụ tôi giao")
    ld.get_by_label("Phạm vi", exact=True).select_option("")
    ld.get_by_role("button", name="Xem", exact=True).click()
    expect(ld.get_by_text("Tất cả nhiệm vụ;")).to_be_visible()
    cells.nth(0).get_by_role("link").click()
    expect(ld).to_have_url(re.compile(f"nhom={Category.DONE_ON_TIME}"))
    row = ld.get_by_role("row", name=re.compile(TASK_JUSTICE))
    expect(row).to_contain_text("Hoàn thành đúng hạn")
    expect(ld.get_by_role("link", name=TASK_BUILDING)).to_have_count(0)
    _fits(leader, "nhiệm vụ hoàn thành đúng hạn")
    for person in (leader, head, spec):
        assert not [e for e in person.errors if "/favicon.ico:" not in e], person.errors
