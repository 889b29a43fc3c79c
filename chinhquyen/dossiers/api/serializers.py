"""Serializers of the dossier API: input shapes (parsed, then handed to services) and output
renderings. No business rule lives here; clocks and allowed actions come from selectors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.core.ids import MAX_ID

from .. import selectors, workflow
from ..models import (
    Channel,
    CopyKind,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierPause,
    DossierResult,
    DossierStatus,
    DossierStep,
    ResultDelivery,
    SatisfactionScore,
    Timeliness,
)

EVENT_LABELS: dict[str, str] = {
    "receive": "Tiếp nhận hồ sơ",
    "attach_file": "Đính kèm tệp",
    "reset_pin": "Cấp lại mã tra cứu",
    "payment": "Cập nhật thanh toán",
    "result_signed": "Ký số kết quả",
}


def event_label(action: str) -> str:
    return EVENT_LABELS.get(action) or workflow.action_label(action)


def legal(value: dt.datetime | None) -> str | None:
    return value.astimezone(VN_TZ).isoformat() if value is not None else None


def hours_of(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


# --------------------------------------------------------------------------------------------
# Small references
# --------------------------------------------------------------------------------------------


class DossierOrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    agency_code = serializers.CharField()


class DossierUserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class DossierClockSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(allow_null=True, help_text="Hạn hiện tại.")
    elapsed_hours = serializers.FloatField(help_text="Số giờ làm việc đã dùng (trừ tạm dừng).")
    remaining_hours = serializers.FloatField(
        allow_null=True, help_text="Số giờ làm việc còn lại; âm khi quá hạn."
    )
    text = serializers.CharField(help_text='Ví dụ "còn 1 ngày 4 giờ", "quá hạn 2 ngày 3 giờ".')
    overdue = serializers.BooleanField()
    paused = serializers.BooleanField()
    finished = serializers.BooleanField()
    classification = serializers.ChoiceField(choices=Timeliness.choices)


def clock_data(c: Any) -> dict[str, Any]:
    return {
        "due_at": legal(c.due_at),
        "elapsed_hours": hours_of(c.elapsed),
        "remaining_hours": hours_of(c.remaining),
        "text": c.text,
        "overdue": c.overdue,
        "paused": c.paused,
        "finished": c.finished,
        "classification": c.classification,
    }


# --------------------------------------------------------------------------------------------
# Output: lists
# --------------------------------------------------------------------------------------------


class DossierListItemSerializer(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    status_label = serializers.CharField(source="get_status_display")
    channel_label = serializers.CharField(source="get_channel_display")
    receiving_organisation = DossierOrgRefSerializer()
    competent_organisation = DossierOrgRefSerializer()
    current_unit = DossierOrgRefSerializer(allow_null=True)
    current_assignee = DossierUserRefSerializer(allow_null=True)
    clock_text = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure_code",
            "procedure_name",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "applicant_name",
            "applicant_organisation",
            "receiving_organisation",
            "competent_organisation",
            "current_unit",
            "current_assignee",
            "received_at",
            "appointment_at",
            "new_appointment_at",
            "due_at",
            "finished_at",
            "returned_at",
            "classification",
            "supplement_count",
            "payment_status",
            "clock_text",
            "overdue",
        ]

    def _clock(self, obj: Dossier) -> tuple[str, bool]:
        now = self.context.get("now") or timezone.now()
        return selectors.list_clock_text(obj, now=now)

    def get_clock_text(self, obj: Dossier) -> str:
        return self._clock(obj)[0]

    def get_overdue(self, obj: Dossier) -> bool:
        return self._clock(obj)[1]


class DossierInboxCountsSerializer(serializers.Serializer):
    """The open dossiers of the queue per status (finished ones: filter by status, or the
    reports), and the running ones past their deadline."""

    received = serializers.IntegerField()
    transferred = serializers.IntegerField()
    processing = serializers.IntegerField()
    awaiting_approval = serializers.IntegerField()
    result_ready = serializers.IntegerField()
    supplement_requested = serializers.IntegerField()
    overdue = serializers.IntegerField()


class DossierInboxPageSerializer(serializers.Serializer):
    results = DossierListItemSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Truyền vào `cursor` để lấy trang tiếp theo; null: hết."
    )
    counts = DossierInboxCountsSerializer(help_text="Số hồ sơ theo trạng thái (cùng bộ lọc).")


class ApplicantDossierListItemSerializer(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    status_label = serializers.CharField(source="get_status_display")
    channel_label = serializers.CharField(source="get_channel_display")
    competent_organisation = serializers.CharField(source="competent_organisation.name")
    receiving_organisation = serializers.CharField(source="receiving_organisation.name")

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure_code",
            "procedure_name",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "receiving_organisation",
            "competent_organisation",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "payment_status",
            "fee_total",
        ]


# --------------------------------------------------------------------------------------------
# Output: details
# --------------------------------------------------------------------------------------------


class DossierEventSerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    from_status_label = serializers.SerializerMethodField()
    to_status_label = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = [
            "id",
            "at",
            "action",
            "action_label",
            "actor_name",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "reason",
            "data",
        ]

    def get_action_label(self, obj: DossierEvent) -> str:
        return event_label(obj.action)

    def get_from_status_label(self, obj: DossierEvent) -> str:
        return workflow.status_label(obj.from_status) if obj.from_status else ""

    def get_to_status_label(self, obj: DossierEvent) -> str:
        return workflow.status_label(obj.to_status) if obj.to_status else ""


class ApplicantDossierEventSerializer(DossierEventSerializer):
    class Meta(DossierEventSerializer.Meta):
        fields = ["at", "action", "action_label", "to_status", "to_status_label", "reason"]


class DossierStepSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    from_unit = DossierOrgRefSerializer(allow_null=True)
    unit = DossierOrgRefSerializer(allow_null=True)
    assignee = DossierUserRefSerializer(allow_null=True)
    result_label = serializers.SerializerMethodField()
    clock = serializers.SerializerMethodField()

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "from_unit",
            "unit",
            "external_name",
            "assignee",
            "started_at",
            "allotted_hours",
            "due_at",
            "finished_at",
            "result",
            "result_label",
            "clock",
        ]

    def get_result_label(self, obj: DossierStep) -> str:
        return str(Timeliness(obj.result).label) if obj.result else ""

    @extend_schema_field(DossierClockSerializer)
    def get_clock(self, obj: DossierStep) -> dict[str, Any] | None:
        clocks: dict[int, Any] = self.context.get("step_clocks", {})
        c = clocks.get(obj.pk)
        return clock_data(c) if c is not None else None


class DossierPauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierPause
        fields = [
            "id",
            "kind",
            "started_at",
            "ended_at",
            "reason",
            "requested_papers",
            "answer_note",
        ]


class DossierAttachmentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    copy_kind_label = serializers.CharField(source="get_copy_kind_display")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DossierAttachment
        fields = [
            "id",
            "kind",
            "kind_label",
            "paper",
            "paper_name",
            "copy_kind",
            "copy_kind_label",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj: DossierAttachment) -> str:
        name = self.context.get("attachment_url_name", "dossiers_api:attachment-download")
        return reverse(name, kwargs={"pk": obj.dossier_id, "attachment_id": obj.pk})


class DossierResultSerializer(serializers.ModelSerializer):
    cancelled = serializers.BooleanField(source="is_cancelled")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DossierResult
        fields = [
            "id",
            "number",
            "code",
            "name",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "signed",
            "issued_at",
            "cancelled",
            "cancelled_at",
            "cancel_reason",
            "download_url",
        ]

    def get_download_url(self, obj: DossierResult) -> str | None:
        if not obj.file:
            return None
        name = self.context.get("result_url_name", "dossiers_api:result-download")
        return reverse(name, kwargs={"pk": obj.dossier_id, "result_id": obj.pk})


class DossierRatingSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    score_label = serializers.CharField(source="get_score_display")
    comment = serializers.CharField()
    rated_at = serializers.DateTimeField()


class DossierActionRefSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField()


class _DetailBase(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    status_label = serializers.CharField(source="get_status_display")
    channel_label = serializers.CharField(source="get_channel_display")
    classification_label = serializers.SerializerMethodField()
    payment_status_label = serializers.CharField(source="get_payment_status_display")
    receiving_organisation = DossierOrgRefSerializer()
    competent_organisation = DossierOrgRefSerializer()
    clock = serializers.SerializerMethodField()
    pauses = DossierPauseSerializer(many=True)
    results = DossierResultSerializer(many=True)
    rating = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    def get_classification_label(self, obj: Dossier) -> str:
        return str(Timeliness(obj.classification).label) if obj.classification else ""

    @extend_schema_field(DossierClockSerializer)
    def get_clock(self, obj: Dossier) -> dict[str, Any]:
        return clock_data(self.context["clock"])

    @extend_schema_field(DossierRatingSerializer(allow_null=True))
    def get_rating(self, obj: Dossier) -> dict[str, Any] | None:
        rating = getattr(obj, "rating", None)
        return DossierRatingSerializer(rating).data if rating is not None else None  # type: ignore[return-value]

    @extend_schema_field(DossierActionRefSerializer(many=True))
    def get_allowed_actions(self, obj: Dossier) -> list[dict[str, str]]:
        return [
            {"action": a, "action_label": workflow.action_label(a)}
            for a in self.context.get("actions", [])
        ]


COMMON_DETAIL_FIELDS = [
    "id",
    "code",
    "procedure_code",
    "procedure_name",
    "status",
    "status_label",
    "channel",
    "channel_label",
    "receiving_organisation",
    "competent_organisation",
    "applicant_name",
    "applicant_id_number",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "applicant_organisation",
    "form_data",
    "papers_received",
    "set_count",
    "received_at",
    "counted_from",
    "appointment_at",
    "new_appointment_at",
    "apologised_at",
    "due_at",
    "finished_at",
    "returned_at",
    "classification",
    "classification_label",
    "supplement_count",
    "fee_total",
    "fee_case",
    "result_delivery",
    "payment_status",
    "payment_status_label",
    "clock",
    "pauses",
    "results",
    "rating",
    "allowed_actions",
]


class OfficerDossierSerializer(_DetailBase):
    current_unit = DossierOrgRefSerializer(allow_null=True)
    current_assignee = DossierUserRefSerializer(allow_null=True)
    current_step = serializers.CharField(source="current_step.name", allow_null=True, default=None)
    timeline = DossierEventSerializer(many=True, source="events")
    steps = DossierStepSerializer(many=True)
    attachments = DossierAttachmentSerializer(many=True)

    class Meta:
        model = Dossier
        fields = [
            *COMMON_DETAIL_FIELDS,
            "current_step",
            "current_unit",
            "current_assignee",
            "apology_in_time",
            "timeline",
            "steps",
            "attachments",
        ]


class ApplicantDossierSerializer(_DetailBase):
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [*COMMON_DETAIL_FIELDS, "timeline", "attachments"]

    @extend_schema_field(ApplicantDossierEventSerializer(many=True))
    def get_timeline(self, obj: Dossier) -> list[dict[str, Any]]:
        visible = [
            e for e in obj.events.all() if e.to_status != e.from_status or e.action == "receive"
        ]
        return ApplicantDossierEventSerializer(visible, many=True).data  # type: ignore[return-value]

    @extend_schema_field(DossierAttachmentSerializer(many=True))
    def get_attachments(self, obj: Dossier) -> list[dict[str, Any]]:
        kinds = selectors.applicant_visible_attachment_kinds()
        rows = [a for a in obj.attachments.all() if a.kind in kinds]
        return DossierAttachmentSerializer(rows, many=True, context=self.context).data  # type: ignore[return-value]


class DossierIntakeResponseSerializer(serializers.Serializer):
    dossier = OfficerDossierSerializer()
    pin = serializers.CharField(
        allow_null=True,
        help_text="Mã PIN tra cứu (8 chữ số), chỉ hiển thị một lần trên giấy tiếp nhận.",
    )
    created = serializers.BooleanField()


class ApplicantDossierIntakeResponseSerializer(serializers.Serializer):
    dossier = ApplicantDossierSerializer()
    pin = serializers.CharField(
        allow_null=True,
        help_text="Mã PIN tra cứu, chỉ trả về ở lần nộp đầu tiên (null khi gửi lại cùng "
        "Idempotency-Key; dùng /pin/ để cấp mã mới).",
    )
    created = serializers.BooleanField()


class DossierPinSerializer(serializers.Serializer):
    pin = serializers.CharField()


class PublicDossierSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="Thời gian hẹn trả kết quả hiện tại.")
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    receiving_organisation = serializers.CharField()
    competent_organisation = serializers.CharField()
    supplement_reason = serializers.CharField()
    result_ready = serializers.BooleanField()


class TrackingRegisterRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    set_count = serializers.IntegerField()
    applicant_name = serializers.CharField()
    applicant_address = serializers.CharField()
    applicant_phone = serializers.CharField()
    competent_organisation = serializers.CharField()
    received_at = serializers.DateTimeField()
    appointment_at = serializers.DateTimeField()
    new_appointment_at = serializers.DateTimeField(allow_null=True)
    transferred_at = serializers.DateTimeField(allow_null=True)
    result_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    status_label = serializers.CharField()
    classification_label = serializers.CharField()
    note = serializers.CharField()


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


class DossierPublicLookupSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text="Mã hồ sơ trên giấy tiếp nhận.")
    pin = serializers.CharField(
        max_length=16, help_text="Mã PIN tra cứu (8 chữ số; mã 6 chữ số cấp trước vẫn dùng được)."
    )


class DossierInboxQuerySerializer(serializers.Serializer):
    status = serializers.CharField(
        max_length=24,
        required=False,
        help_text="Một trạng thái (received, transferred, processing, awaiting_approval, "
        "result_ready, returned, supplement_requested, refused, stopped) hoặc `all`; mặc định: "
        "các hồ sơ chưa kết thúc.",
    )
    procedure = serializers.CharField(max_length=40, required=False, help_text="Mã thủ tục.")
    due_within_hours = serializers.FloatField(
        min_value=0.25, max_value=2000, required=False, help_text="Đến hạn trong số giờ làm việc."
    )
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    cursor = serializers.CharField(max_length=200, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, required=False, default=50)

    def validate_status(self, value: str) -> str:
        if value != "all" and value not in DossierStatus.values:
            raise serializers.ValidationError("Trạng thái hồ sơ không hợp lệ.")
        return value

    def validate_cursor(self, value: str) -> tuple[dt.datetime, int]:
        decoded = selectors.decode_cursor(value)
        if decoded is None:
            raise serializers.ValidationError("Con trỏ phân trang không hợp lệ.")
        return decoded


class TrackingRegisterQuerySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": ["Đến ngày phải sau từ ngày."]})
        return attrs


class DossierApplicantDetailsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=255, required=False, allow_blank=True)


class DossierPaperCountSerializer(serializers.Serializer):
    paper_id = serializers.IntegerField()
    original = serializers.IntegerField(min_value=0, max_value=99, default=0)
    certified_copy = serializers.IntegerField(min_value=0, max_value=99, default=0)
    photocopy = serializers.IntegerField(min_value=0, max_value=99, default=0)


FILES_HELP = (
    "Tệp đính kèm (multipart): trường `paper_<mã thành phần hồ sơ>` cho từng thành phần (có "
    "thể lặp lại), trường `files` cho tài liệu khác. Chỉ nhận PDF, JPG, PNG, DOC, DOCX, XLS, "
    "XLSX (kiểm tra theo nội dung), tối đa 20 MB mỗi tệp."
)


class JSONInputField(serializers.JSONField):
    """JSON given as a value (JSON requests) or as a JSON string (multipart form fields)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("Phải là dữ liệu JSON hợp lệ.") from None
        return super().to_internal_value(data)


