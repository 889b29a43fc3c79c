"""The documents API end to end: register, assign, tasks, complete; draft to dispatch;
exchange feedback; exports; structured errors; pinned query counts for the lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chinhquyen.accounts.models import User
from chinhquyen.core.pdf import pdf_text
from chinhquyen.documents.models import ExchangeMessage, IncomingDocument

from .helpers import PIN, assigned, doc_type, register, sample_pdf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/documents"


def api(user) -> APIClient:
    """A client authenticated as a fresh copy of ``user`` (nothing cached on the object)."""
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def test_register_through_the_api_with_a_file(world):
    response = api(world.clerk).post(
        f"{BASE}/incoming/",
        {
            "summary": "Về việc báo cáo công tác cải cách hành chính",
            "sender_name": "Bộ Tư pháp",
            "number_notation": "123/BTP-VP",
            "document_type": doc_type().pk,
            "urgency": "urgent",
            "files": [SimpleUploadedFile("bc.pdf", sample_pdf())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["incoming_number"] == 1
    assert body["organisation"]["id"] == world.justice.pk
    assert body["files"][0]["name"] == "bc.pdf"
    assert body["events"][0]["action"] == "register"
    download = api(world.clerk).get(body["files"][0]["url"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")


def test_bad_input_is_a_structured_400(world):
    response = api(world.clerk).post(f"{BASE}/incoming/", {"summary": ""}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "summary" in error["fields"]
    response = api(world.clerk).post(
        f"{BASE}/incoming/", {"summary": "x", "sender_name": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sender_required"


def test_incoming_flow_through_the_api(world):
    document = register(world)
    clerk, leader, head, specialist = (
        api(world.users[k]) for k in ("clerk", "leader", "head", "specialist")
    )
    assert (
        clerk.post(
            f"{BASE}/incoming/{document.pk}/submit/", {"leader": world.leader.pk}
        ).status_code
        == 200
    )
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = leader.post(
        f"{BASE}/incoming/{document.pk}/assign/",
        {
            "lead_unit": world.admin_unit.pk,
            "coordinate_units": [world.support_unit.pk],
            "deadline": deadline,
            "instructions": "Chủ trì trả lời.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["lead_unit"]["id"] == world.admin_unit.pk
    response = head.post(
        f"{BASE}/incoming/{document.pk}/tasks/",
        {"assignee": world.specialist.pk, "due": deadline, "instructions": "Dự thảo."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    task_id = response.json()["id"]
    mine = specialist.get(f"{BASE}/tasks/mine/").json()
    assert [t["id"] for t in mine["results"]] == [task_id]
    assert mine["results"][0]["summary"].startswith("Về việc tổ chức")
    assert specialist.post(f"{BASE}/tasks/{task_id}/start/").json()["status"] == "in_progress"
    done = specialist.post(f"{BASE}/tasks/{task_id}/complete/", {"result": "Xong."}).json()
    assert done["status"] == "done"
    response = head.post(f"{BASE}/incoming/{document.pk}/complete/", {"note": "Đã trả lời."})
    assert response.json()["status"] == "completed"
    slip = clerk.get(f"{BASE}/incoming/{document.pk}/processing-slip/")
    assert slip.status_code == 200 and "Chủ trì trả lời." in pdf_text(slip.content)
    # a second completion is a conflict
    again = head.post(f"{BASE}/incoming/{document.pk}/complete/", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"


def test_wrong_actor_is_403_and_invisible_is_404(world):
    document = register(world)
    response = api(world.head).post(
        f"{BASE}/incoming/{document.pk}/assign/", {"lead_unit": world.admin_unit.pk}
    )
    assert response.status_code == 404  # the unit head does not see an unassigned document
    response = api(world.leader).post(f"{BASE}/incoming/{document.pk}/return/", {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert api(world.clerk_other).get(f"{BASE}/incoming/{document.pk}/").status_code == 404


def test_outgoing_flow_through_the_api(world, credentials):
    drafter, head, leader, clerk = (
        api(world.users[k]) for k in ("specialist", "head", "leader", "clerk")
    )
    response = drafter.post(
        f"{BASE}/outgoing/",
        {
            "drafting_unit": world.admin_unit.pk,
            "document_type": doc_type("Công văn").pk,
            "summary": "Về việc đề nghị cung cấp thông tin",
            "body": "Sở Tư pháp đề nghị Sở Xây dựng cung cấp thông tin.",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "Phó Giám đốc",
            "recipients": [
                {"organisation": world.construction.pk},
                {"name": "Bộ Xây dựng", "agency_code": "000.00.00.G13"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert len(response.json()["recipients"]) == 2
    response = drafter.post(
        f"{BASE}/outgoing/{pk}/submit/",
        {"reviewers": [world.head.pk, world.leader.pk]},
        format="json",
    )
    assert response.json()["status"] == "in_review"
    assert head.post(f"{BASE}/outgoing/{pk}/review/", {"decision": "approve"}).status_code == 200
    assert (
        leader.post(f"{BASE}/outgoing/{pk}/review/", {"decision": "approve"}).json()["status"]
        == "approved"
    )
    issued = clerk.post(f"{BASE}/outgoing/{pk}/issue/").json()
    assert issued["number_notation"] == "01/STP-HCTP" and issued["has_pdf"]
    unconfirmed = leader.post(f"{BASE}/outgoing/{pk}/sign/", {})
    assert unconfirmed.status_code == 400 and "pin" in unconfirmed.json()["error"]["fields"]
    assert leader.post(f"{BASE}/outgoing/{pk}/sign/", {"pin": PIN}).json()["status"] == "signed"
    sent = clerk.post(f"{BASE}/outgoing/{pk}/dispatch/", {}, format="json").json()
    assert sent["status"] == "sent"
    pdf = clerk.get(sent["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    statuses = clerk.get(f"{BASE}/outgoing/{pk}/recipients/").json()
    assert [(m["to_name"], m["status"]) for m in statuses] == [
        ("Sở Xây dựng", "01"),
        ("Bộ Xây dựng", ""),
    ]
    # the recipient registers it: the sender sees 03
    incoming = IncomingDocument.objects.get(organisation=world.construction)
    assert api(world.clerk_other).post(f"{BASE}/incoming/{incoming.pk}/accept/").status_code == 200
    statuses = clerk.get(f"{BASE}/outgoing/{pk}/recipients/").json()
    assert statuses[0]["status"] == "03"
    assert [s["code"] for s in statuses[0]["statuses"]] == ["01", "03"]


def test_take_back_and_feedback_endpoints(world):
    from chinhquyen.documents import services
    from chinhquyen.documents.services import RecipientInput

    from .helpers import issued

    document = services.outgoing_dispatch(
        actor=world.clerk,
        document=issued(
            world,
            is_electronic=False,
            recipients=[
                RecipientInput(organisation=world.construction),
                RecipientInput(name="Bộ Tư pháp", agency_code="000.00.00.G12"),
            ],
        ),
    )
    internal = ExchangeMessage.objects.get(outgoing=document, to_organisation=world.construction)
    external = ExchangeMessage.objects.get(outgoing=document, to_organisation=None)
    clerk, other = api(world.clerk), api(world.clerk_other)
    url = f"{BASE}/exchange/messages/{internal.pk}"
    assert clerk.post(f"{url}/take-back/", {"reason": "Sai phụ lục."}).json()["status"] == "13"
    assert clerk.post(f"{url}/take-back-answer/", {"agree": True}).status_code == 403
    answer = other.post(f"{url}/take-back-answer/", {"agree": True})
    assert answer.status_code == 200 and answer.json()["status"] == "15"
    assert IncomingDocument.objects.get(pk=internal.incoming_id).status == "withdrawn"
    feedback = clerk.post(f"{BASE}/exchange/messages/{external.pk}/feedback/", {"code": "06"})
    assert feedback.json()["status"] == "06"
    # nobody else even finds the message
    assert (
        api(world.specialist_support).post(f"{url}/take-back/", {"reason": "x"}).status_code == 404
    )


def test_register_exports(world):
    register(world)
    register(world, summary="Về việc mật", secrecy="secret")
    response = api(world.clerk).get(f"{BASE}/registers/export/", {"kind": "incoming"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][:3] == ("Ngày đến", "Số đến", "Tác giả")
    assert [r[1] for r in rows[4:]] == ["01", "01"]  # regular and secret sequences
    pdf = api(world.clerk).get(f"{BASE}/registers/export/", {"kind": "incoming", "output": "pdf"})
    text = pdf_text(pdf.content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Tác giả" in text
    # the leader does not see the secret row he was never named on
    rows = list(
        load_workbook(
            io.BytesIO(
                api(world.leader).get(f"{BASE}/registers/export/", {"kind": "incoming"}).content
            )
        ).active.iter_rows(values_only=True)
    )
    assert len(rows[4:]) == 1
    # another organisation's registers cannot be exported
    response = api(world.clerk).get(
        f"{BASE}/registers/export/", {"kind": "incoming", "organisation": world.construction.pk}
    )
    assert response.status_code == 403
    assert (
        api(world.specialist).get(f"{BASE}/registers/export/", {"kind": "incoming"}).status_code
        == 403
    )


def _count_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_are_pinned(world):
    from chinhquyen.documents import services

    from .helpers import issued

    for _ in range(2):
        document = assigned(world)
        services.task_create(actor=world.head, document=document, assignee=world.specialist)
        issued(world)
    few_in = _count_queries(api(world.leader), f"{BASE}/incoming/")
    few_out = _count_queries(api(world.leader), f"{BASE}/outgoing/")
    few_tasks = _count_queries(api(world.specialist), f"{BASE}/tasks/mine/")
    for _ in range(6):
        document = assigned(world)
        services.task_create(actor=world.head, document=document, assignee=world.specialist)
        issued(world)
    assert _count_queries(api(world.leader), f"{BASE}/incoming/") == few_in
    assert _count_queries(api(world.leader), f"{BASE}/outgoing/") == few_out
    assert _count_queries(api(world.specialist), f"{BASE}/tasks/mine/") == few_tasks
    # positions, count, page (+ the active assignments of the incoming page)
    assert (few_in, few_out, few_tasks) == (4, 3, 3)
