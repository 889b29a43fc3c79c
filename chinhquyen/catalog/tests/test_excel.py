"""Excel import/export: round trip, per-row Vietnamese errors, all-or-nothing, hostile files,
and the import_procedures command."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from chinhquyen.catalog.excel import (
    FEE_COLUMNS,
    PAPER_COLUMNS,
    PROCEDURE_COLUMNS,
    STEP_COLUMNS,
    ImportFailed,
    export_catalog,
    import_catalog,
    version_snapshot,
)
from chinhquyen.catalog.models import Procedure, ProcedureVersion, VersionStatus
from chinhquyen.catalog.selectors import procedure_version_current
from chinhquyen.catalog.validators import XLSX_MIME
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org

from .factories import SIMPLE_SCHEMA, make_field, make_version

pytestmark = pytest.mark.django_db


def headers(columns):
    return [h for h, _, _ in columns]


PROCEDURE_ROW = {
    "Mã thủ tục": "1.001193",
    "Tên thủ tục": "Đăng ký khai sinh",
    "Mã lĩnh vực": "HT",
    "Tên lĩnh vực": "Hộ tịch",
    "Cấp thực hiện": "Cấp xã",
    "Mức độ trực tuyến": "Toàn trình",
    "Thời hạn giải quyết": 4,
    "Đơn vị thời hạn": "giờ làm việc",
    "Mọi UBND cấp xã": "Có",
    "Loại kết quả": "Giấy chứng nhận",
    "Tên kết quả": "Giấy khai sinh",
    "Biểu mẫu (JSON Schema)": json.dumps(SIMPLE_SCHEMA, ensure_ascii=False),
}


def workbook(
    procedures: list[dict],
    fees: list[dict] | None = None,
    papers: list[dict] | None = None,
    steps: list[dict] | None = None,
) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "ThuTuc"
    for name, columns, rows in (
        ("ThuTuc", PROCEDURE_COLUMNS, procedures),
        ("PhiLePhi", FEE_COLUMNS, fees or []),
        ("ThanhPhanHoSo", PAPER_COLUMNS, papers or []),
        ("QuyTrinh", STEP_COLUMNS, steps or []),
    ):
        target = sheet if name == "ThuTuc" else book.create_sheet(name)
        target.append(headers(columns))
        for row in rows:
            target.append([row.get(h) for h in headers(columns)])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("danh-muc.xlsx", out.getvalue(), content_type=XLSX_MIME)


def upload(content: bytes, name: str = "danh-muc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_MIME)


def good_book(**overrides) -> SimpleUploadedFile:
    return workbook(
        [{**PROCEDURE_ROW, **overrides}],
        fees=[{"Mã thủ tục": "1.001193", "Loại": "Lệ phí", "Mức thu (đồng)": 0}],
        papers=[
            {"Mã thủ tục": "1.001193", "Tên giấy tờ": "Tờ khai", "Bản chính": 1},
            {
                "Mã thủ tục": "1.001193",
                "Tên giấy tờ": "Giấy chứng sinh",
                "Bản chính": 1,
                "Bắt buộc": "Có",
            },
        ],
        steps=[
            {
                "Mã thủ tục": "1.001193",
                "Tên bước": "Tiếp nhận",
                "Thời gian (giờ làm việc)": 1,
                "Loại đơn vị": "Bộ phận một cửa",
                "Vai trò": "Cán bộ một cửa",
            },
            {"Mã thủ tục": "1.001193", "Tên bước": "Xử lý", "Thời gian (giờ làm việc)": 2.5},
        ],
    )


# --- import ------------------------------------------------------------------------------------


def test_import_creates_a_draft_and_can_publish():
    result = import_catalog(good_book(), actor=None)
    assert result.created == ["1.001193"] and result.published == []
    draft = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert draft.status == VersionStatus.DRAFT
    assert draft.processing_time == Decimal("4.00")
    assert draft.form_schema == SIMPLE_SCHEMA
    assert [p.name for p in draft.papers.all()] == ["Tờ khai", "Giấy chứng sinh"]
    assert [s.allotted_hours for s in draft.steps.all()] == [Decimal("1.00"), Decimal("2.50")]
    assert draft.steps.first().responsible_role == "desk_officer"

    result = import_catalog(good_book(), actor=None, publish=True)
    assert result.updated == ["1.001193"] and result.published == ["1.001193"]
    assert procedure_version_current("1.001193") is not None
    # Same file again: nothing changes, no new version.
    result = import_catalog(good_book(), actor=None, publish=True)
    assert result.unchanged == ["1.001193"]
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").count() == 1


def test_import_of_a_changed_procedure_makes_a_new_draft():
    import_catalog(good_book(), actor=None, publish=True)
    import_catalog(good_book(**{"Tên thủ tục": "Đăng ký khai sinh (sửa đổi)"}), actor=None)
    versions = ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("number")
    assert [(v.number, v.status, v.name) for v in versions] == [
        (1, VersionStatus.PUBLISHED, "Đăng ký khai sinh"),
        (2, VersionStatus.DRAFT, "Đăng ký khai sinh (sửa đổi)"),
    ]


def test_errors_name_sheet_and_row_and_nothing_is_written():
    book = workbook(
        [
            PROCEDURE_ROW,
            {**PROCEDURE_ROW, "Mã thủ tục": "1.000894", "Cấp thực hiện": "cấp huyện"},
            {**PROCEDURE_ROW, "Mã thủ tục": "1.000656", "Biểu mẫu (JSON Schema)": "{sai"},
        ],
        fees=[{"Mã thủ tục": "1.001193", "Loại": "Lệ phí", "Mức thu (đồng)": -5}],
        papers=[{"Mã thủ tục": "9.999999", "Tên giấy tờ": "Tờ khai"}],
        steps=[
            {"Mã thủ tục": "1.001193", "Tên bước": "A", "Thời gian (giờ làm việc)": "abc"},
            {
                "Mã thủ tục": "1.001193",
                "Tên bước": "B",
                "Thời gian (giờ làm việc)": 1,
                "Đơn vị thực hiện": "000.99.99.H99",
            },
        ],
    )
    with pytest.raises(ImportFailed) as exc:
        import_catalog(book, actor=None)
    errors = exc.value.errors
    assert (
        "Sheet ThanhPhanHoSo, dòng 2: mã thủ tục «9.999999» không có trong sheet ThuTuc." in errors
    )
    assert any(e.startswith("Sheet ThuTuc, dòng 3: «Cấp thực hiện» không hợp lệ") for e in errors)
    assert any(e.startswith("Sheet ThuTuc, dòng 4: «Biểu mẫu (JSON Schema)»") for e in errors)
    assert "Sheet PhiLePhi, dòng 2: «Mức thu (đồng)» không được nhỏ hơn 0." in errors
    assert "Sheet QuyTrinh, dòng 2: «Thời gian (giờ làm việc)» phải là số." in errors
    assert (
        "Sheet QuyTrinh, dòng 3: «Đơn vị thực hiện»: không có cơ quan mang mã định danh "
        "000.99.99.H99." in errors
    )
    assert not Procedure.objects.exists()


def test_service_errors_are_located_and_roll_everything_back():
    make_org("UBND xã Gia Viễn", kind=OrganisationKind.COMMUNE_COMMITTEE)
    book = workbook(
        [PROCEDURE_ROW, {**PROCEDURE_ROW, "Mã thủ tục": "1.000894", "Thời hạn giải quyết": 1}],
        papers=[{"Mã thủ tục": "1.001193", "Tên giấy tờ": "Tờ khai", "Bản chính": 1}],
        steps=[
            {"Mã thủ tục": "1.000894", "Tên bước": "A", "Thời gian (giờ làm việc)": 1},
            {"Mã thủ tục": "1.000894", "Tên bước": "B", "Thời gian (giờ làm việc)": 1},
            {
                "Mã thủ tục": "1.000894",
                "Tên bước": "Liên thông",
                "Thời gian (giờ làm việc)": 0,
                "Liên thông": "Có",
            },
        ],
    )
    with pytest.raises(ImportFailed) as exc:
        import_catalog(book, actor=None, publish=True)
    errors = exc.value.errors
    assert (
        "Sheet QuyTrinh, dòng 4: Cơ quan liên thông: Bước liên thông phải ghi rõ cơ quan "
        "liên thông." in errors
    )
    # The first procedure was fine on its own but nothing is kept.
    assert not Procedure.objects.exists()


def test_steps_over_the_statutory_time_are_reported_on_quytrinh():
    book = workbook(
        [{**PROCEDURE_ROW, "Thời hạn giải quyết": 2}],
        papers=[{"Mã thủ tục": "1.001193", "Tên giấy tờ": "Tờ khai", "Bản chính": 1}],
        steps=[{"Mã thủ tục": "1.001193", "Tên bước": "A", "Thời gian (giờ làm việc)": 3}],
    )
    with pytest.raises(ImportFailed) as exc:
        import_catalog(book, actor=None)
    assert exc.value.errors == [
        "Sheet QuyTrinh, dòng 2: Tổng thời gian các bước (3 giờ) vượt quá thời hạn giải quyết "
        "theo quy định (2 giờ làm việc)."
    ]


def test_missing_columns_and_sheets():
    book = Workbook()
    book.active.title = "Khac"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as exc:
        import_catalog(upload(out.getvalue()), actor=None)
    assert exc.value.errors == ["Thiếu sheet ThuTuc."]

    book = Workbook()
    book.active.title = "ThuTuc"
    book.active.append(["Mã thủ tục", "Tên thủ tục"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as exc:
        import_catalog(upload(out.getvalue()), actor=None)
    assert exc.value.errors[0].startswith("Sheet ThuTuc: thiếu cột «Mã lĩnh vực»")


# --- hostile files ----------------------------------------------------------------------------


def test_non_xlsx_content_is_rejected_whatever_the_name():
    with pytest.raises(ValidationError) as exc:
        import_catalog(upload(b"Ma thu tuc,Ten\n1.001193,Khai sinh\n"), actor=None)
    assert "không đúng định dạng" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        import_catalog(upload(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"), actor=None)


def test_oversize_upload_is_rejected():
    big = SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as exc:
        import_catalog(big, actor=None)
    assert exc.value.messages == ["Tệp vượt quá dung lượng cho phép (10 MB)."]


def test_corrupt_zip_that_looks_like_xlsx_is_rejected():
    content = good_book().read()
    broken = content[:4000]  # the header says xlsx, the archive is truncated
    with pytest.raises(ValidationError) as exc:
        import_catalog(upload(broken), actor=None)
    assert (
        "Không đọc được tệp Excel" in exc.value.messages[0]
        or "không đúng định dạng" in (exc.value.messages[0])
    )


# --- export and round trip ----------------------------------------------------------------------


def test_export_round_trips_the_published_catalogue():
    province = make_org("UBND tỉnh", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    department = make_org("Sở Tư pháp", parent=province)
    unit = make_org("Phòng Hành chính tư pháp", parent=department, agency_code="")
    field = make_field("LLTP", "Lý lịch tư pháp")
    original = make_version(
        "Cấp Phiếu lý lịch tư pháp",
        code="2.000488",
        field=field,
        level="province",
        all_communes=False,
        competent=[department],
        processing_time=10,
        form_schema=SIMPLE_SCHEMA,
        fees=[
            {"kind": "fee", "case_description": "Mỗi lần", "amount": 200000, "note": "đồng/lần"},
            {"kind": "charge", "case_description": "Sinh viên", "amount": 100000},
        ],
        papers=[
            {"name": "Tờ khai", "original_count": 1},
            {"name": "Bản chụp CCCD", "photocopy_count": 1, "required": False, "note": "nếu có"},
        ],
        steps=[
            {"name": "Tiếp nhận", "allotted_hours": 4, "responsible_role": "desk_officer"},
            {"name": "Thẩm định", "allotted_hours": "40.5", "responsible_unit": unit},
            {
                "name": "Tra cứu",
                "allotted_hours": 16,
                "is_external": True,
                "external_organisation_name": "Công an tỉnh",
            },
        ],
    )
    make_version("Bản nháp không xuất", publish=False)
    content = export_catalog()
    sheets = load_workbook(io.BytesIO(content), read_only=True)
    assert sheets.sheetnames == ["ThuTuc", "PhiLePhi", "ThanhPhanHoSo", "QuyTrinh"]
    rows = list(sheets["ThuTuc"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "2.000488"

    before = version_snapshot(original)
    result = import_catalog(upload(content), actor=None)
    assert result.unchanged == ["2.000488"]  # identical content: nothing to do

    # Wipe the catalogue and import the file into an empty one: the same content comes back.
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    result = import_catalog(upload(content), actor=None, publish=True)
    assert result.created == ["2.000488"]
    restored = procedure_version_current("2.000488")
    assert restored is not None
    assert version_snapshot(restored) == before


# --- management command --------------------------------------------------------------------------


def test_import_procedures_command(tmp_path: Path):
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(good_book().read())
    out = io.StringIO()
    call_command(
        "import_procedures", str(path), "--publish", "--valid-from", "2026-01-01", stdout=out
    )
    assert "1 thủ tục mới" in out.getvalue()
    version = procedure_version_current("1.001193")
    assert version is not None and str(version.valid_from) == "2026-01-01"

    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(b"khong phai excel")
    with pytest.raises(CommandError):
        call_command("import_procedures", str(bad))
    with pytest.raises(CommandError):
        call_command("import_procedures", str(tmp_path / "khong-co.xlsx"))
