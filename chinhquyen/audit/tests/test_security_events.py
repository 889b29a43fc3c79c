"""Security events recorded from real sign-in flows, lockouts, MFA failures and refusals."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from chinhquyen.accounts.authentication import generate_token
from chinhquyen.accounts.models import ApiToken
from chinhquyen.accounts.tests.factories import PASSWORD, make_user
from chinhquyen.audit.middleware import PermissionDeniedLoggingMiddleware
from chinhquyen.audit.models import SecurityEvent, SecurityEventKind
from chinhquyen.audit.receivers import login_identifier
from chinhquyen.audit.tasks import notify_lockout

from .conftest import World


def _events(kind: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind).order_by("id"))


def _login(client: Client, login: str, password: str, ip: str = "203.0.113.7") -> HttpResponse:
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Trình duyệt thử nghiệm/1.0",
    )


# --- identifiers ----------------------------------------------------------------------------


def test_login_identifier_reads_what_allauth_passes() -> None:
    assert login_identifier({"username": "An", "password": "x"}) == "An"
    assert login_identifier({"email": "a@b.vn", "username": "a@b.vn"}) == "a@b.vn"
    assert login_identifier({"phone": "0912345678"}) == "0912345678"
    assert login_identifier({}) == ""
    request = RequestFactory().post("/", {"login": "typed"})
    assert login_identifier(None, request) == "typed"


# --- sign-in flows ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_failed_login_through_allauth_records_login_failed(client: Client) -> None:
    user = make_user(username="nguyenvana")

    response = _login(client, "nguyenvana", "sai-mat-khau")

    assert response.status_code == 200  # the form again, with an error
    [event] = _events(SecurityEventKind.LOGIN_FAILED)
    assert event.username == "nguyenvana"
    assert event.user == user
    assert event.ip == "203.0.113.7"
    assert event.user_agent == "Trình duyệt thử nghiệm/1.0"
    assert event.path == reverse("account_login")
    assert event.method == "POST"
    assert "sai-mat-khau" not in str(event.detail)


@pytest.mark.django_db
def test_failed_login_for_unknown_account_keeps_typed_name(client: Client) -> None:
    _login(client, "khong-ton-tai\n\t" + "x" * 200, "sai")

    [event] = _events(SecurityEventKind.LOGIN_FAILED)
    assert event.user is None
    assert event.username.startswith("khong-ton-tai")
    assert "\n" not in event.username and "\t" not in event.username
    assert len(event.username) == 150


@pytest.mark.django_db
def test_login_by_email_links_the_account(client: Client) -> None:
    user = make_user(username="tranthib", email="tran.thi.b@example.vn")

    _login(client, "Tran.Thi.B@example.vn", "sai")

    [event] = _events(SecurityEventKind.LOGIN_FAILED)
    assert event.username == "Tran.Thi.B@example.vn"
    assert event.user == user


@pytest.mark.django_db
def test_successful_login_and_logout_are_recorded(client: Client) -> None:
    user = make_user(username="lethic")

    response = _login(client, "lethic", PASSWORD)
    assert response.status_code == 302
    response = client.post(reverse("account_logout"), REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 302

    [login] = _events(SecurityEventKind.LOGIN_SUCCEEDED)
    assert (login.user, login.username, login.ip) == (user, "lethic", "203.0.113.7")
    [logout] = _events(SecurityEventKind.LOGOUT)
    assert (logout.user, logout.ip) == (user, "203.0.113.8")
    assert _events(SecurityEventKind.LOGIN_FAILED) == []


@pytest.mark.django_db
def test_lockout_records_event_and_mails_it_admins_once(
    client: Client, world: World, django_capture_on_commit_callbacks: object
) -> None:
    target = world.sub_specialist
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        responses = [_login(client, target.username, "sai-mat-khau") for _ in range(6)]

    assert responses[4].status_code == 429  # the fifth failure locks the account
    assert all(r.status_code in (200, 429) for r in responses)
    assert len(_events(SecurityEventKind.LOGIN_FAILED)) >= 5
    lockouts = _events(SecurityEventKind.LOCKOUT)
    first = lockouts[0]
    assert first.user == target
    assert first.username == target.username
    assert first.ip == "203.0.113.7"
    assert first.detail["repeat"] is False
    assert all(event.detail["repeat"] is True for event in lockouts[1:])
    # the lockout response is not also counted as a rate limit
    assert _events(SecurityEventKind.RATE_LIMITED) == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # the province's IT admin and the department's (the account is in its subtree)
    assert sorted(message.to) == ["qtv.so@example.vn", "qtv.tinh@example.vn"]
    assert target.username in message.subject
    assert "203.0.113.7" in message.body
    assert f"/nhat-ky/an-ninh/?kind=lockout&username={target.username}" in message.body
    first.refresh_from_db()
    assert first.notified_at is not None

    # the task runs again (a retry, a duplicate enqueue): nothing more is sent
    result = notify_lockout.enqueue(first.pk)
    assert result.return_value is False
    assert len(mail.outbox) == 1
    # and the correct password is refused while locked out
    assert _login(client, target.username, PASSWORD).status_code in (200, 429)
    assert _events(SecurityEventKind.LOGIN_SUCCEEDED) == []


@pytest.mark.django_db
def test_lockout_of_account_outside_every_subtree_mails_root_admins(
    client: Client, world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        for _ in range(5):
            _login(client, world.citizen.username, "sai")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["qtv.tinh@example.vn"]


@pytest.mark.django_db
def test_wrong_mfa_code_records_mfa_failed(client: Client) -> None:
    user = make_user(username="phamvand")
    TOTP.activate(user, generate_totp_secret())

    response = _login(client, "phamvand", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "abcdef"}, REMOTE_ADDR="::1")
    assert response.status_code == 200

    [event] = _events(SecurityEventKind.MFA_FAILED)
    assert event.user == user
    assert event.username == "phamvand"
    assert event.ip == "::1"
    assert event.detail == {"reauthentication": False, "authenticator": "totp"}
    assert _events(SecurityEventKind.LOGIN_SUCCEEDED) == []


# --- refused requests ------------------------------------------------------------------------


@pytest.mark.django_db
def test_forbidden_html_page_records_permission_denied(client: Client, world: World) -> None:
    client.force_login(world.citizen)

    response = client.get(reverse("audit:entries"), REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 403
    [event] = _events(SecurityEventKind.PERMISSION_DENIED)
    assert event.user == world.citizen
    assert event.username == "cong_dan"
    assert event.path == reverse("audit:entries")
    assert event.method == "GET"
    assert event.ip == "198.51.100.4"
    assert event.detail == {"status": 403, "api": False}


@pytest.mark.django_db
def test_forbidden_api_call_records_permission_denied(client: Client, world: World) -> None:
    raw, prefix, digest = generate_token()
    ApiToken.objects.create(user=world.leader, name="thử", prefix=prefix, digest=digest)

    response = client.get(
        reverse("audit_api:entries"), HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    [event] = _events(SecurityEventKind.PERMISSION_DENIED)
    assert event.user == world.leader
    assert event.ip == "10.1.2.3"
    assert event.detail == {"status": 403, "api": True, "code": "permission_denied"}


@pytest.mark.django_db
def test_rejected_api_token_records_token_rejected(client: Client) -> None:
    response = client.get(
        reverse("audit_api:security_events"), HTTP_AUTHORIZATION="Bearer cq_khong-hop-le"
    )

    assert response.status_code == 401
    [event] = _events(SecurityEventKind.TOKEN_REJECTED)
    assert event.user is None
    assert event.detail == {
        "status": 401,
        "api": True,
        "code": "authentication_failed",
        "scheme": "Bearer",
    }
    assert _events(SecurityEventKind.PERMISSION_DENIED) == []


@pytest.mark.django_db
def test_middleware_records_rate_limited_and_ignores_other_statuses() -> None:
    factory = RequestFactory()
    for status in (200, 302, 400, 404, 401, 429):
        middleware = PermissionDeniedLoggingMiddleware(lambda r, s=status: HttpResponse(status=s))
        response = middleware(factory.get("/trang/", REMOTE_ADDR="192.0.2.1"))
        assert response.status_code == status

    # 401 outside /api/ is a page asking to sign in, not a rejected token
    assert list(SecurityEvent.objects.values_list("kind", "path")) == [
        (SecurityEventKind.RATE_LIMITED, "/trang/")
    ]


class _ExplodingPath(str):
    def startswith(self, *args: object) -> bool:  # type: ignore[override]
        raise RuntimeError("broken request")


@pytest.mark.django_db
def test_middleware_never_breaks_the_response() -> None:
    forbidden = HttpResponse("Lỗi 403", status=403)
    middleware = PermissionDeniedLoggingMiddleware(lambda r: forbidden)

    request = RequestFactory().get("/trang/")
    request.path = _ExplodingPath("/trang/")
    response = middleware(request)

    assert response is forbidden
    assert SecurityEvent.objects.count() == 0
