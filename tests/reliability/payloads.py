"""Hostile (and a few honest) files, built byte by byte so that each one is exactly the attack
it claims to be: a zip bomb is a valid archive that really inflates to gigabytes, a pixel flood
is a valid PNG/JPEG header declaring 50 000 × 50 000 pixels, a PDF with JavaScript is a PDF a
reader would run, and so on. Nothing here needs a network or a tool outside the virtualenv."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------
# Zip archives written by hand (a bomb cannot be written with zipfile: it would inflate it)
# --------------------------------------------------------------------------------------------

_MIB = 1 << 20


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib's crc32_combine: the CRC-32 of A+B from crc(A), crc(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes = b""  # stored deflated as is
    # A bomb member: ``repeat`` MiB of ``fill`` bytes, deflated without ever being built.
    fill: bytes = b""
    repeat_mib: int = 0
    declared_size: int | None = None  # lie about the uncompressed size


def _deflated(member: Member) -> tuple[bytes, int, int]:
    """(raw deflate stream, uncompressed size, CRC-32)."""
    if not member.repeat_mib:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return (
            compressor.compress(member.data) + compressor.flush(),
            len(member.data),
            zlib.crc32(member.data),
        )
    chunk = member.fill * (_MIB // len(member.fill))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor starts afresh: every further MiB deflates to the very
    # same bytes, so the stream is one segment repeated (about 1 KiB per MiB of input).
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = segment * member.repeat_mib + compressor.flush()
    size = _MIB * member.repeat_mib
    crc, crc_len = zlib.crc32(chunk), _MIB
    total = 0
    count = member.repeat_mib
    # CRC of `count` chunks by doubling, never touching the gigabytes themselves.
    while count:
        if count & 1:
            total = crc32_combine(total, crc, crc_len)
        crc, crc_len = crc32_combine(crc, crc, crc_len), crc_len * 2
        count >>= 1
    return stream, size, total


def zip_archive(members: list[Member], *, prefix: bytes = b"") -> bytes:
    """A zip file (deflate) of ``members``, after ``prefix`` (offsets are absolute)."""
    out = io.BytesIO()
    out.write(prefix)
    central = []
    for member in members:
        stream, size, crc = _deflated(member)
        declared = member.declared_size if member.declared_size is not None else size
        name = member.name.encode("utf-8")
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3I2H",
                b"PK\x03\x04",
                20,
                0x800,
                8,
                0,
                0x21,
                crc,
                len(stream),
                declared,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(stream)
        central.append(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                8,
                0,
                0x21,
                crc,
                len(stream),
                declared,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(
        struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0)
    )
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _office(kind: str, extra: list[Member]) -> bytes:
    main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    return zip_archive(
        [
            Member("[Content_Types].xml", CONTENT_TYPES),
            Member("_rels/.rels", b"<Relationships/>"),
            Member(main, b"<document/>"),
            *extra,
        ]
    )


def docx() -> bytes:
    return _office("docx", [])


@functools.cache
def zip_bomb(kind: str = "docx", gib: int = 4) -> bytes:
    """A valid DOCX/XLSX of ~4 MB whose one part inflates to ``gib`` GiB (minus 1 MiB)."""
    part = "word/media/image1.bin" if kind == "docx" else "xl/worksheets/sheet1.xml"
    return _office(kind, [Member(part, fill=b" ", repeat_mib=gib * 1024 - 1)])


def zip_lying_sizes(kind: str = "docx") -> bytes:
    """A part that declares 100 bytes but inflates to 64 MiB."""
    part = "word/header1.xml" if kind == "docx" else "xl/sharedStrings.xml"
    return _office(kind, [Member(part, fill=b"A", repeat_mib=64, declared_size=100)])


def zip_slip(kind: str = "docx", name: str = "../../etc/passwd") -> bytes:
    return _office(kind, [Member(name, b"root:x:0:0:root:/root:/bin/bash\n")])


def zip_many_members(kind: str = "docx", count: int = 6000) -> bytes:
    return _office(kind, [Member(f"word/m{n}.xml", b"") for n in range(count)])


def xlsx_valid(rows: list[list[object]] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows or [["ma_dinh_danh", "ten"], ["000.00.00.H99", "Đơn vị thử"]]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_member(archive: bytes, name: str, data: bytes) -> bytes:
    """An honest archive (written by openpyxl, Word ...) with one more member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(name, data)
    return out.getvalue()


