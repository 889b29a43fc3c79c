"""Officials must use TOTP two-factor authentication (DOMAIN.md §9: strong authentication).

An authenticated official without an active TOTP authenticator is sent to the TOTP activation
page for every HTML page, except the two-factor pages themselves, the sign-in/sign-out flow
(login, logout, re-authentication, e-mail verification) and static files. API calls made with
such a session get HTTP 403 with a structured error.

The decision follows how the request is actually authenticated at this point: by its session
(AuthenticationMiddleware). A bearer token is read later, by DRF, and only by API views; a
request with a token and no session has an anonymous ``request.user`` here and passes, while an
``Authorization`` header next to an official's session changes nothing (security finding #9,
point 3: any ``Bearer`` header used to skip the TOTP set-up on HTML pages).

Cheap on the hot path: a session whose sign-in passed the TOTP step proves the authenticator
exists, so the query for it is made only for sessions that never did.

Officials who have TOTP must enter a code at sign-in: allauth.mfa's login stage does that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from chinhquyen.core.api import error_body

from .mfa import session_passed_mfa
from .models import UserKind

logger = logging.getLogger(__name__)

MFA_REQUIRED_MESSAGE = "Cán bộ phải bật xác thực hai lớp (TOTP) trước khi sử dụng hệ thống."
MFA_REQUIRED_CODE = "mfa_required"

# allauth URL names an official without TOTP may still open (the prefix of each is exempt).
_EXEMPT_URL_NAMES = (
    "mfa_index",  # /tai-khoan/2fa/: activation, recovery codes, authenticate, reauthenticate
    "account_login",
    "account_logout",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_reset_password",
)


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class OfficialMFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @cached_property
    def exempt_prefixes(self) -> tuple[str, ...]:
        prefixes: list[str] = []
        for name in _EXEMPT_URL_NAMES:
            try:
                prefixes.append(reverse(name))
            except NoReverseMatch:
                continue
        for extra in (settings.STATIC_URL, settings.MEDIA_URL, "/favicon.ico", "/healthz"):
            if extra:
                prefixes.append(str(extra))
        return tuple(prefixes)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_activate(request):
            if request.path.startswith("/api/"):
                return JsonResponse(error_body(MFA_REQUIRED_CODE, MFA_REQUIRED_MESSAGE), status=403)
            target = reverse("mfa_activate_totp")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)

    def _must_activate(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if getattr(user, "kind", None) != UserKind.OFFICIAL:
            return False
        if request.path.startswith(self.exempt_prefixes):
            return False
        if session_passed_mfa(request):
            return False
        return not has_totp(user)


IDP_UNREACHABLE = (
    "Không kết nối được với nhà cung cấp định danh điện tử. Vui lòng thử lại sau ít phút hoặc "
    "đăng nhập bằng tài khoản của cổng."
)


class IdentityProviderErrorMiddleware:
    """An unreachable identity provider (discovery, token or userinfo call failing) gives the
    Vietnamese refusal page with 502, not a server error (security finding #9, point 7). Only
    ``process_exception`` does work, and only for the social sign-in URLs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        import requests
        from allauth.socialaccount.providers.oauth2.client import OAuth2Error
        from django.shortcuts import render

        if not isinstance(exception, requests.RequestException | OAuth2Error):
            return None
        if "/oidc/" not in request.path:
            return None
        logger.warning("accounts.idp_unreachable", exc_info=exception)
        return render(
            request, "accounts/oidc_refused.html", {"message": IDP_UNREACHABLE}, status=502
        )
