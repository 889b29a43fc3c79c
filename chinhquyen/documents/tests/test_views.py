"""Officer screens: quick registration (autofocus, sender autocomplete), lists, detail with the
leader's assignment form, "Việc của tôi" with overdue rows, outgoing through approval and
dispatch, register exports; errors shown on the form, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.documents import services
from chinhquyen.documents.models import IncomingDocument, IncomingStatus, OutgoingDocument, Secrecy
from chinhquyen.web.tests.html import Page

from .helpers import assigned, doc_type, draft, register

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_quick_registration_form_is_keyboard_friendly(world):
    response = login(world.clerk).get(reverse("documents:incoming_register"))
    assert response.status_code == 200
    page = Page(response.content.decode())
    sender = page.find_all("input", name="sender_name")[0]
    assert "autofocus" in sender and sender["list"] == "sender-options"
    assert page.find_all("datalist", id="sender-options")
    htmx = [a for t, a in page.tags if a.get("hx-get") == reverse("documents:sender_suggestions")]
    assert htmx and htmx[0]["hx-trigger"].startswith("input changed")
    summary = page.find_all("input", name="summary")[0]  # a one-line input: Enter submits
    assert summary["type"] == "text"
    assert page.unlabelled_inputs() == []
    assert page.find_all("input", type="hidden", name="organisation")  # one organisation


def test_sender_autocomplete_ignores_accents(world):
    response = login(world.clerk).get(
        reverse("documents:sender_suggestions"), {"sender_name": "so xay"}
    )
    assert response.status_code == 200
    assert f'value="Sở Xây dựng — {world.construction.agency_code}"' in response.content.decode()


def test_register_through_the_form_links_the_sender(world):
    client = login(world.clerk)
    response = client.post(
        reverse("documents:incoming_register"),
        {
            "organisation": world.justice.pk,
            "sender_name": f"Sở Xây dựng — {world.construction.agency_code}",
            "number_notation": "12/SXD-VP",
            "summary": "Về việc góp ý dự thảo quy chế",
            "urgency": "normal",
            "secrecy": "normal",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:incoming_register")
    document = IncomingDocument.objects.get()
    assert document.sender_organisation == world.construction
    assert document.sender_name == "Sở Xây dựng"
    follow = client.get(response["Location"])
    assert "Đã vào sổ văn bản đến số 01" in follow.content.decode()


def test_register_errors_stay_on_the_form(world):
    response = login(world.clerk).post(
        reverse("documents:incoming_register"),
        {"organisation": world.justice.pk, "sender_name": "", "summary": "", "urgency": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vui lòng nhập cơ quan gửi." in html and "Vui lòng nhập trích yếu." in html
    assert IncomingDocument.objects.count() == 0


def test_only_clerks_register_and_non_document_officials_get_403(world):
    assert login(world.leader).get(reverse("documents:incoming_register")).status_code == 403
    assert login(world.it_admin).get(reverse("documents:incoming_list")).status_code == 403
    anonymous = Client().get(reverse("documents:incoming_list"))
    assert anonymous.status_code == 302


def test_leader_assigns_from_the_detail_page(world):
    document = register(world)
    client = login(world.leader)
    page = client.get(reverse("documents:incoming_detail", args=[document.pk]))
    assert page.status_code == 200
    assert "Phân công xử lý" in page.content.decode()
    deadline = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("documents:incoming_action", args=[document.pk, "assign"]),
        {
            "phan-cong-lead_unit": world.admin_unit.pk,
            "phan-cong-coordinate_units": [world.support_unit.pk],
            "phan-cong-deadline": deadline.isoformat(),
            "phan-cong-instructions": "Chủ trì.",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == IncomingStatus.ASSIGNED and document.deadline == deadline


def test_assignment_errors_render_on_the_form(world):
    document = register(world)
    response = login(world.leader).post(
        reverse("documents:incoming_action", args=[document.pk, "assign"]),
        {"phan-cong-lead_unit": world.construction_unit.pk},
    )
    assert response.status_code == 400
    assert "Đơn vị không hợp lệ." in response.content.decode()


def test_invisible_documents_are_404(world):
    document = register(world, secrecy=Secrecy.SECRET)
    for who in ("leader", "clerk_other", "head"):
        client = login(world.users[who])
        assert (
            client.get(reverse("documents:incoming_detail", args=[document.pk])).status_code == 404
        )
        assert (
            client.post(
                reverse("documents:incoming_action", args=[document.pk, "accept"])
            ).status_code
            == 404
        )


def test_my_tasks_highlights_overdue(world):
    document = assigned(world)
    services.task_create(
        actor=world.head,
        document=document,
        assignee=world.specialist,
        due=timezone.localdate(),
        instructions="Nghiên cứu.",
    )
    late = assigned(world, summary="Về việc báo cáo quá hạn")
    task = services.task_create(actor=world.head, document=late, assignee=world.specialist)
    type(task).objects.filter(pk=task.pk).update(due=timezone.localdate() - dt.timedelta(days=2))
    response = login(world.specialist).get(reverse("documents:my_tasks"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="table-danger"') == 1
    assert "Quá hạn" in html and "Hết hạn hôm nay" in html
    done = login(world.specialist).post(
        reverse("documents:task_action", args=[task.pk, "complete"]), {"result": "Xong."}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_outgoing_draft_submit_review_issue_from_the_screens(world):
    drafter = login(world.specialist)
    response = drafter.post(
        reverse("documents:outgoing_create"),
        {
            "drafting_unit": world.admin_unit.pk,
            "document_type": doc_type("Thông báo").pk,
            "summary": "Về việc nghỉ lễ",
            "body": "Thông báo lịch nghỉ lễ.",
            "urgency": "normal",
            "secrecy": "normal",
            "is_electronic": "on",
            "recipients": [world.construction.pk],
            "external_recipients": "Bộ Tư pháp — 000.00.00.G12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = OutgoingDocument.objects.get()
    assert [r.name for r in document.recipients.all()] == ["Sở Xây dựng", "Bộ Tư pháp"]
    submit = drafter.post(
        reverse("documents:outgoing_action", args=[document.pk, "submit"]),
        {"unit_reviewer": world.head.pk, "signer": world.leader.pk},
    )
    assert submit.status_code == 302
    for user in (world.head, world.leader):
        assert (
            login(user)
            .post(
                reverse("documents:outgoing_action", args=[document.pk, "review"]),
                {"decision": "approve"},
            )
            .status_code
            == 302
        )
    issue = login(world.clerk).post(
        reverse("documents:outgoing_action", args=[document.pk, "issue"])
    )
    assert issue.status_code == 302
    document.refresh_from_db()
    assert document.number_notation == "01/TB-STP"
    pdf = login(world.clerk).get(reverse("documents:outgoing_file", args=[document.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = login(world.leader).get(reverse("documents:outgoing_detail", args=[document.pk]))
    assert "Ký số" in detail.content.decode()


def test_outgoing_form_requires_content(world):
    response = login(world.specialist).post(
        reverse("documents:outgoing_create"),
        {
            "drafting_unit": world.admin_unit.pk,
            "document_type": doc_type().pk,
            "summary": "x",
            "urgency": "normal",
            "secrecy": "normal",
        },
    )
    assert response.status_code == 200
    assert "Hãy nhập nội dung hoặc tải tệp dự thảo lên." in response.content.decode()


def test_lists_and_search_pages(world):
    register(world)
    draft(world)
    clerk = login(world.clerk)
    html = clerk.get(reverse("documents:incoming_list"), {"q": "tap huan"}).content.decode()
    assert "Về việc tổ chức tập huấn" in html
    assert "Có 1 văn bản." in html
    assert (
        "Không có văn bản nào"
        in clerk.get(reverse("documents:incoming_list"), {"q": "khong co dau"}).content.decode()
    )
    html = login(world.specialist).get(reverse("documents:outgoing_list")).content.decode()
    assert "Về việc cử cán bộ tham dự tập huấn" in html


def test_register_export_page(world):
    register(world)
    client = login(world.clerk)
    assert client.get(reverse("documents:registers")).status_code == 200
    response = client.get(
        reverse("documents:registers"),
        {
            "kind": "incoming",
            "organisation": world.justice.pk,
            "year": timezone.localdate().year,
            "output": "xlsx",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-van-ban-den-')
    assert login(world.specialist).get(reverse("documents:registers")).status_code == 403


def test_navigation_entries_appear_for_document_roles(world):
    html = login(world.clerk).get(reverse("web:workspace")).content.decode()
    for url in ("documents:incoming_list", "documents:incoming_register", "documents:registers"):
        assert reverse(url) in html
    html = login(world.specialist).get(reverse("web:workspace")).content.decode()
    assert reverse("documents:my_tasks") in html
    assert reverse("documents:incoming_register") not in html
