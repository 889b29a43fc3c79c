"""Read-only representations of change log entries and security events."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.audit import presenters
from chinhquyen.audit.filters import ACTION_CODES
from chinhquyen.audit.models import SecurityEvent


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class LogEntrySerializer(serializers.ModelSerializer):
    action = serializers.SerializerMethodField()
    action_display = serializers.SerializerMethodField()
    model = serializers.SerializerMethodField()
    model_display = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "timestamp",
            "action",
            "action_display",
            "model",
            "model_display",
            "object_pk",
            "object_repr",
            "actor",
            "remote_addr",
            "changes",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["create", "update", "delete", "access"]))
    def get_action(self, obj: LogEntry) -> str:
        return ACTION_CODES.get(obj.action, "access")

    def get_action_display(self, obj: LogEntry) -> str:
        return presenters.action_label(obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_model(self, obj: LogEntry) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_model_display(self, obj: LogEntry) -> str:
        return presenters.model_label(obj)

    @extend_schema_field(ActorSerializer(allow_null=True))
    def get_actor(self, obj: LogEntry) -> dict[str, Any] | None:
        if obj.actor is None:
            return None
        return {
            "id": obj.actor.pk,
            "username": obj.actor.get_username(),
            "display_name": str(obj.actor),
        }

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, obj: LogEntry) -> list[dict[str, str]]:
        return [{"field": c.field, "old": c.old, "new": c.new} for c in presenters.changes_of(obj)]


class SecurityEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    user = serializers.SerializerMethodField()

    class Meta:
        model = SecurityEvent
        fields = [
            "id",
            "created_at",
            "kind",
            "kind_display",
            "username",
            "user",
            "ip",
            "method",
            "path",
            "user_agent",
            "detail",
            "notified_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ActorSerializer(allow_null=True))
    def get_user(self, obj: SecurityEvent) -> dict[str, Any] | None:
        if obj.user is None:
            return None
        return {
            "id": obj.user.pk,
            "username": obj.user.get_username(),
            "display_name": str(obj.user),
        }
