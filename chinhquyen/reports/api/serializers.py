from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from ..forms import parse_month


class MonthParam(serializers.CharField):
    def to_internal_value(self, data: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_internal_value(data)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class OnTimeQuerySerializer(serializers.Serializer):
    start = MonthParam(
        required=False,
        allow_blank=True,
        help_text="Tháng bắt đầu, dạng YYYY-MM (mặc định: 11 tháng trước tháng kết thúc).",
    )
    end = MonthParam(
        required=False,
        allow_blank=True,
        help_text="Tháng kết thúc, dạng YYYY-MM (mặc định: tháng hiện tại).",
    )
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text="Chỉ thống kê cơ quan này và các đơn vị trực thuộc."
    )


class FiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Hồ sơ tiếp nhận trong kỳ.")
    received_online = serializers.IntegerField(help_text="Trong đó nộp trực tuyến.")
    online_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="Tỷ lệ trực tuyến (%)."
    )
    finished = serializers.IntegerField(help_text="Hồ sơ đã giải quyết trong kỳ.")
    early = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="(Trước hạn + đúng hạn) / đã giải quyết (%); null khi chưa có hồ sơ nào.",
    )


class MonthFiguresSerializer(FiguresSerializer):
    month = serializers.CharField(help_text="YYYY-MM")


class OrganisationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    agency_code = serializers.CharField()


class OrganisationRowSerializer(serializers.Serializer):
    organisation = OrganisationBriefSerializer()
    total = FiguresSerializer()
    months = MonthFiguresSerializer(many=True)


class OnTimeReportSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="YYYY-MM")
    end = serializers.CharField(help_text="YYYY-MM")
    total = FiguresSerializer()
    months = MonthFiguresSerializer(many=True)
    organisations = OrganisationRowSerializer(many=True)
