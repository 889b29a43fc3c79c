"""JSON Schema applicant forms: schema checks, HTML rendering, parsing, Vietnamese errors."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from chinhquyen.catalog.demo_forms import SCHEMAS
from chinhquyen.catalog.forms_schema import (
    SchemaForm,
    describe_data,
    parse_form_data,
    schema_problems,
    validate_data,
)
from chinhquyen.catalog.validators import validate_form_schema

SCHEMA = {
    "type": "object",
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 2, "maxLength": 10},
        "email": {"type": "string", "title": "Thư điện tử", "format": "email"},
        "ngay_sinh": {"type": "string", "title": "Ngày sinh", "format": "date"},
        "so_dinh_danh": {
            "type": "string",
            "title": "Số định danh",
            "pattern": "^[0-9]{12}$",
            "x-pattern-message": "Gồm đúng 12 chữ số.",
        },
        "so_con": {"type": "integer", "title": "Số con", "minimum": 0, "maximum": 20},
        "dien_tich": {"type": "number", "title": "Diện tích", "exclusiveMinimum": 0},
        "gioi_tinh": {
            "type": "string",
            "title": "Giới tính",
            "enum": ["nam", "nu"],
            "x-enum-titles": ["Nam", "Nữ"],
        },
        "dong_y": {"type": "boolean", "title": "Tôi cam đoan", "const": True},
        "dia_chi": {
            "type": "object",
            "title": "Địa chỉ",
            "description": "Nơi cư trú hiện tại",
            "properties": {
                "tinh": {"type": "string", "title": "Tỉnh"},
                "xa": {"type": "string", "title": "Xã"},
            },
            "required": ["tinh"],
        },
    },
    "required": ["ho_ten", "ngay_sinh", "gioi_tinh", "dong_y"],
}


def post(**values: str) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[f"bm-{key}"] = value
    return data


# --- schema checks --------------------------------------------------------------------------


def test_demo_schemas_and_the_test_schema_are_usable():
    assert schema_problems(SCHEMA) == []
    for name, schema in SCHEMAS.items():
        assert schema_problems(schema) == [], name
    assert schema_problems({}) == []


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ({"type": "object", "properties": {"a": {"type": "strin"}}}, "JSON Schema không hợp lệ"),
        ({"type": "array", "items": {}}, '"type": "object"'),
        ({"type": "object", "properties": {"a b": {"type": "string"}}}, "Tên trường «a b»"),
        ({"type": "object", "properties": {"a": {"type": "array"}}}, "chưa được hỗ trợ"),
        ({"type": "object", "properties": {"a": {"title": "A"}}}, "kiểu dữ liệu"),
        (
            {"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}},
            "định dạng «uri»",
        ),
        ({"type": "object", "properties": {}, "required": ["x"]}, "chưa được khai báo"),
        ("không phải đối tượng", "đối tượng JSON Schema"),
    ],
)
def test_bad_schemas_are_explained(schema, fragment):
    problems = schema_problems(schema)
    assert problems and fragment in " ".join(problems)
    with pytest.raises(ValidationError):
        validate_form_schema(schema)


# --- validation messages ---------------------------------------------------------------------


def test_vietnamese_messages_keyed_by_field():
    errors = validate_data(
        SCHEMA,
        {
            "ho_ten": "A",
            "email": "khong-phai-email",
            "ngay_sinh": "2024-02-30",
            "so_dinh_danh": "123",
            "so_con": 21,
            "dien_tich": 0,
            "gioi_tinh": "khac",
            "dong_y": False,
            "dia_chi": {"xa": "Gia Viễn"},
        },
    )
    assert errors == {
        "ho_ten": ["Phải có ít nhất 2 ký tự."],
        "email": ["Địa chỉ thư điện tử không hợp lệ."],
        "ngay_sinh": ["Ngày không hợp lệ."],
        "so_dinh_danh": ["Gồm đúng 12 chữ số."],
        "so_con": ["Phải nhỏ hơn hoặc bằng 20."],
        "dien_tich": ["Phải lớn hơn 0."],
        "gioi_tinh": ["Vui lòng chọn một giá trị trong danh sách."],
        "dong_y": ["Vui lòng đánh dấu ô này để tiếp tục."],
        "dia_chi.tinh": ["Thông tin bắt buộc, vui lòng nhập."],
    }


def test_required_type_and_length_messages():
    errors = validate_data(SCHEMA, {"ho_ten": "Nguyễn Văn Anh Tuấn", "so_con": "hai"})
    assert errors["ho_ten"] == ["Không được quá 10 ký tự."]
    assert errors["so_con"] == ["Giá trị phải là số nguyên."]
    for key in ("ngay_sinh", "gioi_tinh", "dong_y"):
        assert errors[key] == ["Thông tin bắt buộc, vui lòng nhập."]
    assert validate_data(SCHEMA, ["không phải đối tượng"]) == {
        "__all__": ["Giá trị phải là nhóm thông tin."]
    }


def test_large_numbers_use_vietnamese_grouping():
    schema = {"type": "object", "properties": {"von": {"type": "integer", "minimum": 1000000}}}
    assert validate_data(schema, {"von": 5}) == {"von": ["Phải lớn hơn hoặc bằng 1.000.000."]}


def test_valid_data_has_no_errors():
    data = {
        "ho_ten": "Lê Thị B",
        "ngay_sinh": "2024-02-29",
        "gioi_tinh": "nu",
        "dong_y": True,
        "dia_chi": {"tinh": "Ninh Bình"},
    }
    assert validate_data(SCHEMA, data) == {}
    assert validate_data({}, {}) == {}
    assert validate_data({}, {"x": 1}) == {"__all__": ["Thủ tục này không có biểu mẫu điện tử."]}


# --- parsing posted strings -------------------------------------------------------------------


def test_parse_converts_types_and_reports_conversion_errors():
    data, errors = parse_form_data(
        SCHEMA,
        post(
            ho_ten="  Lê Văn C ",
            so_con="3",
            dien_tich="12,5",
            gioi_tinh="nam",
            dong_y="on",
            dia_chi__tinh="Ninh Bình",
        ),
    )
    assert errors == {}
    assert data == {
        "ho_ten": "Lê Văn C",
        "so_con": 3,
        "dien_tich": 12.5,
        "gioi_tinh": "nam",
        "dong_y": True,
        "dia_chi": {"tinh": "Ninh Bình"},
    }
    _, errors = parse_form_data(SCHEMA, post(so_con="1.5", dien_tich="abc", gioi_tinh="x"))
    assert errors == {
        "so_con": ["Giá trị phải là số nguyên."],
        "dien_tich": ["Giá trị phải là số."],
        "gioi_tinh": ["Vui lòng chọn một giá trị trong danh sách."],
    }


def test_schema_form_round_trip():
    form = SchemaForm(
        SCHEMA,
        post(ho_ten="Lê Văn C", ngay_sinh="2020-05-01", gioi_tinh="nam", dong_y="on"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["ngay_sinh"] == "2020-05-01"
    assert "dia_chi" not in form.cleaned_data  # an empty optional group is left out

    bad = SchemaForm(SCHEMA, post(ho_ten="Lê Văn C", so_con="x"))
    assert not bad.is_valid()
    assert bad.cleaned_data == {}
    assert bad.errors["so_con"] == ["Giá trị phải là số nguyên."]
    unbound = SchemaForm(SCHEMA)
    assert not unbound.is_valid()
    assert unbound.errors == {}


# --- HTML --------------------------------------------------------------------------------------


def test_render_widgets_labels_and_required_marks():
    html = str(SchemaForm(SCHEMA).render())
    assert '<label class="form-label fw-semibold" for="id_bm-ho_ten">Họ và tên' in html
    assert 'name="bm-ho_ten"' in html and 'maxlength="10"' in html and 'minlength="2"' in html
    assert 'type="email"' in html and 'type="date"' in html
    assert re.search(r'type="number"[^>]*name="bm-so_con"[^>]*step="1" min="0" max="20"', html)
    assert '<select class="form-select" name="bm-gioi_tinh"' in html
    assert '<option value="nu">Nữ</option>' in html
    assert 'type="checkbox"' in html and 'name="bm-dong_y"' in html
    assert '<fieldset class="border rounded p-3 mb-3" id="id_bm-dia_chi"' in html
    assert 'name="bm-dia_chi__tinh"' in html
    assert 'id="id_bm-dia_chi_helptext">Nơi cư trú hiện tại</div>' in html
    assert html.count('class="required-mark"') >= 4
    # No inline script, style or event handler.
    assert "<script" not in html and "style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_render_errors_values_and_escaping():
    form = SchemaForm(SCHEMA, post(ho_ten='<b>"x"</b>', so_con="99", gioi_tinh="nu"))
    assert not form.is_valid()
    html = str(form.render())
    assert "Vui lòng kiểm tra lại các ô được đánh dấu" in html
    assert 'value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in html
    assert "<b>" not in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_bm-so_con_error"' in html and "Phải nhỏ hơn hoặc bằng 20." in html
    assert '<option value="nu" selected>Nữ</option>' in html


def test_render_initial_data_and_titles_are_escaped():
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "title": "<script>alert(1)</script>"}},
    }
    html = str(SchemaForm(schema, initial={"a": "giá trị"}).render())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'value="giá trị"' in html


def test_describe_data_for_receipts():
    rows = describe_data(
        SCHEMA,
        {
            "ho_ten": "Lê C",
            "ngay_sinh": "2020-05-01",
            "gioi_tinh": "nu",
            "dong_y": True,
            "so_con": 1200,
            "dia_chi": {"tinh": "Ninh Bình"},
        },
    )
    assert rows == [
        ("Họ và tên", "Lê C"),
        ("Ngày sinh", "01/05/2020"),
        ("Số con", "1.200"),
        ("Giới tính", "Nữ"),
        ("Tôi cam đoan", "Có"),
        ("Địa chỉ — Tỉnh", "Ninh Bình"),
    ]


def test_group_legend_carries_the_required_mark_unescaped():
    schema = {
        "type": "object",
        "properties": {
            "nhom": {
                "type": "object",
                "title": "Người yêu cầu",
                "properties": {"ten": {"type": "string", "title": "Tên"}},
            }
        },
        "required": ["nhom"],
    }
    html = str(SchemaForm(schema).render())
    assert (
        '<legend class="fs-6 fw-semibold">Người yêu cầu <span class="required-mark" '
        'aria-hidden="true">*</span></legend>'
    ) in html
    assert "&lt;span" not in html
    assert '<legend class="fs-6 fw-semibold">Địa chỉ</legend>' in str(SchemaForm(SCHEMA).render())
