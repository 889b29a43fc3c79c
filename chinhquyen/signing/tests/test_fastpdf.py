"""The fast hex-string reader gives exactly what pyHanko's own reader gives."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from chinhquyen.signing import fastpdf


@pytest.mark.parametrize(
    "data",
    [
        b"<48656C6C6F> rest",
        b"<48 65 6c\n6c 6F>>",
        b"<4865F>",  # odd number of digits: a trailing 0 is implied
        b"<>",
        b"<" + b"A0" * 20000 + b"> trailing",  # longer than one read chunk
        b"<48 % a comment\n65>",  # comments are handed over to pyHanko's reader
    ],
)
def test_same_result_and_position_as_pyhanko(data):
    fast, slow = io.BytesIO(data), io.BytesIO(data)
    assert fastpdf.read_hex_string_from_stream(fast) == fastpdf._ORIGINAL(slow)
    assert fast.tell() == slow.tell()


@pytest.mark.parametrize("data", [b"<48XY>", b"<4865"])
def test_same_errors_as_pyhanko(data):
    with pytest.raises(PdfStreamError):
        fastpdf._ORIGINAL(io.BytesIO(data))
    with pytest.raises(PdfStreamError):
        fastpdf.read_hex_string_from_stream(io.BytesIO(data))


def test_installed_by_the_modules_that_read_pdfs():
    from chinhquyen.signing import services, verification  # noqa: F401

    assert generic.read_hex_string_from_stream is fastpdf.read_hex_string_from_stream
