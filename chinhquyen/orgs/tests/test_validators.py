import pytest
from django.core.exceptions import ValidationError

from chinhquyen.orgs.validators import validate_agency_code


@pytest.mark.parametrize(
    "code",
    [
        "000.00.01.H56",  # a department of a province
        "000.17.22.H56",  # a level-3 unit
        "000.00.00.G01",  # a ministry (level-1 body)
        "000.00.00.H42",
        "A01.B2.C3.H01",  # letters are allowed in levels 2-4
        "12345678.12345678.12345678.H01",  # widest levels: 30 characters
    ],
)
def test_valid_agency_codes(code):
    validate_agency_code(code)  # does not raise


def test_empty_code_is_allowed():
    validate_agency_code("")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("000.00.01.h56", "chữ in hoa"),  # lower case
        ("000.00.01.H5", "mã cấp 1"),  # level 1 too short
        ("000.00.01.5H6", "mã cấp 1"),  # level 1 must start with a letter
        ("000.01.H56", "4 cấp"),  # three levels
        ("000.00.00.01.H56", "4 cấp"),  # five levels
        ("000.00.01.H56" + ".00" * 8, "35 ký tự"),  # too long (37 characters)
        ("000.00-01.H56", "chữ in hoa"),  # bad character
        ("000.00.01.H56 ", "chữ in hoa"),  # trailing space
        ("000.Đ0.01.H56", "chữ in hoa"),  # Vietnamese letter
        ("0.00.01.H56", "từ 2 đến 8"),  # level 4 too short
        ("000.123456789.01.H56", "từ 2 đến 8"),  # level 3 too long
        ("000..01.H56", "từ 2 đến 8"),  # empty level
    ],
)
def test_invalid_agency_codes(code, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_agency_code(code)
    message = exc.value.messages[0]
    assert message.startswith("Mã định danh không hợp lệ")
    assert fragment in message
    assert exc.value.error_list[0].code == "invalid_agency_code"
