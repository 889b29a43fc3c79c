"""The layout of issued documents against Nghị định 30/2020, Phụ lục I: one document of each
common type is issued and the text of its PDF is read back, line by line, in order."""

from __future__ import annotations

import pytest

from chinhquyen.accounts.models import Role
from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import pdf_text
from chinhquyen.documents import files, layout, services
from chinhquyen.documents.models import UnitAbbreviation
from chinhquyen.documents.services import RecipientInput
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.orgs.tests.users import official

from .helpers import doc_type, draft, issued


def _lines(document) -> list[str]:
    text = pdf_text(files.read_field(document.pdf_file))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def assert_in_order(lines: list[str], expected: list[str]) -> None:
    """Each expected line is a whole line of the PDF, after the previous one."""
    position = 0
    for wanted in expected:
        try:
            position = lines.index(wanted, position) + 1
        except ValueError:
            raise AssertionError(f"{wanted!r} not found after line {position}: {lines}") from None


def _date_line(document) -> str:
    on = document.issued_on
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"Thử Nghiệm, ngày {on.day:02d} tháng {month} năm {on.year}"


HEADER = ["UBND TỈNH THỬ NGHIỆM", "SỞ TƯ PHÁP"]
NATION = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]  # the motto may come after the date line
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _issue(world, type_name: str, summary: str, **kwargs):
    values = {
        "document_type": doc_type(type_name),
        "summary": summary,
        "recipients": [RecipientInput(organisation=world.construction)],
        "body": "Nội dung thứ nhất.\nNội dung thứ hai.",
    }
    values.update(kwargs)
    return issued(world, **values)


@pytest.mark.django_db
def test_cong_van_layout(world):
    document = _issue(
        world,
        "Công văn",
        "V/v V/v trả lời kiến nghị",
        recipients=[
            RecipientInput(organisation=world.construction),
            RecipientInput(name="Bộ Tư pháp"),
        ],
    )
    assert document.number_notation == "01/STP-HCTP"
    lines = _lines(document)
    assert_in_order(lines, [*HEADER, "Số: 01/STP-HCTP", "V/v trả lời kiến nghị"])
    assert_in_order(lines, [*NATION, _date_line(document)])
    assert MOTTO in lines
    assert_in_order(
        lines,
        [
            "V/v trả lời kiến nghị",
            "Kính gửi: - Sở Xây dựng;",
            "- Bộ Tư pháp.",
            "Nội dung thứ nhất.",
            "Nội dung thứ hai.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT, HCTP.",
        ],
    )
    assert_in_order(lines, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", str(world.leader.full_name)])
    text = "\n".join(lines)
    assert "V/v V/v" not in text and "V/v Về việc" not in text


@pytest.mark.django_db
def test_letter_summary_keeps_one_about():
    assert layout.letter_summary("Về việc trả lời kiến nghị") == "trả lời kiến nghị"
    assert layout.letter_summary("V/v V/v trả lời") == "trả lời"
    assert layout.letter_summary("v/v: cử cán bộ") == "cử cán bộ"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("type_name", "abbreviation", "summary"),
    [
        ("Báo cáo", "BC", "Tình hình thi hành pháp luật năm 2026"),
        ("Thông báo", "TB", "Lịch tiếp công dân tháng 12"),
        ("Kế hoạch", "KH", "Phổ biến, giáo dục pháp luật năm 2027"),
        ("Giấy mời", "GM", "Dự hội nghị tổng kết công tác tư pháp"),
    ],
)
def test_titled_types_layout(world, type_name, abbreviation, summary):
    document = _issue(world, type_name, summary)
    lines = _lines(document)
    number = f"Số: 01/{abbreviation}-STP"
    assert_in_order(lines, [*HEADER, number])
    assert_in_order(lines, [*NATION, _date_line(document)])
    assert MOTTO in lines
    assert_in_order(
        lines,
        [
            type_name.upper(),
            summary,
            "Nội dung thứ nhất.",
            "Nơi nhận:",
            "- Sở Xây dựng;",
            "- Lưu: VT, HCTP.",
            "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
        ],
    )
    assert "Kính gửi:" not in lines


