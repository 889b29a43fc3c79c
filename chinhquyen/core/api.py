"""API foundation shared by every app: structured Vietnamese error bodies.

Every error the API returns has the same shape::

    {"error": {"code": "validation_error", "message": "Dữ liệu không hợp lệ.",
               "fields": {"start": ["..."]}}}

``code`` is stable and machine-readable (English), ``message`` is for people (Vietnamese).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status

if TYPE_CHECKING:
    from rest_framework.response import Response

MESSAGES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.ValidationError: ("validation_error", "Dữ liệu gửi lên không hợp lệ."),
    exceptions.ParseError: ("parse_error", "Không đọc được dữ liệu gửi lên."),
    exceptions.AuthenticationFailed: ("authentication_failed", "Xác thực không thành công."),
    exceptions.NotAuthenticated: ("not_authenticated", "Cần đăng nhập để thực hiện thao tác này."),
    exceptions.PermissionDenied: (
        "permission_denied",
        "Bạn không có quyền thực hiện thao tác này.",
    ),
    exceptions.NotFound: ("not_found", "Không tìm thấy dữ liệu yêu cầu."),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    exceptions.NotAcceptable: ("not_acceptable", "Định dạng phản hồi yêu cầu không được hỗ trợ."),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        "Định dạng dữ liệu gửi lên không được hỗ trợ.",
    ),
    exceptions.Throttled: ("throttled", "Bạn thao tác quá nhanh, vui lòng thử lại sau."),
}


class DomainError(exceptions.APIException):
    """Raised by services for a business rule violation; rendered as HTTP 400 (or 409)."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "domain_error"
    default_detail = "Yêu cầu không thực hiện được."

    def __init__(
        self,
        message: str,
        code: str = "domain_error",
        status_code: int = 400,
        wait: int | None = None,
    ):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        # seconds before trying again: DRF's handler sends them as the Retry-After header
        self.wait = wait


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # raised while DRF parses the body: without this, an API answers Django's HTML 400 page
        exc = DomainError("Dữ liệu gửi lên quá lớn.", code="request_too_large")
    elif isinstance(exc, TooManyFilesSent | TooManyFieldsSent):
        exc = DomainError(
            "Gửi quá nhiều tệp hoặc trường dữ liệu trong một yêu cầu.", code="too_many_parts"
        )

    # DRF's views module (schemas, requests...) loads with the API, not with every model
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django's 500 handling log it

    if isinstance(exc, DomainError):
        response.data = error_body(exc.error_code, str(exc.detail))
        return response

    code, message = "error", "Đã có lỗi xảy ra."
    for klass in type(exc).__mro__:
        if klass in MESSAGES:
            code, message = MESSAGES[klass]  # type: ignore[index]
            break

    fields: dict[str, Any] | None = None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {
                k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
            }
        elif isinstance(detail, list):
            fields = {"non_field_errors": [str(m) for m in detail]}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        message = f"Bạn thao tác quá nhanh, vui lòng thử lại sau {math.ceil(wait)} giây."
    response.data = error_body(code, message, fields)
    return response
