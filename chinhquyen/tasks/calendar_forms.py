"""Forms of the work calendar screens (the event, attendance, the meeting conclusion)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .calendar import MAX_OCCURRENCES, EventSpec
from .models import CalendarEvent, EventRecurrence

RECENT_DOCUMENTS = 100


def _recent(model: Any, organisation: Organisation) -> Any:
    ids = list(
        model.objects.filter(organisation=organisation)
        .order_by("-pk")
        .values_list("pk", flat=True)[:RECENT_DOCUMENTS]
    )
    return model.objects.filter(pk__in=ids).order_by("-pk")


def officials_of(organisation: Organisation) -> Any:
    units = Organisation.objects.subtree_of(organisation)
    return User.objects.filter(
        is_active=True, pk__in=Position.objects.active().filter(unit__in=units).values("user_id")
    ).order_by("full_name", "pk")


def invitable_units(organisation: Organisation) -> Any:
    """Units of the organisation and organisations outside units (departments, communes)."""
    return Organisation.objects.active().filter(
        pk__in=Organisation.objects.subtree_of(organisation).values("pk")
    ) | Organisation.objects.active().exclude(kind=OrganisationKind.UNIT)


class _Form(forms.Form):
    def _set(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class EventForm(_Form):
    organisation = forms.ModelChoiceField(
        label="Lịch của", queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label="Nội dung", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    day = forms.DateField(label="Ngày", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Từ giờ", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="Đến giờ", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    chair = forms.ModelChoiceField(
        label="Chủ trì", queryset=User.objects.none(), required=False, empty_label="—"
    )
    participants = forms.ModelMultipleChoiceField(
        label="Thành phần (cá nhân)", queryset=User.objects.none(), required=False
    )
    participant_units = forms.ModelMultipleChoiceField(
        label="Thành phần (đơn vị)", queryset=Organisation.objects.none(), required=False
    )
    preparing_unit = forms.ModelChoiceField(
        label="Đơn vị chuẩn bị",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="—",
    )
    outgoing_documents = forms.ModelMultipleChoiceField(
        label="Văn bản đi liên quan", queryset=OutgoingDocument.objects.none(), required=False
    )
    incoming_documents = forms.ModelMultipleChoiceField(
        label="Văn bản đến liên quan", queryset=IncomingDocument.objects.none(), required=False
    )
    notes = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    online = forms.BooleanField(label="Họp trực tuyến (gửi đường dẫn phòng họp)", required=False)
    recurrence = forms.ChoiceField(label="Lặp lại", choices=EventRecurrence.choices, required=False)
    recurrence_until = forms.DateField(
        label="Lặp đến ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Với lịch lặp lại: nhập ngày kết thúc hoặc số buổi (một trong hai).",
    )
    recurrence_count = forms.IntegerField(
        label="Số buổi",
        required=False,
        min_value=1,
        max_value=MAX_OCCURRENCES,
        error_messages={
            "min_value": "Số buổi phải từ 1 trở lên.",
            "max_value": f"Số buổi tối đa là {MAX_OCCURRENCES}.",
            "invalid": "Số buổi phải là số nguyên.",
        },
    )

    def __init__(self, *args: Any, calendars: Any, organisation: Organisation | None, **kw: Any):
        super().__init__(*args, **kw)
        self._set("organisation", calendars)
        org = organisation or calendars.first()
        if org is None:
            return
        people = officials_of(org)
        units = invitable_units(org)
        self._set("chair", people)
        self._set("participants", people)
        self._set("participant_units", units)
        self._set("preparing_unit", units)
        self._set("outgoing_documents", _recent(OutgoingDocument, org))
        self._set("incoming_documents", _recent(IncomingDocument, org))

    @staticmethod
    def initial_for(event: CalendarEvent) -> dict[str, Any]:
        start, end = timezone.localtime(event.start), timezone.localtime(event.end)
        return {
            "organisation": event.organisation_id,
            "title": event.title,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": event.place,
            "chair": event.chair_id,
            "participants": list(event.participants.values_list("pk", flat=True)),
            "participant_units": list(event.participant_units.values_list("pk", flat=True)),
            "preparing_unit": event.preparing_unit_id,
            "outgoing_documents": list(event.outgoing_documents.values_list("pk", flat=True)),
            "incoming_documents": list(event.incoming_documents.values_list("pk", flat=True)),
            "notes": event.notes,
            "online": event.online,
            "recurrence": event.recurrence,
            "recurrence_until": event.recurrence_until,
            "recurrence_count": event.recurrence_count,
        }

    def spec(self) -> EventSpec:
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(d["day"], d["start_time"], tzinfo=tz)
        end = dt.datetime.combine(d["day"], d["end_time"], tzinfo=tz)
        return EventSpec(
            title=d["title"],
            start=start,
            end=end,
            place=d["place"],
            chair=d["chair"],
            participants=list(d["participants"]),
            participant_units=list(d["participant_units"]),
            preparing_unit=d["preparing_unit"],
            incoming_documents=list(d["incoming_documents"]),
            outgoing_documents=list(d["outgoing_documents"]),
            notes=d["notes"],
            online=d["online"],
            recurrence=d.get("recurrence") or "",
            recurrence_until=d.get("recurrence_until") if d.get("recurrence") else None,
            recurrence_count=d.get("recurrence_count") if d.get("recurrence") else None,
        )


def assignable_units(user: User) -> Any:
    return Organisation.objects.subtree_of(*units_with_role(user, [Role.LEADER])).active()


class ConclusionForm(_Form):
    document = forms.ModelChoiceField(
        label="Thông báo kết luận (văn bản đi)", queryset=OutgoingDocument.objects.none()
    )
    title = forms.CharField(label="Trích yếu chỉ đạo", max_length=500, required=False)

    def __init__(self, *args: Any, event: CalendarEvent, user: User, **kw: Any):
        super().__init__(*args, **kw)
        self._set("document", _recent(OutgoingDocument, event.organisation))
        self.fields["document"].widget.attrs["class"] = "form-select"
        self.fields["title"].widget.attrs["class"] = "form-control"
        self.units = assignable_units(user)


class OccurrenceForm(forms.Form):
    """Cancel or move one occurrence of a series (identified by its start in the series)."""

    CANCEL = "cancel"
    MOVE = "move"

    original_start = forms.DateTimeField(
        label="Buổi theo lịch gốc",
        input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M"],
        error_messages={"required": "Chưa chọn buổi.", "invalid": "Buổi không hợp lệ."},
    )
    action = forms.ChoiceField(
        choices=[(CANCEL, "Hủy buổi này"), (MOVE, "Dời buổi này")],
        error_messages={
            "required": "Chưa chọn thao tác.",
            "invalid_choice": "Thao tác không hợp lệ.",
        },
    )
    day = forms.DateField(required=False, error_messages={"invalid": "Ngày mới không hợp lệ."})
    start_time = forms.TimeField(
        required=False, error_messages={"invalid": "Giờ bắt đầu mới không hợp lệ."}
    )
    end_time = forms.TimeField(
        required=False, error_messages={"invalid": "Giờ kết thúc mới không hợp lệ."}
    )
    note = forms.CharField(required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.MOVE:
            day, first, last = data.get("day"), data.get("start_time"), data.get("end_time")
            if day is None or first is None or last is None:
                if not self.errors:
                    raise forms.ValidationError("Nhập ngày, giờ bắt đầu và kết thúc mới của buổi.")
                return data
            tz = timezone.get_current_timezone()
            data["start"] = dt.datetime.combine(day, first, tzinfo=tz)
            data["end"] = dt.datetime.combine(day, last, tzinfo=tz)
        return data
