"""Recipients, SMS text and the sandboxed template engine (no database needed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.notifications.rendering import (
    SMS_MAX_LENGTH,
    TemplateRenderError,
    fold_ascii,
    render_email,
    render_sms,
    render_template,
    sms_text,
    validate_template_source,
)
from chinhquyen.notifications.validators import (
    normalize_email,
    normalize_phone,
    normalize_recipient,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "84912345678"),
        ("+84912345678", "84912345678"),
        ("84912345678", "84912345678"),
        ("0912 345 678", "84912345678"),
        ("091.234.5678", "84912345678"),
        ("(+84) 386-123-456", "84386123456"),
        (" 0701234567 ", "84701234567"),
        ("0587654321", "84587654321"),
        ("0812345678", "84812345678"),
    ],
)
def test_phone_numbers_are_normalised_to_84(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "0241234567",  # Hà Nội landline 024: no SMS
        "02437654321",
        "0112345678",
        "+8491234567",
        "+1 912345678",
        "0912abc678",
        "849123456789",
    ],
)
def test_invalid_phone_numbers_are_rejected_in_vietnamese(raw: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone(raw)
    assert "Số điện thoại di động không hợp lệ" in excinfo.value.messages[0]


def test_email_is_validated_and_domain_lowercased() -> None:
    assert normalize_email(" Nguyen.Van.A@Example.VN ") == "Nguyen.Van.A@example.vn"
    for bad in ("", "khong-co-a-cong", "a@b", "a@@example.vn", "x" * 250 + "@example.vn"):
        with pytest.raises(ValidationError):
            normalize_email(bad)
    with pytest.raises(ValidationError):
        normalize_recipient("fax", "0912345678")


def test_fold_ascii_strips_vietnamese_marks_and_keeps_case() -> None:
    assert fold_ascii("Hồ sơ đã được tiếp nhận") == "Ho so da duoc tiep nhan"
    assert fold_ascii("ĐĂNG KÝ KHAI SINH – Phường Đông Hà") == "DANG KY KHAI SINH - Phuong Dong Ha"
    assert fold_ascii("Ủy ban nhân dân “tỉnh” Ninh Bình…") == 'Uy ban nhan dan "tinh" Ninh Binh...'
    # decomposed input (NFD, as some keyboards produce) folds the same way
    assert fold_ascii("Ho\u0302\u0300 so\u031b") == "Ho so"
    assert fold_ascii("Mã 😀 中") == "Ma ? ?"


def test_sms_text_is_one_line_ascii_and_at_most_306_characters(settings) -> None:  # type: ignore[no-untyped-def]
    assert sms_text("Hồ sơ  đã\nđược   tiếp nhận ") == "Ho so da duoc tiep nhan"
    settings.NOTIFY_SMS_ASCII = False
    assert sms_text("Hồ sơ đã được tiếp nhận") == "Hồ sơ đã được tiếp nhận"
    long = sms_text("chữ " * 200, ascii_only=True)
    assert len(long) == SMS_MAX_LENGTH
    assert long.endswith("...")
    assert long.startswith("chu chu")


def test_email_rendering_escapes_html_only_in_the_html_part() -> None:
    rendered = render_email(
        "Hồ sơ {{ code }}\r\nđã nhận",
        "Kính gửi {{ name }},\n\nHồ sơ {{ code }} đã được tiếp nhận.\nHẹn trả: {{ when }}.",
        {"code": "H56-1", "name": "Trần <b>Bình</b> & Co", "when": "14:00 ngày 02/03/2026"},
    )
    assert rendered.subject == "Hồ sơ H56-1 đã nhận"  # one line: no header injection
    assert rendered.body == (
        "Kính gửi Trần <b>Bình</b> & Co,\n\nHồ sơ H56-1 đã được tiếp nhận.\n"
        "Hẹn trả: 14:00 ngày 02/03/2026."
    )
    assert "Trần &lt;b&gt;Bình&lt;/b&gt; &amp; Co" in rendered.body_html
    assert "<b>Bình</b>" not in rendered.body_html
    assert "<p>Hồ sơ H56-1 đã được tiếp nhận.<br>Hẹn trả: 14:00 ngày 02/03/2026.</p>" in (
        rendered.body_html
    )
    assert '<html lang="vi">' in rendered.body_html


def test_sms_rendering_is_plain_text_without_escaping(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_SMS_ASCII = True
    rendered = render_sms("Hồ sơ {{ code }} & {{ x }}", {"code": "A<1>", "x": "Đã"})
    assert rendered.body == "Ho so A<1> & Da"
    assert rendered.subject == "" and rendered.body_html == ""


@pytest.mark.parametrize(
    "source",
    [
        "{% if %}",
        "{{ code|khong_co_bo_loc }}",
        "{% load humanize %}{{ 1000|intcomma }}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% for x in %}",
    ],
)
def test_templates_are_sandboxed_and_validated(source: str) -> None:
    with pytest.raises(ValidationError):
        validate_template_source(source)
    with pytest.raises(TemplateRenderError):
        render_template(source, {}, autoescape=False)


def test_template_sees_only_its_context() -> None:
    # no context processors: settings, request, user and csrf are not reachable
    out = render_template(
        "[{{ settings.SECRET_KEY }}][{{ request.path }}][{{ user }}][{% debug %}][{{ a.b }}]",
        {"a": {"b": "ok"}},
        autoescape=False,
    )
    assert out == "[][][][][ok]"