def ole_doc(*, macro: bool = False) -> bytes:
    """A Word 97-2003 file as ``filetype`` knows it (compound file, Word's FIB magic); with
    ``macro`` its directory names a VBA project, as Word writes for a document with macros."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    fib = b"\xec\xa5\xc1\x00" + b"\x00" * 508
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00")
    if macro:
        directory += "Macros".encode("utf-16-le").ljust(128, b"\x00")
        directory += "_VBA_PROJECT".encode("utf-16-le").ljust(128, b"\x00")
    return header + fib + directory.ljust(512, b"\x00")


# --------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2, *, extra: bytes = b"") -> bytes:
    """A valid RGB PNG header declaring ``width`` × ``height`` (pixel data only for tiny ones)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = (b"\x00" + b"\x00\x00\x00" * width) * height if width * height <= 64 else b"\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + (_png_chunk(b"tEXt", b"Comment\x00" + extra) if extra else b"")
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )


def jpeg(width: int = 8, height: int = 8, *, comment: bytes = b"") -> bytes:
    """SOI, JFIF APP0, an optional COM segment, a baseline frame header, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment if comment else b""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
    sof += b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + com + sof + b"\xff\xd9"


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def html_jpeg_polyglot() -> bytes:
    """A JPEG (right magic, a real frame header) whose comment is a page with a script."""
    return jpeg(comment=b"*/" + HTML + b"/*")


def html_png_polyglot() -> bytes:
    return png(extra=b"<html><body onload=alert(1)>")


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def pdf(catalog_extra: bytes = b"", *extra_objects: bytes) -> bytes:
    """A small valid PDF (correct xref) with one empty page. Objects 1-3 are the catalog, the
    page tree and the page; ``extra_objects`` are numbered from 4."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def pdf_js_open_action() -> bytes:
    return pdf(b"/OpenAction << /S /JavaScript /JS (app.alert('x');) >>")


def pdf_js_open_action_indirect() -> bytes:
    return pdf(b"/OpenAction 4 0 R", b"<< /Type /Action /S /JavaScript /JS 5 0 R >>", _js_stream())


def _js_stream() -> bytes:
    script = b"app.launchURL('http://192.0.2.1/');"
    return b"<< /Length %d >>\nstream\n" % len(script) + script + b"\nendstream"


def pdf_js_names_obfuscated() -> bytes:
    """A document-level script in the name tree, names written with #xx escapes."""
    return pdf(
        b"/Names << /J#61vaScript 4 0 R >>",
        b"<< /Names [(x) 5 0 R] >>",
        b"<< /S /J#61vaScript /J#53 (this.print();) >>",
    )


def pdf_page_aa_js() -> bytes:
    """Additional actions of the page (runs when the page opens)."""
    return pdf(b"/AA << /O << /S /JavaScript /JS (app.alert(1)) >> >>")


def pdf_launch() -> bytes:
    return pdf(b"/OpenAction << /S /Launch /F (C:\\\\Windows\\\\System32\\\\cmd.exe) >>")


def pdf_embedded_file() -> bytes:
    payload = b"MZ\x90\x00 a program"
    return pdf(
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
        b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream",
    )


