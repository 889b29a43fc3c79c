"""Pages and API: the public board never shows identity; lookup; scoping; satisfaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from chinhquyen.accounts.testing import force_login_with_mfa

from .. import services
from ..models import FeedbackItem, Status
from ..satisfaction import satisfaction_by, satisfaction_by_unit
from .conftest import FW, photo, sent_code

pytestmark = pytest.mark.django_db
LIMITS = {"DOSSIER_LOOKUP_CODE_LIMIT": 1000, "DOSSIER_LOOKUP_ADDRESS_LIMIT": 1000}


def _published(fw: FW) -> FeedbackItem:
    item, _pin = fw.submit(photos=[photo()])
    services.feedback_forward(actor=fw.users["coord"], item=item)
    services.feedback_answer(actor=fw.users["env_spec"], item=item, text="Đã thu dọn xong bãi rác.")
    services.feedback_approve(actor=fw.users["env_head"], item=item)
    return services.feedback_publish(
        actor=fw.users["coord"],
        item=item,
        public_title="Bãi rác ven đường liên xã",
        public_text="Bãi rác tự phát tại xã An Bình.",
        no_identity_confirmed=True,
    )


def _secrets(fw: FW) -> list[str]:
    return ["Bí Mật", "0912345678", "84912345678", "dan@example.vn", "Có bãi rác lớn ở đầu ngõ 12"]


def test_public_board_html_and_api_never_show_identity(fw: FW) -> None:
    item = _published(fw)
    unpublished, _ = fw.submit(title="Chưa công khai XYZ")
    client = Client()
    for url in ("/phan-anh/", f"/phan-anh/cong-khai/{item.code}/", "/phan-anh/?q=bai rac"):
        html = client.get(url).content.decode()
        assert item.code in html, url
        for secret in _secrets(fw):
            assert secret not in html, (url, secret)
        assert unpublished.code not in html
    body = APIClient().get("/api/v1/feedback/public/").json()
    assert [row["code"] for row in body["results"]] == [item.code]
    text = str(body)
    for secret in _secrets(fw):
        assert secret not in text
    assert not {"sender_name", "sender_contact", "citizen"} & set(body["results"][0])
    assert APIClient().get(f"/phan-anh/cong-khai/{unpublished.code}/").status_code == 404


def test_board_search_is_accent_insensitive(fw: FW) -> None:
    item = _published(fw)
    for q in ("bai rac", "BÃI RÁC", "lien xa"):
        body = APIClient().get("/api/v1/feedback/public/", {"q": q}).json()
        assert [r["code"] for r in body["results"]] == [item.code], q
    assert APIClient().get("/api/v1/feedback/public/", {"q": "giao thong"}).json()["results"] == []
    # the sender's own words are not searchable on the board
    assert APIClient().get("/api/v1/feedback/public/", {"q": "ngo 12"}).json()["results"] == []


@override_settings(**LIMITS)
def test_lookup_same_answer_for_unknown_code_and_wrong_pin(fw: FW) -> None:
    item, pin = fw.submit()
    api = APIClient()
    ok = api.get("/api/v1/feedback/lookup/", {"code": item.code, "pin": pin})
    assert ok.status_code == 200 and ok.json()["status"] == Status.NEW
    assert "sender_contact" not in ok.json()
    wrong = api.get("/api/v1/feedback/lookup/", {"code": item.code, "pin": "00000000"})
    unknown = api.get("/api/v1/feedback/lookup/", {"code": "PA-000000-999999", "pin": pin})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_lookup_is_rate_limited(fw: FW) -> None:
    item, _pin = fw.submit()
    api = APIClient()
    codes = [
        api.get("/api/v1/feedback/lookup/", {"code": item.code, "pin": "1"}).status_code
        for _ in range(12)
    ]
    assert codes[-1] == 429


@override_settings(**LIMITS)
def test_api_submit_anonymous_with_code_then_rate_by_pin(fw: FW) -> None:
    api = APIClient()
    assert (
        api.post(
            "/api/v1/feedback/contact-code/", {"contact": "nguoidan@example.vn"}, format="json"
        ).status_code
        == 202
    )
    payload = {
        "kind": "field",
        "category": fw.category.pk,
        "title": "Đèn đường hỏng",
        "text": "Đèn đường hỏng ở ngã ba.",
        "sender_name": "Trần Thị Ẩn",
        "sender_contact": "nguoidan@example.vn",
        "contact_code": sent_code(),
        "consent_publish": "true",
        "commune": fw.orgs["commune_a"].pk,
        "latitude": "21.000001",
        "longitude": "105.000001",
        "photos": [photo()],
    }
    response = api.post("/api/v1/feedback/", payload, format="multipart")
    assert response.status_code == 201, response.json()
    code, pin = response.json()["code"], response.json()["pin"]
    item = FeedbackItem.objects.get(code=code)
    assert item.files.count() == 1 and item.citizen is None
    services.feedback_forward(actor=fw.users["coord"], item=item)
    services.feedback_answer(actor=fw.users["env_spec"], item=item, text="Đã thay bóng đèn.")
    services.feedback_approve(actor=fw.users["env_head"], item=item)
    rated = api.post(
        "/api/v1/feedback/rate/", {"code": code, "pin": pin, "satisfied": True}, format="json"
    )
    assert rated.status_code == 200 and rated.json()["can_rate"] is False
    bad = api.post(
        "/api/v1/feedback/rate/",
        {"code": code, "pin": "99999999", "satisfied": True},
        format="json",
    )
    assert bad.status_code == 404


def test_api_submit_anonymous_without_code_refused(fw: FW) -> None:
    payload = {
        "kind": "field",
        "category": fw.category.pk,
        "title": "A",
        "text": "B",
        "sender_name": "C",
        "sender_contact": "0911000111",
    }
    assert APIClient().post("/api/v1/feedback/", payload, format="json").status_code == 400
    assert not FeedbackItem.objects.exists()


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    force_login_with_mfa(client, user)
    return client


def test_citizen_sees_only_own_unpublished_items(fw: FW) -> None:
    mine, _ = fw.submit()
    theirs, _ = fw.submit(actor=fw.users["citizen2"])
    client = _signed_in(fw.users["citizen"])
    html = client.get("/phan-anh/cua-toi/").content.decode()
    assert mine.code in html and theirs.code not in html
    assert client.get(f"/phan-anh/tra-cuu/{mine.code}/").status_code == 200
    assert client.get(f"/phan-anh/tra-cuu/{theirs.code}/").status_code == 404
    assert client.get(f"/phan-anh/cong-khai/{theirs.code}/").status_code == 404
    # photos of someone else's unpublished item are not served
    with_photo, _ = fw.submit(actor=fw.users["citizen2"], photos=[photo()])
    assert client.get(f"/phan-anh/tep/{with_photo.files.get().pk}/").status_code == 404
    assert (
        _signed_in(fw.users["citizen2"])
        .get(f"/phan-anh/tep/{with_photo.files.get().pk}/")
        .status_code
        == 200
    )


def test_unit_sees_only_what_is_routed_to_it(fw: FW) -> None:
    item, _ = fw.submit()
    other, _ = fw.submit(category=fw.other_category)
    services.feedback_forward(actor=fw.users["coord"], item=item)
    from .. import selectors

    env_inbox = set(selectors.inbox(fw.users["env_head"], group="all"))
    assert env_inbox == {item}
    assert set(selectors.inbox(fw.users["build_head"], group="all")) == set()
    assert set(selectors.inbox(fw.users["coord"], group="all")) == {item, other}
    assert selectors.item_for(fw.users["build_head"], item.pk) is None
    assert selectors.item_for(fw.users["citizen2"], item.pk) is None
    assert selectors.item_for(fw.users["env_spec"], item.pk) == item


def test_sender_rates_and_reopens_on_the_page(fw: FW) -> None:
    item = _published(fw)
    client = _signed_in(fw.users["citizen"])
    page = client.get(f"/phan-anh/tra-cuu/{item.code}/").content.decode()
    assert "Đánh giá câu trả lời" in page
    response = client.post(
        f"/phan-anh/tra-cuu/{item.code}/rate/", {"satisfied": "no", "comment": "Chưa sạch"}
    )
    assert response.status_code == 302
    response = client.post(f"/phan-anh/tra-cuu/{item.code}/reopen/", {"reason": "Rác còn"})
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.reopened
    assert item.code not in Client().get("/phan-anh/").content.decode()


def test_satisfaction_ratios_per_unit(fw: FW) -> None:
    now = timezone.now()
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=1)
    answered, _ = fw.submit()
    services.feedback_forward(actor=fw.users["coord"], item=answered)
    services.feedback_answer(actor=fw.users["env_spec"], item=answered, text="OK")
    services.feedback_approve(actor=fw.users["env_head"], item=answered)
    services.feedback_rate(actor=None, item=answered, satisfied=True)
    late, _ = fw.submit()
    services.feedback_forward(actor=fw.users["coord"], item=late)
    FeedbackItem.objects.filter(pk=late.pk).update(answer_due_at=now - dt.timedelta(hours=1))
    other, _ = fw.submit()
    services.feedback_forward(actor=fw.users["coord"], item=other)
    services.feedback_answer(actor=fw.users["env_spec"], item=other, text="OK")
    services.feedback_approve(actor=fw.users["env_head"], item=other)
    services.feedback_rate(actor=None, item=other, satisfied=False)
    rows = {
        r.unit_id: r
        for r in satisfaction_by_unit(start=start, end=end, now=now + dt.timedelta(minutes=5))
    }
    env = rows[fw.orgs["env"].pk]
    assert env.feedback_due == 3 and env.feedback_on_time_count == 2
    assert str(env.feedback_on_time) == "66.67"
    assert str(env.feedback_satisfied) == "50.00"
    assert env.dossier_satisfaction is None
    officers = {r.unit_id: r for r in satisfaction_by(by="officer", start=start, end=end)}
    author = officers[fw.users["env_spec"].pk]
    assert author.feedback_ratings == 2 and str(author.feedback_satisfied) == "50.00"
    assert satisfaction_by(by="procedure", start=start, end=end) == []


def test_officer_pages_walk_the_workflow(fw: FW) -> None:
    item, _ = fw.submit()
    coord = _signed_in(fw.users["coord"])
    assert item.code in coord.get("/phan-anh/xu-ly/").content.decode()
    page = coord.get(f"/phan-anh/xu-ly/{item.pk}/").content.decode()
    assert "Chuyển đơn vị có thẩm quyền" in page
    assert (
        coord.post(f"/phan-anh/xu-ly/{item.pk}/forward/", {"unit": fw.orgs["env"].pk}).status_code
        == 302
    )
    build = _signed_in(fw.users["build_head"])
    assert build.get(f"/phan-anh/xu-ly/{item.pk}/").status_code == 404
    assert build.post(f"/phan-anh/xu-ly/{item.pk}/return/", {"reason": "x"}).status_code == 404
    env = _signed_in(fw.users["env_spec"])
    assert env.post(f"/phan-anh/xu-ly/{item.pk}/answer/", {"text": "Đã xử lý"}).status_code == 302
    head = _signed_in(fw.users["env_head"])
    assert head.post(f"/phan-anh/xu-ly/{item.pk}/approve/").status_code == 302
    response = head.post(
        f"/phan-anh/xu-ly/{item.pk}/publish/",
        {"public_title": "Rác", "public_text": "Đã dọn", "no_identity": "on"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_citizen_submits_on_the_page(fw: FW) -> None:
    client = _signed_in(fw.users["citizen"])
    assert client.get("/phan-anh/gui/").status_code == 200
    response = client.post(
        "/phan-anh/gui/",
        {
            "kind": "field",
            "category": fw.category.pk,
            "title": "Cây đổ",
            "text": "Cây đổ chắn đường.",
            "sender_name": "Dân",
            "sender_contact": "0912000111",
            "commune": fw.orgs["commune_a"].pk,
            "latitude": "21.1",
            "longitude": "105.2",
            "photos": [photo()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    item = FeedbackItem.objects.get()
    assert item.code in page and item.citizen == fw.users["citizen"]


def test_anonymous_page_sends_a_code_first(fw: FW) -> None:
    client = Client()
    page = client.post(
        "/phan-anh/gui/", {"step": "code", "sender_contact": "0912000222"}
    ).content.decode()
    assert "Mã xác minh đã được gửi" in page
    data = {
        "step": "submit",
        "kind": "field",
        "category": fw.category.pk,
        "title": "Ổ gà",
        "text": "Ổ gà lớn.",
        "sender_name": "Dân",
        "sender_contact": "0912000222",
        "contact_code": sent_code(),
    }
    response = client.post("/phan-anh/gui/", data)
    assert response.status_code == 302


def test_list_endpoints_query_counts_do_not_grow_with_rows(
    fw: FW, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        _published(fw)
    api = APIClient()
    with django_assert_max_num_queries(3):  # count, page, answers
        assert len(api.get("/api/v1/feedback/public/").json()["results"]) == 3
    officer = APIClient()
    officer.force_authenticate(fw.users["coord"])
    with django_assert_max_num_queries(8):
        officer.get("/api/v1/feedback/items/", {"group": "all"})
    for _ in range(3):
        _published(fw)
    with django_assert_max_num_queries(3):
        assert len(api.get("/api/v1/feedback/public/").json()["results"]) == 6
    with django_assert_max_num_queries(8):
        officer.get("/api/v1/feedback/items/", {"group": "all"})


def test_satisfaction_page_for_officials(fw: FW) -> None:
    item = _published(fw)
    services.feedback_rate(actor=None, item=item, satisfied=True)
    page = _signed_in(fw.users["coord"]).get("/phan-anh/hai-long/").content.decode()
    assert fw.orgs["env"].name in page
    assert "100,00%" in page or "100.00%" in page
    by_officer = _signed_in(fw.users["coord"]).get("/phan-anh/hai-long/?theo=officer&nam=abc")
    assert by_officer.status_code == 200
    assert _signed_in(fw.users["citizen"]).get("/phan-anh/hai-long/").status_code == 403
