"""The "Cài đặt nhắc việc" page: officials only, their own preference, Vietnamese errors."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import Role, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.notifications.models import NotificationPreference
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.web.navigation import NAV_ITEMS

pytestmark = pytest.mark.django_db
URL = "/thong-bao/cai-dat-nhac-viec/"
FORM = {
    "email_enabled": "on",
    "digest_enabled": "on",
    "sms_enabled": "on",
    "quiet_start": "21:00",
    "quiet_end": "07:00",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def officer(phone: str = "0912345678"):
    unit = make_org()
    return make_official(unit, Role.SPECIALIST, totp=True, phone=phone)


def test_the_url_and_the_menu_entry() -> None:
    assert reverse("notifications:preferences") == URL
    item = next(i for i in NAV_ITEMS if i.url_name == "notifications:preferences")
    assert item.label == "Cài đặt nhắc việc" and item.roles is None


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"
    assert client.post(URL, FORM).status_code == 302
    assert not NotificationPreference.objects.exists()


def test_citizens_are_refused() -> None:
    citizen = make_user(UserKind.CITIZEN, phone="0912345678")
    client = signed_in(citizen)
    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not NotificationPreference.objects.exists()


def test_the_form_shows_the_defaults_in_vietnamese() -> None:
    response = signed_in(officer()).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Cài đặt nhắc việc",
        "Nhận nhắc việc qua thư điện tử",
        "Nhận nhắc việc qua tin nhắn SMS",
        "Nhận bản tin việc cần làm mỗi ngày làm việc",
        "Giờ yên lặng từ",
        "Giờ yên lặng đến",
        "Lưu cài đặt",
    ):
        assert text in html, text
    form = response.context["form"]
    assert form.initial["email_enabled"] is True and form.initial["sms_enabled"] is False


def test_an_official_saves_his_own_preference_audited() -> None:
    me, other = officer(), officer()
    NotificationPreference.objects.create(user=other, sms_enabled=True)
    client = signed_in(me)
    response = client.post(URL, FORM)
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "Đã lưu cài đặt nhắc việc." in page
    pref = NotificationPreference.objects.get(user=me)
    assert (pref.email_enabled, pref.sms_enabled, pref.digest_enabled) == (True, True, True)
    assert (pref.quiet_start, pref.quiet_end) == (dt.time(21, 0), dt.time(7, 0))
    assert LogEntry.objects.get_for_object(pref).get().actor_id == me.pk
    # the other official's preference is untouched
    theirs = NotificationPreference.objects.get(user=other)
    assert theirs.quiet_start is None and theirs.email_enabled
    # turning SMS off and clearing the quiet hours
    client.post(URL, {"email_enabled": "on"})
    pref.refresh_from_db()
    assert (pref.sms_enabled, pref.digest_enabled, pref.quiet_start) == (False, False, None)
    assert NotificationPreference.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"quiet_start": "21:00"}, "Hãy nhập giờ kết thúc yên lặng."),
        ({"quiet_end": "07:00"}, "Hãy nhập giờ bắt đầu yên lặng."),
        ({"quiet_start": "07:00", "quiet_end": "07:00"}, "Giờ kết thúc yên lặng phải khác"),
        ({"quiet_start": "25:00", "quiet_end": "07:00"}, "Giờ không hợp lệ"),
    ],
)
def test_invalid_quiet_hours_are_explained_in_vietnamese(data: dict[str, str], error: str) -> None:
    response = signed_in(officer()).post(URL, {"email_enabled": "on", **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới." in html
    assert 'aria-invalid="true"' in html
    assert not NotificationPreference.objects.exists()


def test_sms_needs_a_phone_number_on_the_account() -> None:
    response = signed_in(officer(phone="")).post(URL, {"email_enabled": "on", "sms_enabled": "on"})
    assert response.status_code == 200
    assert "Tài khoản chưa có số điện thoại di động" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_todo_page_links_to_the_settings() -> None:
    html = signed_in(officer()).get(reverse("tasks:todo")).content.decode()
    assert f'href="{URL}"' in html
