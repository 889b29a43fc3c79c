"""Records refused requests as security events.

- every 403 response (HTML page or API) → ``permission_denied``;
- a 401 response under ``/api/`` (missing, invalid, expired or revoked credentials)
  → ``token_rejected``;
- a 429 response → ``rate_limited`` (except a django-axes lockout response: the lockout
  receiver has already recorded that request as ``lockout``).

Recording never raises: a logging failure must not break the response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from .models import SecurityEventKind
from .services import security_event_record

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _error_code(response: HttpResponse) -> str | None:
    """The stable error code of a structured API error body, when there is one."""
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            return str(error["code"])[:64]
    return None


class PermissionDeniedLoggingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            self._record(request, response)
        except Exception:  # never let logging break the response
            logger.exception("audit.middleware_failed")
        return response

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        status = response.status_code
        is_api = request.path.startswith(API_PREFIX)
        if status == 403:
            kind = SecurityEventKind.PERMISSION_DENIED
        elif status == 401 and is_api:
            kind = SecurityEventKind.TOKEN_REJECTED
        elif status == 429:
            if getattr(request, "axes_locked_out", False):
                return
            kind = SecurityEventKind.RATE_LIMITED
        else:
            return
        detail: dict[str, Any] = {"status": status, "api": is_api}
        code = _error_code(response)
        if code:
            detail["code"] = code
        if status == 401:
            header = request.META.get("HTTP_AUTHORIZATION", "")
            detail["scheme"] = header.split(" ", 1)[0][:20] if header else ""
        security_event_record(kind=kind, request=request, detail=detail)
