"""Amounts in Vietnamese words, as printed on fee receipts ("Năm mươi nghìn đồng").

Conventions (the usual accounting style of receipts and invoices):

- digits: không, một, hai, ba, bốn, năm, sáu, bảy, tám, chín;
- 10 is "mười", 20–90 are "<digit> mươi"; after "mươi" a 1 is "mốt" (21: hai mươi mốt) and
  after "mười"/"mươi" a 5 is "lăm" (15: mười lăm, 25: hai mươi lăm); 4 stays "bốn";
- a zero tens digit before a unit is "linh" (105: một trăm linh năm);
- numbers are read in groups of three digits with the scales nghìn, triệu, tỷ; a group after
  the first with a zero hundreds digit still reads it ("không trăm": 1.005.000 is "một triệu
  không trăm linh năm nghìn"); groups that are all zeros are skipped (2.000.000.000 is "hai
  tỷ"); above 999 tỷ the tỷ scale repeats ("một nghìn tỷ").
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")
BILLION = 1_000_000_000


def _group(n: int, *, full: bool) -> list[str]:
    """Words of a 3-digit group 0..999; ``full`` reads the hundreds even when they are 0."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(n: int, *, leading: bool) -> list[str]:
    """Words of 0 < n < 10**9; ``leading`` is False when a higher scale was already read."""
    groups = [(n // 1_000_000) % 1000, (n // 1000) % 1000, n % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        first = leading and not words
        words += _group(group, full=not first)
        scale = SCALES[len(groups) - 1 - index]
        if scale:
            words.append(scale)
    return words


def _words(n: int, *, leading: bool) -> list[str]:
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        words = [*_words(high, leading=leading), "tỷ"]
        if low:
            words += _below_billion(low, leading=False)
        return words
    return _below_billion(n, leading=leading)


def number_in_words(n: int) -> str:
    """A non-negative integer in Vietnamese words, lower case: 1005 -> "một nghìn không trăm
    linh năm"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("number_in_words expects an int")
    if n < 0:
        raise ValueError("number_in_words expects a non-negative number")
    if n == 0:
        return DIGITS[0]
    return " ".join(_words(n, leading=True))


def vnd_in_words(amount: int) -> str:
    """An amount of Vietnamese đồng in words, capitalised: 50000 -> "Năm mươi nghìn đồng"."""
    text = f"{number_in_words(amount)} đồng"
    return text[0].upper() + text[1:]


def format_vnd(amount: int) -> str:
    """Figures with dots between thousands, as written in Vietnam: 1005000 -> "1.005.000"."""
    return f"{amount:,}".replace(",", ".")
