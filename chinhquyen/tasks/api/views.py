"""Tasks API: the scoped task list and statistics (fixed points), detail and the write actions.

Views only parse, look the task up through the selectors (invisible = 404), call a service and
render; rights are checked by the services (403), the workflow answers 409, bad input 400 with
the structured Vietnamese error body.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.core.api import DomainError

from .. import permissions, selectors, services
from ..models import ExtensionRequest, TaskReport
from . import serializers as s

TAG = "Nhiệm vụ, chỉ đạo"
ERROR = OpenApiResponse(description='Lỗi có cấu trúc: {"error": {"code", "message", "fields"}}.')
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


class TasksPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


class IsOfficial(IsAuthenticated):
    message = "Chỉ cán bộ, công chức được dùng chức năng theo dõi nhiệm vụ."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and (
            permissions.official(request.user) is not None
        )


class TasksView(APIView):
    permission_classes = [IsOfficial]


def _window(data: dict[str, Any], default: str | None = None) -> selectors.Window:
    return selectors.window(
        period=data.get("period"),
        on=data.get("on"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        default=default,
    )


def _detail(request: Request, pk: int) -> dict[str, Any]:
    return s.TaskDetailSerializer(selectors.task_detail(request.user, pk)).data  # type: ignore[return-value]


class TaskListView(TasksView):
    pagination_class = TasksPagination

    @extend_schema(
        operation_id="tasks_list",
        tags=[TAG],
        summary="Danh sách nhiệm vụ trong phạm vi của người dùng",
        description=(
            "Nhiệm vụ đơn vị của người dùng (và cấp dưới) chủ trì, phối hợp hoặc đã giao; "
            "chuyên viên: nhiệm vụ được giao cho mình; nhiệm vụ mật chỉ người có tên. Lọc theo "
            "nhóm trạng thái (hoàn thành đúng hạn/quá hạn, chưa hoàn thành trong hạn/quá hạn) "
            "tính theo lịch làm việc tại ngày chốt của kỳ, và theo kỳ báo cáo (hạn thuộc kỳ)."
        ),
        parameters=[s.TaskListQuerySerializer],
        responses={200: s.TaskListSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = s.TaskListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        qs = selectors.task_list(
            request.user,
            category=data.get("category"),
            status=data.get("status"),
            role=data.get("role"),
            q=data.get("q"),
            win=_window(data),
        )
        paginator = TasksPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.TaskListSerializer(page, many=True).data)


class StatisticsView(TasksView):
    @extend_schema(
        operation_id="tasks_statistics",
        tags=[TAG],
        summary="Thống kê nhiệm vụ theo nhóm trạng thái và tỷ lệ đúng hạn",
        description=(
            "Số nhiệm vụ theo bốn nhóm trạng thái và tỷ lệ hoàn thành đúng hạn trong phạm vi "
            "người dùng, tổng và theo đơn vị chủ trì. Mặc định: kỳ tháng hiện tại (15 tháng "
            "trước – 14 tháng này, ND 09/2019)."
        ),
        parameters=[s.StatisticsQuerySerializer],
        responses={200: s.TaskStatisticsSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = s.StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        stats = selectors.statistics(
            request.user,
            role=data.get("role"),
            win=_window(data, default=selectors.DEFAULT_PERIOD),
        )
        return Response(
            {
                "period": stats.window.kind,
                "start": stats.window.start,
                "end": stats.window.end,
                "at": stats.window.at,
                "total": stats.total.as_dict(),
                "units": [u.as_dict() for u in stats.units],
            }
        )


class TaskDetailView(TasksView):
    @extend_schema(
        operation_id="tasks_retrieve",
        tags=[TAG],
        summary="Chi tiết nhiệm vụ",
        responses={200: s.TaskDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))


class DirectiveCreateView(TasksView):
    @extend_schema(
        operation_id="tasks_directive_create",
        tags=[TAG],
        summary="Tạo chỉ đạo và giao nhiệm vụ",
        description="Lãnh đạo giao một hoặc nhiều nhiệm vụ cho đơn vị trong phạm vi của mình.",
        request=s.DirectiveCreateSerializer,
        responses={201: s.DirectiveSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = s.DirectiveCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        incoming, outgoing = s.resolve_documents(values, request.user)
        directive = services.directive_create(
            actor=request.user,  # type: ignore[arg-type]
            title=values["title"],
            source_kind=values["source_kind"],
            incoming=incoming,
            outgoing=outgoing,
            source_reference=values.get("source_reference", ""),
            tasks=[services.TaskSpec(**spec) for spec in values["tasks"]],
        )
        body = {
            "id": directive.pk,
            "title": directive.title,
            "tasks": list(directive.tasks.order_by("pk").values_list("pk", flat=True)),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class DelegateView(TasksView):
    @extend_schema(
        operation_id="tasks_delegate",
        tags=[TAG],
        summary="Giao tiếp nhiệm vụ cho đơn vị, chuyên viên cấp dưới",
        request=s.TaskDelegateSerializer,
        responses={201: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = selectors.task_detail(request.user, pk)
        data = s.TaskDelegateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sub = services.task_delegate(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            **data.validated_data,
        )
        return Response(_detail(request, sub.pk), status=status.HTTP_201_CREATED)


class ReportView(TasksView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="tasks_report",
        tags=[TAG],
        summary="Báo cáo tiến độ (kèm tệp)",
        request={"multipart/form-data": s.ReportCreateSerializer},
        responses={201: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = selectors.task_detail(request.user, pk)
        data = s.ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.task_report(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            percent=values["percent"],
            text=values["text"],
            period_end=values.get("period_end"),
            files=values.get("files", []),
        )
        return Response(_detail(request, pk), status=status.HTTP_201_CREATED)


class CompleteView(TasksView):
    @extend_schema(
        operation_id="tasks_complete",
        tags=[TAG],
        summary="Báo cáo hoàn thành (kèm minh chứng)",
        description="Minh chứng: văn bản đi đã ban hành hoặc một báo cáo của nhiệm vụ.",
        request=s.TaskCompletionSerializer,
        responses={200: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        from chinhquyen.documents import selectors as doc_selectors

        task = selectors.task_detail(request.user, pk)
        data = s.TaskCompletionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        outgoing = (
            doc_selectors.outgoing_detail(request.user, values["outgoing"])
            if values.get("outgoing")
            else None
        )
        report = None
        if values.get("report"):
            report = TaskReport.objects.filter(pk=values["report"], task=task).first()
            if report is None:
                raise DomainError(
                    "Báo cáo minh chứng không thuộc nhiệm vụ này.", code="evidence_mismatch"
                )
        services.task_complete(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            note=values.get("note", ""),
            outgoing=outgoing,
            report=report,
        )
        return Response(_detail(request, pk))


class AcceptView(TasksView):
    @extend_schema(
        operation_id="tasks_accept",
        tags=[TAG],
        summary="Người giao xác nhận hoàn thành",
        request=s.TaskNoteSerializer,
        responses={200: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = selectors.task_detail(request.user, pk)
        data = s.TaskNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.task_accept(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            note=data.validated_data.get("note", ""),
        )
        return Response(_detail(request, pk))


class ReturnView(TasksView):
    @extend_schema(
        operation_id="tasks_return",
        tags=[TAG],
        summary="Người giao trả lại, yêu cầu tiếp tục thực hiện",
        request=s.TaskReasonSerializer,
        responses={200: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = selectors.task_detail(request.user, pk)
        data = s.TaskReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.task_return(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            reason=data.validated_data["reason"],
        )
        return Response(_detail(request, pk))


class ExtensionCreateView(TasksView):
    @extend_schema(
        operation_id="tasks_extension_request",
        tags=[TAG],
        summary="Xin gia hạn (gửi người giao)",
        request=s.ExtensionCreateSerializer,
        responses={201: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = selectors.task_detail(request.user, pk)
        data = s.ExtensionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.extension_request(
            actor=request.user,  # type: ignore[arg-type]
            task=task,
            **data.validated_data,
        )
        return Response(_detail(request, pk), status=status.HTTP_201_CREATED)


class ExtensionDecideView(TasksView):
    @extend_schema(
        operation_id="tasks_extension_decide",
        tags=[TAG],
        summary="Người giao đồng ý (với hạn mới) hoặc không đồng ý gia hạn",
        request=s.ExtensionDecideSerializer,
        responses={200: s.TaskDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, extension_id: int) -> Response:
        task = selectors.task_detail(request.user, pk)
        extension = ExtensionRequest.objects.filter(pk=extension_id, task=task).first()
        if extension is None:
            raise DomainError("Không tìm thấy đề nghị gia hạn.", code="not_found", status_code=404)
        data = s.ExtensionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.extension_decide(
            actor=request.user,  # type: ignore[arg-type]
            request=extension,
            **data.validated_data,
        )
        return Response(_detail(request, pk))
