"""Serializers of the tasks API: they parse and render, nothing else."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from chinhquyen.accounts.models import User
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.orgs.models import Organisation

from .. import deadlines
from ..models import (
    Category,
    DeadlineKind,
    ExtensionRequest,
    Priority,
    Recurrence,
    SourceKind,
    Task,
    TaskEvent,
    TaskReport,
    TaskStatus,
)
from ..selectors import ROLES

MAX_TASKS = 50


class TaskListQuerySerializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=Category.choices, required=False, help_text="Nhóm trạng thái (DOMAIN §13)."
    )
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    role = serializers.ChoiceField(
        choices=list(ROLES.items()), required=False, help_text="Giao, chủ trì, phối hợp, của tôi."
    )
    period = serializers.ChoiceField(
        choices=list(deadlines.PERIOD_KINDS.items()),
        required=False,
        help_text="Kỳ báo cáo (chốt số liệu ngày 15): tháng, quý, 6 tháng, năm.",
    )
    on = serializers.DateField(
        required=False, help_text="Ngày thuộc kỳ báo cáo (mặc định hôm nay)."
    )
    date_from = serializers.DateField(required=False, help_text="Hạn từ ngày.")
    date_to = serializers.DateField(required=False, help_text="Hạn đến ngày.")
    q = serializers.CharField(required=False, max_length=200, help_text="Tìm không dấu.")


class StatisticsQuerySerializer(TaskListQuerySerializer):
    category = None  # type: ignore[assignment]
    status = None  # type: ignore[assignment]
    q = None  # type: ignore[assignment]


class TaskUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class TaskUserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = User
        fields = ["id", "name"]


class TaskListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(help_text="Nhóm trạng thái tại ngày chốt.")
    category_label = serializers.SerializerMethodField()
    lead_unit = TaskUnitSerializer()
    assigner = TaskUserSerializer()
    assignee = TaskUserSerializer(allow_null=True)
    directive_title = serializers.CharField(source="directive.title")

    class Meta:
        model = Task
        fields = [
            "id",
            "directive",
            "directive_title",
            "parent",
            "content",
            "lead_unit",
            "assigner",
            "assignee",
            "deadline_kind",
            "recurrence",
            "deadline",
            "due",
            "original_due",
            "priority",
            "confidential",
            "status",
            "progress",
            "completed_on",
            "category",
            "category_label",
        ]

    def get_category_label(self, obj: Task) -> str:
        return str(Category(obj.category).label)  # type: ignore[attr-defined]


class TaskReportSerializer(serializers.ModelSerializer):
    author = TaskUserSerializer()
    files = serializers.SerializerMethodField()

    class Meta:
        model = TaskReport
        fields = ["id", "author", "percent", "text", "period_end", "reported_on", "files"]

    def get_files(self, obj: TaskReport) -> list[dict[str, Any]]:
        return [{"id": f.pk, "name": f.name, "size": f.size} for f in obj.files.all()]


class TaskExtensionSerializer(serializers.ModelSerializer):
    requested_by = TaskUserSerializer()
    decided_by = TaskUserSerializer(allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_by",
            "requested_deadline",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "new_deadline",
            "decision_note",
        ]


class TaskEventSerializer(serializers.ModelSerializer):
    actor = TaskUserSerializer(allow_null=True)

    class Meta:
        model = TaskEvent
        fields = ["action", "from_status", "to_status", "actor", "note", "at"]


class TaskDetailSerializer(serializers.ModelSerializer):
    lead_unit = TaskUnitSerializer()
    assigner_unit = TaskUnitSerializer()
    coordinating_units = TaskUnitSerializer(many=True)
    assigner = TaskUserSerializer()
    assignee = TaskUserSerializer(allow_null=True)
    source_kind = serializers.CharField(source="directive.source_kind")
    directive_title = serializers.CharField(source="directive.title")
    reports = TaskReportSerializer(many=True)
    extensions = TaskExtensionSerializer(many=True)
    events = TaskEventSerializer(many=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "directive",
            "directive_title",
            "source_kind",
            "parent",
            "content",
            "assigner",
            "assigner_unit",
            "lead_unit",
            "coordinating_units",
            "assignee",
            "deadline_kind",
            "working_days",
            "recurrence",
            "deadline",
            "due",
            "original_due",
            "priority",
            "confidential",
            "status",
            "progress",
            "completed_on",
            "evidence_outgoing",
            "evidence_report",
            "reports",
            "extensions",
            "events",
        ]


class TaskSpecSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=5000)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    coordinating_units = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    deadline_kind = serializers.ChoiceField(choices=DeadlineKind.choices, default="date")
    deadline = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, default="normal")
    confidential = serializers.BooleanField(default=False)
    named_people = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )


class DirectiveCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    incoming = serializers.IntegerField(required=False, help_text="Mã văn bản đến nguồn.")
    outgoing = serializers.IntegerField(required=False, help_text="Mã văn bản đi nguồn.")
    source_reference = serializers.CharField(max_length=255, required=False, allow_blank=True)
    tasks = TaskSpecSerializer(many=True, allow_empty=False)

    def validate_tasks(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_TASKS:
            raise serializers.ValidationError(f"Tối đa {MAX_TASKS} nhiệm vụ mỗi chỉ đạo.")
        return value


class DirectiveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    tasks = serializers.ListField(child=serializers.IntegerField())


class TaskDelegateSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=5000)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    deadline = serializers.DateField(required=False, allow_null=True)


class ReportCreateSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=10000)
    period_end = serializers.DateField(required=False, allow_null=True)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class TaskCompletionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    outgoing = serializers.IntegerField(required=False, help_text="Văn bản đi báo cáo kết quả.")
    report = serializers.IntegerField(required=False, help_text="Báo cáo kết quả của nhiệm vụ.")


class TaskNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class TaskReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ExtensionCreateSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField(max_length=5000)


class ExtensionDecideSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    new_deadline = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class TaskCountsSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    unit_id = serializers.IntegerField(allow_null=True)
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    open_in_time = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    total = serializers.IntegerField()
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="Tỷ lệ hoàn thành đúng hạn trên số đã hoàn thành (%)."
    )


class TaskStatisticsSerializer(serializers.Serializer):
    period = serializers.CharField(allow_blank=True)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    at = serializers.DateField(help_text="Ngày chốt số liệu.")
    total = TaskCountsSerializer()
    units = TaskCountsSerializer(many=True)


def resolve_documents(
    data: dict[str, Any], user: object
) -> tuple[IncomingDocument | None, OutgoingDocument | None]:
    """The source documents by id, looked up through the documents app's visibility."""
    from chinhquyen.documents import selectors as doc_selectors

    incoming = outgoing = None
    if data.get("incoming"):
        incoming = doc_selectors.incoming_detail(user, data["incoming"])
    if data.get("outgoing"):
        outgoing = doc_selectors.outgoing_detail(user, data["outgoing"])
    return incoming, outgoing
