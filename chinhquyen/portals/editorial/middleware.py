"""The Wagtail admin is for officials whose session passed the second factor (DOMAIN.md §9).

Wagtail's admin checks its own permission (``wagtailadmin.access_admin``) and, per view, the
Wagtail permission of the object (page, image, document...). In front of that, for every
request under the admin's path (``settings.PORTAL_ADMIN_PATH``):

- Wagtail's own sign-in and password pages are never used: they know nothing of the second
  factor. They send to the site's sign-in (allauth, which asks officials for their TOTP code)
  with ``next`` back to the admin;
- an anonymous visitor goes on to Wagtail, which sends them to the same sign-in
  (``WAGTAILADMIN_LOGIN_URL``);
- a signed-in citizen or business gets 403: editors are officials;
- an official whose session has not passed the second factor is sent to enter the TOTP code
  (``mfa_reauthenticate``); one without TOTP at all was already sent to set it up by
  ``OfficialMFARequiredMiddleware``, which runs before this middleware.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from chinhquyen.accounts.mfa import session_passed_mfa
from chinhquyen.accounts.models import UserKind

NOT_AN_OFFICIAL = "Trang quản trị cổng thông tin chỉ dành cho cán bộ biên tập."

# Wagtail's own sign-in, sign-out and password pages (relative to the admin's path)
_OWN_AUTH_PATHS = ("login/", "password_reset/")


def admin_path() -> str:
    return str(getattr(settings, "PORTAL_ADMIN_PATH", "/quan-tri-cong-thong-tin/"))


class WagtailAdminSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @cached_property
    def prefix(self) -> str:
        return admin_path()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.prefix):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        rest = request.path[len(self.prefix) :]
        if rest.startswith(_OWN_AUTH_PATHS):
            return _to("account_login", self._next(request))
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # Wagtail sends anonymous visitors to WAGTAILADMIN_LOGIN_URL
        if getattr(user, "kind", None) != UserKind.OFFICIAL:
            return HttpResponseForbidden(NOT_AN_OFFICIAL)
        if not session_passed_mfa(request):
            return _to("mfa_reauthenticate", request.get_full_path())
        return None

    def _next(self, request: HttpRequest) -> str:
        target = request.GET.get("next", "")
        if target.startswith(self.prefix):
            return target
        return self.prefix


def _to(name: str, target: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": target}))
