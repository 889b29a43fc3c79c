"""The officer screens of #10 item 9: unique ids on the incoming page (the task's content is
saved), the leader list without preselection and with titles, assignment to a named person,
the assignee's reply, and signing confirmed with the signing PIN."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from chinhquyen.core.api import DomainError
from chinhquyen.documents import services
from chinhquyen.documents.models import IncomingStatus, OutgoingStatus, Task, TaskStatus
from chinhquyen.signing.confirm import MAX_FAILURES

from .helpers import PIN, assigned, doc_type, issued, register

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ids(html: str) -> Counter[str]:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_incoming_page_ids_are_unique_and_the_task_content_is_saved(world):
    document = assigned(world)
    leader = login(world.leader)
    html = leader.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    assert "Phân công xử lý" in html and "Giao việc cho cán bộ" in html  # both forms
    ids = _ids(html)
    assert [i for i, n in ids.items() if n > 1] == []
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', html):
        assert ids[target] == 1, target
    response = leader.post(
        reverse("documents:incoming_action", args=[document.pk, "task"]),
        {"giao-viec-assignee": world.specialist.pk, "giao-viec-instructions": "Dự thảo trả lời."},
    )
    assert response.status_code == 302
    task = Task.objects.get(document=document, assignee=world.specialist)
    assert task.instructions == "Dự thảo trả lời."
    document.refresh_from_db()
    assert document.instructions == "Phòng HCTP chủ trì tham mưu trả lời."  # unchanged


def test_submit_to_leader_preselects_nobody_and_shows_titles(world):
    document = register(world)
    clerk = login(world.clerk)
    html = clerk.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    select = re.search(r'<select[^>]*name="trinh-leader".*?</select>', html, re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>[^<]*</option>", select.group(0))
    assert "— Chọn lãnh đạo —" in options[0] and 'value=""' in options[0]
    assert not any("selected" in o for o in options[1:])  # only the placeholder
    assert any(f"{world.leader} — " in o and "Sở Tư pháp" in o for o in options)
    response = clerk.post(reverse("documents:incoming_action", args=[document.pk, "submit"]), {})
    assert response.status_code == 400
    assert "Vui lòng chọn lãnh đạo được trình." in response.content.decode()
    document.refresh_from_db()
    assert document.status == IncomingStatus.REGISTERED


def test_leader_assigns_to_a_named_person_with_content(world):
    document = register(world)
    leader = login(world.leader)
    url = reverse("documents:incoming_action", args=[document.pk, "assign"])
    wrong = leader.post(
        url,
        {"phan-cong-lead_unit": world.admin_unit.pk, "phan-cong-assignee": world.clerk.pk},
    )
    assert wrong.status_code == 400
    assert "không công tác tại đơn vị xử lý chính hoặc phối hợp" in wrong.content.decode()
    response = leader.post(
        url,
        {
            "phan-cong-lead_unit": world.admin_unit.pk,
            "phan-cong-assignee": world.specialist.pk,
            "phan-cong-instructions": "Đồng chí Minh nghiên cứu, trả lời.",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == IncomingStatus.IN_PROGRESS
    assert document.instructions == "Đồng chí Minh nghiên cứu, trả lời."
    task = Task.objects.get(document=document)
    assert task.assignee == world.specialist and task.unit == world.admin_unit
    assert task.instructions == "Đồng chí Minh nghiên cứu, trả lời."


def test_the_assignee_replies_and_the_reply_completes_the_task_when_issued(world):
    document = assigned(world, number_notation="07/SXD-QLXD")
    task = services.task_create(actor=world.head, document=document, assignee=world.specialist)
    specialist = login(world.specialist)
    html = specialist.get(reverse("documents:incoming_detail", args=[document.pk])).content.decode()
    reply_url = f"{reverse('documents:outgoing_create')}?tra-loi={document.pk}"
    assert "Trả lời văn bản này" in html and reply_url.replace("?", "?") in html
    form = specialist.get(reply_url).content.decode()
    assert "Trả lời văn bản số 07/SXD-QLXD của Sở Xây dựng" in form
    response = specialist.post(
        reply_url,
        {
            "drafting_unit": world.admin_unit.pk,
            "document_type": doc_type("Công văn").pk,
            "summary": "Trả lời văn bản số 07/SXD-QLXD của Sở Xây dựng",
            "body": "Sở Tư pháp trả lời như sau.",
            "urgency": "normal",
            "secrecy": "normal",
            "recipients": [world.construction.pk],
        },
    )
    assert response.status_code == 302
    reply = document.replies.get()
    assert reply.drafted_by == world.specialist
    services.outgoing_submit(actor=world.specialist, document=reply, reviewers=[world.leader])
    services.outgoing_review(actor=world.leader, document=reply, approve=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    services.outgoing_issue(actor=world.clerk, document=reply)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and "Văn bản trả lời" in task.result


def test_signing_needs_the_pin_of_the_key(world, credentials):
    cache.clear()
    document = issued(world)
    with pytest.raises(DomainError) as missing:
        services.outgoing_sign(actor=world.leader, document=document, pin="")
    assert missing.value.error_code == "pin_required"
    with pytest.raises(DomainError) as wrong:
        services.outgoing_sign(actor=world.leader, document=document, pin="sai-mat-khau")
    assert wrong.value.error_code == "pin_invalid"
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED and document.signed_at is None

    leader = login(world.leader)
    html = leader.get(reverse("documents:outgoing_detail", args=[document.pk])).content.decode()
    assert 'type="password"' in html and "Mật khẩu (PIN) tệp khóa ký số" in html
    url = reverse("documents:outgoing_action", args=[document.pk, "sign"])
    assert leader.post(url, {}).status_code == 400  # no one-click signing
    document.refresh_from_db()
    assert document.signed_at is None
    assert leader.post(url, {"pin": PIN}).status_code == 302
    document.refresh_from_db()
    assert document.status == OutgoingStatus.SIGNED


def test_wrong_pins_lock_signing(world, credentials):
    cache.clear()
    document = issued(world)
    for _ in range(MAX_FAILURES):
        with pytest.raises(DomainError):
            services.outgoing_sign(actor=world.leader, document=document, pin="sai")
    with pytest.raises(DomainError) as locked:
        services.outgoing_sign(actor=world.leader, document=document, pin=PIN)
    assert locked.value.error_code == "pin_locked"
    cache.clear()
