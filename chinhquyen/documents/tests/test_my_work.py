"""Issue #10 item 8: "Việc của tôi" shows leaders and unit heads their work, not only tasks —
a document submitted to a leader, a draft awaiting their approval, an assignment to a unit
head's unit that no one of the unit has been given yet."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.documents import services
from chinhquyen.documents.selectors import my_work

from .helpers import assigned, draft, register

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("documents:my_tasks"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_document_submitted_to_the_leader_is_their_work(world):
    document = services.incoming_submit(
        actor=world.clerk, document=register(world), leader=world.leader
    )
    assert list(my_work(world.leader).to_assign) == [document]
    assert not my_work(world.head).to_assign.exists()
    html = _page(world.leader)
    assert "Văn bản đến trình tôi cho ý kiến chỉ đạo (1)" in html
    assert reverse("documents:incoming_detail", args=[document.pk]) in html
    # once assigned, it leaves the leader's work and reaches the lead unit's head
    services.incoming_assign(actor=world.leader, document=document, lead_unit=world.admin_unit)
    assert not my_work(world.leader).to_assign.exists()
    assert [a.document for a in my_work(world.head).to_distribute] == [document]


def test_a_draft_is_the_work_of_the_current_reviewer_only(world):
    document = draft(world)
    services.outgoing_submit(
        actor=world.specialist, document=document, reviewers=[world.head, world.leader]
    )
    assert list(my_work(world.head).to_review) == [document]
    assert not my_work(world.leader).to_review.exists()
    assert "Dự thảo chờ tôi duyệt (1)" in _page(world.head)
    services.outgoing_review(actor=world.head, document=document, approve=True)
    assert not my_work(world.head).to_review.exists()
    assert list(my_work(world.leader).to_review) == [document]
    assert "Dự thảo chờ tôi duyệt (1)" in _page(world.leader)


def test_an_assignment_waits_for_the_unit_head_until_a_task_is_given(world):
    document = assigned(world)  # lead: admin unit; coordinating: support unit
    html = _page(world.head)
    assert "Văn bản giao đơn vị tôi, chưa giao người xử lý (1)" in html
    assert [a.document for a in my_work(world.head_support).to_distribute] == [document]
    assert not my_work(world.head_other).to_distribute.exists()
    services.task_create(actor=world.head, document=document, assignee=world.specialist, due=None)
    assert not my_work(world.head).to_distribute.exists()
    assert my_work(world.head_support).to_distribute.exists()  # its own unit still has to act
    assert my_work(world.specialist).counts()["tasks"] == 1
