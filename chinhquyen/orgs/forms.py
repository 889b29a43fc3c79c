"""HTML forms for the organisation tree (labels and errors in Vietnamese)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from .models import Organisation, OrganisationKind, OrganisationQuerySet
from .selectors import flatten_tree, organisation_tree
from .tabular import MAX_FILE_BYTES
from .validators import validate_agency_code

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations in tree order, indented by level in the option text."""

    def label_from_instance(self, obj: Any) -> str:
        level = getattr(obj, "_tree_level", 0)
        code = f" ({obj.agency_code})" if obj.agency_code else ""
        return f"{'— ' * level}{obj.name}{code}"


def tree_choices(queryset: OrganisationQuerySet) -> list[Organisation]:
    out: list[Organisation] = []
    for org, level in flatten_tree(organisation_tree(queryset)):
        org._tree_level = level  # type: ignore[attr-defined]
        out.append(org)
    return out


class BootstrapFormMixin:
    """Bootstrap 5 classes on widgets; ``is-invalid`` on fields with errors."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class _TreeChoiceMixin:
    def _use_tree_order(self, field: OrganisationChoiceField) -> None:
        ordered = tree_choices(field.queryset)  # type: ignore[arg-type]
        field.choices = [("", field.empty_label or "---------")] + [
            (org.pk, field.label_from_instance(org)) for org in ordered
        ]


class OrganisationForm(BootstrapFormMixin, _TreeChoiceMixin, forms.Form):
    name = forms.CharField(label="Tên cơ quan, đơn vị", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=50, required=False)
    kind = forms.ChoiceField(label="Loại", choices=OrganisationKind.choices)
    parent = OrganisationChoiceField(
        label="Đơn vị cấp trên",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="(Không có — cấp cao nhất)",
    )
    agency_code = forms.CharField(
        label="Mã định danh điện tử",
        max_length=35,
        required=False,
        validators=[validate_agency_code],
        help_text="Theo QCVN 102:2016, ví dụ 000.00.01.H56.",
    )
    administrative_code = forms.CharField(
        label="Mã đơn vị hành chính", max_length=10, required=False
    )
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    valid_from = forms.DateField(
        label="Hiệu lực từ ngày",
        required=False,
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
    )
    valid_to = forms.DateField(
        label="Hiệu lực đến ngày",
        required=False,
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
    )

    def __init__(
        self,
        *args: Any,
        parents: OrganisationQuerySet,
        allow_root: bool,
        editing: Organisation | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        parent_field: OrganisationChoiceField = self.fields["parent"]  # type: ignore[assignment]
        if editing is not None:
            parents = parents.exclude(path__startswith=editing.path)
        parent_field.queryset = parents
        parent_field.required = not allow_root
        if not allow_root:
            parent_field.empty_label = "— Chọn đơn vị cấp trên —"
        self._use_tree_order(parent_field)
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("valid_from")
        end: dt.date | None = data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")
        return data


class MoveForm(BootstrapFormMixin, _TreeChoiceMixin, forms.Form):
    parent = OrganisationChoiceField(
        label="Đơn vị cấp trên mới",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="(Không có — cấp cao nhất)",
    )

    def __init__(
        self,
        *args: Any,
        org: Organisation,
        parents: OrganisationQuerySet,
        allow_root: bool,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        field: OrganisationChoiceField = self.fields["parent"]  # type: ignore[assignment]
        field.queryset = parents.exclude(path__startswith=org.path)
        field.required = not allow_root
        if not allow_root:
            field.empty_label = "— Chọn đơn vị cấp trên mới —"
        self._use_tree_order(field)
        self._style()


class CloseForm(BootstrapFormMixin, forms.Form):
    valid_to = forms.DateField(
        label="Ngày cuối cùng còn hiệu lực",
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        help_text="Các đơn vị cấp dưới còn hiệu lực cũng hết hiệu lực cùng ngày.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["valid_to"].initial = timezone.localdate()
        self._style()


class MergeForm(BootstrapFormMixin, forms.Form):
    predecessors = forms.ModelMultipleChoiceField(
        label="Các đơn vị bị sáp nhập (tiền thân)",
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    successor = OrganisationChoiceField(
        label="Đơn vị kế thừa", queryset=Organisation.objects.none()
    )
    effective_date = forms.DateField(
        label="Ngày sáp nhập có hiệu lực", widget=DateInput(), input_formats=DATE_INPUT_FORMATS
    )

    def __init__(self, *args: Any, scope: OrganisationQuerySet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["predecessors"].queryset = scope  # type: ignore[attr-defined]
        successor: OrganisationChoiceField = self.fields["successor"]  # type: ignore[assignment]
        successor.queryset = scope
        successor.choices = [("", "— Chọn đơn vị kế thừa —")] + [
            (org.pk, successor.label_from_instance(org)) for org in tree_choices(scope)
        ]
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        successor = data.get("successor")
        predecessors = data.get("predecessors") or []
        if successor is not None and successor in predecessors:
            self.add_error("predecessors", "Đơn vị kế thừa không thể đồng thời là tiền thân.")
        return data


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="Tệp CSV hoặc Excel (.xlsx)",
        help_text=(
            "Dòng đầu là tiêu đề cột: ma_dinh_danh, ten, ten_viet_tat, loai, ma_don_vi_cap_tren, "
            "ma_hanh_chinh, hieu_luc_tu, hieu_luc_den, dia_chi, dien_thoai, email. "
            "Tối đa 5 MB, 20.000 dòng."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("Tệp quá lớn: tối đa 5 MB.")
        return upload


class DirectorySearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Tìm cơ quan, đơn vị",
        max_length=200,
        required=False,
        widget=forms.SearchInput(attrs={"aria-describedby": "tim-kiem-goi-y"}),
    )
    kind = forms.ChoiceField(
        label="Loại",
        required=False,
        choices=[("", "Tất cả"), *OrganisationKind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._style()
