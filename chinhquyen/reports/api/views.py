"""Report API: GET /api/v1/reports/on-time/ — on-time statistics by organisation and month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..forms import build_period
from ..selectors import Figures, OnTimeReport
from . import serializers as s

ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "received": figures.received,
        "received_online": figures.received_online,
        "online_rate": figures.online_rate,
        "finished": figures.finished,
        "early": figures.early,
        "on_time": figures.on_time,
        "late": figures.late,
        "on_time_rate": figures.on_time_rate,
    }


def _month(day: dt.date, figures: Figures) -> dict[str, Any]:
    return {"month": f"{day:%Y-%m}", **_figures(figures)}


def _render(report: OnTimeReport) -> dict[str, Any]:
    return {
        "start": f"{report.period.first:%Y-%m}",
        "end": f"{report.period.last:%Y-%m}",
        "total": _figures(report.total),
        "months": [_month(day, figures) for day, figures in report.month_rows],
        "organisations": [
            {
                "organisation": {
                    "id": row.organisation.pk,
                    "name": row.organisation.name,
                    "agency_code": row.organisation.agency_code,
                },
                "total": _figures(row.total),
                "months": [_month(day, row.months[day]) for day in sorted(row.months)],
            }
            for row in report.rows
        ],
    }


class OnTimeReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Báo cáo, thống kê"],
        operation_id="reports_on_time",
        summary="Thống kê hồ sơ đúng hạn theo cơ quan và tháng",
        description="Dành cho lãnh đạo đơn vị và lãnh đạo phòng, trong phạm vi cơ quan của mình. "
        "Hồ sơ đã giải quyết tính theo tháng có kết quả (giờ Việt Nam); tối đa 36 tháng.",
        parameters=[s.OnTimeQuerySerializer],
        responses={200: s.OnTimeReportSerializer, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request) -> Response:
        if not selectors.can_read_reports(request.user):
            raise PermissionDenied("Chỉ lãnh đạo đơn vị và lãnh đạo phòng được xem thống kê.")
        query = s.OnTimeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            # a blank parameter (``?start=``) never reaches MonthParam: DRF keeps it as ""
            period = build_period(data.get("start") or None, data.get("end") or None)
        except ValueError as exc:
            raise ValidationError({"end": [str(exc)]}) from None
        organisation = None
        if data.get("organisation"):
            organisation = (
                selectors.report_organisations(request.user).filter(pk=data["organisation"]).first()
            )
            if organisation is None:
                raise NotFound("Không tìm thấy cơ quan trong phạm vi được xem.")
        report = selectors.on_time_report(
            user=request.user, period=period, organisation=organisation
        )
        return Response(s.OnTimeReportSerializer(_render(report)).data)
