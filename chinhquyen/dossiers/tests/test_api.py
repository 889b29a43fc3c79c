"""The dossier API: public lookup (throttled), applicants' endpoints, officials' endpoints."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import pins, services
from chinhquyen.dossiers.models import Dossier, DossierAttachment, DossierStatus
from chinhquyen.dossiers.pins import PIN_DIGITS

from . import scenarios as sc
from .factories import PDF, World, pdf, receive, reload

S = DossierStatus


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs: object) -> str:
    return reverse(f"dossiers_api:{name}", kwargs=kwargs or None)


# --------------------------------------------------------------------------------------------
# Public lookup
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_lookup(world: World, client: Client) -> None:
    r = receive(world)
    response = client.post(
        url("public-lookup"),
        {"code": r.dossier.code.lower(), "pin": r.pin},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == r.dossier.code
    assert body["status"] == "received" and body["status_label"] == "Đã tiếp nhận"
    assert body["competent_organisation"] == "Sở Tư pháp"
    # no personal data in the public view
    text = json.dumps(body, ensure_ascii=False)
    assert "Nguyễn Văn An" not in text and "0912345678" not in text


@pytest.mark.django_db
def test_unknown_code_and_wrong_pin_are_indistinguishable(
    world: World, client: Client, monkeypatch, django_assert_num_queries
) -> None:
    r = receive(world)
    calls: list[str] = []
    original = pins.pin_digest

    def counting(code: str, pin: str) -> str:
        calls.append(code)
        return original(code, pin)

    monkeypatch.setattr(pins, "pin_digest", counting)
    wrong = "000000" if r.pin != "000000" else "111111"
    answers = []
    for code in (r.dossier.code, "000.00.99.H99-260302-0001"):
        calls.clear()
        with django_assert_num_queries(1):
            response = client.post(
                url("public-lookup"), {"code": code, "pin": wrong}, content_type="application/json"
            )
        assert len(calls) == 1  # the same work: one HMAC, also for an unknown code
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 404
    assert answers[0][1]["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_public_lookup_is_throttled_per_address(world: World, client: Client) -> None:
    for n in range(20):
        response = client.post(
            url("public-lookup"),
            {"code": f"X-260302-{n:04d}", "pin": "123456"},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 404
    response = client.post(
        url("public-lookup"),
        {"code": "X-260302-0001", "pin": "123456"},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"].startswith("Bạn thao tác quá nhanh, vui lòng thử lại sau")
    # another address still has its budget
    other = client.post(
        url("public-lookup"),
        {"code": "X-260302-0001", "pin": "123456"},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.8",
    )
    assert other.status_code == 404


@pytest.mark.django_db
def test_public_lookup_bad_input(client: Client) -> None:
    response = client.post(url("public-lookup"), {"code": ""}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"code", "pin"}


# --------------------------------------------------------------------------------------------
# Applicants
# --------------------------------------------------------------------------------------------


def _submit_payload(world: World) -> dict[str, object]:
    paper = world.versions["province"].papers.get(required=True)
    return {
        "procedure": world.versions["province"].procedure.code,
        "form_data": json.dumps({"ho_ten": "Nguyễn Văn An", "so_luong": 2}),
        f"paper_{paper.pk}": pdf(),
    }


@pytest.mark.django_db
def test_submit_online_with_idempotency_key(world: World) -> None:
    client = client_for(world.users["citizen"])
    first = client.post(url("my-dossiers"), _submit_payload(world), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True and len(body["pin"]) == PIN_DIGITS
    dossier = body["dossier"]
    assert dossier["status"] == "received" and dossier["channel"] == 2
    assert dossier["attachments"][0]["content_type"] == "application/pdf"
    again = client.post(url("my-dossiers"), _submit_payload(world), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200
    assert again.json()["dossier"]["id"] == dossier["id"] and again.json()["pin"] is None
    assert Dossier.objects.count() == 1
    conflict = client.post(
        url("my-dossiers"),
        {**_submit_payload(world), "form_data": json.dumps({"ho_ten": "Khác"})},
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"


@pytest.mark.django_db
def test_submit_online_errors_are_structured(world: World) -> None:
    client = client_for(world.users["citizen"])
    response = client.post(
        url("my-dossiers"),
        {"procedure": world.versions["province"].procedure.code, "form_data": "{}"},
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "form_data.ho_ten" in fields
    response = client.post(url("my-dossiers"), {**_submit_payload(world), "form_data": "{oops"})
    assert response.status_code == 400 and "form_data" in response.json()["error"]["fields"]
    response = client.post(url("my-dossiers"), {**_submit_payload(world), "procedure": "9.999"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "procedure_not_available"
    response = client.post(url("my-dossiers"), {**_submit_payload(world), "giay_to": pdf()})
    assert response.status_code == 400 and "giay_to" in response.json()["error"]["fields"]
    html = _submit_payload(world)
    paper_key = next(k for k in html if k.startswith("paper_"))
    html[paper_key] = pdf("x.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(url("my-dossiers"), html)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_file_type"
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_applicant_flow(world: World) -> None:
    client = client_for(world.users["citizen"])
    d = sc.received(world)
    services.dossier_request_supplement(
        actor=world.users["desk_centre"],
        dossier=d,
        reason="Thiếu bản sao giấy tờ tùy thân.",
        requested_papers=[{"paper_id": world.versions["province"].papers.get(required=False).pk}],
    )
    detail = client.get(url("my-dossier", pk=d.pk)).json()
    assert detail["status"] == "supplement_requested"
    assert [a["action"] for a in detail["allowed_actions"]] == ["supplement_answer", "withdraw"]
    assert detail["pauses"][0]["requested_papers"][0]["name"] == "Bản sao giấy tờ tùy thân"
    paper = world.versions["province"].papers.get(required=False)
    response = client.post(
        url("my-dossier-supplement", pk=d.pk), {"note": "Bổ sung", f"paper_{paper.pk}": pdf()}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "received"
    assert any(a["kind"] == "supplement" for a in body["attachments"])
    response = client.post(
        url("my-dossier-withdraw", pk=d.pk),
        {"reason": "Không cần nữa"},
        content_type="application/json",
    )
    assert response.json()["status"] == "stopped"
    response = client.post(
        url("my-dossier-rating", pk=d.pk), {"score": 3}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "transition_not_allowed"


@pytest.mark.django_db
def test_applicant_rates_and_downloads_the_result(world: World) -> None:
    d = sc.awaiting_approval(world)
    result = services.dossier_attach_result(actor=world.users["leader"], dossier=d, file=pdf())
    client = client_for(world.users["citizen"])
    download = url("my-result-download", pk=d.pk, result_id=result.pk)
    assert client.get(download).status_code == 404  # not before the result is ready
    services.dossier_approve(actor=world.users["leader"], dossier=d)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    services.dossier_return_result(actor=world.users["desk_centre"], dossier=d)
    response = client.post(
        url("my-dossier-rating", pk=d.pk),
        {"score": 3, "comment": "Tốt"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["rating"]["score_label"] == "Rất hài lòng"


@pytest.mark.django_db
def test_applicant_list_query_count(world: World, django_assert_num_queries) -> None:
    client = client_for(world.users["citizen"])
    for _ in range(3):
        sc.received(world)
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(url("my-dossiers"))
    assert response.json()["count"] == 3
    for _ in range(3):
        sc.received(world)
    with django_assert_num_queries(4):
        response = client.get(url("my-dossiers"))
    assert response.json()["count"] == 6


@pytest.mark.django_db
def test_applicant_pin_reset(world: World, client: Client) -> None:
    d = sc.received(world)
    response = client_for(world.users["citizen"]).post(url("my-dossier-pin", pk=d.pk))
    pin = response.json()["pin"]
    lookup = client.post(
        url("public-lookup"), {"code": d.code, "pin": pin}, content_type="application/json"
    )
    assert lookup.status_code == 200


# --------------------------------------------------------------------------------------------
# Officials
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_counter_intake_endpoint(world: World) -> None:
    client = client_for(world.users["desk_centre"])
    paper = world.versions["province"].papers.get(required=True)
    payload = {
        "procedure": world.versions["province"].procedure.code,
        "applicant": {"name": "Hoàng Văn Em", "phone": "0912345678"},
        "papers": [{"paper_id": paper.pk, "original": 1}],
    }
    response = client.post(url("counter-intake"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["dossier"]["applicant_name"] == "Hoàng Văn Em"
    assert body["dossier"]["papers_received"][0]["original"] == 1
    assert [a["action"] for a in body["dossier"]["allowed_actions"]] == [
        "transfer",
        "request_supplement",
        "refuse",
        "withdraw",
    ]
    assert len(body["pin"]) == PIN_DIGITS
    # multipart with scanned papers
    response = client.post(
        url("counter-intake"),
        {
            "procedure": world.versions["province"].procedure.code,
            "applicant": json.dumps({"name": "Hoàng Văn Em"}),
            "papers": json.dumps([{"paper_id": paper.pk, "original": 1}]),
            f"paper_{paper.pk}": pdf("../../scan.pdf"),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["dossier"]["attachments"][0]["original_name"] == "scan.pdf"
    response = client.post(
        url("counter-intake"), {**payload, "papers": []}, content_type="application/json"
    )
    assert response.status_code == 400 and "papers" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_officer_detail_and_actions(world: World) -> None:
    d = sc.received(world)
    desk = client_for(world.users["desk_centre"])
    response = desk.post(
        url("action-transfer", pk=d.pk), {"note": "Chuyển Sở"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "transferred"
    head = client_for(world.users["head"])
    response = head.post(
        url("action-assign", pk=d.pk),
        {"assignee": world.users["spec"].pk},
        content_type="application/json",
    )
    body = response.json()
    assert body["current_assignee"]["id"] == world.users["spec"].pk
    assert body["timeline"][-1]["action_label"] == "Phân công xử lý"
    spec = client_for(world.users["spec"])
    detail = spec.get(url("dossier", pk=d.pk)).json()
    assert [a["action"] for a in detail["allowed_actions"]] == [
        "step_complete",
        "attach_result",
        "request_supplement",
    ]
    assert detail["clock"]["text"]
    assert [s["kind"] for s in detail["steps"]] == ["intake", "work"]
    assert detail["steps"][0]["clock"]["finished"] is True
    # a wrong action for the state: structured 400 in Vietnamese
    response = spec.post(url("action-approve", pk=d.pk), {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "transition_not_allowed"
    # missing reason
    response = spec.post(
        url("action-request-supplement", pk=d.pk), {}, content_type="application/json"
    )
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = spec.post(url("action-attach-result", pk=d.pk), {"name": "Phiếu", "file": pdf()})
    assert response.status_code == 200
    assert response.json()["results"][0]["code"] == f"{d.code}-KQ1"
    response = spec.post(
        url("action-apologise", pk=d.pk),
        {"reason": "Chậm", "new_appointment_at": "2026-01-01T08:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 403  # the apology belongs to the unit head or the leader


@pytest.mark.django_db
def test_inbox_filters_pagination_and_counts(world: World, django_assert_num_queries) -> None:
    dossiers = [sc.received(world) for _ in range(5)]
    services.dossier_transfer(actor=world.users["desk_centre"], dossier=dossiers[0])
    client = client_for(world.users["desk_centre"])
    first = client.get(url("inbox"), {"limit": 2}).json()
    assert len(first["results"]) == 2 and first["next_cursor"]
    assert first["counts"]["received"] == 4 and first["counts"]["transferred"] == 1
    second = client.get(url("inbox"), {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = client.get(url("inbox"), {"limit": 2, "cursor": second["next_cursor"]}).json()
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert sorted(ids) == sorted(d.pk for d in dossiers) and third["next_cursor"] is None
    only = client.get(url("inbox"), {"status": "transferred"}).json()
    assert [r["id"] for r in only["results"]] == [dossiers[0].pk]
    found = client.get(url("inbox"), {"q": dossiers[2].code[-4:]}).json()
    assert dossiers[2].pk in [r["id"] for r in found["results"]]
    by_name = client.get(url("inbox"), {"q": "nguyen van an"}).json()
    assert len(by_name["results"]) == 5
    assert client.get(url("inbox"), {"status": "nonsense"}).status_code == 400
    assert client.get(url("inbox"), {"cursor": "???"}).status_code == 400
    overdue = client.get(url("inbox"), {"overdue": "true"}).json()
    assert len(overdue["results"]) == 5  # received in March 2026, due 10 days later

    # the query count does not grow with the page: session, user, TOTP check (middleware),
    # positions, the ids of the units in scope, page, counts
    with django_assert_num_queries(7):
        client.get(url("inbox"), {"limit": 2})
    with django_assert_num_queries(7) as captured:
        client.get(url("inbox"), {"limit": 5})
    # narrow rows: the page reads no search text, form data or password hash
    page_sql = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    assert page_sql and all(
        column not in sql
        for sql in page_sql
        for column in ('"search_text"', '"form_data"', '"password"', '"lookup_pin_hash"')
    )


@pytest.mark.django_db
def test_attachment_upload_and_download(world: World) -> None:
    d = sc.transferred(world)
    spec = client_for(world.users["spec"])
    response = spec.post(url("attachment-upload", pk=d.pk), {"file": pdf("bien-ban\u202efdp.exe")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == "bien-banfdp.pdf"
    download = spec.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="bien-banfdp.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    response = spec.post(
        url("attachment-upload", pk=d.pk),
        {"file": pdf("x.pdf", b"<!doctype html><title>pdf</title>")},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_file_type"
    # internal files are not shown to the applicant
    applicant = client_for(world.users["citizen"])
    attachment = DossierAttachment.objects.get(pk=body["id"])
    assert (
        applicant.get(
            url("my-attachment-download", pk=d.pk, attachment_id=attachment.pk)
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_bulk_transfer_endpoint(world: World) -> None:
    a, b = sc.received(world), sc.received(world)
    other = receive(world, version="commune").dossier  # received at the commune
    desk = client_for(world.users["desk_centre"])
    response = desk.post(
        url("bulk-transfer"), {"ids": [a.pk, b.pk, other.pk]}, content_type="application/json"
    )
    assert response.status_code == 404  # one is not visible: nothing moves
    assert reload(a).status == S.RECEIVED
    response = desk.post(
        url("bulk-transfer"), {"ids": [a.pk, b.pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert {r["status"] for r in response.json()} == {"transferred"}


@pytest.mark.django_db
def test_tracking_register(world: World) -> None:
    d = sc.transferred(world)
    rows = client_for(world.users["desk_centre"]).get(url("tracking-register")).json()
    assert [r["code"] for r in rows] == [d.code]
    assert rows[0]["line"] == 1 and rows[0]["transferred_at"] is not None
    assert client_for(world.users["desk_commune"]).get(url("tracking-register")).json() == []


@pytest.mark.django_db
def test_a_step_given_to_the_clerk(world: World) -> None:
    d = sc.multi_second_approval(world)
    clerk = client_for(world.users["clerk"])
    assert clerk.get(url("dossier", pk=d.pk)).status_code == 404  # not the clerk's step yet
    governor = client_for(world.users["governor"])
    response = governor.post(
        url("action-step-complete", pk=d.pk), {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    inbox = clerk.get(url("inbox")).json()
    assert [r["id"] for r in inbox["results"]] == [d.pk]
    detail = clerk.get(url("dossier", pk=d.pk)).json()
    assert [a["action"] for a in detail["allowed_actions"]] == [
        "finish",
        "attach_result",
        "request_supplement",
    ]
    response = clerk.post(url("action-finish", pk=d.pk), {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "result_ready"


@pytest.mark.django_db
def test_hostile_uploads_never_cause_a_server_error(world: World, settings) -> None:
    d = sc.transferred(world)
    spec = client_for(world.users["spec"])
    # more files in one request than Django accepts
    files = {
        f"paper_{n}": pdf(f"{n}.pdf") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    response = spec.post(url("action-supplement-answer", pk=d.pk), files)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_parts"
    # oversize
    settings.DOSSIER_MAX_UPLOAD_BYTES = 1024 * 1024
    response = spec.post(
        url("attachment-upload", pk=d.pk), {"file": pdf("big.pdf", PDF + b"0" * (1024 * 1024))}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    # hostile names are neutralised
    for name, expected in (
        ("../x.pdf", "x.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
        ("hoa-don\u202efdp.exe", "hoa-donfdp.pdf"),
    ):
        response = spec.post(url("attachment-upload", pk=d.pk), {"file": pdf(name)})
        assert response.status_code == 201, (name, response.content)
        assert response.json()["original_name"] == expected
    # the count limit of a dossier
    settings.DOSSIER_MAX_FILES = 3
    response = spec.post(url("attachment-upload", pk=d.pk), {"file": pdf()})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_files"
