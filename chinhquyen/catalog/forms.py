"""HTML forms of the catalogue pages (search, Excel import)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import OnlineLevel, ProcedureLevel
from .selectors import field_list
from .validators import validate_xlsx_upload


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label="Tên hoặc mã thủ tục",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ví dụ: dang ky khai sinh"}),
        help_text="Có thể gõ không dấu.",
    )
    linh_vuc = forms.ChoiceField(label="Lĩnh vực", required=False)
    cap = forms.ChoiceField(
        label="Cấp thực hiện",
        required=False,
        choices=[("", "Tất cả các cấp"), *ProcedureLevel.choices],
    )
    truc_tuyen = forms.TypedChoiceField(
        label="Mức độ trực tuyến",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Tất cả"), *[(str(v), label) for v, label in OnlineLevel.choices]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Tất cả lĩnh vực")]
        for item in field_list():
            count = getattr(item, "procedure_count", 0)
            if count:
                choices.append((item.code, f"{item.name} ({count})"))
        self.fields["linh_vuc"].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "q": data.get("q") or None,
            "field": data.get("linh_vuc") or None,
            "level": data.get("cap") or None,
            "online_level": data.get("truc_tuyen"),
        }


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text="Gồm các sheet ThuTuc, PhiLePhi, ThanhPhanHoSo, QuyTrinh; tối đa 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    publish = forms.BooleanField(
        label="Công bố ngay các phiên bản đã nhập",
        required=False,
    )
    valid_from = forms.DateField(
        label="Hiệu lực từ ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Để trống: hôm nay. Chỉ dùng khi công bố.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            validate_xlsx_upload(upload)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return upload
