"""Documents API: incoming and outgoing documents, tasks, exchange feedback, register exports.

Views only parse, look the document up through the selectors (invisible = 404), call a service
and render. Rights are checked by the services (``PermissionDenied`` -> 403) and the workflow
(``DomainError`` 409); bad input is a 400 with the structured Vietnamese error body.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import exchange, exports, files, selectors, services
from .. import permissions as perms
from ..models import IncomingDocument, OutgoingDocument, Task
from ..services import RecipientInput
from . import serializers as s

TAG_IN = "Văn bản đến"
TAG_OUT = "Văn bản đi"
TAG_TASK = "Việc được giao"
TAG_EXCHANGE = "Liên thông văn bản"
TAG_REGISTER = "Sổ đăng ký văn bản"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}
# A stored file is served with its own type (PDF, JPG, PNG, DOCX, ...), always as an attachment.
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="Tệp, với kiểu nội dung của tệp.")
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY, 401: ERROR, 403: ERROR, 404: ERROR}


class DocumentsPagination(LimitOffsetPagination):
    """``count`` is bounded: at most 1,001 (``core.search.COUNT_CAP`` + 1) means "more than
    1,000"; the matches are never all counted."""

    default_limit = 50
    max_limit = 200


class UsesDocuments(IsAuthenticated):
    """An official holding a clerk, leader, unit head or specialist position."""

    message = "Chỉ cán bộ làm công tác văn thư, lãnh đạo, chuyên viên được dùng chức năng này."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and perms.uses_documents(request.user)


class DocumentsView(APIView):
    permission_classes = [UsesDocuments]


def _incoming(request: Request, pk: int) -> IncomingDocument:
    return selectors.incoming_detail(request.user, pk)


def _outgoing(request: Request, pk: int) -> OutgoingDocument:
    return selectors.outgoing_detail(request.user, pk)


def _incoming_data(request: Request, document: IncomingDocument) -> dict[str, Any]:
    fresh = selectors.incoming_detail(request.user, document.pk)
    return s.IncomingDetailSerializer(fresh).data  # type: ignore[return-value]


def _outgoing_data(request: Request, document: OutgoingDocument) -> dict[str, Any]:
    fresh = selectors.outgoing_detail(request.user, document.pk)
    return s.OutgoingDetailSerializer(fresh).data  # type: ignore[return-value]


def _recipients(items: list[dict[str, Any]] | None) -> list[RecipientInput] | None:
    if items is None:
        return None
    return [
        RecipientInput(
            organisation=item.get("organisation"),
            name=item.get("name", ""),
            agency_code=item.get("agency_code", ""),
        )
        for item in items
    ]


def _file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    ascii_name = name.encode("ascii", "ignore").decode() or "van-ban"
    response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------------------------
# Incoming
# --------------------------------------------------------------------------------------------


