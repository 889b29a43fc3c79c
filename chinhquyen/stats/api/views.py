"""Statistics API: the QĐ 766 index (scoped) and the public figures (no sign-in)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import index766, periods, presenters, selectors
from . import serializers as s

ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
DENIED = "Chỉ lãnh đạo đơn vị và lãnh đạo phòng được xem chỉ số."


class Index766View(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Báo cáo, thống kê"],
        operation_id="index766",
        summary="Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766) của một cơ quan và kỳ",
        description="Nhóm, chỉ số, điểm và ngưỡng điểm tối đa; danh sách hồ sơ quá hạn và thủ "
        "tục chưa có thanh toán/nộp trực tuyến; điểm các kỳ trước. Dành cho lãnh đạo đơn vị "
        "và lãnh đạo phòng, trong phạm vi cơ quan của mình. Số liệu tổng hợp trễ tối đa 60 giây.",
        parameters=[s.IndexQuerySerializer],
        responses={200: s.IndexSerializer, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request) -> Response:
        if not selectors.can_read(request.user):
            raise PermissionDenied(DENIED)
        query = s.IndexQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            period = selectors.resolve_period(data.get("period") or None)
        except ValueError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        try:
            organisation = selectors.resolve_organisation(request.user, data.get("organisation"))
        except selectors.OutOfScope:
            raise NotFound("Không tìm thấy cơ quan trong phạm vi được xem.") from None
        result = index766.index_for(organisation=organisation, period=period)
        history = selectors.index_history(organisation, period)
        return Response(s.IndexSerializer(presenters.index_dict(result, history)).data)


class PublicStatisticsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        tags=["Báo cáo, thống kê"],
        operation_id="statistics_public",
        summary="Số liệu công khai về giải quyết hồ sơ theo cơ quan và tháng",
        description="Không cần đăng nhập. Chỉ các tháng đã khóa sổ (tháng tính từ ngày 15 tháng "
        "trước đến ngày 14) được công bố; tháng chưa kết thúc không có số liệu.",
        parameters=[s.PublicQuerySerializer],
        responses={200: s.PublicStatisticsSerializer, 400: ERROR},
    )
    def get(self, request: Request) -> Response:
        query = s.PublicQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data.get("month") or ""
        if text:
            try:
                month = periods.parse(text)
            except ValueError as exc:
                raise ValidationError({"month": [str(exc)]}) from None
            if month.kind != "month":
                raise ValidationError({"month": ["Dùng dạng YYYY-MM."]})
            months = [month] if month.is_closed() else []
        else:
            months = selectors.published_months()
        rows = selectors.public_figures(months)
        body = {
            "months": [m.code for m in months],
            "results": [presenters.public_row_dict(r) for r in rows],
        }
        response = Response(s.PublicStatisticsSerializer(body).data)
        response["Cache-Control"] = "public, max-age=300"
        return response