@pytest.mark.django_db
def test_to_trinh_is_addressed(world):
    document = _issue(world, "Tờ trình", "Đề nghị phê duyệt kế hoạch năm 2027")
    assert_in_order(
        _lines(document),
        [
            *HEADER,
            "Số: 01/TTr-STP",
            "TỜ TRÌNH",
            "Đề nghị phê duyệt kế hoạch năm 2027",
            "Kính gửi: Sở Xây dựng.",
            "Nội dung thứ nhất.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT, HCTP.",
        ],
    )


@pytest.mark.django_db
def test_quyet_dinh_names_the_issuing_authority_and_prints_the_title_once(world):
    document = _issue(
        world,
        "Quyết định",
        "Về việc cử cán bộ tham dự tập huấn",
        signer_authority="GIÁM ĐỐC",
        signer_title="Giám đốc",
    )
    lines = _lines(document)
    assert_in_order(
        lines,
        [
            *HEADER,
            "Số: 01/QĐ-STP",
            "QUYẾT ĐỊNH",
            "Về việc cử cán bộ tham dự tập huấn",
            "GIÁM ĐỐC SỞ TƯ PHÁP",
            "Nội dung thứ nhất.",
            "Nơi nhận:",
            "GIÁM ĐỐC",
        ],
    )
    assert lines.count("GIÁM ĐỐC") == 1


@pytest.mark.django_db
def test_signature_lines_print_each_line_once():
    assert layout.signature_lines("GIÁM ĐỐC", "Giám đốc") == ["GIÁM ĐỐC"]
    assert layout.signature_lines("Q. GIÁM ĐỐC", "Giám đốc") == ["Q. GIÁM ĐỐC"]
    assert layout.signature_lines("KT. GIÁM ĐỐC", "Phó Giám đốc") == [
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ]
    assert layout.signature_lines("TM. UBND", "Chủ tịch") == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert layout.signature_lines("", "Giám đốc") == ["GIÁM ĐỐC"]


@pytest.fixture
def province_office(world):
    """A unit of the People's Committee that drafts its công văn (VP)."""
    office = make_org("Văn phòng UBND tỉnh", parent=world.province, kind=OrganisationKind.UNIT)
    UnitAbbreviation.objects.create(unit=office, abbreviation="VP")
    return office, official(office, Role.SPECIALIST)


@pytest.mark.django_db
def test_peoples_committee_full_name_no_superior_line_and_unit_in_notation(world, province_office):
    office, drafter = province_office
    document = services.outgoing_create(
        actor=drafter,
        drafting_unit=office,
        document_type=doc_type("Công văn"),
        summary="Về việc triển khai kế hoạch chuyển đổi số",
        body="Đề nghị các sở triển khai.",
        recipients=[RecipientInput(organisation=world.justice)],
        signer_authority="TM. UBND",
        signer_title="Chủ tịch",
    )
    services.outgoing_submit(actor=drafter, document=document, reviewers=[world.province_leader])
    services.outgoing_review(actor=world.province_leader, document=document, approve=True)
    document = services.outgoing_issue(actor=world.province_clerk, document=document)
    assert document.number_notation == "01/UBND-VP"
    lines = _lines(document)
    assert "UBND TỈNH THỬ NGHIỆM" not in lines
    assert_in_order(
        lines,
        [
            "ỦY BAN NHÂN DÂN TỈNH",  # the full name, on two lines
            "THỬ NGHIỆM",
            "Số: 01/UBND-VP",
            "V/v triển khai kế hoạch chuyển đổi",
            "Kính gửi: Sở Tư pháp.",
            "- Như trên;",
            "- Lưu: VT, VP.",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
        ],
    )


@pytest.mark.django_db
def test_cong_van_without_drafting_unit_abbreviation_is_refused_at_submission(world):
    document = draft(
        world,
        actor=world.clerk,
        drafting_unit=world.office,  # Văn phòng Sở has no abbreviation in this world
        document_type=doc_type("Công văn"),
    )
    with pytest.raises(DomainError) as err:
        services.outgoing_submit(actor=world.clerk, document=document, reviewers=[world.leader])
    assert "chưa có chữ viết tắt" in str(err.value.detail)


@pytest.mark.django_db
def test_place_name_falls_back_to_the_end_of_the_name(world):
    commune = make_org("UBND phường Hoa Lư", parent=world.province, kind="commune_committee")
    assert layout.place_name(commune) == "Hoa Lư"
    assert layout.superior_name(commune, None) == ""
    assert layout.place_name(world.construction) == "Thử Nghiệm"  # from the province
