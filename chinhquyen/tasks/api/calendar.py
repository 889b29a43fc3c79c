"""Work calendar API: the published week of an organisation (public), and the office's and
leaders' management of their calendars (list, draft, edit/re-publish, submit, approve, return,
publish, cancel). Views parse, call ``tasks.calendar`` and render; rights are checked there
(403), the workflow answers 409, and another organisation's events are 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.accounts.models import User, UserKind
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.orgs.models import Organisation

from .. import calendar, meetings
from ..calendar import MAX_OCCURRENCES, EventAction, EventSpec
from ..models import CalendarEvent, CalendarEventException, EventRecurrence
from .views import ERRORS, TasksView

TAG = "Lịch công tác, cuộc họp"
ACTIONS = [
    a
    for a in EventAction.values
    if a
    not in (
        EventAction.CREATE,
        EventAction.EDIT,
        EventAction.REPUBLISH,
        EventAction.OCCURRENCE_CANCEL,
        EventAction.OCCURRENCE_MOVE,
    )
]


class WeekQuerySerializer(serializers.Serializer):
    week = serializers.DateField(
        required=False, help_text="Một ngày bất kỳ trong tuần (mặc định: tuần này)."
    )


class PublicQuerySerializer(WeekQuerySerializer):
    organisation = serializers.IntegerField(help_text="Mã (id) cơ quan, đơn vị có lịch.")


class PublicEventSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    chair = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    participant_units = serializers.SerializerMethodField()
    preparing_unit = serializers.SerializerMethodField()
    join_url = serializers.SerializerMethodField()
    original_start = serializers.SerializerMethodField(
        help_text="Lịch định kỳ: thời điểm của buổi này theo lịch gốc (RECURRENCE-ID)."
    )
    occurrence_status = serializers.SerializerMethodField(
        help_text='Buổi của lịch định kỳ: "cancelled" (đã hủy), "moved" (đã dời) hoặc rỗng.'
    )

    class Meta:
        model = CalendarEvent
        fields = [
            "uid",
            "organisation",
            "organisation_name",
            "title",
            "start",
            "end",
            "place",
            "chair",
            "participants",
            "participant_units",
            "preparing_unit",
            "notes",
            "online",
            "join_url",
            "sequence",
            "published_at",
            "recurrence",
            "recurrence_until",
            "recurrence_count",
            "original_start",
            "occurrence_status",
        ]

    def get_original_start(self, obj: Any) -> dt.datetime | None:
        value = getattr(obj, "original_start", None)
        return timezone.localtime(value) if value is not None else None

    def get_occurrence_status(self, obj: Any) -> str:
        if getattr(obj, "cancelled", False):
            return "cancelled"
        return "moved" if getattr(obj, "moved", False) else ""

    def get_chair(self, obj: CalendarEvent) -> str:
        return str(obj.chair) if obj.chair else ""

    def get_participants(self, obj: CalendarEvent) -> list[str]:
        return [str(u) for u in obj.participants.all()]

    def get_participant_units(self, obj: CalendarEvent) -> list[str]:
        return [str(u) for u in obj.participant_units.all()]

    def get_preparing_unit(self, obj: CalendarEvent) -> str:
        return str(obj.preparing_unit) if obj.preparing_unit else ""

    def get_join_url(self, obj: CalendarEvent) -> str:
        """This application's join page (sign-in required); empty for a meeting in person."""
        return meetings.join_page(obj) if obj.online else ""


class EventExceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarEventException
        fields = ["original_start", "cancelled", "start", "end", "note"]


class ManagedEventSerializer(PublicEventSerializer):
    exceptions = EventExceptionSerializer(
        many=True, read_only=True, help_text="Các buổi của lịch định kỳ đã hủy hoặc dời."
    )
    participant_ids: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        source="participants", many=True, read_only=True
    )
    participant_unit_ids: serializers.PrimaryKeyRelatedField[Any] = (
        serializers.PrimaryKeyRelatedField(source="participant_units", many=True, read_only=True)
    )
    incoming_documents: serializers.PrimaryKeyRelatedField[Any] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    outgoing_documents: serializers.PrimaryKeyRelatedField[Any] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )

    class Meta(PublicEventSerializer.Meta):
        fields = [
            "id",
            *PublicEventSerializer.Meta.fields,
            "status",
            "chair_id",
            "participant_ids",
            "participant_unit_ids",
            "preparing_unit_id",
            "incoming_documents",
            "outgoing_documents",
            "room",
            "exceptions",
        ]


def _officials() -> Any:
    return User.objects.filter(kind=UserKind.OFFICIAL, is_active=True)


class EventInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    place = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    chair = serializers.PrimaryKeyRelatedField(
        queryset=_officials(), required=False, allow_null=True, default=None
    )
    participants = serializers.PrimaryKeyRelatedField(
        queryset=_officials(), many=True, required=False, default=list
    )
    participant_units = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False, default=list
    )
    preparing_unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    incoming_documents = serializers.PrimaryKeyRelatedField(
        queryset=IncomingDocument.objects.all(), many=True, required=False, default=list
    )
    outgoing_documents = serializers.PrimaryKeyRelatedField(
        queryset=OutgoingDocument.objects.all(), many=True, required=False, default=list
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    online = serializers.BooleanField(required=False, default=False)
    recurrence = serializers.ChoiceField(
        choices=EventRecurrence.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Lặp lại hằng tuần (weekly) hoặc hằng tháng (monthly); rỗng: không lặp.",
    )
    recurrence_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Lặp đến ngày (kể cả ngày đó)."
    )
    recurrence_count = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_OCCURRENCES,
        help_text="Hoặc: số buổi.",
    )

    def spec(self) -> EventSpec:
        return EventSpec(**self.validated_data)


