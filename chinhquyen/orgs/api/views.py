"""Organisation API: a public directory (read) and IT administrators' management (write).

Views only parse, check permission (chinhquyen.orgs.permissions), call a service or selector
and render.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from chinhquyen.core.api import error_body
from chinhquyen.orgs import permissions as perms
from chinhquyen.orgs import selectors, services
from chinhquyen.orgs.models import Organisation
from chinhquyen.orgs.tabular import XLSX_CONTENT_TYPE

from .pagination import OrganisationPagination
from .serializers import (
    OrganisationCreateSerializer,
    OrganisationDetailSerializer,
    OrganisationImportResultSerializer,
    OrganisationImportSerializer,
    OrganisationListQuerySerializer,
    OrganisationMergeSerializer,
    OrganisationMoveSerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
)

TAG = "Cơ quan, đơn vị"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}


class IsOrgAdmin(IsAuthenticated):
    """Authenticated and holding an IT administrator position (scope is checked per object)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and perms.is_org_admin(request.user)


def _deny() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(
        "Bạn chỉ được quản lý cơ quan, đơn vị trong phạm vi được phân quyền."
    )


def _detail(org: Organisation) -> dict[str, Any]:
    fresh = selectors.organisation_detail_queryset().get(pk=org.pk)
    return OrganisationDetailSerializer(fresh).data  # type: ignore[return-value]


