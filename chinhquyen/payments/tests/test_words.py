import pytest

from chinhquyen.payments.words import format_vnd, number_in_words, vnd_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (1_000, "Một nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (11, "Mười một đồng"),
        (25, "Hai mươi lăm đồng"),
        (24, "Hai mươi bốn đồng"),
        (110, "Một trăm mười đồng"),
        (1_010, "Một nghìn không trăm mười đồng"),
        (150_500, "Một trăm năm mươi nghìn năm trăm đồng"),
        (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (
            12_345_678_901,
            "Mười hai tỷ ba trăm bốn mươi lăm triệu sáu trăm bảy mươi tám nghìn chín trăm linh "
            "một đồng",
        ),
    ],
)
def test_vnd_in_words(amount: int, words: str) -> None:
    assert vnd_in_words(amount) == words


def test_number_in_words_is_lower_case() -> None:
    assert number_in_words(21) == "hai mươi mốt"


@pytest.mark.parametrize("bad", [-1, 1.5, True, "5"])
def test_number_in_words_refuses_what_is_not_a_non_negative_int(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        number_in_words(bad)  # type: ignore[arg-type]


def test_format_vnd_uses_dots_between_thousands() -> None:
    assert format_vnd(1_005_000) == "1.005.000"
    assert format_vnd(500) == "500"
