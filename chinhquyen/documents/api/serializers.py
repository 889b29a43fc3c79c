"""Shapes of the documents API. Parsing and rendering only: writes go through services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.accounts.models import User
from chinhquyen.core.ids import MAX_ID
from chinhquyen.orgs.models import Organisation

from ..models import (
    ApprovalStep,
    Assignment,
    DocumentEvent,
    DocumentType,
    ExchangeMessage,
    ExchangeStatus,
    IncomingDocument,
    IncomingFile,
    IncomingStatus,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    RegisterKind,
    Secrecy,
    StatusCode,
    Task,
    Urgency,
)

MAX_FILES = 10


# --- small shapes ---------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "agency_code"]
        read_only_fields = fields


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    class Meta:
        model = DocumentType
        fields = ["id", "name", "abbreviation", "is_legal_normative"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer[DocumentEvent]):
    actor = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DocumentEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "note"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    unit = UnitSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Assignment
        fields = ["unit", "role", "role_label", "deadline", "instructions", "assigned_at"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[Task]):
    assignee = PersonSerializer(read_only=True)
    assigned_by = PersonSerializer(read_only=True)
    unit = UnitSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "document",
            "unit",
            "assignee",
            "assigned_by",
            "due",
            "instructions",
            "status",
            "status_label",
            "result",
            "is_overdue",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, obj: Task) -> bool:
        return obj.is_overdue(timezone.localdate())


class MyTaskSerializer(TaskSerializer):
    """A task with the document it is about (for "Việc của tôi")."""

    incoming_number = serializers.CharField(
        source="document.incoming_number_display", read_only=True
    )
    summary = serializers.CharField(source="document.summary", read_only=True)
    sender_name = serializers.CharField(source="document.sender_name", read_only=True)
    number_notation = serializers.CharField(source="document.number_notation", read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [
            *TaskSerializer.Meta.fields,
            "incoming_number",
            "summary",
            "sender_name",
            "number_notation",
        ]
        read_only_fields = fields


class FileSerializer(serializers.ModelSerializer[IncomingFile]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = IncomingFile
        fields = ["id", "name", "content_type", "size", "sha256", "is_main", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: IncomingFile) -> str:
        return reverse(
            "documents_api:incoming-file", kwargs={"pk": obj.document_id, "file_id": obj.pk}
        )


class StatusSerializer(serializers.ModelSerializer[ExchangeStatus]):
    code_label = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = ExchangeStatus
        fields = ["code", "code_label", "description", "organ_id", "organ_name", "at"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer[ExchangeMessage]):
    statuses = StatusSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    business_type_label = serializers.CharField(source="get_business_type_display", read_only=True)

    class Meta:
        model = ExchangeMessage
        fields = [
            "id",
            "document_id",
            "business_type",
            "business_type_label",
            "business_reason",
            "from_organ_id",
            "from_name",
            "to_organ_id",
            "to_name",
            "code_number",
            "code_notation",
            "promulgation_date",
            "subject",
            "priority",
            "due_date",
            "attachments",
            "status",
            "status_label",
            "status_at",
            "statuses",
            "created_at",
        ]
        read_only_fields = fields


# --- incoming -------------------------------------------------------------------------------


class IncomingListSerializer(serializers.ModelSerializer[IncomingDocument]):
    organisation = UnitSerializer(read_only=True)
    document_type = serializers.CharField(
        source="document_type.name", read_only=True, allow_null=True, default=None
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lead_unit = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "organisation",
            "incoming_number",
            "received_at",
            "sender_name",
            "number_notation",
            "document_date",
            "document_type",
            "summary",
            "urgency",
            "secrecy",
            "is_electronic",
            "status",
            "status_label",
            "deadline",
            "is_overdue",
            "lead_unit",
        ]
        read_only_fields = fields

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_lead_unit(self, obj: IncomingDocument) -> dict[str, Any] | None:
        for assignment in getattr(obj, "active_assignments", []):
            if assignment.role == "lead":
                return UnitSerializer(assignment.unit).data  # type: ignore[return-value]
        return None

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, obj: IncomingDocument) -> bool:
        return obj.is_overdue(timezone.localdate())


class IncomingDetailSerializer(IncomingListSerializer):
    sender_organisation = UnitSerializer(read_only=True, allow_null=True)
    registered_by = PersonSerializer(read_only=True, allow_null=True)
    submitted_to = PersonSerializer(read_only=True, allow_null=True)
    assigned_by = PersonSerializer(read_only=True, allow_null=True)
    completed_by = PersonSerializer(read_only=True, allow_null=True)
    assignments = AssignmentSerializer(source="active_assignments", many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    files = FileSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(IncomingListSerializer.Meta):
        fields = [
            *IncomingListSerializer.Meta.fields,
            "sender_organisation",
            "sender_code",
            "pages",
            "signer_name",
            "signature_check",
            "registered_at",
            "registered_by",
            "submitted_to",
            "submitted_at",
            "instructions",
            "assigned_by",
            "assigned_at",
            "completed_at",
            "completed_by",
            "completion_note",
            "reply",
            "return_reason",
            "note",
            "assignments",
            "tasks",
            "files",
            "events",
        ]
        read_only_fields = fields


class IncomingRegisterSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Cơ quan nhận; mặc định là cơ quan của văn thư (khi chỉ có một).",
    )
    received_at = serializers.DateTimeField(required=False)
    sender_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    sender_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    number_notation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    document_date = serializers.DateField(required=False, allow_null=True)
    document_type = serializers.PrimaryKeyRelatedField(
        queryset=DocumentType.objects.filter(active=True), required=False, allow_null=True
    )
    summary = serializers.CharField(max_length=2000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.NORMAL)
    pages = serializers.IntegerField(min_value=1, max_value=10000, required=False, allow_null=True)
    signer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    is_electronic = serializers.BooleanField(default=False)
    deadline = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_FILES
    )


class IncomingListQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    status = serializers.ChoiceField(choices=IncomingStatus.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)


class SubmitSerializer(serializers.Serializer[Any]):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class AssignSerializer(serializers.Serializer[Any]):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    coordinate_units = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    inform_units = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    deadline = serializers.DateField(required=False, allow_null=True)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Cán bộ xử lý được giao đích danh (thuộc đơn vị xử lý chính hoặc phối hợp).",
    )


class TaskCreateSerializer(serializers.Serializer[Any]):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    due = serializers.DateField(required=False, allow_null=True)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class TaskCompleteSerializer(serializers.Serializer[Any]):
    result = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class CompleteSerializer(serializers.Serializer[Any]):
    reply = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Mã văn bản đi trả lời."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=4000)


# --- outgoing -------------------------------------------------------------------------------


class RecipientSerializer(serializers.ModelSerializer[OutgoingRecipient]):
    class Meta:
        model = OutgoingRecipient
        fields = ["id", "organisation", "name", "agency_code"]
        read_only_fields = fields


class RecipientInputSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Cơ quan trong hệ thống; bỏ trống để gửi ra ngoài theo tên và mã định danh.",
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    agency_code = serializers.CharField(required=False, allow_blank=True, max_length=35)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("organisation") and not (attrs.get("name") or "").strip():
            raise serializers.ValidationError("Nơi nhận phải là một cơ quan hoặc có tên.")
        return attrs


class ApprovalStepSerializer(serializers.ModelSerializer[ApprovalStep]):
    reviewer = PersonSerializer(read_only=True)

    class Meta:
        model = ApprovalStep
        fields = ["round", "order", "reviewer", "decision", "comment", "at"]
        read_only_fields = fields


class OutgoingListSerializer(serializers.ModelSerializer[OutgoingDocument]):
    organisation = UnitSerializer(read_only=True)
    drafting_unit = UnitSerializer(read_only=True)
    drafted_by = PersonSerializer(read_only=True)
    signer = PersonSerializer(read_only=True, allow_null=True)
    document_type = DocumentTypeSerializer(read_only=True)
    number_notation = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = OutgoingDocument
        fields = [
            "id",
            "organisation",
            "drafting_unit",
            "drafted_by",
            "document_type",
            "summary",
            "urgency",
            "secrecy",
            "is_legal_normative",
            "is_electronic",
            "status",
            "status_label",
            "number",
            "notation",
            "number_notation",
            "issued_on",
            "signer",
            "created_at",
        ]
        read_only_fields = fields


class OutgoingDetailSerializer(OutgoingListSerializer):
    recipients = RecipientSerializer(many=True, read_only=True)
    approval_steps = ApprovalStepSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    has_pdf = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta(OutgoingListSerializer.Meta):
        fields = [
            *OutgoingListSerializer.Meta.fields,
            "body",
            "due_date",
            "pages",
            "file_name",
            "file_type",
            "has_pdf",
            "pdf_url",
            "signer_authority",
            "signer_title",
            "review_round",
            "issued_at",
            "signed_at",
            "sealed_at",
            "sent_at",
            "revoked_at",
            "revoke_reason",
            "in_reply_to",
            "recipients",
            "approval_steps",
            "events",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_has_pdf(self, obj: OutgoingDocument) -> bool:
        return bool(obj.pdf_file)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_url(self, obj: OutgoingDocument) -> str | None:
        if not obj.pdf_file:
            return None
        return reverse("documents_api:outgoing-pdf", kwargs={"pk": obj.pk})


class OutgoingCreateSerializer(serializers.Serializer[Any]):
    drafting_unit = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    document_type = serializers.PrimaryKeyRelatedField(
        queryset=DocumentType.objects.filter(active=True)
    )
    summary = serializers.CharField(max_length=2000)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    file = serializers.FileField(required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.NORMAL)
    is_legal_normative = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_electronic = serializers.BooleanField(default=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    in_reply_to = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Mã văn bản đến được trả lời."
    )
    signer_authority = serializers.CharField(required=False, allow_blank=True, max_length=100)
    signer_title = serializers.CharField(required=False, allow_blank=True, max_length=150)
    recipients = RecipientInputSerializer(many=True, required=False)


class OutgoingListQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    status = serializers.ChoiceField(choices=OutgoingStatus.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    mine = serializers.BooleanField(required=False, default=False)
    to_review = serializers.BooleanField(required=False, default=False)


class ReviewersSerializer(serializers.Serializer[Any]):
    reviewers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        help_text="Người duyệt theo thứ tự; người cuối là lãnh đạo ký văn bản.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ReviewSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(
        choices=[("approve", "Đồng ý"), ("reject", "Trả lại")],
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class SignSerializer(serializers.Serializer[Any]):
    pin = serializers.CharField(
        max_length=200,
        trim_whitespace=False,
        help_text="Mật khẩu tệp khóa PKCS#12 hoặc mã PIN thiết bị ký của lãnh đạo, để xác nhận ký.",
    )


class DispatchSerializer(serializers.Serializer[Any]):
    recipients = RecipientInputSerializer(
        many=True,
        required=False,
        help_text="Thay danh sách nơi nhận trước khi phát hành (bỏ trống: giữ nguyên).",
    )


class PdfUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


# --- exchange -------------------------------------------------------------------------------


class TakeBackAnswerSerializer(serializers.Serializer[Any]):
    agree = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class FeedbackSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=StatusCode.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)


# --- registers --------------------------------------------------------------------------------


class RegisterExportQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=RegisterKind.choices)
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text="Mặc định: cơ quan đầu tiên của người dùng."
    )
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    output = serializers.ChoiceField(
        choices=[("xlsx", "Excel"), ("pdf", "PDF")],
        default="xlsx",
        help_text="Định dạng tệp: xlsx (mặc định) hoặc pdf.",
    )
