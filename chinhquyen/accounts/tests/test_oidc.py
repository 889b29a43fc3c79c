"""Citizen sign-in through OpenID Connect (VNeID slot): claim mapping, the adapter's rules,
and the whole authorization-code flow against the local sandbox provider."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from chinhquyen.accounts.adapters import REFUSED_NON_APPLICANT, SocialAccountAdapter
from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.oidc import ClaimsError, map_claims, merged_claims
from chinhquyen.accounts.sandbox import ensure_sandbox_client
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import PASSWORD, make_official, make_user

CLAIMS = {
    "sub": "vneid-123",
    "name": "Lê Thị Hạnh",
    "email": "Hanh@Example.vn",
    "email_verified": True,
    "phone_number": "+84 912 345 678",
    "citizen_id": "036195006789",
}


# --- claim mapping ---------------------------------------------------------------------------


def test_map_claims_maps_name_email_phone_and_citizen_id() -> None:
    claims = map_claims(CLAIMS)
    assert claims.citizen_id == "036195006789"
    assert claims.full_name == "Lê Thị Hạnh"
    assert claims.email == "hanh@example.vn" and claims.email_verified
    assert claims.phone == "0912345678"
    assert claims.subject == "vneid-123"


def test_map_claims_uses_family_and_given_names_and_drops_bad_phone() -> None:
    claims = map_claims(
        {
            "sub": "x",
            "family_name": "Trần",
            "given_name": "Văn Bảo",
            "phone_number": "12",
            "citizen_id": "001099000001",
        }
    )
    assert claims.full_name == "Trần Văn Bảo"
    assert claims.phone == "" and claims.email == ""


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(None, "không gửi số định danh"), ("1234", "12 chữ số"), ("097195006789", "001")],
)
def test_map_claims_refuses_missing_or_invalid_citizen_id(value: Any, fragment: str) -> None:
    claims = {**CLAIMS, "citizen_id": value}
    with pytest.raises(ClaimsError) as info:
        map_claims(claims)
    assert fragment in info.value.message


def test_citizen_id_claim_name_is_configurable(settings: Any) -> None:
    settings.OIDC_CITIZEN_ID_CLAIM = "so_dinh_danh"
    with pytest.raises(ClaimsError):
        map_claims(CLAIMS)
    claims = map_claims({**CLAIMS, "so_dinh_danh": "001099000002"})
    assert claims.citizen_id == "001099000002"


def test_merged_claims_prefers_userinfo() -> None:
    merged = merged_claims({"id_token": {"sub": "1", "name": "A"}, "userinfo": {"name": "B"}})
    assert merged == {"sub": "1", "name": "B"}


# --- adapter ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def vneid_app(settings: Any) -> None:
    """The relying party's registration at the identity provider (as OIDC_* settings make)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "vneid",
                    "name": "VNeID",
                    "client_id": "chinhquyen",
                    "secret": "bi-mat",
                    "settings": {"server_url": "https://vneid.invalid"},
                }
            ]
        }
    }


