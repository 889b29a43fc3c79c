"""Forms: the extra fields of allauth's sign-up form, and the IT administrator's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from chinhquyen.orgs.models import Organisation

from .models import Role, User, UserKind
from .validators import validate_citizen_id, validate_phone, validate_tax_code

SIGNUP_KINDS = [
    (UserKind.CITIZEN.value, "Công dân"),
    (UserKind.BUSINESS.value, "Tổ chức, doanh nghiệp"),
]
OFFICIAL_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.API_CLIENT]


class BootstrapMixin:
    """Adds Bootstrap 5 classes to every widget."""

    def _bootstrap(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()


class SignupExtraForm(BootstrapMixin, forms.Form):
    """Extra fields of the sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``): allauth's own form
    (username, e-mail, passwords) inherits from this one. Only citizens and businesses sign
    up; officials are created by IT administrators."""

    field_order = [
        "kind",
        "full_name",
        "citizen_id",
        "tax_code",
        "organisation_name",
        "phone",
        "email",
        "username",
        "password1",
        "password2",
    ]

    kind = forms.ChoiceField(
        label="Loại tài khoản",
        choices=SIGNUP_KINDS,
        initial=UserKind.CITIZEN.value,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    citizen_id = forms.CharField(
        label="Số CCCD / số định danh cá nhân",
        max_length=12,
        required=False,
        help_text="12 chữ số, bắt buộc với công dân.",
    )
    tax_code = forms.CharField(
        label="Mã số thuế",
        max_length=14,
        required=False,
        help_text="Bắt buộc với tổ chức, doanh nghiệp.",
    )
    organisation_name = forms.CharField(
        label="Tên tổ chức, doanh nghiệp", max_length=255, required=False
    )
    phone = forms.CharField(
        label="Số điện thoại", max_length=20, required=False, validators=[validate_phone]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bootstrap()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == UserKind.CITIZEN:
            citizen_id = (data.get("citizen_id") or "").strip()
            data["citizen_id"] = citizen_id
            if not citizen_id:
                self.add_error("citizen_id", "Công dân cần nhập số CCCD (12 chữ số).")
            else:
                try:
                    validate_citizen_id(citizen_id)
                except ValidationError as err:
                    self.add_error("citizen_id", err)
                # A CCCD already registered is not refused: the answer would tell that it is
                # registered. The account is created unverified and the holders are told.
        elif kind == UserKind.BUSINESS:
            tax_code = (data.get("tax_code") or "").strip()
            data["tax_code"] = tax_code
            if not tax_code:
                self.add_error("tax_code", "Tổ chức, doanh nghiệp cần nhập mã số thuế.")
            else:
                try:
                    validate_tax_code(tax_code)
                except ValidationError as err:
                    self.add_error("tax_code", err)
            if not (data.get("organisation_name") or "").strip():
                self.add_error("organisation_name", "Vui lòng nhập tên tổ chức, doanh nghiệp.")
        return data

    def signup(self, request: HttpRequest, user: User) -> None:
        """Nothing left to do: ``AccountAdapter.save_user`` created the account."""


# --- IT administrator's forms --------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Organisation)
        return ("— " * obj.depth) + obj.name


class PositionFieldsMixin(forms.Form):
    unit = UnitChoiceField(label="Đơn vị", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="Vai trò", choices=OFFICIAL_ROLE_CHOICES)
    title = forms.CharField(label="Chức danh", max_length=150, required=False)
    is_acting = forms.BooleanField(label="Quyền / phụ trách", required=False)
    valid_from = forms.DateField(
        label="Từ ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_to = forms.DateField(
        label="Đến ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        return data


class OfficialCreateForm(BootstrapMixin, PositionFieldsMixin):
    field_order = [
        "username",
        "full_name",
        "email",
        "phone",
        "password",
        "unit",
        "role",
        "title",
        "is_acting",
        "valid_from",
        "valid_to",
    ]

    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử công vụ")
    phone = forms.CharField(
        label="Số điện thoại", max_length=20, required=False, validators=[validate_phone]
    )
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Để trống: cán bộ tự đặt mật khẩu qua chức năng «Quên mật khẩu».",
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self._bootstrap()


class OfficialEditForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử công vụ")
    phone = forms.CharField(
        label="Số điện thoại", max_length=20, required=False, validators=[validate_phone]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bootstrap()


class PositionAssignForm(BootstrapMixin, PositionFieldsMixin):
    delegated_by = forms.ModelChoiceField(
        label="Ủy quyền bởi",
        queryset=User.objects.none(),
        required=False,
        help_text="Khi vị trí được giao theo ủy quyền của một lãnh đạo.",
    )

    def __init__(
        self, *args: Any, units: Any = None, delegators: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self.fields["delegated_by"].queryset = (  # type: ignore[attr-defined]
            delegators if delegators is not None else User.objects.none()
        )
        self._bootstrap()


class PositionEndForm(BootstrapMixin, forms.Form):
    on = forms.DateField(
        label="Giữ vị trí đến hết ngày",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._bootstrap()


class ApiClientCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="Tên hệ thống kết nối", max_length=150)
    unit = UnitChoiceField(label="Đơn vị quản lý", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self._bootstrap()


class TokenIssueForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="Tên khóa", max_length=100)
    expires_on = forms.DateField(
        label="Hết hạn sau ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bootstrap()

    def clean_expires_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.localdate():
            raise ValidationError("Ngày hết hạn phải từ hôm nay trở đi.")
        return value

    def expires_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        midnight = dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(midnight)
