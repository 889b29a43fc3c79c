from __future__ import annotations

from rest_framework import serializers

from ..models import CounterScore, TicketStatus


class FloorTicketSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Khóa của trang số thứ tự (mã QR).")
    ticket = serializers.CharField(source="label", help_text="Số thứ tự, ví dụ A012.")
    area = serializers.CharField(source="area.name")
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    issued_at = serializers.DateTimeField()
    called_at = serializers.DateTimeField(allow_null=True)
    counter = serializers.IntegerField(source="counter.number", allow_null=True, default=None)


class FloorCalledSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    counter = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    recalls = serializers.IntegerField()


class FloorAreaQueueSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    name = serializers.CharField()
    waiting = serializers.IntegerField()


class FloorDisplaySerializer(serializers.Serializer):
    day = serializers.DateField()
    called = FloorCalledSerializer(many=True)
    areas = FloorAreaQueueSerializer(many=True)


class FloorRateSerializer(serializers.Serializer):
    score = serializers.ChoiceField(choices=CounterScore.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FloorRatingSerializer(serializers.Serializer):
    ticket = serializers.CharField(source="ticket.label")
    counter = serializers.IntegerField(source="counter.number")
    score = serializers.ChoiceField(choices=CounterScore.choices)
    rated_at = serializers.DateTimeField()


class FloorTimesSerializer(serializers.Serializer):
    name = serializers.CharField()
    called = serializers.IntegerField()
    served = serializers.IntegerField()
    no_show = serializers.IntegerField()
    average_wait = serializers.FloatField(allow_null=True, help_text="Giây, lấy số → được gọi.")
    average_service = serializers.FloatField(allow_null=True, help_text="Giây phục vụ.")