def _request() -> HttpRequest:
    request = RequestFactory().get("/tai-khoan/oidc/vneid/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    request.session.save()
    request.user = AnonymousUser()
    return request


def _sociallogin(claims: dict[str, Any]) -> SocialLogin:
    account = SocialAccount(
        provider="vneid", uid=str(claims.get("sub")), extra_data={"userinfo": claims}
    )
    email = str(claims.get("email") or "").lower()
    addresses = [EmailAddress(email=email, verified=True, primary=True)] if email else []
    return SocialLogin(user=User(), account=account, email_addresses=addresses)


@pytest.mark.django_db
def test_new_citizen_is_created_from_the_claims() -> None:
    request, adapter, login = _request(), SocialAccountAdapter(), _sociallogin(CLAIMS)
    adapter.pre_social_login(request, login)
    adapter.populate_user(request, login, {})
    user = adapter.save_user(request, login)
    assert isinstance(user, User)
    assert user.kind == UserKind.CITIZEN
    assert (user.citizen_id, user.full_name, user.phone) == (
        "036195006789",
        "Lê Thị Hạnh",
        "0912345678",
    )
    assert user.email == "hanh@example.vn"
    assert user.username == "le.thi.hanh"
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "vneid-123"
    assert EmailAddress.objects.get(user=user).verified is True


@pytest.mark.django_db
def test_citizen_with_a_verified_cccd_is_linked_by_citizen_id(citizen: User) -> None:
    User.objects.filter(pk=citizen.pk).update(citizen_id_verified=True)
    request, adapter = _request(), SocialAccountAdapter()
    login = _sociallogin({**CLAIMS, "citizen_id": citizen.citizen_id})
    adapter.pre_social_login(request, login)
    assert login.is_existing and login.user == citizen
    assert SocialAccount.objects.get(uid="vneid-123").user == citizen


@pytest.mark.django_db
def test_an_unverified_cccd_never_receives_the_identity(citizen: User) -> None:
    """Security finding #9, point 2: an attacker pre-registers the victim's CCCD locally; the
    victim's VNeID sign-in gets its own account, and the attacker's account gets nothing."""
    assert not citizen.citizen_id_verified
    request, adapter = _request(), SocialAccountAdapter()
    login = _sociallogin({**CLAIMS, "citizen_id": citizen.citizen_id})
    adapter.pre_social_login(request, login)
    assert not login.is_existing
    adapter.populate_user(request, login, {})
    user = adapter.save_user(request, login)
    assert user.pk != citizen.pk
    assert (user.citizen_id, user.citizen_id_verified) == (citizen.citizen_id, True)
    assert SocialAccount.objects.get(uid="vneid-123").user == user
    assert not SocialAccount.objects.filter(user=citizen).exists()


@pytest.mark.django_db
def test_officials_never_sign_in_through_the_identity_provider(tree: Tree) -> None:
    official = make_official(tree.unit, Role.SPECIALIST, citizen_id="036195006789")
    request, adapter = _request(), SocialAccountAdapter()
    with pytest.raises(ImmediateHttpResponse) as info:
        adapter.pre_social_login(request, _sociallogin(CLAIMS))
    assert info.value.response.status_code == 403
    assert REFUSED_NON_APPLICANT in info.value.response.content.decode()
    assert not SocialAccount.objects.exists()

    # Even an identity already linked to an official is refused.
    SocialAccount.objects.create(user=official, provider="vneid", uid="vneid-999")
    login = _sociallogin({**CLAIMS, "sub": "vneid-999"})
    login.lookup()
    with pytest.raises(ImmediateHttpResponse):
        adapter.pre_social_login(request, login)


@pytest.mark.django_db
def test_an_officials_email_is_never_used_to_link_or_create(tree: Tree) -> None:
    make_official(tree.unit, Role.SPECIALIST, email="hanh@example.vn")
    request, adapter, login = _request(), SocialAccountAdapter(), _sociallogin(CLAIMS)
    adapter.pre_social_login(request, login)
    assert not login.is_existing
    adapter.populate_user(request, login, {})
    user = adapter.save_user(request, login)
    assert user.kind == UserKind.CITIZEN and user.email == ""


@pytest.mark.django_db
def test_invalid_citizen_id_is_refused_with_a_vietnamese_page() -> None:
    request, adapter = _request(), SocialAccountAdapter()
    with pytest.raises(ImmediateHttpResponse) as info:
        adapter.pre_social_login(request, _sociallogin({**CLAIMS, "citizen_id": "12"}))
    body = info.value.response.content.decode()
    assert "Số CCCD phải gồm đúng 12 chữ số." in body
    assert not User.objects.exists()


# --- the whole flow against the sandbox provider -------------------------------------------


class _InProcessTransport(requests.adapters.BaseAdapter):
    """Serves the relying party's server-to-server calls (discovery, token, userinfo, JWKS)
    from the same Django application, in process: no network."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(str(request.url))
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {
            "HTTP_" + k.upper().replace("-", "_"): v
            for k, v in request.headers.items()
            if k.lower() not in ("content-type", "content-length")
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        django_response = Client().generic(
            str(request.method),
            path,
            data=body,
            content_type=request.headers.get("Content-Type", ""),
            **headers,
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response._content = django_response.content
        response.headers.update(dict(django_response.items()))
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        return None


class InProcessSocialAccountAdapter(SocialAccountAdapter):
    def get_requests_session(self) -> requests.Session:
        session = requests.Session()
        session.mount("http://testserver/", _InProcessTransport())
        return session


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def sandbox(settings: Any, db: None) -> None:
    settings.OIDC_SANDBOX = True
    settings.SITE_URL = "http://testserver"
    settings.IDP_OIDC_PRIVATE_KEY = _pem()
    settings.SOCIALACCOUNT_ADAPTER = f"{__name__}.InProcessSocialAccountAdapter"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "vneid",
                    "name": "VNeID (sandbox)",
                    "client_id": settings.OIDC_SANDBOX_CLIENT_ID,
                    "secret": settings.OIDC_SANDBOX_CLIENT_SECRET,
                    "settings": {
                        "server_url": "http://testserver",
                        "oauth_pkce_enabled": True,
                        "scope": ["openid", "profile", "email", "phone"],
                    },
                }
            ]
        }
    }
    ensure_sandbox_client()


def _follow_to_provider(client: Client) -> str:
    """Start the sign-in at the relying party; return the provider's authorize URL."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "vneid"}))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://testserver/identity/o/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == ["vneid-sandbox"]
    assert query["code_challenge_method"] == ["S256"]
    return location


@pytest.mark.urls("chinhquyen.accounts.tests.sandbox_urls")
def test_sandbox_provider_is_hidden_unless_enabled(client: Client, settings: Any) -> None:
    settings.OIDC_SANDBOX = False
    assert client.get("/.well-known/openid-configuration").status_code == 404
    settings.OIDC_SANDBOX = True
    settings.IDP_OIDC_PRIVATE_KEY = _pem()
    config = client.get("/.well-known/openid-configuration").json()
    assert config["issuer"] == "http://testserver"
    assert config["token_endpoint"] == "http://testserver/identity/o/api/token"


@pytest.mark.urls("chinhquyen.accounts.tests.sandbox_urls")
def test_full_authorization_code_flow_links_the_citizen(
    client: Client, sandbox: None, citizen: User
) -> None:
    User.objects.filter(pk=citizen.pk).update(citizen_id_verified=True)  # checked at the counter
    assert not client.session.get("_auth_user_id")
    authorize = _follow_to_provider(client)

    # At the provider the tester signs in as a sandbox identity (a demo citizen).
    response = client.get(authorize)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(response["Location"], {"login": citizen.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])  # back to authorize: consent is skipped
    assert response.status_code == 302
    callback = response["Location"]
    assert callback.startswith("http://testserver/tai-khoan/oidc/vneid/login/callback/?code=")

    # The relying party exchanges the code (token, userinfo, JWKS served in process).
    response = client.get(callback)
    assert response.status_code == 302, response.content.decode()[:500]
    me = client.get("/api/v1/me/").json()
    assert me["username"] == citizen.username and me["kind"] == "citizen"
    account = SocialAccount.objects.get(provider="vneid")
    assert account.user == citizen
    assert account.extra_data["userinfo"]["citizen_id"] == citizen.citizen_id


@pytest.mark.urls("chinhquyen.accounts.tests.sandbox_urls")
def test_full_flow_refuses_an_official(client: Client, sandbox: None, tree: Tree) -> None:
    official = make_official(
        tree.unit, Role.SPECIALIST, totp=False, citizen_id="036195006789", username="cbcccd"
    )
    authorize = _follow_to_provider(client)
    login_url = client.get(authorize)["Location"]
    client.post(login_url, {"login": official.username, "password": PASSWORD})
    # An official without TOTP cannot even reach the provider's authorize step.
    response = client.get(authorize)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert not SocialAccount.objects.exists()


@pytest.mark.urls("chinhquyen.accounts.tests.sandbox_urls")
def test_full_flow_refuses_a_sandbox_identity_without_citizen_id(
    client: Client, sandbox: None
) -> None:
    make_user(UserKind.CITIZEN, username="khongcccd")
    authorize = _follow_to_provider(client)
    login_url = client.get(authorize)["Location"]
    client.post(login_url, {"login": "khongcccd", "password": PASSWORD})
    callback = client.get(authorize)["Location"]
    response = client.get(callback)
    assert response.status_code == 403
    assert "không gửi số định danh cá nhân" in response.content.decode()
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_an_unreachable_identity_provider_gives_a_vietnamese_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Security finding #9, point 7: a 500 before."""

    def down(*args: object, **kwargs: object) -> None:
        raise requests.ConnectionError("no route to vneid.invalid")

    monkeypatch.setattr(requests.Session, "request", down)
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "vneid"}))
    assert response.status_code == 502
    assert "Không kết nối được với nhà cung cấp định danh điện tử" in response.content.decode()


@pytest.mark.urls("chinhquyen.accounts.tests.sandbox_urls")
def test_sandbox_provider_requires_the_exact_redirect_uri(client: Client, sandbox: None) -> None:
    """Security finding #9, point 7: extra query parameters on the registered URI passed."""
    authorize = _follow_to_provider(client)
    query = parse_qs(urlsplit(authorize).query)
    tampered = query["redirect_uri"][0] + "?next=https://evil.example/"
    bad = authorize.replace(
        "redirect_uri=" + quote(query["redirect_uri"][0], safe=""),
        "redirect_uri=" + quote(tampered, safe=""),
    )
    assert bad != authorize
    assert client.get(bad).status_code == 400
    assert client.get(authorize).status_code == 302
