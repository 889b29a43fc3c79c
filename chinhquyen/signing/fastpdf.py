"""A faster hex-string reader for pyHanko's PDF parser.

pyHanko reads ``<...>`` hex strings one character at a time in Python. A signature's
/Contents is such a string of several thousand characters, so reading it dominated the time
to verify a signature. ``install()`` replaces the reader with one that finds the closing ``>``
with a single search and decodes with ``binascii``; whenever the string holds anything but
hex digits and whitespace (a comment, a bad character, a missing ``>``) it hands over to
pyHanko's original reader, so results and errors stay exactly the same.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

from pyhanko.pdf_utils import generic

_ORIGINAL = generic.read_hex_string_from_stream
_HEX_AND_SPACE = re.compile(rb"[0-9A-Fa-f\x00\t\n\x0c\r ]*")
_SPACE = b"\x00\t\n\x0c\r "
_CHUNK = 16384


def read_hex_string_from_stream(stream: Any) -> Any:
    start = stream.tell()
    stream.read(1)  # the opening "<"
    collected = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            collected += chunk[:end]
            break
        collected += chunk
        if not chunk or len(chunk) < _CHUNK:
            stream.seek(start)
            return _ORIGINAL(stream)
    if _HEX_AND_SPACE.fullmatch(collected) is None:
        stream.seek(start)
        return _ORIGINAL(stream)
    stream.seek(start + 1 + len(collected) + 1)
    digits = bytes(collected).translate(None, _SPACE)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install() -> None:
    generic.read_hex_string_from_stream = read_hex_string_from_stream