class JSONObjectField(JSONInputField):
    """A JSON object."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Phải là một đối tượng JSON.")
        return value


@extend_schema_field(OpenApiTypes.OBJECT)
class _FormDataField(JSONObjectField):
    pass


@extend_schema_field(DossierPaperCountSerializer(many=True))
class _PapersField(JSONInputField):
    """A list of paper counts, also accepted as a JSON string (multipart requests)."""


class DossierSubmitSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục, ví dụ 1.001193.")
    competent_organisation = serializers.IntegerField(
        required=False, help_text="Cơ quan giải quyết (bắt buộc với thủ tục cấp xã)."
    )
    form_data = _FormDataField(help_text="Tờ khai điện tử theo biểu mẫu của thủ tục.")
    applicant = _FormDataField(
        required=False, help_text="Sửa thông tin liên hệ: address, phone, email ..."
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=FILES_HELP
    )
    fee_case = serializers.IntegerField(
        required=False,
        help_text="Trường hợp thu phí, lệ phí áp dụng (id trong fees của thủ tục); bắt buộc "
        "khi thủ tục có nhiều trường hợp. Phí, lệ phí của hồ sơ theo trường hợp này.",
    )
    result_delivery = serializers.ChoiceField(
        choices=ResultDelivery.choices,
        default=ResultDelivery.COUNTER,
        help_text="Hình thức nhận kết quả: online, counter (mặc định), post.",
    )

    def validate_applicant(self, value: dict[str, Any]) -> dict[str, Any]:
        inner = DossierApplicantDetailsSerializer(data=value)
        inner.is_valid(raise_exception=True)
        return dict(inner.validated_data)


class DossierCounterIntakeSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục.")
    competent_organisation = serializers.IntegerField(required=False)
    receiving_organisation = serializers.IntegerField(required=False)
    applicant_user = serializers.IntegerField(
        required=False,
        help_text="Tài khoản của người nộp (nếu có); cần kèm applicant.id_number (CCCD/mã số "
        "thuế trên giấy tờ xuất trình) khớp với tài khoản.",
    )
    applicant = _FormDataField(
        required=False,
        help_text="Người nộp: name, id_number, address, phone, email, organisation.",
    )
    form_data = _FormDataField(required=False)
    papers = _PapersField(help_text="Danh sách {paper_id, original, certified_copy, photocopy}.")
    channel = serializers.IntegerField(
        default=Channel.COUNTER, help_text="1: trực tiếp (mặc định), 3: bưu chính công ích."
    )
    fee_total = serializers.IntegerField(
        min_value=0, required=False, help_text="Số tiền khác mức của trường hợp (miễn, giảm)."
    )
    fee_case = serializers.IntegerField(
        required=False,
        help_text="Trường hợp thu phí, lệ phí áp dụng (id trong fees của thủ tục); bắt buộc "
        "khi thủ tục có nhiều trường hợp. Phí, lệ phí của hồ sơ theo trường hợp này.",
    )
    set_count = serializers.IntegerField(min_value=1, max_value=99, default=1)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=FILES_HELP
    )

    def validate_applicant(self, value: dict[str, Any]) -> dict[str, Any]:
        inner = DossierApplicantDetailsSerializer(data=value)
        inner.is_valid(raise_exception=True)
        return dict(inner.validated_data)

    def validate_papers(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise serializers.ValidationError("Phải là một danh sách.")
        inner = DossierPaperCountSerializer(data=value, many=True)
        inner.is_valid(raise_exception=True)
        return [dict(item) for item in inner.validated_data]


class DossierBulkTransferSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DossierAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    paper = serializers.IntegerField(required=False, help_text="Thành phần hồ sơ (nếu có).")
    copy_kind = serializers.ChoiceField(choices=CopyKind.choices, required=False, allow_blank=True)


class DossierSupplementSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=FILES_HELP
    )


class DossierReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class DossierOptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DossierRatingInputSerializer(serializers.Serializer):
    score = serializers.ChoiceField(
        choices=SatisfactionScore.choices,
        help_text="1 không hài lòng, 2 hài lòng, 3 rất hài lòng.",
    )
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)


# One input serializer per workflow action --------------------------------------------------


class DossierTransferSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, help_text="Đơn vị nhận (mặc định theo quy trình nội bộ)."
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DossierAssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(help_text="Cán bộ được phân công (thuộc đơn vị xử lý).")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DossierStepCompleteSerializer(DossierTransferSerializer):
    pass


class DossierSubmitForApprovalSerializer(DossierTransferSerializer):
    pass


class DossierNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class DossierApproveSerializer(DossierNoteSerializer):
    pass


class DossierFinishSerializer(DossierNoteSerializer):
    pass


class DossierReturnResultSerializer(DossierNoteSerializer):
    pass


class DossierSendBackSerializer(DossierReasonSerializer):
    pass


class DossierRefuseSerializer(DossierReasonSerializer):
    pass


class DossierStopSerializer(DossierReasonSerializer):
    pass


class DossierWithdrawSerializer(DossierOptionalReasonSerializer):
    pass


class DossierAttachResultSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    file = serializers.FileField(required=False, help_text="Kết quả điện tử (PDF ...).")
    signed = serializers.BooleanField(default=False)


class DossierCancelResultSerializer(serializers.Serializer):
    result = serializers.IntegerField(help_text="Mã số (id) kết quả cần hủy.")
    reason = serializers.CharField(max_length=4000)


class DossierRequestedPaperSerializer(serializers.Serializer):
    paper_id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class DossierRequestSupplementSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
    requested_papers = DossierRequestedPaperSerializer(many=True, required=False)


class DossierSupplementAnswerSerializer(DossierSupplementSerializer):
    pass


class DossierApologiseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, help_text="Lý do chậm trễ.")
    new_appointment_at = serializers.DateTimeField(
        help_text="Thời gian hẹn trả kết quả mới (chỉ hẹn lại một lần)."
    )

    def validate_new_appointment_at(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            value = value.replace(tzinfo=VN_TZ)
        return value
