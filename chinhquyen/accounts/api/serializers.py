"""Serializers of the accounts API: they only parse and render, services do the work."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.orgs.models import Organisation

from ..models import ApiToken, Position, Role, User, UserKind

OFFICIAL_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.API_CLIENT]


class UnitBriefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "agency_code"]


class UserBriefSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class PositionSerializer(serializers.ModelSerializer[Position]):
    unit = UnitBriefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    delegated_by = UserBriefSerializer(read_only=True, allow_null=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Position
        fields = [
            "id",
            "unit",
            "role",
            "role_display",
            "title",
            "is_acting",
            "delegated_by",
            "valid_from",
            "valid_to",
            "is_active",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_is_active(self, obj: Position) -> bool:
        return obj.is_active()


class OfficialSerializer(serializers.ModelSerializer[User]):
    """An official in a list: active positions only."""

    positions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "is_active", "positions"]

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, obj: User) -> list[dict[str, Any]]:
        positions = getattr(obj, "active_positions", None)
        if positions is None:
            positions = list(obj.positions.active().select_related("unit", "delegated_by"))
        return PositionSerializer(positions, many=True).data  # type: ignore[return-value]


class OfficialDetailSerializer(OfficialSerializer):
    """One official: every position, ended and future ones included."""

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, obj: User) -> list[dict[str, Any]]:
        positions = getattr(obj, "all_positions", None)
        if positions is None:
            positions = list(obj.positions.select_related("unit", "delegated_by"))
        return PositionSerializer(positions, many=True).data  # type: ignore[return-value]


class MeSerializer(serializers.ModelSerializer[User]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    positions = serializers.SerializerMethodField()
    mfa_enabled = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "kind",
            "kind_display",
            "citizen_id",
            "tax_code",
            "organisation_name",
            "address",
            "positions",
            "mfa_enabled",
        ]

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, obj: User) -> list[dict[str, Any]]:
        positions = obj.positions.active().select_related("unit", "delegated_by")
        return PositionSerializer(positions, many=True).data  # type: ignore[return-value]

    @extend_schema_field(serializers.BooleanField())
    def get_mfa_enabled(self, obj: User) -> bool:
        return bool(self.context.get("mfa_enabled"))


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="Khóa API đầy đủ, chỉ hiển thị một lần khi cấp."
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class ApiClientSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="full_name", read_only=True)
    positions = serializers.SerializerMethodField()
    tokens = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "is_active", "positions", "tokens"]

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, obj: User) -> list[dict[str, Any]]:
        positions = getattr(obj, "all_positions", None)
        if positions is None:
            positions = list(obj.positions.select_related("unit", "delegated_by"))
        return PositionSerializer(positions, many=True).data  # type: ignore[return-value]

    @extend_schema_field(TokenSerializer(many=True))
    def get_tokens(self, obj: User) -> list[dict[str, Any]]:
        tokens = getattr(obj, "token_list", None)
        if tokens is None:
            tokens = list(obj.api_tokens.order_by("-created_at", "-pk"))
        return TokenSerializer(tokens, many=True).data  # type: ignore[return-value]


# --- input ------------------------------------------------------------------------------------


class PositionInputSerializer(serializers.Serializer[dict[str, Any]]):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        error_messages={
            "does_not_exist": "Đơn vị không tồn tại.",
            "incorrect_type": "Mã đơn vị không hợp lệ.",
        },
    )
    role = serializers.ChoiceField(
        choices=OFFICIAL_ROLE_CHOICES,
        error_messages={"invalid_choice": "Vai trò «{input}» không hợp lệ."},
    )
    title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    is_acting = serializers.BooleanField(required=False, default=False)
    delegated_by = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(kind=UserKind.OFFICIAL),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": "Người ủy quyền không tồn tại."},
    )
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)


class OfficialCreateInputSerializer(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        default="",
        style={"input_type": "password"},
    )
    positions = PositionInputSerializer(many=True, allow_empty=False)


class OfficialUpdateInputSerializer(serializers.Serializer[dict[str, Any]]):
    full_name = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class PositionEndInputSerializer(serializers.Serializer[dict[str, Any]]):
    on = serializers.DateField(help_text="Ngày cuối cùng giữ vị trí (tính cả ngày này).")


class ApiClientCreateInputSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=150)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        error_messages={
            "does_not_exist": "Đơn vị không tồn tại.",
            "incorrect_type": "Mã đơn vị không hợp lệ.",
        },
    )


class TokenIssueInputSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
