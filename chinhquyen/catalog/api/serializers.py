"""Serializers of the catalogue API: they only parse and render (no business rules)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.catalog.models import (
    Fee,
    Field,
    OnlineLevel,
    ProcedureLevel,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
    ResultType,
    TimeUnit,
)
from chinhquyen.orgs.models import Organisation

# --- query parameters ---------------------------------------------------------------------


class ProcedureSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text='Tìm theo tên hoặc mã thủ tục, không phân biệt dấu ("dang ky khai sinh").',
    )
    field = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text="Mã lĩnh vực"
    )
    level = serializers.ChoiceField(
        choices=ProcedureLevel.choices, required=False, help_text="Cấp thực hiện"
    )
    online_level = serializers.ChoiceField(
        choices=OnlineLevel.choices,
        required=False,
        help_text="Mức độ trực tuyến: 2 không trực tuyến, 3 một phần, 4 toàn trình",
    )
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text="Mã số (id) cơ quan có thẩm quyền"
    )
    page = serializers.IntegerField(required=False, min_value=1, help_text="Trang (từ 1)")

    def validate_organisation(self, value: int) -> Organisation:
        org = Organisation.objects.filter(pk=value).first()
        if org is None:
            raise serializers.ValidationError("Không có cơ quan, đơn vị này.")
        return org

    def filters(self) -> dict[str, Any]:
        data = self.validated_data
        out: dict[str, Any] = {
            "q": data.get("q") or None,
            "field": data.get("field") or None,
            "level": data.get("level") or None,
            "organisation": data.get("organisation"),
        }
        if data.get("online_level") not in (None, ""):
            out["online_level"] = int(data["online_level"])
        return out


# --- read -----------------------------------------------------------------------------------


class FieldSerializer(serializers.ModelSerializer[Field]):
    procedure_count = serializers.IntegerField(read_only=True, help_text="Số thủ tục đang áp dụng")

    class Meta:
        model = Field
        fields = ["code", "name", "procedure_count"]


class FieldRefSerializer(serializers.ModelSerializer[Field]):
    class Meta:
        model = Field
        fields = ["code", "name"]


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "agency_code"]


class FeeSerializer(serializers.ModelSerializer[Fee]):
    kind = serializers.CharField(read_only=True, help_text="fee: lệ phí; charge: phí")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Fee
        fields = ["order", "kind", "kind_display", "case_description", "amount", "note"]


class PaperSerializer(serializers.ModelSerializer[RequiredPaper]):
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = RequiredPaper
        fields = [
            "order",
            "name",
            "original_count",
            "certified_copy_count",
            "photocopy_count",
            "required",
            "note",
            "template_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))  # None: the paper has no form
    def get_template_url(self, obj: RequiredPaper) -> str | None:
        if not obj.template:
            return None
        path = reverse("catalog:paper_template", args=[obj.version.procedure.code, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class StepSerializer(serializers.ModelSerializer[ProcessStep]):
    responsible = serializers.CharField(source="responsible_display", read_only=True)
    responsible_unit = OrganisationRefSerializer(read_only=True, allow_null=True)
    external_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    # Plain strings: the choice sets belong to orgs (unit kinds) and accounts (roles).
    responsible_unit_kind = serializers.CharField(
        read_only=True, help_text="Loại đơn vị khi không chỉ định đơn vị (mã loại cơ quan)"
    )
    responsible_role = serializers.CharField(read_only=True, help_text="Mã vai trò thực hiện")

    class Meta:
        model = ProcessStep
        fields = [
            "order",
            "name",
            "responsible",
            "responsible_unit",
            "responsible_unit_kind",
            "responsible_role",
            "allotted_hours",
            "is_external",
            "external_organisation",
            "external_organisation_name",
        ]


class ProcedureSummarySerializer(serializers.ModelSerializer[ProcedureVersion]):
    code = serializers.CharField(source="procedure.code", read_only=True)
    field = FieldRefSerializer(source="procedure.field", read_only=True)
    level = serializers.CharField(source="procedure.level", read_only=True)
    level_display = serializers.CharField(source="procedure.get_level_display", read_only=True)
    online_level_display = serializers.CharField(source="get_online_level_display", read_only=True)
    processing_time_display = serializers.CharField(read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProcedureVersion
        fields = [
            "code",
            "name",
            "field",
            "level",
            "level_display",
            "online_level",
            "online_level_display",
            "processing_time",
            "processing_time_unit",
            "processing_time_note",
            "processing_time_display",
            "competent_description",
            "fees",
            "version",
            "valid_from",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: ProcedureVersion) -> str:
        path = reverse("catalog_api:procedure_detail", args=[obj.procedure.code])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProcedurePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProcedureSummarySerializer(many=True)


class ProcedureDetailSerializer(ProcedureSummarySerializer):
    competent_organisations = OrganisationRefSerializer(many=True, read_only=True)
    papers = PaperSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    result_type_display = serializers.CharField(source="get_result_type_display", read_only=True)
    form_schema = serializers.JSONField(read_only=True)

    class Meta(ProcedureSummarySerializer.Meta):
        fields = [
            *ProcedureSummarySerializer.Meta.fields,
            "status",
            "valid_to",
            "published_at",
            "competent_organisations",
            "competent_all_communes",
            "applicants",
            "result_type",
            "result_type_display",
            "result_name",
            "legal_basis",
            "description",
            "conditions",
            "implementing_steps",
            "no_papers_required",
            "papers",
            "steps",
            "form_schema",
        ]


# --- management -----------------------------------------------------------------------------


class FieldCodeField(serializers.SlugRelatedField):
    """A field of the catalogue named by its code; a code with NUL names none (PostgreSQL text
    cannot hold it: the lookup failed in the database driver, a 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ProcedureCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="Mã TTHC, ví dụ 1.001193")
    field = FieldCodeField(slug_field="code", queryset=Field.objects.all(), help_text="Mã lĩnh vực")
    level = serializers.ChoiceField(choices=ProcedureLevel.choices)
    name = serializers.CharField(max_length=500)
    online_level = serializers.ChoiceField(choices=OnlineLevel.choices, required=False)
    processing_time = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, required=False
    )
    processing_time_unit = serializers.ChoiceField(choices=TimeUnit.choices, required=False)
    processing_time_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    competent_organisations = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    competent_all_communes = serializers.BooleanField(required=False)
    competent_description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    result_type = serializers.ChoiceField(choices=ResultType.choices, required=False)
    result_name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    applicants = serializers.CharField(max_length=255, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    conditions = serializers.CharField(required=False, allow_blank=True)
    implementing_steps = serializers.CharField(required=False, allow_blank=True)
    no_papers_required = serializers.BooleanField(required=False)
    form_schema = serializers.JSONField(required=False)


class DraftSerializer(serializers.ModelSerializer[ProcedureVersion]):
    code = serializers.CharField(source="procedure.code", read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "code",
            "version",
            "status",
            "name",
            "online_level",
            "processing_time",
            "processing_time_unit",
            "valid_from",
            "valid_to",
        ]


class PublishSerializer(serializers.Serializer):
    valid_from = serializers.DateField(
        required=False, help_text="Ngày bắt đầu hiệu lực (mặc định hôm nay)"
    )
