"""HTML forms of the one-stop shop pages (public lookup, applicants, officials).

Forms only parse and check the shape of the input; the business rules are in ``services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from chinhquyen.accounts.models import User
from chinhquyen.catalog.models import Fee
from chinhquyen.core.ids import MAX_ID
from chinhquyen.orgs.models import Organisation

from .models import (
    Channel,
    Dossier,
    DossierResult,
    DossierStatus,
    ResultDelivery,
    SatisfactionScore,
)
from .workflow import Action

MAX_FILES_PER_FIELD = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (``<input type="file" multiple>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            items = [single(item, initial) for item in data if item]
        else:
            items = [single(data, initial)] if data else []
        if self.required and not items:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(items) > MAX_FILES_PER_FIELD:
            raise forms.ValidationError(f"Tối đa {MAX_FILES_PER_FIELD} tệp cho mỗi mục.")
        return items


class LookupForm(forms.Form):
    code = forms.CharField(
        label="Mã hồ sơ",
        max_length=64,
        help_text="In trên giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pin = forms.CharField(
        label="Mã tra cứu (PIN)",
        max_length=16,
        help_text="Mã bí mật in cạnh mã hồ sơ trên giấy tiếp nhận.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return " ".join(self.cleaned_data["code"].split()).upper()

    def clean_pin(self) -> str:
        return self.cleaned_data["pin"].strip()


class ApplicantForm(forms.Form):
    """Who submits: prefilled from the account, may be corrected for this dossier."""

    name = forms.CharField(label="Họ và tên người nộp", max_length=255)
    id_number = forms.CharField(
        label="Số định danh cá nhân/mã số thuế", max_length=20, required=False
    )
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    organisation = forms.CharField(label="Tổ chức, doanh nghiệp", max_length=255, required=False)

    def details(self) -> dict[str, str]:
        return {key: str(self.cleaned_data.get(key) or "") for key in self.fields}


class SubmitMetaForm(forms.Form):
    """The parts of an online submission that are not the procedure's own form."""

    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    competent = forms.ModelChoiceField(
        label="Cơ quan giải quyết",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Chọn cơ quan —",
        help_text="Thủ tục được giải quyết tại nhiều nơi: chọn nơi bạn muốn nộp.",
    )

    fee_case = forms.ModelChoiceField(
        label="Trường hợp thu phí, lệ phí",
        queryset=Fee.objects.none(),
        required=True,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Chọn trường hợp áp dụng với hồ sơ của bạn: phí, lệ phí theo trường hợp này.",
    )
    result_delivery = forms.ChoiceField(
        label="Hình thức nhận kết quả",
        choices=ResultDelivery.choices,
        initial=ResultDelivery.ONLINE,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, competent_choices: Any = None, fees: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        competent = self.fields["competent"]
        assert isinstance(competent, forms.ModelChoiceField)
        if competent_choices is None:
            del self.fields["competent"]
        else:
            competent.queryset = competent_choices
            competent.required = True
        set_fee_cases(self, fees)


def fee_case_label(fee: Fee) -> str:
    """ "Cấp lần đầu — 200.000 đồng (Lệ phí)"; "Không thu phí, lệ phí" for a zero case."""
    amount = f"{fee.amount:,}".replace(",", ".") + " đồng" if fee.amount else "Miễn phí"
    case = fee.case_description or "Mọi trường hợp"
    return f"{case} — {amount} ({fee.get_kind_display()})"


def set_fee_cases(form: forms.Form, fees: Any) -> None:
    """Offer the procedure's fee cases in ``form.fields["fee_case"]`` when it has several;
    otherwise drop the field (the only case applies)."""
    field = form.fields["fee_case"]
    assert isinstance(field, forms.ModelChoiceField)
    fees = list(fees or [])
    if len(fees) < 2:
        del form.fields["fee_case"]
        return
    field.queryset = Fee.objects.filter(pk__in=[f.pk for f in fees]).order_by("order", "pk")
    field.label_from_instance = fee_case_label  # type: ignore[method-assign,assignment]


class SupplementAnswerForm(forms.Form):
    note = forms.CharField(
        label="Ghi chú",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tep = MultipleFileField(
        label="Giấy tờ bổ sung",
        required=False,
        help_text="Tệp PDF, ảnh JPG/PNG hoặc văn bản Word, Excel; có thể chọn nhiều tệp.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("tep") and not (data.get("note") or "").strip():
            raise forms.ValidationError("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú.")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Lý do rút hồ sơ",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Mức độ hài lòng",
        choices=SatisfactionScore.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Ý kiến góp ý",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --------------------------------------------------------------------------------------------
# Officials
# --------------------------------------------------------------------------------------------

DUE_SOON_HOURS = 8.0


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Đang giải quyết (tất cả)"), *DossierStatus.choices],
    )
    procedure = forms.CharField(label="Mã thủ tục", required=False, max_length=64)
    channel = forms.TypedChoiceField(
        label="Kênh nộp",
        required=False,
        choices=[("", "Tất cả"), *Channel.choices],
        coerce=int,
        empty_value=None,
    )
    deadline = forms.ChoiceField(
        label="Thời hạn",
        required=False,
        choices=[
            ("", "Tất cả"),
            ("sap-den-han", "Sắp đến hạn (trong 1 ngày làm việc)"),
            ("qua-han", "Quá hạn"),
        ],
    )
    q = forms.CharField(label="Tìm kiếm", required=False, max_length=200)

    def selector_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "status": data.get("status") or None,
            "procedure": (data.get("procedure") or "").strip() or None,
            "channel": data.get("channel"),
            "q": data.get("q") or None,
        }
        if data.get("deadline") == "sap-den-han":
            kwargs["due_within_hours"] = DUE_SOON_HOURS
        elif data.get("deadline") == "qua-han":
            kwargs["overdue"] = True
        return kwargs


class BulkTransferForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(label="Hồ sơ", coerce=int, choices=[])
    note = forms.CharField(label="Ghi chú", required=False, max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.fields["ids"]
        assert isinstance(ids, forms.TypedMultipleChoiceField)
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        # ids the database can hold (a larger number made the lookup fail: a 500)
        ids.choices = [(v, v) for v in raw if str(v).isdigit() and int(v) <= MAX_ID][:500]
        ids.error_messages["required"] = "Chưa chọn hồ sơ nào."
        ids.error_messages["invalid_choice"] = "Hồ sơ đã chọn không hợp lệ."


class ActionForm(forms.Form):
    """The input of one workflow action (fields depend on the action)."""

    NOTE_ACTIONS: set[str] = {
        Action.TRANSFER,
        Action.STEP_COMPLETE,
        Action.SUBMIT_FOR_APPROVAL,
        Action.APPROVE,
        Action.FINISH,
        Action.RETURN_RESULT,
        Action.ASSIGN,
    }
    REASON_ACTIONS: dict[str, str] = {
        Action.SEND_BACK: "Lý do trả lại",
        Action.REFUSE: "Lý do từ chối",
        Action.STOP: "Lý do dừng giải quyết",
        Action.REQUEST_SUPPLEMENT: "Nội dung cần bổ sung, hoàn thiện",
        Action.CANCEL_RESULT: "Lý do hủy kết quả",
        Action.APOLOGISE: "Lý do chậm trễ",
    }

    def __init__(
        self,
        *args: Any,
        action: str,
        dossier: Dossier,
        assignees: list[User] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        self.dossier = dossier
        textarea = forms.Textarea(attrs={"rows": 2})
        if action in self.NOTE_ACTIONS:
            self.fields["note"] = forms.CharField(
                label="Ghi chú", required=False, max_length=4000, widget=textarea
            )
        if action in self.REASON_ACTIONS:
            self.fields["reason"] = forms.CharField(
                label=self.REASON_ACTIONS[action], max_length=4000, widget=textarea
            )
        if action == Action.WITHDRAW:
            self.fields["reason"] = forms.CharField(
                label="Lý do (theo văn bản đề nghị rút hồ sơ)",
                required=False,
                max_length=4000,
                widget=textarea,
            )
        if action == Action.ASSIGN:
            choices = [(u.pk, u.display_name or u.get_username()) for u in assignees or []]
            self.fields["assignee"] = forms.TypedChoiceField(
                label="Cán bộ được phân công",
                choices=[("", "— Chọn cán bộ —"), *choices],
                coerce=int,
            )
            self.fields["note"] = self.fields.pop("note")
        if action == Action.ATTACH_RESULT:
            self.fields["name"] = forms.CharField(
                label="Tên kết quả", required=False, max_length=500
            )
            self.fields["file"] = forms.FileField(
                label="Tệp kết quả",
                required=False,
                help_text="Bỏ trống khi kết quả là bản giấy.",
            )
            self.fields["signed"] = forms.BooleanField(label="Tệp đã được ký số", required=False)
        if action == Action.CANCEL_RESULT:
            results = [r for r in dossier.results.all() if r.cancelled_at is None]
            self.fields["result"] = forms.TypedChoiceField(
                label="Kết quả cần hủy",
                choices=[(r.pk, f"{r.code} — {r.name}") for r in results],
                coerce=int,
            )
            self.fields["reason"] = self.fields.pop("reason")
        if action == Action.APOLOGISE:
            self.fields["new_appointment_at"] = forms.DateTimeField(
                label="Thời gian hẹn trả mới",
                input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )
        if action == Action.SUPPLEMENT_ANSWER:
            self.fields["note"] = forms.CharField(
                label="Ghi chú", required=False, max_length=4000, widget=textarea
            )
            self.fields["files"] = MultipleFileField(label="Giấy tờ bổ sung", required=False)

    def service_params(self) -> dict[str, Any]:
        from .services import Upload

        data = self.cleaned_data
        params: dict[str, Any] = {}
        for key in ("note", "reason", "name", "signed", "new_appointment_at"):
            if key in self.fields:
                params[key] = data.get(key) if key != "name" else data.get(key) or ""
        if "note" in params and params["note"] is None:
            params["note"] = ""
        if "reason" in params and params["reason"] is None:
            params["reason"] = ""
        if self.action == Action.ASSIGN:
            params["assignee"] = User.objects.filter(pk=data["assignee"]).first()
        if self.action == Action.ATTACH_RESULT:
            params["file"] = data.get("file")
        if self.action == Action.CANCEL_RESULT:
            params["result"] = DossierResult.objects.filter(
                pk=data["result"], dossier=self.dossier
            ).first()
        if self.action == Action.SUPPLEMENT_ANSWER:
            params["uploads"] = [Upload(file=f) for f in data.get("files") or []]
        return params


class RegisterExportForm(forms.Form):
    date_from = forms.DateField(
        label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
        return data


class CounterProcedureForm(forms.Form):
    thu_tuc = forms.CharField(
        label="Mã hoặc tên thủ tục",
        max_length=200,
        help_text="Mã thủ tục (ví dụ 1.001234) hoặc tên, gõ có dấu hay không dấu đều được "
        "(ví dụ «dang ky khai sinh»).",
    )


class CounterIntakeForm(forms.Form):
    """What the desk records besides the applicant's details and the papers."""

    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    channel = forms.TypedChoiceField(
        label="Hình thức tiếp nhận",
        choices=[(Channel.COUNTER.value, "Trực tiếp"), (Channel.POST.value, "Bưu chính công ích")],
        coerce=int,
        initial=Channel.COUNTER.value,
    )
    set_count = forms.IntegerField(label="Số bộ hồ sơ", min_value=1, max_value=99, initial=1)
    receiving = forms.ModelChoiceField(
        label="Nơi tiếp nhận", queryset=Organisation.objects.none(), empty_label=None
    )
    competent = forms.ModelChoiceField(
        label="Cơ quan giải quyết",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Theo thủ tục, nơi tiếp nhận —",
    )
    fee_case = forms.ModelChoiceField(
        label="Trường hợp thu phí, lệ phí",
        queryset=Fee.objects.none(),
        required=True,
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        desks: list[Organisation],
        competent_choices: Any = None,
        fees: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_fee_cases(self, fees)
        receiving = self.fields["receiving"]
        competent = self.fields["competent"]
        assert isinstance(receiving, forms.ModelChoiceField)
        assert isinstance(competent, forms.ModelChoiceField)
        receiving.queryset = Organisation.objects.filter(pk__in=[d.pk for d in desks])
        if len(desks) == 1:
            receiving.initial = desks[0].pk
        if competent_choices is None:
            del self.fields["competent"]
        else:
            competent.queryset = competent_choices


class PaperCountForm(forms.Form):
    """One row of the receipt's table of papers."""

    original = forms.IntegerField(label="Bản chính", min_value=0, max_value=99, initial=0)
    certified_copy = forms.IntegerField(
        label="Bản sao chứng thực", min_value=0, max_value=99, initial=0
    )
    photocopy = forms.IntegerField(label="Bản photocopy", min_value=0, max_value=99, initial=0)
    scan = forms.FileField(label="Bản quét (nếu có)", required=False)
