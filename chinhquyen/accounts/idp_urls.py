"""URLs of the sandbox identity provider (allauth.idp.oidc), namespace ``idp``.

Mounted at the site root by ``chinhquyen/urls.py`` (``path("", include(...))``): the
provider's issuer is the site root, so discovery lives at /.well-known/openid-configuration.
Every view answers 404 unless ``OIDC_SANDBOX`` is on, and a ``redirect_uri`` must equal one
registered for the client exactly (allauth compares scheme, host, port and path only: extra
query parameters passed; security finding #9, point 7).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.idp.oidc import urls as oidc_urls
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, URLResolver, include, path

app_name = "idp"


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(settings, "OIDC_SANDBOX", False):
            raise Http404
        if not _redirect_uri_registered(request):
            return HttpResponseBadRequest(
                "Địa chỉ chuyển hướng (redirect_uri) không khớp chính xác với địa chỉ đã đăng ký.",
                content_type="text/plain; charset=utf-8",
            )
        return view(request, *args, **kwargs)

    return wrapped


def _redirect_uri_registered(request: HttpRequest) -> bool:
    data = request.POST if request.method == "POST" else request.GET
    redirect_uri = data.get("redirect_uri")
    if redirect_uri is None:
        return True
    from allauth.idp.oidc.models import Client

    client = Client.objects.filter(id=data.get("client_id") or "").first()
    return client is None or redirect_uri in client.get_redirect_uris()


def _guard(patterns: list[Any]) -> list[URLPattern | URLResolver]:
    guarded: list[URLPattern | URLResolver] = []
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = _guard(list(item.url_patterns))
            guarded.append(
                URLResolver(item.pattern, inner, app_name=item.app_name, namespace=item.namespace)
            )
        else:
            guarded.append(
                URLPattern(item.pattern, sandbox_only(item.callback), item.default_args, item.name)
            )
    return guarded


urlpatterns = [
    path("", include((_guard(oidc_urls.urlpatterns), "oidc"), namespace="oidc")),
]
