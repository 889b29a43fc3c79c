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

from .calendar import EventSpec
from .models import CalendarEvent

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
