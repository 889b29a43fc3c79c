"""Notifications API: the caller's own reminder preferences (``/api/v1/notifications/...``).

Officials only, and only their own row: the URL has no id, so nobody reaches another
official's preferences. Validated exactly like the "Cài đặt nhắc việc" page
(``preferences.preference_errors``) and saved through ``notification_preference_save``
(audited, the caller as actor).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chinhquyen.accounts.models import User
from chinhquyen.accounts.permissions import is_official
from chinhquyen.core.schema import ERROR_SCHEMA

from ..preferences import notification_preference_save, preference_errors, preference_for
from .serializers import ReminderPreferenceSerializer

TAGS = ["Thông báo"]
ERRORS = {400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA}
FIELDS = ("email_enabled", "sms_enabled", "digest_enabled", "quiet_start", "quiet_end")


class IsOfficialUser(IsAuthenticated):
    message = "Chức năng dành cho cán bộ, công chức."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return (
            super().has_permission(request, view) and isinstance(user, User) and is_official(user)
        )


class ReminderPreferenceView(APIView):
    permission_classes = [IsOfficialUser]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="notifications_reminder_preferences_retrieve",
        tags=TAGS,
        summary="Cài đặt nhắc việc của tôi",
        description=(
            "Kênh nhận nhắc việc (thư điện tử, SMS), bản tin việc cần làm hằng ngày và giờ yên "
            "lặng của chính người gọi (chưa lưu: mặc định thư điện tử và bản tin, không có giờ "
            "yên lặng). Chỉ nhắc việc, bản tin và báo quá hạn theo cài đặt này."
        ),
        responses={200: ReminderPreferenceSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        return Response(ReminderPreferenceSerializer(preference_for(user)).data)

    @extend_schema(
        operation_id="notifications_reminder_preferences_update",
        tags=TAGS,
        summary="Lưu cài đặt nhắc việc của tôi",
        description=(
            "Thay toàn bộ cài đặt. Giờ yên lặng cần đủ hai đầu và khác nhau, có thể qua nửa "
            "đêm (21:00–07:00); chọn SMS cần số di động trong hồ sơ. Tin nhắc rơi vào giờ yên "
            "lặng được gửi khi hết giờ, không bị bỏ. Ghi nhật ký."
        ),
        request=ReminderPreferenceSerializer,
        responses={200: ReminderPreferenceSerializer, **ERRORS},
    )
    def put(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        serializer = ReminderPreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {name: serializer.validated_data.get(name) for name in FIELDS}
        errors = preference_errors(values, user)
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()})
        pref = notification_preference_save(actor=user, user=user, values=values)
        return Response(ReminderPreferenceSerializer(pref).data)
