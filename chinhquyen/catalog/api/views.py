"""Catalogue API: the public published catalogue (read) and minimal management for
catalogue managers (create a procedure with its first draft, publish a draft). The Django
admin and the Excel import are the main management tools.

Views only parse, check permission (chinhquyen.catalog.permissions), call a service or a
selector and render.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from chinhquyen.catalog import selectors, services
from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.permissions import can_manage_catalog

from .serializers import (
    DraftSerializer,
    FieldSerializer,
    ProcedureCreateSerializer,
    ProcedureDetailSerializer,
    ProcedurePageSerializer,
    ProcedureSearchQuerySerializer,
    ProcedureSummarySerializer,
    PublishSerializer,
)

TAG = "Thủ tục hành chính"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


class CatalogPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class IsCatalogManager(IsAuthenticated):
    message = "Chỉ quản trị hệ thống cấp tỉnh được quản lý danh mục thủ tục hành chính."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and can_manage_catalog(request.user)


class _PublicReadView(APIView):
    """GET is public (and throttled for anonymous clients); writes need a catalogue manager."""

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsCatalogManager()]

    def get_throttles(self) -> list[Any]:
        return [AnonRateThrottle()] if self.request.method == "GET" else []


class ProcedureListView(_PublicReadView):
    pagination_class = CatalogPagination

    @extend_schema(
        operation_id="catalog_procedures_list",
        tags=[TAG],
        summary="Tra cứu thủ tục hành chính",
        description=(
            "Công khai. Các thủ tục đang áp dụng hôm nay (phiên bản đã công bố còn hiệu lực). "
            "`q` tìm theo tên hoặc mã, không phân biệt dấu và hoa thường; kết quả xếp theo mức "
            "độ phù hợp rồi theo tên. Phân trang bằng `page` (20 thủ tục/trang)."
        ),
        parameters=[ProcedureSearchQuerySerializer],
        responses={200: ProcedurePageSerializer, 400: ERROR},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = ProcedureSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.procedure_search(**query.filters())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ProcedureSummarySerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="catalog_procedures_create",
        tags=[TAG],
        summary="Thêm thủ tục (tạo bản nháp đầu tiên)",
        description="Chỉ quản trị hệ thống cấp tỉnh. Tạo thủ tục và phiên bản nháp số 1.",
        request=ProcedureCreateSerializer,
        responses={201: DraftSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = ProcedureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        procedure = services.procedure_create(
            actor=request.user,
            code=values.pop("code"),
            field=values.pop("field"),
            level=values.pop("level"),
            name=values.pop("name"),
            competent_organisations=values.pop("competent_organisations", []),
            **values,
        )
        draft = selectors.draft_of(procedure)
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class ProcedureDetailView(_PublicReadView):
    @extend_schema(
        operation_id="catalog_procedures_retrieve",
        tags=[TAG],
        summary="Chi tiết thủ tục đang áp dụng",
        description=(
            "Công khai. Phiên bản đang áp dụng của thủ tục có mã `code`: phí, lệ phí; thành "
            "phần hồ sơ; quy trình nội bộ; biểu mẫu điện tử (JSON Schema)."
        ),
        responses={200: ProcedureDetailSerializer, 404: ERROR},
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        version = selectors.procedure_detail(code)
        if version is None:
            raise Http404
        return Response(ProcedureDetailSerializer(version, context={"request": request}).data)


class ProcedurePublishView(APIView):
    permission_classes = [IsCatalogManager]

    @extend_schema(
        operation_id="catalog_procedures_publish",
        tags=[TAG],
        summary="Công bố bản nháp của thủ tục",
        description=(
            "Chỉ quản trị hệ thống cấp tỉnh. Công bố bản nháp từ `valid_from` (mặc định hôm "
            "nay); phiên bản đang áp dụng hết hiệu lực từ ngày hôm trước."
        ),
        request=PublishSerializer,
        responses={200: DraftSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        procedure = Procedure.objects.filter(code=code).first()
        draft = selectors.draft_of(procedure) if procedure else None
        if draft is None:
            raise Http404
        version = services.version_publish(
            actor=request.user, version=draft, valid_from=data.validated_data.get("valid_from")
        )
        return Response(DraftSerializer(version).data)


class FieldListView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        operation_id="catalog_fields_list",
        tags=[TAG],
        summary="Danh sách lĩnh vực",
        description="Công khai. Các lĩnh vực và số thủ tục đang áp dụng của mỗi lĩnh vực.",
        responses={200: FieldSerializer(many=True)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        return Response(FieldSerializer(selectors.field_list(), many=True).data)
