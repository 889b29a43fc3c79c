"""Forms of the officer screens for documents (Vietnamese labels and error messages).

Choices are limited to what the user may pick (his organisations, the units of the document's
organisation, the officials of a unit); the services check everything again.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation

from .models import DocumentType, OutgoingDocument, RegisterKind, Secrecy, StatusCode, Urgency

DATE_INPUT = {"type": "date"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_SENDER_CODE = re.compile(r"^(?P<name>.+?)\s+[—-]\s+(?P<code>[0-9A-Za-z.]{3,35})$")


def _date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        help_text=help_text,
        error_messages={
            "required": f"Vui lòng nhập {label.lower()}.",
            "invalid": f"{label} không hợp lệ, ví dụ 05/03/2026.",
        },
    )


class OrgChoiceField(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return ("— " * max(obj.depth - 1, 0)) + obj.name


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class PersonChoiceField(forms.ModelChoiceField[User]):
    """An official shown with his positions: "Trần Văn A — Giám đốc, Sở Tư pháp"."""

    _titles: dict[int, str] | None = None

    def _positions(self) -> dict[int, str]:
        if self._titles is None:
            from chinhquyen.accounts.models import Position, Role

            ids = [u.pk for u in self.queryset] if self.queryset is not None else []  # type: ignore[union-attr]
            titles: dict[int, list[str]] = {}
            rows = (
                Position.objects.active()
                .filter(user_id__in=ids)
                .exclude(role__in=[Role.API_CLIENT, Role.IT_ADMIN])
                .select_related("unit")
                .order_by("unit__path", "pk")
            )
            for position in rows:
                title = position.title or Role(position.role).label
                titles.setdefault(position.user_id, []).append(f"{title}, {position.unit.name}")
            self._titles = {k: "; ".join(v) for k, v in titles.items()}
        return self._titles

    def label_from_instance(self, obj: User) -> str:
        title = self._positions().get(obj.pk, "")
        return f"{obj} — {title}" if title else str(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        if len(items) > 10:
            raise forms.ValidationError("Tối đa 10 tệp mỗi lần.")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


# --- incoming -------------------------------------------------------------------------------


class IncomingRegisterForm(forms.Form):
    """The clerk's quick registration: the fields of the register in reading order."""

    organisation = OrgChoiceField(
        label="Cơ quan nhận",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Cơ quan nhận không hợp lệ."},
    )
    sender_name = forms.CharField(
        label="Tác giả (cơ quan gửi)",
        max_length=255,
        help_text="Gõ vài chữ (không cần dấu) để chọn cơ quan trong danh bạ.",
        error_messages={"required": "Vui lòng nhập cơ quan gửi."},
    )
    number_notation = forms.CharField(label="Số, ký hiệu", max_length=100, required=False)
    document_date = _date_field("Ngày văn bản")
    document_type = forms.ModelChoiceField(
        label="Loại văn bản",
        queryset=DocumentType.objects.none(),
        required=False,
        empty_label="— Chọn loại văn bản —",
    )
    summary = forms.CharField(
        label="Trích yếu",
        max_length=2000,
        error_messages={"required": "Vui lòng nhập trích yếu."},
    )
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label="Độ mật", choices=Secrecy.choices, initial=Secrecy.NORMAL)
    pages = forms.IntegerField(
        label="Số trang",
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={"invalid": "Số trang phải là số nguyên."},
    )
    signer_name = forms.CharField(label="Người ký", max_length=150, required=False)
    deadline = _date_field("Hạn xử lý")
    is_electronic = forms.BooleanField(label="Văn bản điện tử (kiểm tra chữ ký số)", required=False)
    uploads = MultipleFileField(
        label="Tệp văn bản (PDF bản quét hoặc bản điện tử, tệp đính kèm)",
        required=False,
        help_text="Tệp PDF đầu tiên là tệp chính; định dạng được kiểm tra theo nội dung tệp.",
    )
    note = forms.CharField(label="Ghi chú", max_length=4000, required=False)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["document_type"].queryset = DocumentType.objects.filter(active=True)  # type: ignore[attr-defined]
        sender = self.fields["sender_name"].widget
        sender.attrs.update({"autofocus": True, "autocomplete": "off", "list": "sender-options"})
        summary = self.fields["summary"].widget
        summary.attrs.update({"autocomplete": "off"})

    def clean_document_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("document_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Ngày văn bản không được sau hôm nay.")
        return value

    def sender(self) -> tuple[str, Organisation | None]:
        """The sender's name and, when picked from the directory, the organisation."""
        text = self.cleaned_data["sender_name"].strip()
        match = _SENDER_CODE.match(text)
        if match:
            org = Organisation.objects.filter(agency_code=match["code"].upper()).first()
            if org is not None:
                return org.name, org
        org = Organisation.objects.active().filter(name=text).first()
        return text, org


