"""Citizen report API serializers: parse and render only (no business rules)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Channel, FeedbackCategory, FeedbackItem, Kind, Status
from ..workflow import TRANSITIONS


class FeedbackCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackCategory
        fields = ["id", "code", "name"]


class FeedbackContactCodeRequestSerializer(serializers.Serializer):
    contact = serializers.CharField(max_length=254, help_text="Số di động hoặc thư điện tử.")


class FeedbackSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = serializers.PrimaryKeyRelatedField(
        queryset=FeedbackCategory.objects.filter(active=True)
    )
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=10000)
    sender_name = serializers.CharField(max_length=120)
    sender_contact = serializers.CharField(max_length=254)
    contact_code = serializers.CharField(
        max_length=6,
        required=False,
        allow_blank=True,
        help_text="Mã xác minh gửi tới liên hệ (bắt buộc khi không đăng nhập).",
    )
    consent_publish = serializers.BooleanField(default=False)
    commune = serializers.IntegerField(required=False, allow_null=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=10, decimal_places=6, required=False, allow_null=True
    )
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class FeedbackSubmittedSerializer(serializers.Serializer):
    code = serializers.CharField()
    pin = serializers.CharField(help_text="Mã tra cứu, chỉ trả về một lần.")
    status = serializers.ChoiceField(choices=Status.choices)


class FeedbackLookupQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    pin = serializers.CharField(max_length=16)


class FeedbackSenderViewSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    unit = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    info_request = serializers.CharField()
    can_rate = serializers.BooleanField()
    can_reopen = serializers.BooleanField()
    published = serializers.BooleanField()


class FeedbackPublicItemSerializer(serializers.ModelSerializer):
    """The public board: never the sender's name, contact or own words."""

    title = serializers.CharField(source="public_title")
    text = serializers.CharField(source="public_text")
    category = serializers.CharField(source="category.name")
    commune = serializers.CharField(source="commune.name", allow_null=True, default=None)
    unit = serializers.CharField(source="unit.name", allow_null=True, default=None)
    answer = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackItem
        fields = [
            "code",
            "kind",
            "category",
            "title",
            "text",
            "latitude",
            "longitude",
            "commune",
            "unit",
            "received_at",
            "answered_at",
            "published_at",
            "answer",
        ]

    def get_answer(self, item: FeedbackItem) -> str:
        answers = self.context.get("answers", {})
        return str(answers.get(item.pk, ""))


class FeedbackOfficerItemSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    commune = serializers.CharField(source="commune.name", allow_null=True, default=None)
    unit = serializers.CharField(source="unit.name", allow_null=True, default=None)

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "code",
            "kind",
            "category",
            "title",
            "text",
            "status",
            "channel",
            "sender_name",
            "sender_contact",
            "consent_publish",
            "latitude",
            "longitude",
            "address",
            "commune",
            "unit",
            "received_at",
            "forward_due_at",
            "due_at",
            "answer_due_at",
            "answered_at",
            "published_at",
            "reopened",
        ]


class FeedbackActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in TRANSITIONS])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    unit = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    public_title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    public_text = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    no_identity_confirmed = serializers.BooleanField(default=False)
    into = serializers.CharField(required=False, allow_blank=True, help_text="Mã phản ánh gộp vào.")
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class FeedbackRateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    pin = serializers.CharField(max_length=16)
    satisfied = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reopen_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Khi có: mở lại phản ánh (một lần) sau khi đánh giá.",
    )


class FeedbackUnitSatisfactionSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(help_text="Mã đơn vị, cán bộ hoặc thủ tục (theo by).")
    unit_name = serializers.CharField()
    feedback_due = serializers.IntegerField()
    feedback_on_time = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    feedback_ratings = serializers.IntegerField()
    feedback_satisfied = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    dossiers_finished = serializers.IntegerField()
    dossier_satisfaction = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    dossier_rated_satisfied = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True
    )