class IncomingListView(DocumentsView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = DocumentsPagination  # for the schema: get() paginates with it

    @extend_schema(
        operation_id="documents_incoming_list",
        tags=[TAG_IN],
        summary="Danh sách văn bản đến",
        description=(
            "Chỉ gồm văn bản người dùng được xem (văn bản mật chỉ người có tên trên văn bản). "
            "`q` tìm theo số đến, số ký hiệu, trích yếu và nội dung tệp, không phân biệt dấu."
        ),
        parameters=[s.IncomingListQuerySerializer],
        responses={200: s.IncomingListSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = s.IncomingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.incoming_list(request.user, **query.validated_data)
        results = selectors.search_results(qs, query.validated_data.get("q"))
        paginator = DocumentsPagination()
        # RankedResults pages like a queryset (count() and slices) without being one
        page: list[Any] | None = paginator.paginate_queryset(cast(Any, results), request, view=self)
        return paginator.get_paginated_response(s.IncomingListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="documents_incoming_register",
        tags=[TAG_IN],
        summary="Vào sổ văn bản đến",
        description=(
            "Văn thư vào sổ văn bản nhận bằng giấy hoặc thư điện tử; số đến được cấp ngay. "
            "Tệp kiểm tra theo nội dung; văn bản điện tử được kiểm tra chữ ký số."
        ),
        request={"multipart/form-data": s.IncomingRegisterSerializer},
        responses={201: s.IncomingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = s.IncomingRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation = values.pop("organisation", None)
        if organisation is None:
            own = perms.clerk_organisations(request.user)
            if len(own) != 1:
                raise exceptions.ValidationError(
                    {"organisation": ["Vui lòng chọn cơ quan nhận văn bản."]}
                )
            organisation = own[0]
        document = services.incoming_register(
            actor=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            uploads=values.pop("files", []),
            **values,
        )
        return Response(_incoming_data(request, document), status=status.HTTP_201_CREATED)


class IncomingDetailView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_detail",
        tags=[TAG_IN],
        summary="Chi tiết văn bản đến",
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.IncomingDetailSerializer(_incoming(request, pk)).data)


class IncomingAcceptView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_accept",
        tags=[TAG_IN],
        summary="Vào sổ văn bản nhận liên thông",
        description="Cấp số đến; báo trạng thái 03 (đã tiếp nhận) cho nơi gửi.",
        request=None,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = services.incoming_accept(actor=request.user, document=_incoming(request, pk))  # type: ignore[arg-type]
        return Response(_incoming_data(request, document))


class IncomingSubmitView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_submit",
        tags=[TAG_IN],
        summary="Trình lãnh đạo",
        request=s.SubmitSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _incoming(request, pk)
        data = s.SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.incoming_submit(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            leader=data.validated_data["leader"],
            note=data.validated_data.get("note", ""),
        )
        return Response(_incoming_data(request, document))


class IncomingAssignView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_assign",
        tags=[TAG_IN],
        summary="Phân công xử lý",
        description=(
            "Lãnh đạo giao đơn vị xử lý chính, đơn vị phối hợp, đơn vị để biết, hạn và ý kiến "
            "chỉ đạo. Phân công lại thay thế phân công trước."
        ),
        request=s.AssignSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _incoming(request, pk)
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = services.incoming_assign(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            lead_unit=values["lead_unit"],
            coordinate_units=values.get("coordinate_units", []),
            inform_units=values.get("inform_units", []),
            deadline=values.get("deadline"),
            instructions=values.get("instructions", ""),
            assignee=values.get("assignee"),
        )
        return Response(_incoming_data(request, document))


class IncomingTasksView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_tasks",
        tags=[TAG_TASK],
        summary="Việc đã giao cho văn bản đến",
        responses={200: s.TaskSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        document = _incoming(request, pk)
        return Response(s.TaskSerializer(document.tasks.all(), many=True).data)

    @extend_schema(
        operation_id="documents_incoming_task_create",
        tags=[TAG_TASK],
        summary="Giao việc cho cán bộ",
        description="Lãnh đạo phòng giao việc cho cán bộ của đơn vị được phân công.",
        request=s.TaskCreateSerializer,
        responses={201: s.TaskSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _incoming(request, pk)
        data = s.TaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_create(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            **data.validated_data,
        )
        return Response(s.TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class IncomingCompleteView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_complete",
        tags=[TAG_IN],
        summary="Kết thúc xử lý",
        description="Có thể gắn văn bản đi trả lời; báo trạng thái 06 cho nơi gửi liên thông.",
        request=s.CompleteSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _incoming(request, pk)
        data = s.CompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = None
        if data.validated_data.get("reply"):
            reply = (
                selectors.outgoing_for(request.user).filter(pk=data.validated_data["reply"]).first()
            )
            if reply is None:
                raise exceptions.ValidationError({"reply": ["Không tìm thấy văn bản trả lời."]})
        document = services.incoming_complete(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            reply=reply,
            note=data.validated_data.get("note", ""),
        )
        return Response(_incoming_data(request, document))


class IncomingReturnView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_return",
        tags=[TAG_IN],
        summary="Trả lại nơi gửi",
        description="Văn bản không hợp lệ hoặc gửi nhầm; báo trạng thái 02 kèm lý do.",
        request=s.ReasonSerializer,
        responses={200: s.IncomingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _incoming(request, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.incoming_return(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            reason=data.validated_data["reason"],
        )
        return Response(_incoming_data(request, document))


class IncomingFileView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_file",
        tags=[TAG_IN],
        summary="Tải tệp văn bản đến",
        responses={(200, "*/*"): FILE, 404: ERROR},
    )
    def get(self, request: Request, pk: int, file_id: int) -> HttpResponse:
        document = _incoming(request, pk)
        row = get_object_or_404(document.files.all(), pk=file_id)
        return _file_response(files.read_field(row.file), row.name, row.content_type)


class ProcessingSlipView(DocumentsView):
    @extend_schema(
        operation_id="documents_incoming_processing_slip",
        tags=[TAG_IN],
        summary="Phiếu giải quyết văn bản đến (PDF)",
        responses=PDF,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        document = _incoming(request, pk)
        name = f"phieu-giai-quyet-{document.incoming_number_display or document.pk}.pdf"
        return _file_response(exports.processing_slip_pdf(document), name, "application/pdf")


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


class MyTasksView(DocumentsView):
    pagination_class = DocumentsPagination  # for the schema: get() paginates with it

    @extend_schema(
        operation_id="documents_my_tasks",
        tags=[TAG_TASK],
        summary="Việc của tôi",
        description="Việc đang mở được giao cho người dùng, hạn gần nhất trước.",
        responses={200: s.MyTaskSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.tasks_of(request.user)
        paginator = DocumentsPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.MyTaskSerializer(page, many=True).data)


def _task(request: Request, pk: int) -> Task:
    return selectors.task_detail(request.user, pk)


class TaskStartView(DocumentsView):
    @extend_schema(
        operation_id="documents_task_start",
        tags=[TAG_TASK],
        summary="Bắt đầu xử lý việc",
        request=None,
        responses={200: s.TaskSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = services.task_start(actor=request.user, task=_task(request, pk))  # type: ignore[arg-type]
        return Response(s.TaskSerializer(task).data)


class TaskCompleteView(DocumentsView):
    @extend_schema(
        operation_id="documents_task_complete",
        tags=[TAG_TASK],
        summary="Báo cáo hoàn thành việc",
        request=s.TaskCompleteSerializer,
        responses={200: s.TaskSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        data = s.TaskCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_complete(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            result=data.validated_data.get("result", ""),
        )
        return Response(s.TaskSerializer(task).data)


# --------------------------------------------------------------------------------------------
# Outgoing
# --------------------------------------------------------------------------------------------


class OutgoingListView(DocumentsView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = DocumentsPagination  # for the schema: get() paginates with it

    @extend_schema(
        operation_id="documents_outgoing_list",
        tags=[TAG_OUT],
        summary="Danh sách văn bản đi",
        parameters=[s.OutgoingListQuerySerializer],
        responses={200: s.OutgoingListSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = s.OutgoingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.outgoing_list(request.user, **query.validated_data)
        results = selectors.search_results(qs, query.validated_data.get("q"))
        paginator = DocumentsPagination()
        # RankedResults pages like a queryset (count() and slices) without being one
        page: list[Any] | None = paginator.paginate_queryset(cast(Any, results), request, view=self)
        return paginator.get_paginated_response(s.OutgoingListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="documents_outgoing_create",
        tags=[TAG_OUT],
        summary="Tạo dự thảo văn bản đi",
        description=(
            "Tải tệp DOCX/PDF (kiểm tra theo nội dung) hoặc nhập nội dung; số và ngày chỉ được "
            "cấp khi văn thư ban hành."
        ),
        request={
            "application/json": s.OutgoingCreateSerializer,
            "multipart/form-data": s.OutgoingCreateSerializer,
        },
        responses={201: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = s.OutgoingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("in_reply_to"):
            values["in_reply_to"] = (
                selectors.incoming_for(request.user).filter(pk=values["in_reply_to"]).first()
            )
            if values["in_reply_to"] is None:
                raise exceptions.ValidationError({"in_reply_to": ["Không tìm thấy văn bản đến."]})
        document = services.outgoing_create(
            actor=request.user,  # type: ignore[arg-type]
            upload=values.pop("file", None),
            recipients=_recipients(values.pop("recipients", [])) or [],
            **values,
        )
        return Response(_outgoing_data(request, document), status=status.HTTP_201_CREATED)


class OutgoingDetailView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_detail",
        tags=[TAG_OUT],
        summary="Chi tiết văn bản đi",
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.OutgoingDetailSerializer(_outgoing(request, pk)).data)


class OutgoingSubmitView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_submit",
        tags=[TAG_OUT],
        summary="Trình duyệt dự thảo",
        request=s.ReviewersSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        data = s.ReviewersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.outgoing_submit(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            reviewers=data.validated_data["reviewers"],
            note=data.validated_data.get("note", ""),
        )
        return Response(_outgoing_data(request, document))


class OutgoingReviewView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_review",
        tags=[TAG_OUT],
        summary="Cho ý kiến duyệt",
        description="Người duyệt hiện tại đồng ý (trình tiếp hoặc phê duyệt) hoặc trả lại.",
        request=s.ReviewSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        data = s.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.outgoing_review(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            approve=data.validated_data["decision"] == "approve",
            comment=data.validated_data.get("comment", ""),
        )
        return Response(_outgoing_data(request, document))


class OutgoingIssueView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_issue",
        tags=[TAG_OUT],
        summary="Cấp số, ngày ban hành",
        request=None,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = services.outgoing_issue(actor=request.user, document=_outgoing(request, pk))  # type: ignore[arg-type]
        return Response(_outgoing_data(request, document))


class OutgoingPdfView(DocumentsView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="documents_outgoing_pdf",
        tags=[TAG_OUT],
        summary="Tải bản PDF ban hành",
        responses=PDF,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        document = _outgoing(request, pk)
        if not document.pdf_file:
            raise exceptions.NotFound()
        name = (document.number_notation or f"du-thao-{document.pk}").replace("/", "-")
        return _file_response(files.read_field(document.pdf_file), f"{name}.pdf", "application/pdf")

    @extend_schema(
        operation_id="documents_outgoing_pdf_upload",
        tags=[TAG_OUT],
        summary="Tải lên bản PDF để ký",
        description="Sau khi cấp số, trước khi ký: bản PDF của dự thảo DOCX (đã điền số, ngày).",
        request={"multipart/form-data": s.PdfUploadSerializer},
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        data = s.PdfUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.outgoing_attach_pdf(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            upload=data.validated_data["file"],
        )
        return Response(_outgoing_data(request, document))


class OutgoingSignView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_sign",
        tags=[TAG_OUT],
        summary="Ký số (lãnh đạo)",
        description="Lãnh đạo xác nhận ký bằng mật khẩu tệp khóa hoặc mã PIN thiết bị ký.",
        request=s.SignSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        data = s.SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.outgoing_sign(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            pin=data.validated_data["pin"],
        )
        return Response(_outgoing_data(request, document))


class OutgoingDispatchView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_dispatch",
        tags=[TAG_OUT],
        summary="Phát hành văn bản",
        description=(
            "Văn thư ký số của cơ quan (văn bản điện tử) và gửi đến các nơi nhận; cơ quan trong "
            "hệ thống nhận ngay (trạng thái 01)."
        ),
        request=s.DispatchSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        data = s.DispatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.outgoing_dispatch(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            recipients=_recipients(data.validated_data.get("recipients")),
        )
        return Response(_outgoing_data(request, document))


class OutgoingRevokeView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_revoke",
        tags=[TAG_OUT],
        summary="Thu hồi văn bản đã phát hành",
        request=s.ReasonSerializer,
        responses={200: s.OutgoingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.outgoing_revoke(
            actor=request.user,  # type: ignore[arg-type]
            document=document,
            reason=data.validated_data["reason"],
        )
        return Response(_outgoing_data(request, document))


class OutgoingRecipientsView(DocumentsView):
    @extend_schema(
        operation_id="documents_outgoing_recipients",
        tags=[TAG_EXCHANGE],
        summary="Trạng thái xử lý của từng nơi nhận",
        responses={200: s.MessageSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        document = _outgoing(request, pk)
        return Response(s.MessageSerializer(selectors.recipient_statuses(document), many=True).data)


# --------------------------------------------------------------------------------------------
# Exchange feedback
# --------------------------------------------------------------------------------------------


class TakeBackView(DocumentsView):
    @extend_schema(
        operation_id="documents_exchange_take_back",
        tags=[TAG_EXCHANGE],
        summary="Đề nghị lấy lại văn bản (13)",
        request=s.ReasonSerializer,
        responses={200: s.MessageSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        message = selectors.message_for(request.user, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange.exchange_request_take_back(
            actor=request.user,  # type: ignore[arg-type]
            message=message,
            reason=data.validated_data["reason"],
        )
        return Response(s.MessageSerializer(selectors.message_for(request.user, pk)).data)


class TakeBackAnswerView(DocumentsView):
    @extend_schema(
        operation_id="documents_exchange_take_back_answer",
        tags=[TAG_EXCHANGE],
        summary="Trả lời đề nghị lấy lại (15 đồng ý, 16 từ chối)",
        request=s.TakeBackAnswerSerializer,
        responses={200: s.MessageSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        message = selectors.message_for(request.user, pk)
        data = s.TakeBackAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange.exchange_answer_take_back(
            actor=request.user,  # type: ignore[arg-type]
            message=message,
            agree=data.validated_data["agree"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(s.MessageSerializer(selectors.message_for(request.user, pk)).data)


class FeedbackView(DocumentsView):
    @extend_schema(
        operation_id="documents_exchange_feedback",
        tags=[TAG_EXCHANGE],
        summary="Ghi nhận trạng thái của nơi nhận bên ngoài",
        description=(
            "Văn thư nơi gửi ghi phản hồi của nơi nhận ngoài hệ thống (mã 01–06, 15, 16). Nơi "
            "nhận trong hệ thống tự báo trạng thái khi xử lý."
        ),
        request=s.FeedbackSerializer,
        responses={200: s.MessageSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        message = selectors.message_for(request.user, pk)
        data = s.FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange.exchange_record_feedback(
            actor=request.user,  # type: ignore[arg-type]
            message=message,
            code=data.validated_data["code"],
            description=data.validated_data.get("description", ""),
        )
        return Response(s.MessageSerializer(selectors.message_for(request.user, pk)).data)


# --------------------------------------------------------------------------------------------
# Registers and reference data
# --------------------------------------------------------------------------------------------


class RegisterExportView(DocumentsView):
    @extend_schema(
        operation_id="documents_register_export",
        tags=[TAG_REGISTER],
        summary="In, xuất sổ đăng ký văn bản đến/đi",
        description=(
            "Sổ theo mẫu Nghị định 30/2020 (PDF khổ ngang hoặc Excel), chỉ gồm các văn bản "
            "người dùng được xem."
        ),
        parameters=[s.RegisterExportQuerySerializer],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            400: ERROR,
            401: ERROR,
            403: ERROR,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = s.RegisterExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        data, name, content_type = exports.register_file(
            request.user,
            kind=values["kind"],
            organisation_id=values.get("organisation"),
            year=int(values.get("year") or timezone.localdate().year),
            output=values["output"],
        )
        return _file_response(data, name, content_type)


class DocumentTypesView(DocumentsView):
    @extend_schema(
        operation_id="documents_types",
        tags=[TAG_REGISTER],
        summary="Loại văn bản",
        responses={200: s.DocumentTypeSerializer(many=True), 401: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        return Response(s.DocumentTypeSerializer(selectors.document_types(), many=True).data)
