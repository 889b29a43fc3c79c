"""Shapes of the organisation API. Parsing and rendering only: writes go through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.core.ids import MAX_ID
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.validators import validate_agency_code


class OrganisationSummarySerializer(serializers.ModelSerializer[Organisation]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "kind_label", "agency_code"]
        read_only_fields = fields


class OrganisationHistorySerializer(OrganisationSummarySerializer):
    class Meta(OrganisationSummarySerializer.Meta):
        fields = [*OrganisationSummarySerializer.Meta.fields, "valid_from", "valid_to"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = OrganisationSummarySerializer(read_only=True, allow_null=True)
    is_active = serializers.SerializerMethodField(help_text="Còn hiệu lực vào ngày hôm nay.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "agency_code",
            "administrative_code",
            "parent",
            "depth",
            "address",
            "phone",
            "email",
            "valid_from",
            "valid_to",
            "is_active",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_active(self, obj: Organisation) -> bool:
        return obj.is_active(timezone.localdate())


class OrganisationDetailSerializer(OrganisationSerializer):
    children = serializers.SerializerMethodField(
        help_text="Đơn vị trực thuộc còn hiệu lực hôm nay."
    )
    predecessors = OrganisationHistorySerializer(many=True, read_only=True)
    successors = OrganisationHistorySerializer(many=True, read_only=True)

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "children", "predecessors", "successors"]
        read_only_fields = fields

    @extend_schema_field(OrganisationSummarySerializer(many=True))
    def get_children(self, obj: Organisation) -> list[dict[str, Any]]:
        children = getattr(obj, "active_children", None)
        if children is None:
            children = list(obj.children.active().order_by("path"))
        return OrganisationSummarySerializer(children, many=True).data  # type: ignore[return-value]


class OrganisationListQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    parent = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)  # type: ignore[assignment]
    active_on = serializers.DateField(required=False)
    q = serializers.CharField(required=False, max_length=200, allow_blank=True)

    def validated_filters(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.setdefault("active_on", timezone.localdate())
        return data


class _OrganisationFieldsSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    agency_code = serializers.CharField(
        max_length=35, required=False, allow_blank=True, validators=[validate_agency_code]
    )
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    administrative_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start: dt.date | None = attrs.get("valid_from")
        end: dt.date | None = attrs.get("valid_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"valid_to": ["Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."]}
            )
        return attrs


class OrganisationCreateSerializer(_OrganisationFieldsSerializer):
    pass


class OrganisationUpdateSerializer(_OrganisationFieldsSerializer):
    name = serializers.CharField(max_length=255, required=False)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)


class OrganisationMoveSerializer(serializers.Serializer[Any]):
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Organisation.objects.all(),
        allow_null=True,
        help_text="Đơn vị cấp trên mới; null để đưa lên cấp cao nhất.",
    )


class OrganisationMergeSerializer(serializers.Serializer[Any]):
    predecessors = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, help_text="Các đơn vị bị sáp nhập."
    )
    successor = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Đơn vị kế thừa (nhận sáp nhập)."
    )
    effective_date = serializers.DateField(help_text="Ngày sáp nhập có hiệu lực.")

    def validate_predecessors(self, value: list[Organisation]) -> list[Organisation]:
        if not value:
            raise serializers.ValidationError("Cần chọn ít nhất một đơn vị tiền thân.")
        return value


class OrganisationImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="Tệp CSV (UTF-8) hoặc Excel .xlsx, tối đa 5 MB.")


class OrganisationImportResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    total_rows = serializers.IntegerField()