class SubmitForm(forms.Form):
    leader = PersonChoiceField(
        label="Trình lãnh đạo",
        queryset=User.objects.none(),
        empty_label="— Chọn lãnh đạo —",
        error_messages={
            "required": "Vui lòng chọn lãnh đạo được trình.",
            "invalid_choice": "Người được trình không hợp lệ.",
        },
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=4000)

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Vui lòng nêu lý do."},
    )


class AssignForm(forms.Form):
    lead_unit = OrgChoiceField(
        label="Đơn vị xử lý chính",
        queryset=Organisation.objects.none(),
        empty_label="— Chọn đơn vị —",
        error_messages={
            "required": "Vui lòng chọn đơn vị xử lý chính.",
            "invalid_choice": "Đơn vị không hợp lệ.",
        },
    )
    coordinate_units = OrgMultipleChoiceField(
        label="Đơn vị phối hợp",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    inform_units = OrgMultipleChoiceField(
        label="Đơn vị để biết",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assignee = PersonChoiceField(
        label="Cán bộ xử lý (giao đích danh)",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Để lãnh đạo đơn vị giao —",
        help_text="Cán bộ của đơn vị xử lý chính hoặc phối hợp; được giao việc ngay.",
        error_messages={"invalid_choice": "Cán bộ không hợp lệ."},
    )
    deadline = _date_field("Hạn xử lý")
    instructions = forms.CharField(
        label="Ý kiến chỉ đạo",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, units: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "coordinate_units", "inform_units"):
            self.fields[name].queryset = units  # type: ignore[attr-defined]
        if people is not None:
            self.fields["assignee"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        deadline = cleaned.get("deadline")
        if deadline and deadline < timezone.localdate():
            self.add_error("deadline", "Hạn xử lý không được trước hôm nay.")
        return cleaned


class TaskForm(forms.Form):
    assignee = PersonChoiceField(
        label="Giao cho",
        queryset=User.objects.none(),
        empty_label="— Chọn cán bộ —",
        error_messages={
            "required": "Vui lòng chọn cán bộ.",
            "invalid_choice": "Cán bộ không hợp lệ.",
        },
    )
    due = _date_field("Hạn")
    instructions = forms.CharField(
        label="Nội dung giao việc",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class CompleteForm(forms.Form):
    reply: forms.ModelChoiceField[OutgoingDocument] = forms.ModelChoiceField(
        label="Văn bản trả lời (nếu có)",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="— Không có —",
    )
    note = forms.CharField(
        label="Kết quả xử lý",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, replies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply"].queryset = replies  # type: ignore[attr-defined]


class FileForm(forms.Form):
    file = forms.FileField(label="Tệp", error_messages={"required": "Vui lòng chọn tệp."})


class TaskResultForm(forms.Form):
    result = forms.CharField(
        label="Kết quả",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TakeBackAnswerForm(forms.Form):
    agree = forms.TypedChoiceField(
        label="Trả lời",
        choices=[("1", "Đồng ý cho lấy lại"), ("0", "Từ chối")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Lý do", required=False, max_length=4000)


# --- outgoing -------------------------------------------------------------------------------


class OutgoingForm(forms.Form):
    drafting_unit = OrgChoiceField(
        label="Đơn vị soạn thảo",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Đơn vị soạn thảo không hợp lệ."},
    )
    document_type = forms.ModelChoiceField(
        label="Loại văn bản",
        queryset=DocumentType.objects.none(),
        empty_label="— Chọn loại văn bản —",
        error_messages={"required": "Vui lòng chọn loại văn bản."},
    )
    summary = forms.CharField(
        label="Trích yếu", max_length=2000, error_messages={"required": "Vui lòng nhập trích yếu."}
    )
    body = forms.CharField(
        label="Nội dung (nếu không tải tệp lên)",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label="Tệp dự thảo (DOCX hoặc PDF)",
        required=False,
        help_text="Định dạng được kiểm tra theo nội dung tệp.",
    )
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label="Độ mật", choices=Secrecy.choices, initial=Secrecy.NORMAL)
    is_legal_normative = forms.BooleanField(label="Văn bản quy phạm pháp luật", required=False)
    is_electronic = forms.BooleanField(
        label="Văn bản điện tử (ký số)", required=False, initial=True
    )
    due_date = _date_field("Hạn trả lời (nếu có)")
    signer_authority = forms.CharField(
        label="Thẩm quyền ký", required=False, max_length=100, help_text="Ví dụ: KT. GIÁM ĐỐC"
    )
    signer_title = forms.CharField(label="Chức vụ người ký", required=False, max_length=150)
    recipients = OrgMultipleChoiceField(
        label="Nơi nhận trong hệ thống",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    external_recipients = forms.CharField(
        label="Nơi nhận khác",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Mỗi dòng một nơi nhận; có thể thêm mã định danh sau dấu «—», ví dụ: "
        "Bộ Tư pháp — 000.00.00.G12",
    )

    def __init__(
        self, *args: Any, units: list[Organisation], recipients: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drafting_unit"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in units]
        )
        self.fields["document_type"].queryset = DocumentType.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = recipients  # type: ignore[attr-defined]
        self.fields["summary"].widget.attrs.update({"autofocus": True})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not (cleaned.get("body") or "").strip():
            self.add_error("body", "Hãy nhập nội dung hoặc tải tệp dự thảo lên.")
        return cleaned

    def external(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("external_recipients") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            match = _SENDER_CODE.match(line)
            rows.append((match["name"], match["code"]) if match else (line, ""))
        return rows


class SubmitReviewForm(forms.Form):
    unit_reviewer = PersonChoiceField(
        label="Lãnh đạo phòng cho ý kiến trước (không bắt buộc)",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Không qua lãnh đạo phòng —",
    )
    signer = PersonChoiceField(
        label="Lãnh đạo duyệt, ký",
        queryset=User.objects.none(),
        empty_label="— Chọn lãnh đạo —",
        error_messages={"required": "Vui lòng chọn lãnh đạo duyệt, ký."},
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=4000)

    def __init__(self, *args: Any, heads: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_reviewer"].queryset = heads  # type: ignore[attr-defined]
        self.fields["signer"].queryset = leaders  # type: ignore[attr-defined]

    def reviewers(self) -> list[User]:
        chain = [self.cleaned_data.get("unit_reviewer"), self.cleaned_data["signer"]]
        return [u for u in chain if u is not None]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Ý kiến",
        choices=[("approve", "Đồng ý"), ("reject", "Trả lại để sửa")],
        widget=forms.RadioSelect,
        initial="approve",
    )
    comment = forms.CharField(
        label="Nhận xét",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SignForm(forms.Form):
    """The leader confirms his signature with the secret of his signing method."""

    pin = forms.CharField(
        label="Mật khẩu (PIN) ký số",
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Vui lòng nhập mã PIN (mật khẩu) ký số để xác nhận."},
    )

    def __init__(self, *args: Any, method: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if method is not None:
            self.fields["pin"].label = method.prompt
            self.fields["pin"].help_text = method.demo_hint


class FeedbackForm(forms.Form):
    code = forms.ChoiceField(
        label="Trạng thái",
        choices=[(c.value, f"{c.value} — {c.label}") for c in StatusCode if c.value != "13"],
    )
    description = forms.CharField(label="Ghi chú", required=False, max_length=4000)


class RegisterExportForm(forms.Form):
    kind = forms.ChoiceField(label="Sổ", choices=RegisterKind.choices)
    organisation = OrgChoiceField(
        label="Cơ quan", queryset=Organisation.objects.none(), empty_label=None
    )
    year = forms.IntegerField(
        label="Năm",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "Năm không hợp lệ."},
    )
    output = forms.ChoiceField(
        label="Định dạng", choices=[("pdf", "PDF để in"), ("xlsx", "Excel")], initial="pdf"
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )
        self.fields["year"].initial = timezone.localdate().year
