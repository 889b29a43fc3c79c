"""PDF rendering: Vietnamese text survives exactly, Liberation Serif is embedded, the ND 30
page layout and header, and signature placeholders can be found again."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from chinhquyen.core.pdf import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    PdfError,
    document_header,
    find_signature_box,
    pdf_font_names,
    pdf_page_count,
    pdf_text,
    render_pdf,
    render_pdf_html,
    vn_date_line,
)

DIACRITICS = "Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ Đ"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def document() -> bytes:
    return render_pdf(
        "pdf/sample_document.html",
        {
            "header": document_header(
                issuer_parent="Ủy ban nhân dân tỉnh Ninh Bình",
                issuer="Sở Tư pháp",
                number_notation="07/QĐ-STP",
                place="Ninh Bình",
                issued_on=dt.date(2026, 2, 3),
            ),
            "summary": "Về việc kiểm tra phông chữ",
            "paragraphs": [DIACRITICS, "ỲỴỶỸ ỳỵỷỹ Ơ Ư ơ ư Ă Â Ê Ô ă â ê ô"],
            "recipients": ["Lưu: VT"],
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Thị Ánh",
        },
    )


def test_every_vietnamese_diacritic_is_extracted_exactly(document):
    text = unicodedata.normalize("NFC", pdf_text(document))
    assert DIACRITICS in text
    assert "ỲỴỶỸ ỳỵỷỹ Ơ Ư ơ ư Ă Â Ê Ô ă â ê ô" in text
    assert "Nguyễn Thị Ánh" in text


def test_fonts_are_liberation_serif_only(document):
    fonts = pdf_font_names(document)
    assert fonts, "no embedded font found"
    assert all(name.startswith("Liberation-Serif") for name in fonts), fonts
    assert "Liberation-Serif" in fonts and "Liberation-Serif-Bold" in fonts


def test_national_header_and_date_line(document):
    text = pdf_text(document)
    for line in (
        NATIONAL_NAME,
        NATIONAL_MOTTO,
        "ỦY BAN NHÂN DÂN TỈNH",
        "SỞ TƯ PHÁP",
        "Số: 07/QĐ-STP",
        "Ninh Bình, ngày 03 tháng 02 năm 2026",
        "Nơi nhận:",
    ):
        assert line in text
    assert pdf_page_count(document) == 1


def test_a4_page_and_margins(document):
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(document)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width / MM), round(height / MM)) == (210, 297)
    # the left margin is 30 mm: the header's issuer column starts there
    box = find_signature_box(document, "signer")
    assert box is not None
    assert box.x0 > 30 * MM and box.x1 <= width - 15 * MM + 0.5


def test_signature_placeholder_is_found_with_its_size(document):
    box = find_signature_box(document, "signer")
    assert box.page == 0
    assert box.width == pytest.approx(60 * MM, abs=1)
    assert box.height == pytest.approx(30 * MM, abs=1)
    assert find_signature_box(document, "khong-co") is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 5), "Hà Nội, ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "Hà Nội, ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 9), "Hà Nội, ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_vn_date_line(day, expected):
    assert vn_date_line("Hà Nội", day) == expected


def test_html_rendering_and_unreadable_input():
    pdf = render_pdf_html("<p>Đơn giản</p>")
    assert pdf.startswith(b"%PDF-")
    assert "Đơn giản" in pdf_text(pdf)
    with pytest.raises(PdfError):
        pdf_font_names(b"khong phai pdf")
