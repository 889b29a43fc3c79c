"""Security headers on every response: Content-Security-Policy without 'unsafe-inline',
Permissions-Policy. (HSTS, nosniff, referrer and frame denial come from Django's own
SecurityMiddleware / XFrameOptionsMiddleware.) And the refusal of NUL characters in the URL
and in form fields (``NullCharacterMiddleware``)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

DEFAULT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DEFAULT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(self)"


def build_csp(policy: dict[str, str]) -> str:
    return "; ".join(f"{k} {v}" for k, v in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        policy = {**DEFAULT_CSP, **getattr(settings, "CSP_OVERRIDES", {})}
        self.csp = build_csp(policy)
        self.permissions_policy = getattr(
            settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class NullCharacterMiddleware:
    """PostgreSQL text cannot hold NUL (0x00): a URL or a form field carrying one names nothing
    and only made the database driver fail (a 500, e.g. /thu-tuc/a%00b/). A path with NUL is
    answered 404, a query string or an urlencoded form 400, through the site's error handlers
    (Vietnamese pages, the API's JSON errors under /api/). JSON and multipart bodies are left to
    the forms and serializers, whose text fields refuse NUL themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("Không tìm thấy trang yêu cầu.")
        if "%00" in request.META.get("QUERY_STRING", "") or (
            request.content_type == FORM_CONTENT_TYPE and b"%00" in request.body
        ):
            raise SuspiciousOperation("Dữ liệu gửi lên chứa ký tự NUL.")
        return self.get_response(request)
