import datetime as dt
import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from chinhquyen.accounts.models import Role
from chinhquyen.orgs import tabular
from chinhquyen.orgs.models import Organisation
from chinhquyen.orgs.permissions import import_authorizer
from chinhquyen.orgs.services import organisations_export, organisations_import

from .factories import make_org
from .users import official as make_official

pytestmark = pytest.mark.django_db

HEADER = (
    "ma_dinh_danh,ten,ten_viet_tat,loai,ma_don_vi_cap_tren,ma_hanh_chinh,hieu_luc_tu,"
    "hieu_luc_den,dia_chi,dien_thoai,email"
)


def csv_file(*lines: str, header: str = HEADER, name: str = "co-quan.csv") -> io.BytesIO:
    data = io.BytesIO(("\n".join([header, *lines]) + "\n").encode("utf-8"))
    data.name = name
    return data


def xlsx_file(rows: list[list[object]], header: list[str] | None = None) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER.split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "co-quan.xlsx"
    return out


def org(code: str) -> Organisation:
    return Organisation.objects.select_related("parent").get(agency_code=code)


# --- CSV -----------------------------------------------------------------------------------


def test_csv_creates_a_tree_with_parents_later_in_the_file():
    result = organisations_import(
        actor=None,
        file=csv_file(
            "000.01.01.H99,Phòng Hành chính tư pháp,,unit,000.00.01.H99,,,,,,",
            '000.00.01.H99,Sở Tư pháp,STP,"Sở, ban, ngành",000.00.00.H99,,01/07/2025,,'
            '"Số 1, đường A",02293871234,stp@example.vn',
            "000.00.00.H99,UBND tỉnh Thử,,UBND tỉnh/thành phố,,37,,,,,",
        ),
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    root, dept, unit = org("000.00.00.H99"), org("000.00.01.H99"), org("000.01.01.H99")
    assert root.parent is None and root.administrative_code == "37"
    assert dept.parent == root and dept.kind == "department"
    assert dept.valid_from == dt.date(2025, 7, 1)
    assert (dept.address, dept.phone, dept.email) == (
        "Số 1, đường A",
        "02293871234",
        "stp@example.vn",
    )
    assert unit.parent == dept and unit.depth == 2
    assert unit.path == f"{dept.path}{unit.pk}/"


def test_csv_upserts_by_agency_code_and_moves(tree):
    result = organisations_import(
        actor=None,
        file=csv_file(
            f"{tree.own.agency_code},Phòng Hộ tịch,,Phòng, đơn vị trực thuộc,"
            f"{tree.branch.agency_code},,,,,,",
            header=HEADER,
        ),
    )
    # "Phòng, đơn vị trực thuộc" unquoted splits into two columns: the kind is wrong.
    assert not result.ok
    assert any(e.startswith("Dòng 2: loại “Phòng” không hợp lệ") for e in result.errors)

    result = organisations_import(
        actor=None,
        file=csv_file(
            f'{tree.own.agency_code},Phòng Hộ tịch,,"Phòng, đơn vị trực thuộc",'
            f"{tree.branch.agency_code},,2025-07-01,,,,",
            f"{tree.sibling.agency_code},{tree.sibling.name},,unit,{tree.parent.agency_code},,,,,,",
        ),
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    own = org(tree.own.agency_code)
    assert own.name == "Phòng Hộ tịch"
    assert own.parent == tree.branch
    assert own.valid_from == dt.date(2025, 7, 1)
    assert Organisation.objects.get(pk=tree.grandchild.pk).path.startswith(own.path)


def test_semicolon_csv_with_vietnamese_headers_and_bom():
    content = (
        "\ufeffMã định danh;Tên;Loại;Mã đơn vị cấp trên;Hiệu lực từ\n"
        "000.00.00.H98;UBND tỉnh Khác;provincial_committee;;1/1/2020\n"
    ).encode()
    result = organisations_import(actor=None, file=io.BytesIO(content))
    assert result.ok, result.errors
    assert org("000.00.00.H98").valid_from == dt.date(2020, 1, 1)


def test_row_errors_are_reported_in_vietnamese_and_nothing_is_saved(tree):
    before = Organisation.objects.count()
    logs = LogEntry.objects.count()
    result = organisations_import(
        actor=None,
        file=csv_file(
            "000.00.50.H99,Đơn vị tốt,,unit,,,,,,,",  # line 2: fine on its own
            "000.00.5x.H99,Mã sai,,unit,,,,,,,",  # line 3
            ",Thiếu mã,,unit,,,,,,,",  # line 4
            "000.00.51.H99,,,unit,,,,,,,",  # line 5: no name
            "000.00.52.H99,Loại sai,,ban,,,,,,,",  # line 6
            "000.00.53.H99,Ngày sai,,unit,,,31/02/2025,,,,",  # line 7
            "000.00.54.H99,Ngày ngược,,unit,,,02/01/2025,01/01/2025,,,",  # line 8
            "000.00.55.H99,Không có cấp trên,,unit,000.99.99.H99,,,,,,",  # line 9
            "000.00.50.H99,Trùng mã,,unit,,,,,,,",  # line 10
            "000.00.56.H99,Thư sai,,unit,,,,,,,khong-phai-email",  # line 11
        ),
    )
    assert not result.ok
    assert result.created == result.updated == 0
    text = "\n".join(result.errors)
    assert "Dòng 3: mã định danh “000.00.5x.H99” không hợp lệ" in text
    assert "Dòng 4: thiếu mã định danh" in text
    assert "Dòng 5: thiếu tên" in text
    assert "Dòng 6: loại “ban” không hợp lệ" in text
    assert "Dòng 7: ngày “31/02/2025” ở cột hieu_luc_tu không hợp lệ" in text
    assert "Dòng 8: ngày hết hiệu lực trước ngày bắt đầu hiệu lực" in text
    assert "Dòng 9: không tìm thấy đơn vị cấp trên có mã “000.99.99.H99”" in text
    assert "Dòng 10: mã định danh “000.00.50.H99” trùng với dòng 2" in text
    assert "Dòng 11: thư điện tử" in text
    assert Organisation.objects.count() == before
    assert LogEntry.objects.count() == logs


def test_all_or_nothing_when_a_late_row_fails_in_the_database(tree):
    """Rows before the failing one were written inside the transaction: all are undone."""
    before = Organisation.objects.count()
    result = organisations_import(
        actor=None,
        file=csv_file(
            "000.00.60.H99,Mới 1,,unit,,,,,,,",
            "000.00.61.H99,Mới 2,,unit,000.00.60.H99,,,,,,",
            # moving the parent below its own child: only detectable against the database
            f"{tree.own.agency_code},{tree.own.name},,unit,{tree.grandchild.agency_code},,,,,,",
        ),
    )
    assert not result.ok
    assert any(e.startswith("Dòng 4:") and "chính nó" in e for e in result.errors)
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(agency_code="000.00.60.H99").exists()
    assert Organisation.objects.get(pk=tree.own.pk).parent_id == tree.parent.pk


def test_cycle_inside_the_file_is_reported():
    result = organisations_import(
        actor=None,
        file=csv_file(
            "000.00.70.H99,A,,unit,000.00.71.H99,,,,,,",
            "000.00.71.H99,B,,unit,000.00.70.H99,,,,,,",
            "000.00.72.H99,C,,unit,000.00.71.H99,,,,,,",
        ),
    )
    assert not result.ok
    assert any(e.startswith("Dòng 2: vòng lặp") for e in result.errors)
    assert any(e.startswith("Dòng 3: vòng lặp") for e in result.errors)
    assert any(e.startswith("Dòng 4: đơn vị cấp trên") for e in result.errors)
    assert not Organisation.objects.filter(agency_code__startswith="000.00.7").exists()


def test_missing_required_column():
    result = organisations_import(actor=None, file=csv_file("X,Y", header="ten,dia_chi"))
    assert result.errors and result.errors[0].startswith("Thiếu cột bắt buộc: ma_dinh_danh, loai")


def test_authorize_callback_limits_rows_to_the_scope(tree):
    admin = make_official(tree.own, Role.IT_ADMIN)
    result = organisations_import(
        actor=admin,
        file=csv_file(
            f"000.00.80.H99,Trong phạm vi,,unit,{tree.child.agency_code},,,,,,",
            "000.00.81.H99,Dưới đơn vị mới,,unit,000.00.80.H99,,,,,,",
            f"000.00.82.H99,Ngoài phạm vi,,unit,{tree.sibling.agency_code},,,,,,",
            f"{tree.parent.agency_code},Đổi tên cấp trên,,department,{tree.root.agency_code},,,,,,",
            "000.00.83.H99,Cấp cao nhất,,unit,,,,,,,",
        ),
        authorize=import_authorizer(admin),
    )
    assert not result.ok
    text = "\n".join(result.errors)
    assert "Dòng 2" not in text and "Dòng 3" not in text
    assert "Dòng 4: bạn không có quyền đặt đơn vị vào “Phòng Bổ trợ tư pháp”" in text
    assert "Dòng 5: bạn không có quyền sửa đơn vị “Sở Tư pháp”" in text
    assert "Dòng 6: bạn không có quyền đặt đơn vị vào cấp cao nhất" in text
    assert not Organisation.objects.filter(agency_code="000.00.80.H99").exists()

    ok = organisations_import(
        actor=admin,
        file=csv_file(
            f"000.00.80.H99,Trong phạm vi,,unit,{tree.child.agency_code},,,,,,",
            "000.00.81.H99,Dưới đơn vị mới,,unit,000.00.80.H99,,,,,,",
        ),
        authorize=import_authorizer(admin),
    )
    assert ok.ok, ok.errors
    assert ok.created == 2
    entry = LogEntry.objects.get_for_object(org("000.00.81.H99")).get()
    assert entry.actor == admin


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_import_with_dates_and_numbers():
    result = organisations_import(
        actor=None,
        file=xlsx_file(
            [
                ["000.01.00.H97", "Phòng một", None, "unit", "000.00.00.H97", 14329, None, None],
                [
                    "000.00.00.H97",
                    "UBND tỉnh Excel",
                    "UBND",
                    "UBND tỉnh/thành phố",
                    None,
                    "37",
                    dt.datetime(2025, 7, 1),
                    None,
                    None,
                    "0229 3871 234",
                    None,
                ],
            ]
        ),
    )
    assert result.ok, result.errors
    assert result.created == 2
    root = org("000.00.00.H97")
    assert root.valid_from == dt.date(2025, 7, 1)
    assert root.short_name == "UBND"
    assert org("000.01.00.H97").administrative_code == "14329"
    assert org("000.01.00.H97").parent == root


def test_xlsx_errors_name_the_spreadsheet_row():
    result = organisations_import(
        actor=None,
        file=xlsx_file([["000.00.00.H97", "A", None, "unit"], ["bad", "B", None, "unit"]]),
    )
    assert result.errors == ["Dòng 3: mã định danh “bad” không hợp lệ (ví dụ đúng: 000.00.01.H56)."]


def test_export_round_trips(tree):
    organisation_close_day = dt.date(2025, 6, 30)
    Organisation.objects.filter(pk=tree.other.pk).update(
        valid_to=organisation_close_day, email="x@example.vn", phone="0229"
    )
    orgs = Organisation.objects.select_related("parent").order_by("path")
    content = organisations_export(orgs=orgs)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(tabular.COLUMNS)
    assert len(rows) == 1 + orgs.count()
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[tree.other.agency_code][3] == "Phòng, đơn vị trực thuộc"
    assert by_code[tree.other.agency_code][4] == tree.branch.agency_code
    assert by_code[tree.other.agency_code][7] == dt.datetime(2025, 6, 30)
    assert by_code[tree.other.agency_code][9] == "0229"  # text, leading zero kept

    # Re-importing the export changes nothing...
    result = organisations_import(actor=None, file=io.BytesIO(content))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, orgs.count())

    # ...and into an empty database rebuilds the same tree.
    snapshot = {
        o.agency_code: (o.name, o.kind, o.parent.agency_code if o.parent else "", o.valid_to)
        for o in orgs
    }
    Organisation.objects.update(parent=None)
    Organisation.objects.all().delete()
    result = organisations_import(actor=None, file=io.BytesIO(content))
    assert result.ok and result.created == len(snapshot)
    rebuilt = {
        o.agency_code: (o.name, o.kind, o.parent.agency_code if o.parent else "", o.valid_to)
        for o in Organisation.objects.select_related("parent")
    }
    assert rebuilt == snapshot


def test_export_neutralises_formulas(tree):
    Organisation.objects.filter(pk=tree.own.pk).update(name='=HYPERLINK("http://x","y")')
    content = organisations_export(orgs=Organisation.objects.filter(pk=tree.own.pk))
    cell = load_workbook(io.BytesIO(content)).active["B2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'


# --- hostile files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "không phải CSV hoặc Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải CSV hoặc Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel cũ (.xls)"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "không phải CSV hoặc Excel"),
        (b"ma_dinh_danh,ten,loai\n\x00\x01\x02", "không phải CSV hoặc Excel"),
        (b"", "Tệp rỗng"),
        (b"<html><body>hello</body></html>", "Thiếu cột bắt buộc"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_rejected_by_content(content, fragment):
    # The name says .csv; only the content counts.
    upload = SimpleUploadedFile("danh-sach.csv", content, content_type="text/csv")
    result = organisations_import(actor=None, file=upload)
    assert not result.ok
    assert fragment in result.errors[0]
    assert not Organisation.objects.exists()


def test_zip_that_is_not_a_workbook_is_rejected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = organisations_import(actor=None, file=io.BytesIO(out.getvalue()))
    assert result.errors == [tabular._not_tabular()]


def test_zip_bomb_is_rejected_before_parsing(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 1024)
    content = xlsx_file([["000.00.00.H97", "A" * 5000, None, "unit"]]).getvalue()
    result = organisations_import(actor=None, file=io.BytesIO(content))
    assert result.errors == ["Tệp Excel quá lớn khi giải nén."]


def test_oversize_file_is_rejected():
    big = SimpleUploadedFile("lon.csv", b"a" * (tabular.MAX_FILE_BYTES + 1))
    result = organisations_import(actor=None, file=big)
    assert result.errors == ["Tệp quá lớn: tối đa 5 MB."]
    # Also without a declared size (a plain stream is read up to the limit only).
    result = organisations_import(actor=None, file=io.BytesIO(b"a" * (tabular.MAX_FILE_BYTES + 1)))
    assert result.errors == ["Tệp quá lớn: tối đa 5 MB."]


def test_too_many_rows_is_rejected(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    lines = [f"000.00.{n:02d}.H96,Đơn vị {n},,unit,,,,,,," for n in range(1, 5)]
    result = organisations_import(actor=None, file=csv_file(*lines))
    assert result.errors == ["Tệp có quá nhiều dòng: tối đa 3 dòng dữ liệu."]
    assert not Organisation.objects.exists()


def test_twenty_thousand_rows_is_the_limit():
    assert tabular.MAX_ROWS == 20_000
    assert tabular.MAX_FILE_BYTES == 5 * 1024 * 1024
    lines = ["000.00.01.H96,Đơn vị,,unit,,,,,,,"] * 20_001
    result = organisations_import(actor=None, file=csv_file(*lines))
    assert result.errors == ["Tệp có quá nhiều dòng: tối đa 20.000 dòng dữ liệu."]


def test_header_only_file():
    result = organisations_import(actor=None, file=csv_file())
    assert result.errors == ["Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề)."]


def test_existing_org_used_as_parent(tree):
    make_org("Khác", parent=tree.root, agency_code="000.00.90.H99")
    result = organisations_import(
        actor=None, file=csv_file("000.01.90.H99,Phòng,,unit,000.00.90.H99,,,,,,")
    )
    assert result.ok
    assert org("000.01.90.H99").parent.agency_code == "000.00.90.H99"


def test_unit_created_under_a_unit_whose_ancestor_moved_in_the_same_file(tree):
    """The child's parent (tree.child) is loaded before its ancestor (tree.own) moves: the
    new unit must get the parent's new path."""
    result = organisations_import(
        actor=None,
        file=csv_file(
            f"{tree.own.agency_code},{tree.own.name},,unit,{tree.branch.agency_code},,,,,,",
            f"000.05.05.H99,Tổ mới,,unit,{tree.child.agency_code},,,,,,",
        ),
    )
    assert result.ok, result.errors
    new = org("000.05.05.H99")
    child = Organisation.objects.get(pk=tree.child.pk)
    assert child.path.startswith(tree.branch.path)
    assert new.path == f"{child.path}{new.pk}/"
    assert new.depth == child.depth + 1
    for unit in Organisation.objects.select_related("parent"):
        expected = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
        assert unit.path == expected
