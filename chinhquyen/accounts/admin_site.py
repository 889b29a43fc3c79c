"""The Django admin without a sign-in form of its own (security finding #9, point 1).

Django's admin has its own password form at ``/quan-tri/login/``; it knows nothing of the
second factor, so an official's password alone opened the admin, the API session, the audit
log and account management. Here:

- the admin's login view only sends people to the site's sign-in (allauth, which asks officials
  for their TOTP code) with ``next`` pointing back to the admin; it never accepts a password;
- ``has_permission`` lets an official in only when this session passed the second factor
  (allauth's record of the sign-in holds an ``mfa`` step, or a re-authentication with it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .mfa import official_needs_second_factor


class SecureAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not official_needs_second_factor(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        target = request.GET.get("next") or request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = ""
        target = target or reverse("admin:index", current_app=self.name)
        user = request.user
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        if user.is_authenticated:
            if official_needs_second_factor(request):
                # Signed in with the password only (or before this rule): prove the TOTP code.
                return _redirect("mfa_reauthenticate", target)
            if not super().has_permission(request):
                return HttpResponse(
                    "Tài khoản của bạn không có quyền vào trang quản trị.", status=403
                )
        return _redirect("account_login", target)


def _redirect(name: str, target: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": target}))
