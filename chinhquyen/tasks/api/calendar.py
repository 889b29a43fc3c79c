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
from ..calendar import EventAction, EventSpec
from ..models import CalendarEvent
from .views import ERRORS, TasksView

TAG = "Lịch công tác, cuộc họp"
ACTIONS = [a for a in EventAction.values if a not in (EventAction.CREATE, EventAction.EDIT)]
ACTIONS.remove(EventAction.REPUBLISH)


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
        ]

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


class ManagedEventSerializer(PublicEventSerializer):
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

    def spec(self) -> EventSpec:
        return EventSpec(**self.validated_data)


class EventCreateSerializer(EventInputSerializer):
    organisation = serializers.IntegerField(help_text="Cơ quan, đơn vị có lịch (văn phòng của nó).")


class EventUpdateSerializer(EventInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


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
        events = calendar.published_week(org, _monday(query.validated_data.get("week")))
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
            .filter(start__lt=end, end__gt=start)
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