def pdf_js_in_object_stream() -> bytes:
    """The script hidden in a compressed object stream (PDF 1.5+), as written by pydyf."""
    import pydyf

    document = pydyf.PDF()
    action = pydyf.Dictionary({"S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    document.add_object(action)
    document.catalog["OpenAction"] = action.reference
    page = pydyf.Dictionary(
        {"Type": "/Page", "Parent": document.pages.reference, "MediaBox": pydyf.Array([0, 0, 9, 9])}
    )
    document.add_object(page)
    document.pages["Kids"].append(page.reference)
    document.pages["Count"] += 1
    out = io.BytesIO()
    document.write(out, compress=True)
    return out.getvalue()


def pdf_benign_open_action() -> bytes:
    """An /OpenAction that only says where to open (LibreOffice writes these): accepted."""
    return pdf(b"/OpenAction [3 0 R /XYZ null null 0]")


def pdf_zip_polyglot() -> bytes:
    """A PDF that is also a zip archive (the archive appended after %%EOF)."""
    head = pdf()
    return zip_archive([Member("payload.html", HTML)], prefix=head)


def html_pdf_polyglot() -> bytes:
    return b"%PDF-1.7\n%" + HTML + b"\n" + pdf()[len(b"%PDF-1.7\n") :]


def weasyprint_pdf() -> bytes:
    """A real PDF rendered by the application's PDF engine (compressed object streams)."""
    from chinhquyen.core.pdf import render_pdf_html

    return render_pdf_html("<html><body><p>Tờ khai đăng ký khai sinh</p></body></html>")


# --------------------------------------------------------------------------------------------
# The catalogue of attacks used by the endpoint tests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    key: str
    filename: str
    build: object  # a callable returning the bytes
    kind: str  # the type it claims (and, by magic bytes, is): pdf, jpg, png, docx, xlsx
    message: str  # a fragment of the Vietnamese refusal when ``kind`` is accepted

    def content(self) -> bytes:
        return self.build()  # type: ignore[operator, no-any-return]


BOMB = "bom nén"
SLIP = "đường dẫn không an toàn"
FLOOD = "kích thước quá lớn"
POLY = "đa hình"
ACTIVE = "mã lệnh tự chạy"
TYPE = "định dạng"

HOSTILE: list[Hostile] = [
    Hostile("zip_bomb_docx", "don-de-nghi.docx", lambda: zip_bomb("docx"), "docx", BOMB),
    Hostile("zip_bomb_xlsx", "bang-ke.xlsx", lambda: zip_bomb("xlsx"), "xlsx", BOMB),
    Hostile("zip_lying_sizes", "don.docx", lambda: zip_lying_sizes("docx"), "docx", "bị hỏng"),
    Hostile("zip_slip_docx", "don.docx", lambda: zip_slip("docx"), "docx", SLIP),
    Hostile("zip_slip_xlsx", "bang.xlsx", lambda: zip_slip("xlsx"), "xlsx", SLIP),
    Hostile("pixel_flood_png", "anh.png", lambda: png(50_000, 50_000), "png", FLOOD),
    Hostile("pixel_flood_jpeg", "anh.jpg", lambda: jpeg(50_000, 50_000), "jpg", FLOOD),
    Hostile("html_as_jpg", "anh.jpg", lambda: HTML, "html", TYPE),
    Hostile("html_jpeg_polyglot", "anh.jpg", html_jpeg_polyglot, "jpg", POLY),
    Hostile("html_png_polyglot", "anh.png", html_png_polyglot, "png", POLY),
    Hostile("pdf_zip_polyglot", "to-khai.pdf", pdf_zip_polyglot, "pdf", POLY),
    Hostile("html_pdf_polyglot", "to-khai.pdf", html_pdf_polyglot, "pdf", POLY),
    Hostile("pdf_js_open_action", "to-khai.pdf", pdf_js_open_action, "pdf", ACTIVE),
    Hostile("pdf_js_indirect", "to-khai.pdf", pdf_js_open_action_indirect, "pdf", ACTIVE),
    Hostile("pdf_js_obfuscated", "to-khai.pdf", pdf_js_names_obfuscated, "pdf", ACTIVE),
    Hostile("pdf_page_aa_js", "to-khai.pdf", pdf_page_aa_js, "pdf", ACTIVE),
    Hostile("pdf_launch", "to-khai.pdf", pdf_launch, "pdf", ACTIVE),
    Hostile("pdf_embedded_file", "to-khai.pdf", pdf_embedded_file, "pdf", ACTIVE),
    Hostile("pdf_js_object_stream", "to-khai.pdf", pdf_js_in_object_stream, "pdf", ACTIVE),
]

HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "to\x00khai.pdf",
    "hoa-don\u202efdp.exe.pdf",
    "\u202egpj.exe",
]
