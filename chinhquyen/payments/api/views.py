"""Payments API: the gateway's IPN, reconciliation for officials, a payer's own payments and
receipts. Creating and starting payments is not public: the app that owns the payable (the
dossier app) calls ``payments.services`` and exposes its own endpoint.

Views only parse, check permission (``payments.permissions``), call a service or a selector
and render.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.audit.services import security_event_export
from chinhquyen.payments import presenters, responses, selectors, services
from chinhquyen.payments.filters import PaymentFilter
from chinhquyen.payments.models import Payment
from chinhquyen.payments.permissions import can_browse_payments

from .serializers import (
    IpnAnswerSerializer,
    PaymentDetailSerializer,
    PaymentSerializer,
    ReconciliationPageSerializer,
)

logger = logging.getLogger(__name__)

TAG = "Thanh toán trực tuyến"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
PAGE_SIZE = 50


class PaymentPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200


class _FileRenderer(BaseRenderer):
    """Lets clients ask for the file type (Accept); errors are still JSON bytes."""

    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Any = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(_FileRenderer):
    media_type = presenters.XLSX_CONTENT_TYPE
    format = "xlsx"


class CanBrowsePayments(permissions.IsAuthenticated):
    message = "Chỉ lãnh đạo và quản trị hệ thống được xem đối soát thanh toán."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and can_browse_payments(request.user)


IPN_PARAMETERS = [
    OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.QUERY, required=required, description=d
    )
    for name, required, d in (
        ("vnp_TmnCode", True, "Mã website của đơn vị tại cổng"),
        ("vnp_TxnRef", True, "Mã giao dịch của hệ thống (Payment.reference)"),
        ("vnp_Amount", True, "Số tiền × 100"),
        ("vnp_ResponseCode", True, "Mã phản hồi (00 = thành công)"),
        ("vnp_TransactionStatus", True, "Trạng thái giao dịch tại cổng (00 = thành công)"),
        ("vnp_TransactionNo", False, "Mã giao dịch tại cổng"),
        ("vnp_BankCode", False, "Mã ngân hàng"),
        ("vnp_PayDate", False, "Thời điểm thanh toán yyyyMMddHHmmss (GMT+7)"),
        ("vnp_SecureHash", True, "HMAC-SHA512 của các tham số vnp_* (xem tài liệu VNPay)"),
    )
]


class VnpayIpnView(APIView):
    """The gateway calls this server-to-server; it must always answer VNPay's JSON."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[Any] = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="payments_vnpay_ipn",
        tags=[TAG],
        summary="Thông báo kết quả thanh toán từ cổng VNPay (IPN)",
        description=(
            "Cổng thanh toán gọi trực tiếp (máy chủ tới máy chủ) khi giao dịch kết thúc. Hệ thống "
            "kiểm tra chữ ký HMAC-SHA512, mã giao dịch và số tiền, ghi nhận kết quả một lần duy "
            'nhất (gọi lại trả `02`) và trả lời `{"RspCode", "Message"}` theo quy ước VNPay.'
        ),
        parameters=IPN_PARAMETERS,
        responses={200: IpnAnswerSerializer},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        params = {str(k): str(v) for k, v in request.query_params.items()}
        try:
            answer = services.payment_apply_ipn(params=params)
        except Exception:
            logger.exception("payments.ipn_error")
            return Response({"RspCode": "99", "Message": "Unknown error"})
        return Response(answer.as_json())


class PaymentListView(generics.GenericAPIView[Payment]):
    permission_classes = [CanBrowsePayments]
    filterset_class = PaymentFilter
    pagination_class = PaymentPagination
    serializer_class = PaymentSerializer

    def get_queryset(self) -> QuerySet[Payment]:
        return selectors.payments_visible_to(self.request.user)

    @extend_schema(
        operation_id="payments_list",
        tags=[TAG],
        summary="Đối soát thanh toán",
        description=(
            "Lãnh đạo và quản trị hệ thống: các khoản thanh toán do đơn vị trong phạm vi của mình "
            "thu (khoản không gắn đơn vị: người có vị trí ở cấp tỉnh), lọc theo khoảng ngày "
            "(`date_basis`: ngày tạo hoặc ngày thanh toán), trạng thái, cổng thanh toán; kèm "
            "tổng số khoản và tổng tiền theo trạng thái của toàn bộ kết quả lọc."
        ),
        responses={200: ReconciliationPageSerializer, 400: ERROR, 401: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        totals = selectors.payment_totals(qs)
        page = self.paginate_queryset(qs)
        rows = page if page is not None else list(qs)
        assert self.paginator is not None
        response = self.paginator.get_paginated_response(PaymentSerializer(rows, many=True).data)
        data = dict(response.data)
        data["totals"] = totals.as_dict()
        response.data = {k: data[k] for k in ("count", "next", "previous", "totals", "results")}
        return response


class PaymentExportView(generics.GenericAPIView[Payment]):
    permission_classes = [CanBrowsePayments]
    filterset_class = PaymentFilter
    serializer_class = PaymentSerializer
    pagination_class = None
    renderer_classes = [JSONRenderer, XlsxRenderer]

    def get_queryset(self) -> QuerySet[Payment]:
        return selectors.payments_visible_to(self.request.user)

    @extend_schema(
        operation_id="payments_export",
        tags=[TAG],
        summary="Xuất Excel đối soát thanh toán",
        description="Cùng phạm vi và bộ lọc như danh sách đối soát; tệp .xlsx kèm bảng tổng hợp.",
        responses={
            (200, presenters.XLSX_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="Tệp Excel"
            ),
            400: ERROR,
            401: ERROR,
            403: ERROR,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        filterset = PaymentFilter(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        security_event_export(request=request, export="payment_reconciliation")
        return responses.reconciliation_export(filterset)


class MyPaymentsView(generics.ListAPIView[Payment]):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PaymentSerializer
    pagination_class = PaymentPagination

    def get_queryset(self) -> QuerySet[Payment]:
        return selectors.payments_of_payer(self.request.user)

    @extend_schema(
        operation_id="payments_mine",
        tags=[TAG],
        summary="Khoản thanh toán của tôi",
        description="Các khoản thanh toán của người đang đăng nhập, mới nhất trước.",
        responses={200: PaymentSerializer(many=True), 401: ERROR},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PaymentDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="payments_retrieve",
        tags=[TAG],
        summary="Chi tiết khoản thanh toán",
        description=(
            "Người nộp (khoản của mình) hoặc cán bộ được xem đối soát: trạng thái, biên lai và "
            "lịch sử xử lý."
        ),
        responses={200: PaymentDetailSerializer, 401: ERROR, 404: ERROR},
    )
    def get(self, request: Request, reference: str) -> Response:
        payment = selectors.payment_for(request.user, reference)
        return Response(PaymentDetailSerializer(payment).data)


class PaymentReceiptView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="payments_receipt",
        tags=[TAG],
        summary="Tải biên lai thu phí, lệ phí điện tử (PDF)",
        description="Người nộp hoặc cán bộ được xem đối soát; chỉ khoản đã thanh toán có biên lai.",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="Biên lai PDF"
            ),
            401: ERROR,
            404: ERROR,
        },
    )
    def get(self, request: Request, reference: str) -> HttpResponse:
        payment = selectors.payment_for(request.user, reference)
        if not payment.is_paid:
            raise Http404("Khoản thanh toán chưa có biên lai.")
        return responses.receipt_response(payment)
