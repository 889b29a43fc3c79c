"""Dossier API. Three audiences, kept apart by URL prefix and permission class:

- ``/api/v1/public/dossiers/lookup/``: anyone, with the dossier code and the receipt's PIN
  (no authentication; limited per address and per code, see ``dossiers/lookup.py``);
- ``/api/v1/my/dossiers/...``: applicants (citizens, businesses) and their own dossiers;
- ``/api/v1/dossiers/...``: officials — the inbox, counter intake, one endpoint per workflow
  action, files.

Views only parse, call a selector or a service and render. A dossier outside the caller's scope
answers 404 (never 403), so that its existence does not leak.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import FileResponse, Http404, HttpResponseBase
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.accounts.models import User
from chinhquyen.accounts.permissions import is_applicant, is_official
from chinhquyen.catalog.models import RequiredPaper
from chinhquyen.core.api import DomainError
from chinhquyen.core.clientip import client_ip
from chinhquyen.orgs.models import Organisation

from .. import lookup, selectors, services
from ..models import AttachmentKind, Dossier, DossierAttachment, DossierResult, DossierStatus
from ..workflow import Action
from . import serializers as s

TAG_PUBLIC = "Hồ sơ — tra cứu công khai"
TAG_APPLICANT = "Hồ sơ — người nộp"
TAG_OFFICER = "Hồ sơ — cán bộ"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}
# A stored file is served with its own type (PDF, JPG, PNG, DOCX, ...), always as an attachment.
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="Tệp, với kiểu nội dung của tệp.")
PARSERS = [JSONParser, MultiPartParser, FormParser]


class IsOfficialUser(IsAuthenticated):
    message = "Chỉ cán bộ, công chức được sử dụng chức năng này."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and is_official(request.user)


class IsApplicantUser(IsAuthenticated):
    message = "Chỉ công dân, tổ chức, doanh nghiệp được sử dụng chức năng này."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and is_applicant(request.user)


# --------------------------------------------------------------------------------------------
# Parsing helpers
# --------------------------------------------------------------------------------------------


def _data(request: Request) -> Any:
    """``request.data``; oversized or over-numerous uploads become a structured 400."""
    try:
        return request.data
    except RequestDataTooBig:
        raise DomainError("Dữ liệu gửi lên quá lớn.", code="request_too_large") from None
    except SuspiciousOperation:
        raise DomainError(
            "Gửi quá nhiều tệp hoặc trường dữ liệu trong một yêu cầu.",
            code="too_many_parts",
        ) from None


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _uploads(request: Request) -> list[services.Upload]:
    """Files of a multipart request: ``paper_<id>`` for a required paper, ``files`` otherwise."""
    _data(request)
    uploads: list[services.Upload] = []
    for key in request.FILES:
        if key == "files":
            paper_id = None
        elif key.startswith("paper_") and key[6:].isdigit() and len(key) < 20:
            paper_id = int(key[6:])
        elif key == "file":
            continue
        else:
            raise serializers.ValidationError(
                {key: ["Tên trường tệp không hợp lệ: dùng paper_<mã thành phần> hoặc files."]}
            )
        for upload in request.FILES.getlist(key):
            uploads.append(services.Upload(file=upload, paper_id=paper_id))
    return uploads


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise serializers.ValidationError({field: ["Không tìm thấy cơ quan, đơn vị."]})
    return org


def _user(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise serializers.ValidationError({field: ["Không tìm thấy tài khoản."]})
    return user


def _visible(request: Request, pk: int) -> Dossier:
    dossier = selectors.dossier_for_user(request.user, pk)
    if dossier is None:
        raise Http404
    return dossier


def _officer_detail(request: Request, pk: int) -> dict[str, Any]:
    dossier = _visible(request, pk)
    now = timezone.now()
    context = {
        "request": request,
        "clock": selectors.dossier_clock(dossier, now=now),
        "step_clocks": {step.pk: c for step, c in selectors.control_sheet(dossier, now=now)},
        "actions": selectors.actions_for(request.user, dossier),
    }
    return s.OfficerDossierSerializer(dossier, context=context).data  # type: ignore[return-value]


def _applicant_detail(request: Request, pk: int) -> dict[str, Any]:
    dossier = _visible(request, pk)
    context = {
        "request": request,
        "clock": selectors.dossier_clock(dossier),
        "actions": selectors.actions_for(request.user, dossier),
        "attachment_url_name": "dossiers_api:my-attachment-download",
        "result_url_name": "dossiers_api:my-result-download",
    }
    return s.ApplicantDossierSerializer(dossier, context=context).data  # type: ignore[return-value]


def _download(file_row: DossierAttachment | DossierResult) -> HttpResponseBase:
    if not file_row.file:
        raise Http404
    try:
        handle = file_row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=file_row.original_name or "tep-dinh-kem",
        content_type=file_row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------------------------
# Public lookup
# --------------------------------------------------------------------------------------------


class _FirstRenderer(DefaultContentNegotiation):
    """JSON only: no negotiation work on the lookup's hot path."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = renderers[0]
        return renderer, renderer.media_type


