"""Public API of the legal calendar: deadline calculation and the list of days off.

Both endpoints are open to anyone (rate-limited for anonymous callers) and only parse, call
``core.calendar`` and render. Datetimes are always returned in Vietnam time (+07:00).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from chinhquyen.core.calendar import VN_TZ, CalendarEntry, get_calendar
from chinhquyen.core.models import ORGANISATION_CODE_MESSAGE, is_valid_organisation_code

MAX_WORKING_DAYS = 3650
MAX_WORKING_HOURS = MAX_WORKING_DAYS * 8
MIN_YEAR, MAX_YEAR = 2000, 2100

START_FORMAT_MESSAGE = (
    "Thời điểm bắt đầu không đúng định dạng ISO 8601, ví dụ 2026-02-13T10:00:00+07:00 "
    "hoặc 2026-02-13T03:00:00Z (không ghi múi giờ thì hiểu là giờ Việt Nam)."
)
START_RANGE_MESSAGE = f"Thời điểm bắt đầu phải trong khoảng năm {MIN_YEAR}–{MAX_YEAR}."
INTEGER_MESSAGE = "Số ngày làm việc phải là số nguyên."
# A '+' left unencoded in a query string arrives as a space: "...T10:00:00 07:00".
_SPACE_OFFSET_RE = re.compile(r"^(?P<stamp>.*\d) (?P<offset>\d{2}(?::?\d{2})?)$")


def parse_start(raw: str) -> dt.datetime:
    """An ISO 8601 moment; without an offset it is Vietnam local time. ValueError if invalid."""
    text = raw.strip()
    match = _SPACE_OFFSET_RE.match(text)
    if match and "T" in match["stamp"]:
        text = f"{match['stamp']}+{match['offset']}"
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value


def legal_iso(value: dt.datetime) -> str:
    """ISO 8601 with the Vietnam offset, e.g. ``2026-02-24T09:00:00+07:00``."""
    return value.astimezone(VN_TZ).isoformat()


class _OrganisationField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            allow_blank=True,
            default="",
            max_length=35,
            error_messages={"max_length": ORGANISATION_CODE_MESSAGE},
            help_text="Mã định danh điện tử của cơ quan (QCVN 102:2016, ví dụ 000.00.01.H56); "
            "bỏ trống để dùng lịch chung của toàn tỉnh.",
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).upper()
        if not is_valid_organisation_code(value):
            raise serializers.ValidationError(ORGANISATION_CODE_MESSAGE)
        return value


class DeadlineQuerySerializer(serializers.Serializer):
    start = serializers.CharField(
        help_text="Thời điểm tiếp nhận, ISO 8601 (ví dụ 2026-02-13T10:00:00+07:00). "
        "Không ghi múi giờ thì hiểu là giờ Việt Nam (UTC+7).",
        max_length=64,
        error_messages={
            "max_length": START_FORMAT_MESSAGE,
            "required": "Cần cho biết thời điểm bắt đầu (start).",
            "blank": "Cần cho biết thời điểm bắt đầu (start).",
        },
    )
    working_days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        help_text=f"Số ngày làm việc (số nguyên 0–{MAX_WORKING_DAYS}).",
        error_messages={
            "invalid": INTEGER_MESSAGE,
            "max_string_length": INTEGER_MESSAGE,
            "min_value": "Số ngày làm việc không được âm.",
            "max_value": f"Số ngày làm việc không được vượt quá {MAX_WORKING_DAYS}.",
        },
    )
    working_hours = serializers.DecimalField(
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(MAX_WORKING_HOURS),
        help_text=f"Số giờ làm việc (0–{MAX_WORKING_HOURS}, tối đa 2 chữ số thập phân), "
        "dùng thay cho working_days.",
        error_messages={
            "invalid": "Số giờ làm việc phải là một số.",
            "max_digits": "Số giờ làm việc quá lớn.",
            "max_whole_digits": "Số giờ làm việc quá lớn.",
            "max_decimal_places": "Số giờ làm việc chỉ được có tối đa 2 chữ số thập phân.",
            "max_string_length": "Số giờ làm việc quá dài.",
            "min_value": "Số giờ làm việc không được âm.",
            "max_value": f"Số giờ làm việc không được vượt quá {MAX_WORKING_HOURS}.",
        },
    )
    organisation = _OrganisationField()
    cutoff = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Áp dụng giờ chốt tiếp nhận (mặc định true): hồ sơ nhận từ giờ chốt trở đi "
        "được tính từ đầu ngày làm việc tiếp theo.",
        error_messages={"invalid": "Giá trị cutoff phải là true hoặc false."},
    )

    def validate_start(self, value: str) -> dt.datetime:
        try:
            moment = parse_start(value)
        except (ValueError, OverflowError):
            raise serializers.ValidationError(START_FORMAT_MESSAGE) from None
        if not MIN_YEAR <= moment.astimezone(VN_TZ).year <= MAX_YEAR:
            raise serializers.ValidationError(START_RANGE_MESSAGE)
        return moment

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_days = attrs.get("working_days") is not None
        has_hours = attrs.get("working_hours") is not None
        if has_days and has_hours:
            raise serializers.ValidationError(
                {
                    "working_hours": [
                        "Chỉ cho biết một trong hai: số ngày làm việc (working_days) hoặc số "
                        "giờ làm việc (working_hours)."
                    ]
                }
            )
        if not has_days and not has_hours:
            raise serializers.ValidationError(
                {
                    "working_days": [
                        "Cần cho biết số ngày làm việc (working_days) hoặc số giờ làm việc "
                        "(working_hours)."
                    ]
                }
            )
        return attrs


class DeadlineSerializer(serializers.Serializer):
    deadline = serializers.CharField(help_text="Hạn giải quyết (ISO 8601, giờ Việt Nam +07:00).")
    start = serializers.CharField(help_text="Thời điểm bắt đầu đã nhận (ISO 8601, +07:00).")
    counted_from = serializers.CharField(
        help_text="Thời điểm bắt đầu tính thời hạn (ISO 8601, +07:00): đầu giờ làm việc kế "
        "tiếp nếu nhận ngoài giờ hoặc từ giờ chốt trở đi."
    )
    working_days = serializers.IntegerField(
        allow_null=True, help_text="Số ngày làm việc đã yêu cầu (null nếu tính theo giờ)."
    )
    working_hours = serializers.FloatField(
        help_text="Tổng thời gian làm việc đã cộng, tính bằng giờ."
    )
    organisation = serializers.CharField(
        help_text="Mã định danh cơ quan đã yêu cầu (rỗng: lịch chung toàn tỉnh)."
    )
    cutoff = serializers.BooleanField(help_text="Có áp dụng giờ chốt tiếp nhận hay không.")


class DaysOffQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=f"Năm ({MIN_YEAR}–{MAX_YEAR}).",
        error_messages={
            "required": "Cần cho biết năm (year).",
            "null": "Cần cho biết năm (year).",
            "invalid": "Năm phải là số nguyên.",
            "max_string_length": "Năm phải là số nguyên.",
            "min_value": f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}.",
            "max_value": f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}.",
        },
    )
    organisation = _OrganisationField()


class CalendarEntrySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Ngày (YYYY-MM-DD).")
    name = serializers.CharField(help_text="Tên ngày nghỉ hoặc lý do làm việc.")
    # "source" is also an attribute of DRF fields; as a declared field it is only a name here.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[("law", "Theo quy định pháp luật"), ("exception", "Do quản trị viên điều chỉnh")],
        help_text="law: theo quy định (thư viện holidays); exception: điều chỉnh của quản trị.",
    )


class DaysOffSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    organisation = serializers.CharField()
    days_off = CalendarEntrySerializer(
        many=True,
        help_text="Ngày nghỉ lễ, Tết, nghỉ bù và ngày nghỉ bổ sung (thứ Bảy, Chủ nhật thông "
        "thường không liệt kê).",
    )
    working_days = CalendarEntrySerializer(
        many=True,
        help_text="Ngày làm việc bù vào thứ Bảy/Chủ nhật hoặc ngày lễ được chuyển thành ngày "
        "làm việc.",
    )


def _query(request: Request) -> dict[str, str]:
    # A plain dict, not the QueryDict: DRF reads a missing boolean in form data as false.
    return request.query_params.dict()


def _entries(entries: list[CalendarEntry]) -> list[dict[str, Any]]:
    return [{"date": e.date, "name": e.name, "source": e.source} for e in entries]


_ORGANISATION_PARAMETER = OpenApiParameter(
    "organisation",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="Mã định danh điện tử của cơ quan (ví dụ 000.00.01.H56). Bỏ trống: lịch "
    "chung toàn tỉnh. Cơ quan không có lịch riêng dùng lịch chung.",
)


_BAD_REQUEST = OpenApiResponse(
    response=inline_serializer(
        "CalendarValidationError",
        {
            "error": inline_serializer(
                "CalendarValidationErrorBody",
                {
                    "code": serializers.CharField(help_text="validation_error"),
                    "message": serializers.CharField(help_text="Thông báo lỗi tiếng Việt."),
                    "fields": serializers.DictField(
                        child=serializers.ListField(child=serializers.CharField()),
                        help_text="Lỗi của từng tham số, theo tên tham số (không có khi cả "
                        "yêu cầu bị từ chối, ví dụ chứa ký tự NUL).",
                        required=False,
                    ),
                },
            )
        },
    ),
    description="Tham số không hợp lệ; thông báo tiếng Việt cho từng tham số.",
    examples=[
        OpenApiExample(
            "Sai định dạng thời điểm",
            value={
                "error": {
                    "code": "validation_error",
                    "message": "Dữ liệu gửi lên không hợp lệ.",
                    "fields": {"start": [START_FORMAT_MESSAGE]},
                }
            },
        )
    ],
)


class DeadlineView(APIView):
    """Compute a deadline in working time."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        operation_id="calendar_deadline",
        summary="Tính hạn giải quyết theo ngày làm việc",
        description=(
            "Tính thời điểm hết hạn khi cộng một số ngày làm việc (hoặc giờ làm việc) vào thời "
            "điểm tiếp nhận, theo giờ hành chính (mặc định 07:30–11:30, 13:00–17:00; 1 ngày = "
            "8 giờ làm việc), bỏ qua thứ Bảy, Chủ nhật, ngày lễ, Tết, nghỉ bù và tính cả các "
            "thứ Bảy làm việc bù. Nhận ngoài giờ thì tính từ đầu giờ làm việc kế tiếp; nhận từ "
            "giờ chốt (mặc định 15:00) trở đi thì tính từ đầu ngày làm việc tiếp theo (trừ khi "
            "cutoff=false). Thời điểm không ghi múi giờ được hiểu là giờ Việt Nam; kết quả "
            "luôn ghi theo giờ Việt Nam (+07:00). Ví dụ: nhận 10:00 thứ Sáu 13/02/2026, "
            "1 ngày làm việc → 10:00 thứ Hai 23/02/2026 (sau Tết)."
        ),
        tags=["Lịch làm việc"],
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                OpenApiParameter.QUERY,
                required=True,
                description="Thời điểm tiếp nhận, ISO 8601, ví dụ 2026-02-13T10:00:00+07:00 "
                "(mã hóa dấu + thành %2B) hoặc 2026-02-13T03:00:00Z. Không ghi múi giờ thì "
                "hiểu là giờ Việt Nam.",
            ),
            OpenApiParameter(
                "working_days",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=False,
                description=f"Số ngày làm việc, số nguyên 0–{MAX_WORKING_DAYS}. Cho biết "
                "working_days hoặc working_hours, không cả hai.",
            ),
            OpenApiParameter(
                "working_hours",
                OpenApiTypes.NUMBER,
                OpenApiParameter.QUERY,
                required=False,
                description=f"Số giờ làm việc (0–{MAX_WORKING_HOURS}, tối đa 2 chữ số thập "
                "phân), dùng thay cho working_days.",
            ),
            _ORGANISATION_PARAMETER,
            OpenApiParameter(
                "cutoff",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                required=False,
                default=True,
                description="Áp dụng giờ chốt tiếp nhận (mặc định true).",
            ),
        ],
        responses={200: DeadlineSerializer, 400: _BAD_REQUEST},
        examples=[
            OpenApiExample(
                "Sau Tết 2026",
                value={
                    "deadline": "2026-02-23T10:00:00+07:00",
                    "start": "2026-02-13T10:00:00+07:00",
                    "counted_from": "2026-02-13T10:00:00+07:00",
                    "working_days": 1,
                    "working_hours": 8.0,
                    "organisation": "",
                    "cutoff": True,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=_query(request))
        query.is_valid(raise_exception=True)
        data = query.validated_data
        calendar = get_calendar(data["organisation"])
        start: dt.datetime = data["start"]
        apply_cutoff: bool = data["cutoff"]
        working_days: int | None = data.get("working_days")
        amount = calendar.duration(
            working_days=working_days, working_hours=data.get("working_hours")
        )
        try:
            counted_from = calendar.counting_start(start, apply_cutoff=apply_cutoff)
            deadline = calendar.add_working_time(start, amount, apply_cutoff=apply_cutoff)
        except (ValueError, OverflowError):
            raise serializers.ValidationError(
                {"start": ["Hạn giải quyết vượt quá phạm vi lịch được hỗ trợ."]}
            ) from None
        body = {
            "deadline": legal_iso(deadline),
            "start": legal_iso(start),
            "counted_from": legal_iso(counted_from),
            "working_days": working_days,
            "working_hours": amount / dt.timedelta(hours=1),
            "organisation": data["organisation"],
            "cutoff": apply_cutoff,
        }
        return Response(DeadlineSerializer(body).data)


class DaysOffView(APIView):
    """List the days off and make-up working days of a year."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        operation_id="calendar_days_off",
        summary="Danh sách ngày nghỉ và ngày làm việc bù trong năm",
        description=(
            "Các ngày nghỉ lễ, Tết, nghỉ bù theo quy định (nguồn law) và các ngày do quản trị "
            "viên điều chỉnh (nguồn exception), cùng các ngày làm việc bù (thường là thứ Bảy). "
            "Thứ Bảy, Chủ nhật thông thường là ngày nghỉ và không được liệt kê. Với tham số "
            "organisation, lịch riêng của cơ quan được áp dụng chồng lên lịch chung toàn tỉnh."
        ),
        tags=["Lịch làm việc"],
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=True,
                description=f"Năm, {MIN_YEAR}–{MAX_YEAR}.",
            ),
            _ORGANISATION_PARAMETER,
        ],
        responses={200: DaysOffSerializer, 400: _BAD_REQUEST},
    )
    def get(self, request: Request) -> Response:
        query = DaysOffQuerySerializer(data=_query(request))
        query.is_valid(raise_exception=True)
        year: int = query.validated_data["year"]
        organisation: str = query.validated_data["organisation"]
        calendar = get_calendar(organisation)
        body = {
            "year": year,
            "organisation": organisation,
            "days_off": _entries(calendar.days_off(year)),
            "working_days": _entries(calendar.working_weekend_days(year)),
        }
        return Response(DaysOffSerializer(body).data)
