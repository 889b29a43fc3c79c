from __future__ import annotations

from rest_framework import serializers

from chinhquyen.reports.api.serializers import OrganisationBriefSerializer


class IndexQuerySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Cơ quan (cả các đơn vị trực thuộc) trong phạm vi được xem; mặc định: "
        "cơ quan cao nhất trong phạm vi của người gọi.",
    )
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="Kỳ: YYYY-MM (tháng), YYYY-Qn (quý) hoặc YYYY (năm); tháng tính từ ngày 15 "
        "tháng trước đến ngày 14 (NĐ 09/2019). Mặc định: tháng đã khóa sổ gần nhất.",
    )


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="YYYY-MM, YYYY-Qn hoặc YYYY")
    name = serializers.CharField(help_text="Tên kỳ, ví dụ Tháng 03/2026.")
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    closed = serializers.BooleanField(help_text="Kỳ đã kết thúc (số liệu đã khóa sổ).")


def _points() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    metric = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    full_at = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="Ngưỡng (%) đạt điểm tối đa."
    )
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    ratio = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Tỷ lệ (%); null: chưa có dữ liệu.",
    )
    points = _points()
    note = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_assessed = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text="Điểm tối đa của các chỉ số có dữ liệu."
    )
    indicators = IndicatorSerializer(many=True)


class LateDossierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    organisation = serializers.CharField()
    finished_at = serializers.DateTimeField()
    supplement_count = serializers.IntegerField()


class ProcedureItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class DrillDownSerializer(serializers.Serializer):
    late_total = serializers.IntegerField()
    late_dossiers = LateDossierSerializer(many=True, help_text="Tối đa 100 hồ sơ quá hạn mới nhất.")
    procedures_without_online_payment = ProcedureItemSerializer(many=True)
    procedures_without_online_submission = ProcedureItemSerializer(many=True)


class HistorySerializer(serializers.Serializer):
    period = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_assessed = serializers.DecimalField(max_digits=6, decimal_places=2)
    percent = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class IndexSerializer(serializers.Serializer):
    organisation = OrganisationBriefSerializer()
    period = PeriodSerializer()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    max_assessed = serializers.DecimalField(max_digits=6, decimal_places=2)
    percent = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="Điểm đạt / điểm tối đa của các chỉ số có dữ liệu (%).",
    )
    groups = GroupSerializer(many=True)
    drill_down = DrillDownSerializer()
    history = HistorySerializer(many=True, help_text="Các kỳ cùng loại trước đó (mới nhất trước).")


class PublicQuerySerializer(serializers.Serializer):
    month = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=7,
        help_text="Tháng đã khóa sổ, dạng YYYY-MM; mặc định: 12 tháng đã khóa sổ gần nhất.",
    )


class PublicRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    organisation = OrganisationBriefSerializer()
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    finished = serializers.IntegerField()
    early = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    online_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class PublicStatisticsSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.CharField(), help_text="Các tháng công bố.")
    results = PublicRowSerializer(many=True)