class OrganisationListView(APIView):
    pagination_class = OrganisationPagination

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsOrgAdmin()]

    def get_throttles(self) -> list[Any]:
        return [AnonRateThrottle()] if self.request.method == "GET" else []

    @extend_schema(
        operation_id="organisations_list",
        tags=[TAG],
        summary="Danh bạ cơ quan, đơn vị",
        description=(
            "Danh bạ công khai (không cần đăng nhập). Mặc định chỉ gồm cơ quan, đơn vị còn hiệu "
            "lực hôm nay; `active_on` chọn ngày khác. Tìm kiếm `q` không phân biệt dấu và hoa "
            'thường ("so tu phap" tìm được "Sở Tư pháp"). Phân trang bằng `limit`/`offset`.'
        ),
        parameters=[OrganisationListQuerySerializer],
        responses={200: OrganisationSerializer(many=True), 400: ERROR},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = OrganisationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.organisation_list(**query.validated_filters())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OrganisationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        tags=[TAG],
        summary="Thêm cơ quan, đơn vị",
        description=(
            "Chỉ quản trị hệ thống, trong phạm vi đơn vị của mình: đơn vị cấp trên phải thuộc "
            "phạm vi; tạo đơn vị cấp cao nhất (không có cấp trên) cần quản trị ở đơn vị cấp cao "
            "nhất."
        ),
        request=OrganisationCreateSerializer,
        responses={201: OrganisationDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = OrganisationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not perms.can_manage(request.user, values.get("parent")):
            raise _deny()
        org = services.organisation_create(actor=request.user, **values)
        return Response(_detail(org), status=status.HTTP_201_CREATED)


class OrganisationDetailView(APIView):
    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsOrgAdmin()]

    def get_throttles(self) -> list[Any]:
        return [AnonRateThrottle()] if self.request.method == "GET" else []

    @extend_schema(
        operation_id="organisations_retrieve",
        tags=[TAG],
        summary="Thông tin một cơ quan, đơn vị",
        description=(
            "Công khai. Gồm đơn vị cấp trên, các đơn vị trực thuộc còn hiệu lực, đơn vị tiền "
            "thân và đơn vị kế thừa (sáp nhập)."
        ),
        responses={200: OrganisationDetailSerializer, 404: ERROR},
        auth=[],
    )
    def get(self, request: Request, pk: int) -> Response:
        org = get_object_or_404(selectors.organisation_detail_queryset(), pk=pk)
        return Response(OrganisationDetailSerializer(org).data)

    @extend_schema(
        operation_id="organisations_partial_update",
        tags=[TAG],
        summary="Sửa cơ quan, đơn vị",
        description=(
            "Chỉ quản trị hệ thống trong phạm vi. Gửi `parent` để chuyển đơn vị (đơn vị cấp "
            "trên mới cũng phải thuộc phạm vi; không được chuyển vào chính nó hoặc cấp dưới)."
        ),
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationDetailSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        org = get_object_or_404(Organisation, pk=pk)
        if not perms.can_manage(request.user, org):
            raise _deny()
        data = OrganisationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "parent" in values and not perms.can_manage(request.user, values["parent"]):
            raise _deny()
        org = services.organisation_update(actor=request.user, org=org, data=values)
        return Response(_detail(org))


class OrganisationByCodeView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        operation_id="organisations_by_code",
        tags=[TAG],
        summary="Tra cứu theo mã định danh",
        description="Công khai. Tra cứu cơ quan, đơn vị theo mã định danh điện tử (QCVN 102).",
        responses={200: OrganisationDetailSerializer, 404: ERROR},
        auth=[],
    )
    def get(self, request: Request, agency_code: str) -> Response:
        org = get_object_or_404(
            selectors.organisation_detail_queryset(), agency_code=agency_code.strip().upper()
        )
        return Response(OrganisationDetailSerializer(org).data)


class OrganisationMoveView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        operation_id="organisations_move",
        tags=[TAG],
        summary="Chuyển đơn vị sang đơn vị cấp trên khác",
        description=(
            "Chuyển đơn vị cùng toàn bộ đơn vị cấp dưới. Đơn vị và đơn vị cấp trên mới phải "
            "thuộc phạm vi quản trị; `parent: null` đưa lên cấp cao nhất."
        ),
        request=OrganisationMoveSerializer,
        responses={200: OrganisationDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        org = get_object_or_404(Organisation, pk=pk)
        if not perms.can_manage(request.user, org):
            raise _deny()
        data = OrganisationMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new_parent = data.validated_data["parent"]
        if not perms.can_move(request.user, org, new_parent):
            raise _deny()
        org = services.organisation_move(actor=request.user, org=org, new_parent=new_parent)
        return Response(_detail(org))


class OrganisationMergeView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        operation_id="organisations_merge",
        tags=[TAG],
        summary="Sáp nhập đơn vị",
        description=(
            "Các đơn vị tiền thân hết hiệu lực từ ngày trước ngày sáp nhập (cùng đơn vị cấp dưới "
            "còn hiệu lực) và được liên kết với đơn vị kế thừa. Mọi đơn vị phải thuộc phạm vi."
        ),
        request=OrganisationMergeSerializer,
        responses={200: OrganisationDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = OrganisationMergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not perms.can_merge(request.user, values["predecessors"], values["successor"]):
            raise _deny()
        org = services.organisation_merge(
            actor=request.user,
            predecessors=values["predecessors"],
            successor=values["successor"],
            effective_date=values["effective_date"],
        )
        return Response(_detail(org))


class OrganisationImportView(APIView):
    permission_classes = [IsOrgAdmin]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="organisations_import",
        tags=[TAG],
        summary="Nhập danh sách cơ quan, đơn vị từ CSV/Excel",
        description=(
            "Cập nhật hoặc thêm theo mã định danh, tất cả hoặc không gì cả. Cột: ma_dinh_danh, "
            "ten, ten_viet_tat, loai, ma_don_vi_cap_tren, ma_hanh_chinh, hieu_luc_tu, "
            "hieu_luc_den (dd/mm/yyyy), dia_chi, dien_thoai, email. Tối đa 5 MB, 20.000 dòng. "
            "Lỗi trả về HTTP 400 với danh sách lỗi theo dòng trong `error.fields.file`."
        ),
        request={"multipart/form-data": OrganisationImportSerializer},
        responses={200: OrganisationImportResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = OrganisationImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.organisations_import(
            actor=request.user,
            file=data.validated_data["file"],
            authorize=perms.import_authorizer(request.user),
        )
        if not result.ok:
            return Response(
                error_body(
                    "import_failed",
                    "Tệp có lỗi, chưa có dữ liệu nào được lưu.",
                    {"file": result.errors},
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(OrganisationImportResultSerializer(result).data)


class OrganisationExportView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        operation_id="organisations_export",
        tags=[TAG],
        summary="Xuất danh sách cơ quan, đơn vị ra Excel",
        description=(
            "Tệp .xlsx gồm mọi cơ quan, đơn vị trong phạm vi quản trị (cả đơn vị đã hết hiệu "
            "lực), cùng các cột như khi nhập, nên có thể sửa rồi nhập lại."
        ),
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 401: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> HttpResponse:
        content = services.organisations_export(
            orgs=selectors.organisations_manageable_by(request.user)
        )
        filename = f"co-quan-don-vi-{timezone.localdate():%Y%m%d}.xlsx"
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