class PublicLookupView(APIView):
    """The lean path (issue #11 item 4): no authentication, no session, no DRF throttle; the
    limits of ``dossiers.lookup`` (per address and per code, shared with the HTML page, one
    Redis round trip), JSON in and out."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        operation_id="public_dossier_lookup",
        tags=[TAG_PUBLIC],
        summary="Tra cứu tình trạng hồ sơ",
        description=(
            "Không cần đăng nhập: nhập mã hồ sơ và mã PIN in trên giấy tiếp nhận. Mã hồ sơ "
            "không tồn tại và mã PIN sai cho cùng một câu trả lời (404). Giới hạn 20 lần mỗi "
            "phút cho mỗi địa chỉ và 10 lần mỗi phút cho mỗi mã hồ sơ, chung với trang tra cứu "
            "(429 khi vượt); sau 10 lần sai mã PIN trong ngày, mã hồ sơ bị tạm khóa tra cứu "
            "24 giờ (429) và người nộp được thông báo. Câu trả lời 429 có tiêu đề Retry-After: "
            "số giây cần chờ trước khi tra cứu lại."
        ),
        request=s.DossierPublicLookupSerializer,
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429],
                description="Số giây cần chờ trước khi tra cứu lại.",
            )
        ],
        responses={200: s.PublicDossierSerializer, 400: ERROR, 404: ERROR, 429: ERROR},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        raw = _data(request)
        code = lookup.normalise_code(raw.get("code", "") if hasattr(raw, "get") else "")
        ip = client_ip(request)
        verdict = lookup.gate(ip, code)
        if verdict != lookup.OK:
            wait = lookup.retry_after(ip, code)
            raise DomainError(
                lookup.refusal(verdict, wait), code="throttled", status_code=429, wait=wait
            )
        data = _validated(s.DossierPublicLookupSerializer, raw)
        view = lookup.find(data["code"], data["pin"])
        if view is None:
            lookup.record_failure(code, request)
            raise DomainError(
                "Không tìm thấy hồ sơ với mã hồ sơ và mã PIN đã nhập.",
                code="not_found",
                status_code=404,
            )
        return Response(s.PublicDossierSerializer(view).data)


# --------------------------------------------------------------------------------------------
# Applicants
# --------------------------------------------------------------------------------------------


class ApplicantPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


class MyDossierListView(APIView):
    permission_classes = [IsApplicantUser]
    parser_classes = PARSERS
    pagination_class = ApplicantPagination  # for the schema: get() paginates with it

    @extend_schema(
        operation_id="my_dossiers_list",
        tags=[TAG_APPLICANT],
        summary="Hồ sơ của tôi",
        description="Các hồ sơ của người nộp đang đăng nhập, mới nhất trước (limit/offset).",
        responses={200: s.ApplicantDossierListItemSerializer(many=True), 401: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        paginator = ApplicantPagination()
        page = paginator.paginate_queryset(
            selectors.dossiers_of_applicant(request.user), request, view=self
        )
        return paginator.get_paginated_response(
            s.ApplicantDossierListItemSerializer(page, many=True).data
        )

    @extend_schema(
        operation_id="my_dossiers_submit",
        tags=[TAG_APPLICANT],
        summary="Nộp hồ sơ trực tuyến",
        description=(
            "Nộp hồ sơ cho một thủ tục có dịch vụ công trực tuyến. Tờ khai được kiểm tra theo "
            "biểu mẫu của thủ tục; mỗi thành phần hồ sơ bắt buộc cần ít nhất một tệp "
            "(`paper_<id>`). Gửi kèm tiêu đề `Idempotency-Key`: gửi lại cùng khóa trả về đúng "
            "hồ sơ đã tạo (200, không có PIN); cùng khóa cho yêu cầu khác: 409. Lần đầu trả 201 "
            "kèm mã PIN tra cứu."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Khóa chống gửi trùng (tối đa 64 ký tự ASCII).",
            )
        ],
        request={
            "application/json": s.DossierSubmitSerializer,
            "multipart/form-data": s.DossierSubmitSerializer,
        },
        responses={
            201: s.ApplicantDossierIntakeResponseSerializer,
            200: s.ApplicantDossierIntakeResponseSerializer,
            409: ERROR,
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        data = _validated(s.DossierSubmitSerializer, _data(request))
        result = services.dossier_submit_online(
            actor=request.user,  # type: ignore[arg-type]
            procedure=data["procedure"],
            form_data=data["form_data"],
            uploads=_uploads(request),
            competent_organisation=_organisation(
                data.get("competent_organisation"), "competent_organisation"
            ),
            applicant_details=data.get("applicant"),
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            fee_case=data.get("fee_case"),
            fee_case_required=True,
            result_delivery=data["result_delivery"],
        )
        body = {
            "dossier": _applicant_detail(request, result.dossier.pk),
            "pin": result.pin,
            "created": result.created,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)


class MyDossierDetailView(APIView):
    permission_classes = [IsApplicantUser]

    @extend_schema(
        operation_id="my_dossiers_retrieve",
        tags=[TAG_APPLICANT],
        summary="Chi tiết hồ sơ của tôi",
        description="Tình trạng, lịch sử, thời hạn, yêu cầu bổ sung, tệp và kết quả.",
        responses={200: s.ApplicantDossierSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_applicant_detail(request, pk))


class MySupplementView(APIView):
    permission_classes = [IsApplicantUser]
    parser_classes = PARSERS

    @extend_schema(
        operation_id="my_dossiers_supplement",
        tags=[TAG_APPLICANT],
        summary="Nộp bổ sung hồ sơ",
        description=(
            "Trả lời yêu cầu bổ sung: đính kèm giấy tờ (`paper_<id>` hoặc `files`) và/hoặc ghi "
            "chú. Thời hạn giải quyết được tính tiếp, lùi đúng bằng thời gian chờ bổ sung."
        ),
        request={"multipart/form-data": s.DossierSupplementSerializer},
        responses={200: s.ApplicantDossierSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        data = _validated(s.DossierSupplementSerializer, _data(request))
        services.dossier_supplement_answer(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            uploads=_uploads(request),
            note=data.get("note", ""),
        )
        return Response(_applicant_detail(request, pk))


class MyWithdrawView(APIView):
    permission_classes = [IsApplicantUser]

    @extend_schema(
        operation_id="my_dossiers_withdraw",
        tags=[TAG_APPLICANT],
        summary="Rút hồ sơ",
        description="Người nộp rút hồ sơ chưa có kết quả; hồ sơ dừng giải quyết.",
        request=s.DossierOptionalReasonSerializer,
        responses={200: s.ApplicantDossierSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        data = _validated(s.DossierOptionalReasonSerializer, _data(request))
        services.dossier_withdraw(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            reason=data.get("reason", ""),
        )
        return Response(_applicant_detail(request, pk))


class MyRatingView(APIView):
    permission_classes = [IsApplicantUser]

    @extend_schema(
        operation_id="my_dossiers_rate",
        tags=[TAG_APPLICANT],
        summary="Đánh giá mức độ hài lòng",
        description=(
            "Sau khi nhận kết quả, người nộp đánh giá một lần theo thang 3 mức: 1 không hài "
            "lòng, 2 hài lòng, 3 rất hài lòng."
        ),
        request=s.DossierRatingInputSerializer,
        responses={200: s.ApplicantDossierSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        data = _validated(s.DossierRatingInputSerializer, _data(request))
        services.dossier_rate(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            score=int(data["score"]),
            comment=data.get("comment", ""),
        )
        return Response(_applicant_detail(request, pk))


class MyPinView(APIView):
    permission_classes = [IsApplicantUser]

    @extend_schema(
        operation_id="my_dossiers_reset_pin",
        tags=[TAG_APPLICANT],
        summary="Cấp lại mã PIN tra cứu",
        description="Cấp mã PIN mới cho hồ sơ của mình; mã cũ hết hiệu lực.",
        request=None,
        responses={200: s.DossierPinSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        pin = services.dossier_reset_pin(actor=request.user, dossier=dossier)  # type: ignore[arg-type]
        return Response({"pin": pin})


class MyAttachmentDownloadView(APIView):
    permission_classes = [IsApplicantUser]

    @extend_schema(
        operation_id="my_dossiers_attachment_download",
        tags=[TAG_APPLICANT],
        summary="Tải tệp đính kèm của hồ sơ của tôi",
        description="Luôn tải về dưới dạng tệp (không mở trực tiếp trong trình duyệt).",
        responses={(200, "*/*"): FILE, 404: ERROR},
    )
    def get(self, request: Request, pk: int, attachment_id: int) -> HttpResponseBase:
        row = selectors.attachment_for_user(request.user, pk, attachment_id)
        if row is None:
            raise Http404
        return _download(row)


class MyResultDownloadView(APIView):
    permission_classes = [IsApplicantUser]

    @extend_schema(
        operation_id="my_dossiers_result_download",
        tags=[TAG_APPLICANT],
        summary="Tải kết quả giải quyết",
        description="Kết quả điện tử (cả kết quả đã hủy vẫn tra cứu được, có ghi đã hủy).",
        responses={(200, "*/*"): FILE, 404: ERROR},
    )
    def get(self, request: Request, pk: int, result_id: int) -> HttpResponseBase:
        row = selectors.result_for_user(request.user, pk, result_id)
        if row is None:
            raise Http404
        return _download(row)


# --------------------------------------------------------------------------------------------
# Officials
# --------------------------------------------------------------------------------------------


class InboxView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_inbox",
        tags=[TAG_OFFICER],
        summary="Hồ sơ cần xử lý",
        description=(
            "Hồ sơ tiếp nhận tại bộ phận một cửa của cán bộ (kể cả hồ sơ chờ trả kết quả) và "
            "hồ sơ đang ở đơn vị thuộc phạm vi của cán bộ; hạn sớm nhất trước. Phân trang "
            "bằng con trỏ (`cursor` lấy từ `next_cursor`). `counts`: số hồ sơ đang giải quyết "
            "theo trạng thái và số hồ sơ quá hạn."
        ),
        parameters=[s.DossierInboxQuerySerializer],
        responses={200: s.DossierInboxPageSerializer, 400: ERROR, 401: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        query = _validated(s.DossierInboxQuerySerializer, request.query_params)
        status_filter = query.get("status")
        now = timezone.now()
        page = selectors.dossiers_for_inbox(
            request.user,
            status=list(DossierStatus.values) if status_filter == "all" else status_filter,
            procedure=query.get("procedure"),
            due_within_hours=query.get("due_within_hours"),
            overdue=query.get("overdue"),
            channel=query.get("channel"),
            q=query.get("q"),
            after=query.get("cursor"),
            limit=query.get("limit", 50),
            now=now,
        )
        body = {
            "results": s.DossierListItemSerializer(
                page.items, many=True, context={"now": now}
            ).data,
            "next_cursor": selectors.encode_cursor(page.next_cursor),
            "counts": page.counts,
        }
        return Response(body)


class CounterIntakeView(APIView):
    permission_classes = [IsOfficialUser]
    parser_classes = PARSERS

    @extend_schema(
        operation_id="dossiers_counter_intake",
        tags=[TAG_OFFICER],
        summary="Tiếp nhận hồ sơ tại bộ phận một cửa",
        description=(
            "Cán bộ một cửa tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính: ghi thành phần hồ sơ "
            "đã nhận (mọi thành phần bắt buộc), thông tin người nộp; tiếp nhận không phụ thuộc "
            "địa giới hành chính (`competent_organisation`). Trả về mã hồ sơ, hẹn trả và mã "
            "PIN tra cứu (chỉ một lần) để in giấy tiếp nhận."
        ),
        request={
            "application/json": s.DossierCounterIntakeSerializer,
            "multipart/form-data": s.DossierCounterIntakeSerializer,
        },
        responses={201: s.DossierIntakeResponseSerializer, 409: ERROR, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _validated(s.DossierCounterIntakeSerializer, _data(request))
        applicant = _user(data.get("applicant_user"), "applicant_user")
        result = services.dossier_receive_at_counter(
            actor=request.user,  # type: ignore[arg-type]
            procedure=data["procedure"],
            applicant=applicant,
            applicant_details=data.get("applicant"),
            form_data=data.get("form_data"),
            papers=[services.PaperCount(**item) for item in data["papers"]],
            uploads=_uploads(request),
            competent_organisation=_organisation(
                data.get("competent_organisation"), "competent_organisation"
            ),
            receiving_organisation=_organisation(
                data.get("receiving_organisation"), "receiving_organisation"
            ),
            channel=int(data["channel"]),
            fee_total=data.get("fee_total"),
            set_count=data["set_count"],
            fee_case=data.get("fee_case"),
            fee_case_required=True,
        )
        body = {
            "dossier": _officer_detail(request, result.dossier.pk),
            "pin": result.pin,
            "created": result.created,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)


class BulkTransferView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_bulk_transfer",
        tags=[TAG_OFFICER],
        summary="Chuyển xử lý nhiều hồ sơ",
        description=(
            "Chuyển nhiều hồ sơ đã tiếp nhận đến đơn vị giải quyết trong một lần: tất cả cùng "
            "thành công hoặc không hồ sơ nào được chuyển (lỗi nêu mã hồ sơ không chuyển được)."
        ),
        request=s.DossierBulkTransferSerializer,
        responses={200: s.DossierListItemSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = _validated(s.DossierBulkTransferSerializer, _data(request))
        ids = data["ids"]
        visible = set(
            selectors.visible_dossiers(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        if visible != set(ids):
            raise Http404
        moved = services.dossier_bulk_transfer(
            actor=request.user,  # type: ignore[arg-type]
            dossiers=ids,
            note=data.get("note", ""),
        )
        return Response(
            s.DossierListItemSerializer(moved, many=True, context={"now": timezone.now()}).data
        )


class DossierDetailView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_retrieve",
        tags=[TAG_OFFICER],
        summary="Chi tiết hồ sơ",
        description=(
            "Thông tin hồ sơ, lịch sử (không sửa, không xóa), phiếu kiểm soát quá trình (từng "
            "bước với thời hạn riêng), thời hạn còn lại, tệp, kết quả và các thao tác cán bộ "
            "được phép thực hiện lúc này (`allowed_actions`)."
        ),
        responses={200: s.OfficerDossierSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_officer_detail(request, pk))


class DossierPinView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_reset_pin",
        tags=[TAG_OFFICER],
        summary="Cấp lại mã PIN (in lại giấy tiếp nhận)",
        description="Chỉ cán bộ một cửa nơi tiếp nhận hồ sơ; mã cũ hết hiệu lực.",
        request=None,
        responses={200: s.DossierPinSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        pin = services.dossier_reset_pin(actor=request.user, dossier=dossier)  # type: ignore[arg-type]
        return Response({"pin": pin})


class AttachmentUploadView(APIView):
    permission_classes = [IsOfficialUser]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="dossiers_attachment_upload",
        tags=[TAG_OFFICER],
        summary="Đính kèm tệp vào hồ sơ",
        description=(
            "Bản quét thành phần hồ sơ (`paper`) hoặc tài liệu khác. Chỉ nhận PDF, JPG, PNG, "
            "DOC, DOCX, XLS, XLSX (theo nội dung tệp), tối đa 20 MB mỗi tệp, 30 tệp mỗi hồ sơ."
        ),
        request={"multipart/form-data": s.DossierAttachmentUploadSerializer},
        responses={201: s.DossierAttachmentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        data = _validated(s.DossierAttachmentUploadSerializer, _data(request))
        paper_id = data.get("paper")
        if (
            paper_id is not None
            and not RequiredPaper.objects.filter(
                pk=paper_id, version_id=dossier.procedure_version_id
            ).exists()
        ):
            raise serializers.ValidationError({"paper": ["Không thuộc thành phần hồ sơ."]})
        attachment = services.dossier_attach_file(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            upload=services.Upload(
                file=data["file"], paper_id=paper_id, copy_kind=data.get("copy_kind") or ""
            ),
            kind=AttachmentKind.PAPER if paper_id else AttachmentKind.OTHER,
        )
        return Response(
            s.DossierAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
        )


class AttachmentDownloadView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_attachment_download",
        tags=[TAG_OFFICER],
        summary="Tải tệp đính kèm",
        description="Luôn tải về dưới dạng tệp, kèm X-Content-Type-Options: nosniff.",
        responses={(200, "*/*"): FILE, 404: ERROR},
    )
    def get(self, request: Request, pk: int, attachment_id: int) -> HttpResponseBase:
        row = selectors.attachment_for_user(request.user, pk, attachment_id)
        if row is None:
            raise Http404
        return _download(row)


class ResultDownloadView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_result_download",
        tags=[TAG_OFFICER],
        summary="Tải kết quả giải quyết",
        description="Kết quả điện tử của hồ sơ (kết quả đã hủy vẫn tra cứu được).",
        responses={(200, "*/*"): FILE, 404: ERROR},
    )
    def get(self, request: Request, pk: int, result_id: int) -> HttpResponseBase:
        row = selectors.result_for_user(request.user, pk, result_id)
        if row is None:
            raise Http404
        return _download(row)


class TrackingRegisterView(APIView):
    permission_classes = [IsOfficialUser]

    @extend_schema(
        operation_id="dossiers_tracking_register",
        tags=[TAG_OFFICER],
        summary="Sổ theo dõi hồ sơ",
        description=(
            "Các dòng của sổ theo dõi hồ sơ của bộ phận một cửa nơi cán bộ làm việc, theo thời "
            "điểm tiếp nhận (ngày theo giờ Việt Nam, tính cả hai đầu)."
        ),
        parameters=[s.TrackingRegisterQuerySerializer],
        responses={
            200: s.TrackingRegisterRowSerializer(many=True),
            400: ERROR,
            401: ERROR,
            403: ERROR,
        },
    )
    def get(self, request: Request) -> Response:
        query = _validated(s.TrackingRegisterQuerySerializer, request.query_params)
        rows = selectors.tracking_register(
            request.user,
            organisation=_organisation(query.get("organisation"), "organisation"),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )
        return Response(s.TrackingRegisterRowSerializer(rows, many=True).data)


# --------------------------------------------------------------------------------------------
# One endpoint per workflow action
# --------------------------------------------------------------------------------------------


def _params(action: str, data: dict[str, Any], request: Request, dossier: Dossier) -> dict:
    """Service keyword arguments of ``action`` from its validated input."""
    if action in (Action.TRANSFER, Action.STEP_COMPLETE, Action.SUBMIT_FOR_APPROVAL):
        return {"unit": _organisation(data.get("unit"), "unit"), "note": data.get("note", "")}
    if action == Action.ASSIGN:
        assignee = _user(data["assignee"], "assignee")
        return {"assignee": assignee, "note": data.get("note", "")}
    if action in (Action.APPROVE, Action.FINISH, Action.RETURN_RESULT):
        return {"note": data.get("note", "")}
    if action in (Action.SEND_BACK, Action.REFUSE, Action.STOP):
        return {"reason": data["reason"]}
    if action == Action.WITHDRAW:
        return {"reason": data.get("reason", "")}
    if action == Action.ATTACH_RESULT:
        return {"name": data.get("name", ""), "file": data.get("file"), "signed": data["signed"]}
    if action == Action.CANCEL_RESULT:
        return {"result": data["result"], "reason": data["reason"]}
    if action == Action.REQUEST_SUPPLEMENT:
        return {
            "reason": data["reason"],
            "requested_papers": [dict(p) for p in data.get("requested_papers", [])],
        }
    if action == Action.SUPPLEMENT_ANSWER:
        return {"uploads": _uploads(request), "note": data.get("note", "")}
    if action == Action.APOLOGISE:
        return {"reason": data["reason"], "new_appointment_at": data["new_appointment_at"]}
    raise DomainError("Thao tác không tồn tại.", code="unknown_action")


class DossierActionView(APIView):
    """Base of the per-action endpoints (``action`` and ``input_serializer`` set per class)."""

    permission_classes = [IsOfficialUser]
    parser_classes = PARSERS
    action_name: str = ""
    input_serializer: type[serializers.Serializer] = s.DossierNoteSerializer

    def perform(self, request: Request, pk: int) -> Response:
        dossier = _visible(request, pk)
        data = _validated(self.input_serializer, _data(request))
        services.dossier_transition(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            action=self.action_name,
            **_params(self.action_name, data, request, dossier),
        )
        return Response(_officer_detail(request, pk))


ACTION_DOCS: dict[str, tuple[type[serializers.Serializer], str]] = {
    Action.TRANSFER: (
        s.DossierTransferSerializer,
        "Bộ phận một cửa chuyển hồ sơ đã tiếp nhận đến đơn vị của bước xử lý đầu tiên.",
    ),
    Action.ASSIGN: (
        s.DossierAssignSerializer,
        "Lãnh đạo phòng/đơn vị phân công cán bộ của đơn vị xử lý bước hiện tại.",
    ),
    Action.STEP_COMPLETE: (
        s.DossierStepCompleteSerializer,
        "Hoàn thành bước hiện tại và chuyển sang bước xử lý tiếp theo (kể cả bước liên "
        "thông); mỗi bước có thời hạn riêng.",
    ),
    Action.SUBMIT_FOR_APPROVAL: (
        s.DossierSubmitForApprovalSerializer,
        "Hoàn thành bước hiện tại và trình lãnh đạo phê duyệt (bước tiếp theo là bước phê duyệt).",
    ),
    Action.APPROVE: (
        s.DossierApproveSerializer,
        "Lãnh đạo phê duyệt: kết thúc giải quyết, hồ sơ chuyển về nơi tiếp nhận chờ trả kết quả.",
    ),
    Action.SEND_BACK: (
        s.DossierSendBackSerializer,
        "Lãnh đạo trả lại hồ sơ cho bước xử lý trước đó (ghi rõ lý do).",
    ),
    Action.FINISH: (
        s.DossierFinishSerializer,
        "Hoàn thành xử lý khi quy trình không có bước phê duyệt (ví dụ kết quả từ cơ quan "
        "liên thông).",
    ),
    Action.ATTACH_RESULT: (
        s.DossierAttachResultSerializer,
        "Đính kèm kết quả giải quyết; mã kết quả `<mã hồ sơ>-KQ<n>`.",
    ),
    Action.CANCEL_RESULT: (
        s.DossierCancelResultSerializer,
        "Hủy một kết quả (kết quả đã hủy vẫn được lưu và tra cứu được).",
    ),
    Action.RETURN_RESULT: (
        s.DossierReturnResultSerializer,
        "Bộ phận một cửa nơi tiếp nhận trả kết quả cho người nộp.",
    ),
    Action.REQUEST_SUPPLEMENT: (
        s.DossierRequestSupplementSerializer,
        "Yêu cầu bổ sung, hoàn thiện hồ sơ: tạm dừng thời hạn; yêu cầu bổ sung từ lần thứ hai "
        "làm hồ sơ bị tính quá hạn.",
    ),
    Action.SUPPLEMENT_ANSWER: (
        s.DossierSupplementAnswerSerializer,
        "Bộ phận một cửa ghi nhận giấy tờ bổ sung người nộp mang đến: thời hạn được tính tiếp.",
    ),
    Action.REFUSE: (s.DossierRefuseSerializer, "Từ chối tiếp nhận hồ sơ (ghi rõ lý do)."),
    Action.STOP: (s.DossierStopSerializer, "Dừng giải quyết hồ sơ (ghi rõ lý do)."),
    Action.WITHDRAW: (
        s.DossierWithdrawSerializer,
        "Ghi nhận người nộp rút hồ sơ (theo văn bản đề nghị nộp tại bộ phận một cửa).",
    ),
    Action.APOLOGISE: (
        s.DossierApologiseSerializer,
        "Xin lỗi và hẹn lại ngày trả kết quả (chỉ một lần). Chỉ tính đúng hạn theo ngày hẹn "
        "mới khi xin lỗi chậm nhất một ngày làm việc trước hạn.",
    ),
}


def _action_view(action: str) -> type[DossierActionView]:
    serializer, description = ACTION_DOCS[action]
    label = str(Action(action).label)

    class View(DossierActionView):
        action_name = action
        input_serializer = serializer

        @extend_schema(
            operation_id=f"dossiers_action_{action}",
            tags=[TAG_OFFICER],
            summary=label,
            description=description,
            request={"application/json": serializer, "multipart/form-data": serializer},
            responses={200: s.OfficerDossierSerializer, 409: ERROR, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            return self.perform(request, pk)

    name = "".join(part.capitalize() for part in action.split("_")) + "ActionView"
    View.__name__ = name
    View.__qualname__ = name
    return View


ACTION_VIEWS: dict[str, type[DossierActionView]] = {
    action: _action_view(action) for action in ACTION_DOCS
}
