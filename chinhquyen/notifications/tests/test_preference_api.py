"""The reminder-preference API: the caller's own row only, validated like the page, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.notifications.models import NotificationPreference
from chinhquyen.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/reminder-preferences/"
BODY: dict[str, Any] = {
    "email_enabled": True,
    "sms_enabled": True,
    "digest_enabled": False,
    "quiet_start": "21:00",
    "quiet_end": "07:00",
}


def api(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def officer(phone: str = "0912345678") -> User:
    return make_official(make_org(), Role.SPECIALIST, phone=phone)


def test_the_defaults_before_anything_is_saved() -> None:
    response = api(officer()).get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "email_enabled": True,
        "sms_enabled": False,
        "digest_enabled": True,
        "quiet_start": None,
        "quiet_end": None,
        "has_email": True,
        "has_phone": True,
        "saved": False,
    }


def test_anonymous_and_citizens_are_refused_with_a_structured_error() -> None:
    response = api().get(URL)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"]
    citizen = make_user(UserKind.CITIZEN, phone="0912345678")
    for response in (api(citizen).get(URL), api(citizen).put(URL, BODY, format="json")):
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "Bạn không có quyền thực hiện thao tác này."
    assert not NotificationPreference.objects.exists()


def test_an_official_saves_his_own_preference_audited() -> None:
    me, other = officer(), officer()
    NotificationPreference.objects.create(user=other, sms_enabled=True)
    response = api(me).put(URL, BODY, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["quiet_start"], data["quiet_end"], data["saved"]) == ("21:00", "07:00", True)
    pref = NotificationPreference.objects.get(user=me)
    assert (pref.email_enabled, pref.sms_enabled, pref.digest_enabled) == (True, True, False)
    assert (pref.quiet_start, pref.quiet_end) == (dt.time(21, 0), dt.time(7, 0))
    assert LogEntry.objects.get_for_object(pref).get().actor_id == me.pk
    assert api(me).get(URL).json()["sms_enabled"] is True
    # the other official's row is untouched; PUT replaces: omitted quiet hours are cleared
    assert NotificationPreference.objects.get(user=other).quiet_start is None
    body = {"email_enabled": True, "sms_enabled": False, "digest_enabled": True}
    assert api(me).put(URL, body, format="json").status_code == 200
    pref.refresh_from_db()
    assert (pref.sms_enabled, pref.quiet_start, pref.quiet_end) == (False, None, None)
    assert LogEntry.objects.get_for_object(pref).count() == 2


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"quiet_end": None}, "quiet_end", "Hãy nhập giờ kết thúc yên lặng."),
        ({"quiet_start": None}, "quiet_start", "Hãy nhập giờ bắt đầu yên lặng."),
        ({"quiet_end": "21:00"}, "quiet_end", "Giờ kết thúc yên lặng phải khác giờ bắt đầu."),
        ({"quiet_start": "25:00"}, "quiet_start", "Giờ không hợp lệ"),
        ({"email_enabled": "có"}, "email_enabled", "Giá trị phải là true hoặc false."),
        ({"digest_enabled": None}, "digest_enabled", "Giá trị phải là true hoặc false."),
    ],
)
def test_bad_input_is_explained_in_vietnamese_and_nothing_is_saved(
    change: dict[str, Any], field: str, error: str
) -> None:
    response = api(officer()).put(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert body["fields"][field][0].startswith(error)
    assert not NotificationPreference.objects.exists()


def test_a_missing_flag_is_required() -> None:
    body = {k: v for k, v in BODY.items() if k != "sms_enabled"}
    response = api(officer()).put(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["sms_enabled"] == ["Trường này là bắt buộc."]


def test_sms_needs_a_phone_number_on_the_account() -> None:
    me = officer(phone="")
    response = api(me).put(URL, BODY, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["sms_enabled"][0].startswith(
        "Tài khoản chưa có số điện thoại di động"
    )
    assert api(me).get(URL).json()["has_phone"] is False
    assert not NotificationPreference.objects.exists()


def test_a_body_that_is_not_json_gets_a_structured_error() -> None:
    response = api(officer()).put(URL, "email_enabled=on", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
