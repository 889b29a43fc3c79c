"""Floor API under /api/v1/floor/.

- public (devices in the hall): ``POST /floor/areas/{id}/tickets/`` (take a ticket),
  ``GET /floor/tickets/{key}/``, ``GET /floor/desks/{id}/display/`` (no personal data),
  ``POST /floor/counters/{id}/rating/`` (the counter's last finished ticket, once);
- officials of the counter's desk: ``POST /floor/counters/{id}/actions/{action}/`` and
  ``GET /floor/desks/{id}/times/``. A counter or desk outside the caller's desks answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.dossiers.api.views import IsOfficialUser, _data

from .. import selectors, services
from ..models import Counter, ServiceArea, Ticket
from ..permissions import can_operate, desks_of
from . import serializers as s

TAG_PUBLIC = "Quầy phục vụ — công khai"
TAG_OFFICER = "Quầy phục vụ — cán bộ"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
ACTIONS = ("call", "recall", "no_show", "start", "finish")


class TakeTicketView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="floor_ticket_take",
        tags=[TAG_PUBLIC],
        summary="Lấy số thứ tự ở một khu vực",
        request=None,
        responses={201: s.FloorTicketSerializer, 400: ERROR, 404: ERROR},
        auth=[],
    )
    def post(self, request: Request, pk: int) -> Response:
        area = get_object_or_404(ServiceArea, pk=pk, active=True)
        ticket = services.ticket_take(area=area, channel="phone")
        return Response(s.FloorTicketSerializer(ticket).data, status=201)


class TicketView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="floor_ticket",
        tags=[TAG_PUBLIC],
        summary="Trạng thái một số thứ tự (theo khóa trong mã QR)",
        responses={200: s.FloorTicketSerializer, 404: ERROR},
        auth=[],
    )
    def get(self, request: Request, key: str) -> Response:
        ticket = get_object_or_404(Ticket.objects.select_related("area", "counter"), key=key)
        return Response(s.FloorTicketSerializer(ticket).data)


class DisplayView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="floor_display",
        tags=[TAG_PUBLIC],
        summary="Màn hình gọi số của một bộ phận một cửa (không có dữ liệu cá nhân)",
        responses={200: s.FloorDisplaySerializer, 404: ERROR},
        auth=[],
    )
    def get(self, request: Request, pk: int) -> Response:
        if not ServiceArea.objects.filter(desk_id=pk, active=True).exists():
            raise DomainError("Không tìm thấy.", code="not_found", status_code=404)
        return Response(
            s.FloorDisplaySerializer(selectors.display_data(pk, timezone.localdate())).data
        )


class RateView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="floor_counter_rate",
        tags=[TAG_PUBLIC],
        summary="Đánh giá lượt phục vụ vừa kết thúc tại quầy (một lần)",
        request=s.FloorRateSerializer,
        responses={201: s.FloorRatingSerializer, 400: ERROR, 404: ERROR},
        auth=[],
    )
    def post(self, request: Request, pk: int) -> Response:
        counter = get_object_or_404(Counter, pk=pk)
        serializer = s.FloorRateSerializer(data=_data(request))
        serializer.is_valid(raise_exception=True)
        rating = services.counter_rate(
            counter=counter,
            score=int(serializer.validated_data["score"]),
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(s.FloorRatingSerializer(rating).data, status=201)


class CounterActionView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="floor_counter_action",
        tags=[TAG_OFFICER],
        summary="Thao tác tại quầy: gọi số tiếp theo, gọi lại, vắng mặt, bắt đầu, kết thúc",
        request=None,
        responses={200: s.FloorTicketSerializer, 204: None, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        user = request.user
        assert isinstance(user, User)
        counter = get_object_or_404(Counter, pk=pk)
        if action not in ACTIONS or not can_operate(user, counter):
            raise DomainError("Không tìm thấy.", code="not_found", status_code=404)
        handlers: dict[str, Callable[..., Ticket | None]] = {
            "call": services.ticket_call_next,
            "recall": services.ticket_recall,
            "no_show": services.ticket_no_show,
            "start": services.ticket_start,
            "finish": services.ticket_finish,
        }
        handler = handlers[action]
        ticket = handler(actor=user, counter=counter)
        if ticket is None:
            return Response(status=204)
        return Response(s.FloorTicketSerializer(ticket).data)


class TimesView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="floor_times",
        tags=[TAG_OFFICER],
        summary="Thời gian chờ và phục vụ trong ngày theo khu vực hoặc quầy",
        parameters=[
            OpenApiParameter("day", dt.date, required=False, description="Mặc định hôm nay."),
            OpenApiParameter("by", str, enum=["area", "counter"], required=False),
        ],
        responses={200: s.FloorTimesSerializer(many=True), 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        if pk not in desks_of(request.user):
            raise DomainError("Không tìm thấy.", code="not_found", status_code=404)
        try:
            day = dt.date.fromisoformat(request.query_params.get("day") or "")
        except ValueError:
            day = timezone.localdate()
        by = "counter" if request.query_params.get("by") == "counter" else "area"
        rows = selectors.floor_times(desk_id=pk, day=day, by=by)
        return Response(s.FloorTimesSerializer(rows, many=True).data)
