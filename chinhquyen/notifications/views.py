"""The local SMS gateway sandbox: the ``http_json`` protocol, answered by this deployment.

``POST`` JSON ``{"to": "84xxxxxxxxx", "message": "...", "brandname": "..."}`` with the API key
in the ``NOTIFY_SMS_API_KEY_HEADER`` header (default ``X-API-Key``) equal to
``NOTIFY_SMS_SANDBOX_API_KEY`` (default ``sandbox-sms-key``). Answers 200
``{"id": "sandbox-...", "status": "accepted"}``, or 400/401/405 with the platform's structured
error body. Served only when ``NOTIFY_SMS_SANDBOX`` is on (demo and development), 404 otherwise.
An ``Idempotency-Key`` header already seen returns the first message's id without storing again.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chinhquyen.core.api import error_body

from .rendering import SMS_MAX_LENGTH
from .services import sandbox_sms_receive
from .transports import DEFAULT_SMS_API_KEY_HEADER

DEFAULT_SANDBOX_API_KEY = "sandbox-sms-key"
REQUEST_MAX_BYTES = 16 * 1024
BRANDNAME_MAX_LENGTH = 20
IDEMPOTENCY_KEY_MAX_LENGTH = 100
_TO = re.compile(r"^84[35789]\d{8}\Z")


def sms_sandbox_enabled() -> bool:
    return bool(getattr(settings, "NOTIFY_SMS_SANDBOX", False))


def _error(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False}
    )


def _validate(payload: Any) -> dict[str, list[str]]:
    if not isinstance(payload, dict):
        return {"non_field_errors": ["Dữ liệu phải là một đối tượng JSON."]}
    errors: dict[str, list[str]] = {}
    to = payload.get("to")
    if not isinstance(to, str) or not _TO.match(to):
        errors["to"] = ["Số nhận phải có dạng 84xxxxxxxxx."]
    message = payload.get("message")
    if not isinstance(message, str) or not message.strip():
        errors["message"] = ["Thiếu nội dung tin nhắn."]
    elif len(message) > SMS_MAX_LENGTH:
        errors["message"] = [f"Tin nhắn dài quá {SMS_MAX_LENGTH} ký tự."]
    brandname = payload.get("brandname")
    if not isinstance(brandname, str) or not 0 < len(brandname.strip()) <= BRANDNAME_MAX_LENGTH:
        errors["brandname"] = [f"Tên thương hiệu phải có từ 1 đến {BRANDNAME_MAX_LENGTH} ký tự."]
    return errors


@csrf_exempt
@require_POST
def sms_sandbox(request: HttpRequest) -> JsonResponse:
    if not sms_sandbox_enabled():
        raise Http404
    header = str(getattr(settings, "NOTIFY_SMS_API_KEY_HEADER", DEFAULT_SMS_API_KEY_HEADER))
    expected = str(getattr(settings, "NOTIFY_SMS_SANDBOX_API_KEY", DEFAULT_SANDBOX_API_KEY))
    given = request.headers.get(header, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return _error(401, "authentication_failed", "Khóa API của cổng SMS không đúng.")
    if len(request.body) > REQUEST_MAX_BYTES:
        return _error(400, "parse_error", "Yêu cầu quá lớn.")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "parse_error", "Không đọc được dữ liệu JSON gửi lên.")
    errors = _validate(payload)
    if errors:
        return _error(400, "validation_error", "Dữ liệu gửi lên không hợp lệ.", errors)
    key = request.headers.get("Idempotency-Key", "").strip()[:IDEMPOTENCY_KEY_MAX_LENGTH]
    sms = sandbox_sms_receive(
        to=payload["to"],
        message=payload["message"],
        brandname=payload["brandname"].strip(),
        idempotency_key=key or None,
    )
    return JsonResponse({"id": sms.message_id, "status": "accepted"})
