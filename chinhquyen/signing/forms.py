"""Forms of the signing pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

#: Largest PDF accepted for verification (bytes).
VERIFY_MAX_BYTES = 20 * 1024 * 1024


def read_pdf_upload(upload: UploadedFile | None) -> bytes:
    """The uploaded file's bytes when it is a PDF of at most 20 MB (checked by content, not by
    its name or declared type); ``forms.ValidationError`` in Vietnamese otherwise."""
    if upload is None:
        raise forms.ValidationError("Vui lòng chọn tệp PDF cần kiểm tra.", code="required")
    if upload.size is not None and upload.size > VERIFY_MAX_BYTES:
        raise forms.ValidationError(
            "Tệp quá lớn: chỉ kiểm tra tệp PDF tối đa 20 MB.", code="too_large"
        )
    upload.seek(0)
    data = upload.read(VERIFY_MAX_BYTES + 1)
    if len(data) > VERIFY_MAX_BYTES:
        raise forms.ValidationError(
            "Tệp quá lớn: chỉ kiểm tra tệp PDF tối đa 20 MB.", code="too_large"
        )
    if not data:
        raise forms.ValidationError("Tệp rỗng.", code="empty")
    if b"%PDF-" not in data[:1024]:
        raise forms.ValidationError("Tệp đã chọn không phải là tệp PDF.", code="not_pdf")
    return data


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="Tệp PDF cần kiểm tra",
        help_text="Văn bản, kết quả giải quyết thủ tục hành chính có chữ ký số; tối đa 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": "Vui lòng chọn tệp PDF cần kiểm tra."},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        self.pdf_bytes = read_pdf_upload(upload)
        return upload


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Đồng ý ký"), ("reject", "Từ chối")],
        error_messages={"required": "Vui lòng chọn đồng ý hoặc từ chối."},
    )
