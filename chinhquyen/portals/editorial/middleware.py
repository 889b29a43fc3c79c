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
  ``OfficialMFARequiredMiddleware``, which runs before this middleware;
- every page URL of the admin (``wagtailadmin_pages:*`` with a page in its parameters: edit,
  publish, unpublish, revisions, workflow steps, moves, previews...) needs a right on that
  page (add, edit or publish, from the portal's groups): an editor of one portal gets 403 on
  the pages of another even where a Wagtail view forgets to check (the confirmation of a
  workflow cancellation shows the workflow of any page to any admin user);
- the admin API's image and document listings (every image and document of every portal,
  drafts included; Wagtail's own pages do not use them) are for superusers only;
- Wagtail's deliberate error page (``failwhale/``, a server error on purpose) is not served.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.http import urlencode

from chinhquyen.accounts.mfa import session_passed_mfa
from chinhquyen.accounts.models import UserKind

NOT_AN_OFFICIAL = "Trang quản trị cổng thông tin chỉ dành cho cán bộ biên tập."

# Wagtail's own sign-in, sign-out and password pages (relative to the admin's path)
_OWN_AUTH_PATHS = ("login/", "password_reset/")
_NOT_SERVED = ("failwhale/",)
# URL parameters of the admin's page views that name a page
PAGE_PARAMETERS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
PAGE_VIEWS_NAMESPACE = "wagtailadmin_pages"
ALL_COLLECTIONS_API = frozenset({"images", "documents"})  # under "wagtailadmin_api"
NO_RIGHT_ON_LIST = "Bạn không có quyền xem danh sách ảnh, tài liệu của mọi cổng."
NO_RIGHT_ON_PAGE = "Bạn không có quyền trên trang này (trang của cổng thông tin khác)."


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
        if rest.startswith(_NOT_SERVED):
            return HttpResponseNotFound("Không tìm thấy trang yêu cầu.")
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

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated or user.is_superuser:
            return None
        if ALL_COLLECTIONS_API.intersection(match.namespaces) and "wagtailadmin_api" in (
            match.namespaces
        ):
            return HttpResponseForbidden(NO_RIGHT_ON_LIST)
        if PAGE_VIEWS_NAMESPACE not in match.namespaces:
            return None
        for name in PAGE_PARAMETERS:
            value = view_kwargs.get(name)
            if value is not None and not _has_right_on(user, value):
                return HttpResponseForbidden(NO_RIGHT_ON_PAGE)
        return None

    def _next(self, request: HttpRequest) -> str:
        target = request.GET.get("next", "")
        if target.startswith(self.prefix):
            return target
        return self.prefix


def _has_right_on(user: Any, page_id: object) -> bool:
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return True  # the view answers 404 itself
    rights = page.permissions_for_user(user)
    return bool(rights.can_edit() or rights.can_add_subpage() or rights.can_publish())


def _to(name: str, target: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": target}))
