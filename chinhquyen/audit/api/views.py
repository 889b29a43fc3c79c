"""Audit API for IT administrators: change log entries and security events (read-only)."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from chinhquyen.audit.filters import LogEntryFilter, SecurityEventFilter
from chinhquyen.audit.models import SecurityEvent
from chinhquyen.audit.selectors import (
    can_browse_audit,
    log_entries_visible_to,
    security_events_visible_to,
)

from .serializers import LogEntrySerializer, SecurityEventSerializer


class AuditPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CanBrowseAudit(permissions.BasePermission):
    message = "Chỉ quản trị hệ thống được xem nhật ký."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_browse_audit(request.user)


class LogEntryList(generics.ListAPIView):
    serializer_class = LogEntrySerializer
    filterset_class = LogEntryFilter
    pagination_class = AuditPagination
    permission_classes = [permissions.IsAuthenticated, CanBrowseAudit]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return LogEntry.objects.none()
        return log_entries_visible_to(self.request.user)

    @extend_schema(
        summary="Nhật ký thay đổi dữ liệu",
        description=(
            "Các thay đổi dữ liệu (tạo, sửa, xóa) do django-auditlog ghi lại, mới nhất trước. "
            "Quản trị hệ thống ở cơ quan gốc xem tất cả; quản trị của một đơn vị xem các thay "
            "đổi do cán bộ thuộc đơn vị mình (và cấp dưới) thực hiện."
        ),
        tags=["Nhật ký"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class SecurityEventList(generics.ListAPIView):
    serializer_class = SecurityEventSerializer
    filterset_class = SecurityEventFilter
    pagination_class = AuditPagination
    permission_classes = [permissions.IsAuthenticated, CanBrowseAudit]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return SecurityEvent.objects.none()
        return security_events_visible_to(self.request.user)

    @extend_schema(
        summary="Sự kiện an ninh",
        description=(
            "Đăng nhập, đăng xuất, khóa tài khoản, từ chối truy cập, từ chối khóa API, xác "
            "thực hai lớp thất bại và vượt giới hạn yêu cầu, mới nhất trước; cùng phạm vi "
            "xem như nhật ký thay đổi."
        ),
        tags=["Nhật ký"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)
