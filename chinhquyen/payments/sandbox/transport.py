"""Server-to-server calls from the sandbox gateway to this deployment, made in-process.

The sandbox resolves the target path with Django's URL resolver and calls the view with a
real ``WSGIRequest`` (no middleware, no socket). That works the same under ``runserver``,
gunicorn and the test client, needs no network and no second worker thread, and still
exercises the view's parsing, authentication and rendering as an HTTP call would.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, resolve

from chinhquyen.payments.providers.base import ProviderError

USER_AGENT = "ChinhQuyen-Sandbox-Gateway/1.0"


def dispatch(
    method: str,
    url: str,
    *,
    query: Mapping[str, str] | None = None,
    json_body: Mapping[str, Any] | None = None,
) -> tuple[int, bytes]:
    """Call the view behind ``url`` (its path) and return (status code, body)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404 as exc:
        raise ProviderError(f"sandbox: no view answers {parts.path}") from exc
    site = urlsplit(str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")))
    body = json.dumps(json_body).encode("utf-8") if json_body is not None else b""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path,
        "QUERY_STRING": urlencode(dict(query)) if query is not None else parts.query,
        "SERVER_NAME": site.hostname or "127.0.0.1",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_ACCEPT": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if json_body is not None else "",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": site.scheme or "http",
    }
    request = WSGIRequest(environ)
    response = match.func(request, *match.args, **match.kwargs)
    render = getattr(response, "render", None)
    if callable(render):
        render()
    return response.status_code, bytes(response.content)


def post_json(url: str, body: dict[str, str]) -> Any:
    """``VnpayProvider`` transport for the sandbox's query API."""
    status, content = dispatch("POST", url, json_body=body)
    try:
        return json.loads(content.decode("utf-8"))
    except ValueError as exc:
        raise ProviderError(f"sandbox query API answered {status} without JSON") from exc
