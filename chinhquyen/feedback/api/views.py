"""Citizen report API.

- public: ``POST /feedback/`` (submit), ``POST /feedback/contact-code/`` (one-time code for
  anonymous senders), ``GET /feedback/lookup/`` (code + PIN; limited like the dossier
  lookup), ``POST /feedback/rate/`` (code + PIN), ``GET /feedback/public/`` (the board),
  ``GET /feedback/categories/``;
- officials: ``GET /feedback/items/`` (inbox, scoped), ``GET /feedback/items/{id}/``,
  ``POST /feedback/items/{id}/action/``, ``GET /feedback/satisfaction/``.

An item outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.clientip import client_ip
from chinhquyen.dossiers import lookup as lookup_limits
from chinhquyen.dossiers.api.views import IsOfficialUser, _data
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .. import dispatch, selectors, services
from ..models import FeedbackAnswer, FeedbackCategory, FeedbackItem
from ..satisfaction import DIMENSIONS, satisfaction_by
from . import serializers as s

TAG_PUBLIC = "Phản ánh, kiến nghị — công khai"
TAG_OFFICER = "Phản ánh, kiến nghị — cán bộ"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
PARSERS = [JSONParser, MultiPartParser, FormParser]
NOT_FOUND = "Không tìm thấy phản ánh với mã phản ánh và mã PIN đã nhập."


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _actor(request: Request) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _gate(request: Request, code: str) -> str:
    normalised = lookup_limits.normalise_code(code)
    verdict = lookup_limits.gate(client_ip(request), normalised)
    if verdict != lookup_limits.OK:
        raise DomainError(
            "Bạn thao tác quá nhanh hoặc mã này tạm khóa tra cứu, vui lòng thử lại sau.",
            code="throttled",
            status_code=429,
        )
    return normalised


def _find(request: Request, code: str, pin: str) -> FeedbackItem:
    normalised = _gate(request, code)
    item = selectors.find_by_pin(normalised, pin)
    if item is None:
        lookup_limits.record_failure(normalised)
        raise DomainError(NOT_FOUND, code="not_found", status_code=404)
    return item


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="feedback_categories",
        tags=[TAG_PUBLIC],
        summary="Lĩnh vực phản ánh",
        responses={200: s.FeedbackCategorySerializer(many=True)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        rows = FeedbackCategory.objects.filter(active=True)
        return Response(s.FeedbackCategorySerializer(rows, many=True).data)


class ContactCodeView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="feedback_contact_code",
        tags=[TAG_PUBLIC],
        summary="Gửi mã xác minh liên hệ",
        description=(
            "Người gửi không đăng nhập nhận mã 6 chữ số qua SMS hoặc thư điện tử (hiệu lực 10 "
            "phút, 3 mã mỗi giờ cho một liên hệ), rồi gửi kèm mã trong contact_code."
        ),
        request=s.FeedbackContactCodeRequestSerializer,
        responses={202: OpenApiResponse(description="Đã gửi mã."), 400: ERROR, 429: ERROR},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.FeedbackContactCodeRequestSerializer, _data(request))
        services.contact_code_send(contact=data["contact"])
        return Response(status=status.HTTP_202_ACCEPTED)


class SubmitView(APIView):
    permission_classes = [AllowAny]
    parser_classes = PARSERS

    @extend_schema(
        operation_id="feedback_submit",
        tags=[TAG_PUBLIC],
        summary="Gửi phản ánh, kiến nghị",
        description=(
            "Công dân đăng nhập gửi trực tiếp; người không đăng nhập cần mã xác minh liên hệ "
            "(feedback_contact_code). Cán bộ nhập phản ánh nhận qua điện thoại, thư, trực tiếp "
            "(channel). Ảnh (multipart, trường photos) được kiểm tra như mọi tệp tải lên, xóa "
            "EXIF/GPS và thu nhỏ. Trả về mã phản ánh và mã PIN tra cứu (chỉ một lần)."
        ),
        request={
            "multipart/form-data": s.FeedbackSubmitSerializer,
            "application/json": s.FeedbackSubmitSerializer,
        },
        responses={201: s.FeedbackSubmittedSerializer, 400: ERROR, 403: ERROR},
    )
    def post(self, request: Request) -> Response:
        raw = _data(request)
        data = _valid(s.FeedbackSubmitSerializer, raw)
        photos = raw.getlist("photos") if hasattr(raw, "getlist") else []
        commune = None
        if data.get("commune"):
            commune = Organisation.objects.filter(
                pk=data["commune"], kind=OrganisationKind.COMMUNE_COMMITTEE
            ).first()
            if commune is None:
                raise DomainError("Xã, phường không hợp lệ.", code="invalid_commune")
        item, pin = services.feedback_submit(
            actor=_actor(request),
            kind=data["kind"],
            category=data["category"],
            title=data["title"],
            text=data["text"],
            sender_name=data["sender_name"],
            sender_contact=data["sender_contact"],
            contact_code=data.get("contact_code", ""),
            consent_publish=data["consent_publish"],
            commune=commune,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            address=data.get("address", ""),
            channel=data["channel"],
            photos=photos,
        )
        body = {"code": item.code, "pin": pin, "status": item.status}
        return Response(s.FeedbackSubmittedSerializer(body).data, status=status.HTTP_201_CREATED)


class LookupView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(
        operation_id="feedback_lookup",
        tags=[TAG_PUBLIC],
        summary="Tra cứu phản ánh (người gửi)",
        description=(
            "Mã phản ánh và mã PIN. Mã không tồn tại và PIN sai cho cùng câu trả lời (404). "
            "Giới hạn chung với tra cứu hồ sơ: theo địa chỉ, theo mã, khóa sau nhiều lần sai (429)."
        ),
        parameters=[
            OpenApiParameter("code", str, required=True),
            OpenApiParameter("pin", str, required=True),
        ],
        responses={200: s.FeedbackSenderViewSerializer, 400: ERROR, 404: ERROR, 429: ERROR},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("code", "")
        normalised = _gate(request, code)
        data = _valid(s.FeedbackLookupQuerySerializer, request.query_params)
        item = selectors.find_by_pin(normalised, data["pin"])
        if item is None:
            lookup_limits.record_failure(normalised)
            raise DomainError(NOT_FOUND, code="not_found", status_code=404)
        return Response(s.FeedbackSenderViewSerializer(selectors.sender_view(item)).data)


class RateView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="feedback_rate",
        tags=[TAG_PUBLIC],
        summary="Đánh giá câu trả lời (và mở lại một lần)",
        request=s.FeedbackRateSerializer,
        responses={
            200: s.FeedbackSenderViewSerializer,
            400: ERROR,
            404: ERROR,
            409: ERROR,
            429: ERROR,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.FeedbackRateSerializer, _data(request))
        item = _find(request, data["code"], data["pin"])
        services.feedback_rate(
            actor=None, item=item, satisfied=data["satisfied"], comment=data.get("comment", "")
        )
        if data.get("reopen_reason"):
            services.feedback_reopen(actor=None, item=item, reason=data["reopen_reason"])
        item.refresh_from_db()
        return Response(s.FeedbackSenderViewSerializer(selectors.sender_view(item)).data)


class BoardPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


class PublicBoardView(APIView):
    permission_classes = [AllowAny]
    pagination_class = BoardPagination

    @extend_schema(
        operation_id="feedback_public",
        tags=[TAG_PUBLIC],
        summary="Phản ánh đã trả lời, công khai",
        description=(
            "Chỉ phản ánh đã công khai; không bao giờ có họ tên, liên hệ của người phản ánh. "
            "q: tìm không phân biệt dấu."
        ),
        parameters=[OpenApiParameter("q", str, required=False)],
        responses={200: s.FeedbackPublicItemSerializer(many=True)},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        paginator = BoardPagination()
        rows = selectors.public_board((request.query_params.get("q") or "")[:200])
        page = paginator.paginate_queryset(rows, request, view=self) or []
        answers: dict[int, str] = {}
        for answer in (
            FeedbackAnswer.objects.filter(item__in=[i.pk for i in page], approved_at__isnull=False)
            .order_by("approved_at")
            .only("item_id", "text")
        ):
            answers[answer.item_id] = answer.text
        data = s.FeedbackPublicItemSerializer(page, many=True, context={"answers": answers}).data
        return paginator.get_paginated_response(data)


class InboxPagination(LimitOffsetPagination):
    default_limit = 30
    max_limit = 100


class InboxView(APIView):
    permission_classes = [IsOfficialUser]
    pagination_class = InboxPagination

    @extend_schema(
        operation_id="feedback_items",
        tags=[TAG_OFFICER],
        summary="Phản ánh của đơn vị",
        parameters=[OpenApiParameter("group", str, enum=["open", "done", "all"], required=False)],
        responses={200: s.FeedbackOfficerItemSerializer(many=True), 401: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        group = request.query_params.get("group") or "open"
        paginator = InboxPagination()
        rows = selectors.inbox(request.user, group=group)
        page = paginator.paginate_queryset(rows, request, view=self) or []
        return paginator.get_paginated_response(
            s.FeedbackOfficerItemSerializer(page, many=True).data
        )


def _item(request: Request, pk: int) -> FeedbackItem:
    item = selectors.item_for(request.user, pk)
    if item is None:
        raise DomainError("Không tìm thấy phản ánh.", code="not_found", status_code=404)
    return item


class ItemView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="feedback_item",
        tags=[TAG_OFFICER],
        summary="Chi tiết phản ánh",
        responses={200: s.FeedbackOfficerItemSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.FeedbackOfficerItemSerializer(_item(request, pk)).data)


class ItemActionView(APIView):
    permission_classes = [IsOfficialUser]
    parser_classes = PARSERS

    @extend_schema(
        operation_id="feedback_item_action",
        tags=[TAG_OFFICER],
        summary="Xử lý phản ánh",
        description=(
            "action: reject, request_info, supplement, forward (unit: để trống thì theo quy tắc "
            "chuyển), return, assign (assignee), answer (text, files), send_back, approve, "
            "publish (public_title, public_text, no_identity_confirmed), merge (into: mã)."
        ),
        request={
            "application/json": s.FeedbackActionSerializer,
            "multipart/form-data": s.FeedbackActionSerializer,
        },
        responses={
            200: s.FeedbackOfficerItemSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            409: ERROR,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        raw = _data(request)
        data = _valid(s.FeedbackActionSerializer, raw)
        files = raw.getlist("files") if hasattr(raw, "getlist") else []
        post = {
            "reason": data.get("reason", ""),
            "unit": data.get("unit"),
            "assignee": data.get("assignee"),
            "text": data.get("text", ""),
            "public_title": data.get("public_title", ""),
            "public_text": data.get("public_text", ""),
            "no_identity": "on" if data.get("no_identity_confirmed") else "",
            "into": data.get("into", ""),
        }
        user = request.user
        assert isinstance(user, User)
        dispatch.feedback_action(
            actor=user, item=item, action=data["action"], data=post, files=files
        )
        item.refresh_from_db()
        return Response(s.FeedbackOfficerItemSerializer(item).data)


class SatisfactionView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="feedback_satisfaction",
        tags=[TAG_OFFICER],
        summary="Tỷ lệ hài lòng theo đơn vị, cán bộ, thủ tục (QĐ 766)",
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD", required=False),
            OpenApiParameter("end", str, description="YYYY-MM-DD (không tính)", required=False),
            OpenApiParameter(
                "by",
                str,
                enum=["unit", "officer", "procedure"],
                required=False,
                description="Nhóm theo đơn vị (mặc định), cán bộ hoặc thủ tục.",
            ),
        ],
        responses={200: s.FeedbackUnitSatisfactionSerializer(many=True), 400: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        try:
            start = dt.date.fromisoformat(
                request.query_params.get("start") or f"{today.year}-01-01"
            )
            end = dt.date.fromisoformat(
                request.query_params.get("end") or (today + dt.timedelta(days=1)).isoformat()
            )
        except ValueError:
            raise DomainError("Ngày không hợp lệ.", code="invalid_date") from None
        tz = timezone.get_current_timezone()
        by = request.query_params.get("by") or "unit"
        if by not in DIMENSIONS:
            raise DomainError("Cách nhóm không hợp lệ.", code="invalid_group")
        rows = satisfaction_by(
            by=by,
            start=dt.datetime.combine(start, dt.time(), tz),
            end=dt.datetime.combine(end, dt.time(), tz),
            now=timezone.now(),
        )
        return Response(s.FeedbackUnitSatisfactionSerializer(rows, many=True).data)
