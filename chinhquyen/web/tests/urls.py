"""URLs for the error-page tests: the project's URLs plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from chinhquyen.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def raise_bad_request(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("test: malformed request")


def raise_permission_denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("test: forbidden")


def raise_server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("test: unexpected failure")


urlpatterns = [
    path("__test__/400/", raise_bad_request),
    path("__test__/403/", raise_permission_denied),
    path("__test__/500/", raise_server_error),
    *urlpatterns,
]