class EventCreateSerializer(EventInputSerializer):
    organisation = serializers.IntegerField(help_text="Cơ quan, đơn vị có lịch (văn phòng của nó).")


class EventUpdateSerializer(EventInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OccurrenceSerializer(serializers.Serializer):
    original_start = serializers.DateTimeField(
        help_text="Buổi cần điều chỉnh: thời điểm bắt đầu theo lịch gốc (original_start)."
    )
    action = serializers.ChoiceField(choices=[("cancel", "Hủy buổi"), ("move", "Dời buổi")])
    start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Lý do (bắt buộc khi trả lại)."
    )


def _monday(value: dt.date | None) -> dt.date:
    return calendar.week_start(value or timezone.localdate())


class PublicWeekView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        operation_id="calendar_public_week",
        tags=[TAG],
        summary="Lịch công tác tuần đã công bố của một cơ quan, đơn vị (công khai)",
        description="Chỉ các lịch đã được lãnh đạo duyệt và công bố; không có dự thảo.",
        parameters=[PublicQuerySerializer],
        responses={200: PublicEventSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = PublicQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = Organisation.objects.filter(pk=query.validated_data["organisation"]).first()
        if org is None:
            raise NotFound("Không tìm thấy cơ quan, đơn vị.")
        monday = _monday(query.validated_data.get("week"))
        events = calendar.week_occurrences(calendar.published_week(org, monday), monday)
        return Response(PublicEventSerializer(events, many=True).data)


class ManageListView(TasksView):
    @extend_schema(
        operation_id="calendar_manage_list",
        tags=[TAG],
        summary="Lịch công tác tuần của các cơ quan, đơn vị người dùng soạn hoặc duyệt",
        description="Văn thư (văn phòng) và lãnh đạo: mọi trạng thái, kể cả dự thảo.",
        parameters=[WeekQuerySerializer],
        responses={200: ManagedEventSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = WeekQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = calendar.week_bounds(_monday(query.validated_data.get("week")))
        events = (
            calendar.managed_events(request.user)
            .filter(calendar.in_window(start, end))
            .prefetch_related(
                "participants", "participant_units", "incoming_documents", "outgoing_documents"
            )
        )
        return Response(ManagedEventSerializer(events, many=True).data)

    @extend_schema(
        operation_id="calendar_manage_create",
        tags=[TAG],
        summary="Văn phòng soạn một lịch (dự thảo)",
        request=EventCreateSerializer,
        responses={201: ManagedEventSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = EventCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = Organisation.objects.filter(
            pk=data.validated_data.pop("organisation"),
            pk__in=calendar.office_calendar_ids(request.user),
        ).first()
        if org is None:
            raise calendar._forbidden("Chỉ văn phòng (văn thư) của cơ quan mới soạn lịch công tác.")
        event = calendar.event_create(
            actor=request.user,  # type: ignore[arg-type]
            organisation=org,
            spec=data.spec(),
        )
        return Response(ManagedEventSerializer(event).data, status=201)


def _event(request: Request, pk: int) -> CalendarEvent:
    event = calendar.managed_events(request.user).filter(pk=pk).first()
    if event is None:
        raise NotFound("Không tìm thấy lịch.")
    return event


class ManageDetailView(TasksView):
    @extend_schema(
        operation_id="calendar_manage_retrieve",
        tags=[TAG],
        summary="Chi tiết một lịch (văn phòng, lãnh đạo)",
        responses={200: ManagedEventSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ManagedEventSerializer(_event(request, pk)).data)

    @extend_schema(
        operation_id="calendar_manage_update",
        tags=[TAG],
        summary="Sửa lịch; lịch đã công bố được ghi lịch sử thay đổi và công bố lại",
        request=EventUpdateSerializer,
        responses={200: ManagedEventSerializer, **ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        data = EventUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data.pop("note")
        calendar.event_update(
            actor=request.user,  # type: ignore[arg-type]
            event=event,
            spec=data.spec(),
            note=note,
        )
        return Response(ManagedEventSerializer(_event(request, pk)).data)


class ManageOccurrenceView(TasksView):
    @extend_schema(
        operation_id="calendar_manage_occurrence",
        tags=[TAG],
        summary="Hủy hoặc dời một buổi của lịch định kỳ",
        description=(
            "Buổi được chỉ định bằng thời điểm bắt đầu theo lịch gốc. Lịch đã công bố được công "
            "bố lại ngay (SEQUENCE + 1) và thành phần dự họp nhận thông báo hủy hoặc điều chỉnh "
            "buổi đó; trong iCalendar là EXDATE (hủy) hoặc RECURRENCE-ID (dời)."
        ),
        request=OccurrenceSerializer,
        responses={200: ManagedEventSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        data = OccurrenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        calendar.occurrence_change(
            actor=request.user,  # type: ignore[arg-type]
            event=event,
            original_start=values["original_start"],
            cancel=values["action"] == "cancel",
            start=values["start"],
            end=values["end"],
            note=values["note"],
        )
        return Response(ManagedEventSerializer(_event(request, pk)).data)


class ManageTransitionView(TasksView):
    @extend_schema(
        operation_id="calendar_manage_transition",
        tags=[TAG],
        summary="Trình, duyệt, trả lại, công bố hoặc hủy một lịch",
        parameters=[
            OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=ACTIONS)
        ],
        request=TransitionSerializer,
        responses={200: ManagedEventSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        event = _event(request, pk)
        if action not in ACTIONS:
            raise NotFound("Thao tác không hợp lệ.")
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        calendar.event_transition(
            actor=request.user,  # type: ignore[arg-type]
            event=event,
            action=action,
            note=data.validated_data["note"],
        )
        return Response(ManagedEventSerializer(_event(request, pk)).data)
