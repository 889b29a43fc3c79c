"""Security headers on every response: Content-Security-Policy without 'unsafe-inline',
Permissions-Policy. (HSTS, nosniff, referrer and frame denial come from Django's own
SecurityMiddleware / XFrameOptionsMiddleware.)"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
