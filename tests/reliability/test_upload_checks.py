"""The shared content checks (``chinhquyen.core.uploads``) and every app's file checker: each
attack is refused with its Vietnamese message, honest files are still accepted, and nothing is
inflated, decoded or parsed before the refusal."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.catalog import validators as catalog_validators
from chinhquyen.core import uploads
from chinhquyen.core.api import DomainError
from chinhquyen.documents import files as document_files
from chinhquyen.dossiers import files as dossier_files
from chinhquyen.orgs import tabular

from . import payloads as p

ATTACKS = [h for h in p.HOSTILE if h.kind != "html"]


def _refusal(call: Any) -> str:
    with pytest.raises((DomainError, ValidationError, tabular.TabularError)) as exc:
        call()
    error = exc.value
    if isinstance(error, DomainError):
        return str(error.detail)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.message


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda h: h.key)
def test_every_app_refuses_the_attack(attack: p.Hostile) -> None:
    content = attack.content()
    upload = SimpleUploadedFile(attack.filename, content)
    checks: list[tuple[str, Any]] = [
        ("core", lambda: uploads.check_content(content, attack.kind)),
        ("dossiers", lambda: dossier_files.check_upload(upload)),
        (
            "documents",
            lambda: document_files.check_upload(content, allowed=document_files.INCOMING_TYPES),
        ),
    ]
    if attack.kind in catalog_validators.PAPER_TEMPLATE_TYPES:
        checks.append(("catalog", lambda: catalog_validators.validate_paper_template(upload)))
    if attack.kind == "xlsx":
        checks.append(("catalog import", lambda: catalog_validators.validate_xlsx_upload(upload)))
        checks.append(("orgs import", lambda: tabular.read_sheet(content)))
    for app, call in checks:
        message = _refusal(call)
        expected = attack.message
        if app == "orgs import" and attack.key == "zip_bomb_xlsx":
            expected = "quá lớn khi giải nén"
        assert expected in message, (app, message)


@pytest.mark.parametrize(
    ("kind", "build"),
    [
        ("pdf", p.pdf),
        ("pdf", p.pdf_benign_open_action),  # only a destination: LibreOffice writes these
        ("pdf", p.weasyprint_pdf),  # compressed object streams, read through pypdf
        ("docx", p.docx),
        ("xlsx", p.xlsx_valid),
        ("png", p.png),
        ("jpg", p.jpeg),
        ("png", lambda: p.png(7016, 9921)),  # an A3 page scanned at 600 dpi
    ],
)
def test_honest_files_pass(kind: str, build: Any) -> None:
    content = build()
    uploads.check_content(content, kind)
    checked = dossier_files.check_upload(SimpleUploadedFile(f"tep.{kind}", content))
    assert checked.extension == kind


def test_a_signed_pdf_still_passes() -> None:
    """PDFs signed with pyHanko (an incremental update after the original) are accepted."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from chinhquyen.signing import pki

    ca = pki.make_ca("CA kiểm thử tải lên")
    pair = pki.issue_certificate(ca, common_name="Sở Tư pháp", organisation="UBND tỉnh")
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.pkcs12_bytes(pair, passphrase="", chain=[ca.certificate]), other_certs=[]
    )
    assert signer is not None
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(p.weasyprint_pdf()))
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Chu_ky"), signer, output=out)
    signed = out.getvalue()
    uploads.check_content(signed, "pdf")
    assert document_files.check_upload(signed, allowed={"pdf"}).extension == "pdf"


def test_zip_bomb_is_refused_before_any_member_is_inflated(monkeypatch) -> None:
    def no_inflating(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    for kind in ("docx", "xlsx"):
        with pytest.raises(DomainError) as exc:
            uploads.check_archive(p.zip_bomb(kind), kind=kind)
        assert exc.value.error_code == "zip_bomb"


def test_the_bomb_is_real() -> None:
    """The payload is a valid archive declaring gigabytes, not a broken file."""
    with zipfile.ZipFile(io.BytesIO(p.zip_bomb("docx"))) as archive:
        declared = sum(info.file_size for info in archive.infolist())
        with archive.open("word/media/image1.bin") as member:
            assert member.read(1 << 20) == b" " * (1 << 20)
    assert declared > 4 * 10**9
    assert len(p.zip_bomb("docx")) < 5 * 1024 * 1024


def test_imports_never_hand_a_bomb_to_openpyxl(monkeypatch) -> None:
    import openpyxl

    from chinhquyen.catalog import excel

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened the file")

    # the importers take load_workbook from openpyxl when they run (lazy import)
    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    for build in (p.zip_bomb, p.zip_slip, p.zip_lying_sizes):
        content = build("xlsx")
        with pytest.raises(ValidationError):
            excel.import_catalog(SimpleUploadedFile("dm.xlsx", content), actor=None)
        with pytest.raises(tabular.TabularError):
            tabular.read_sheet(content)


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: p.zip_lying_sizes("docx"), "damaged_file"),
        (lambda: p.zip_many_members("docx"), "archive_too_many_members"),
        (lambda: p.zip_slip("docx", "/etc/cron.d/x"), "archive_unsafe_path"),
        (lambda: p.zip_slip("docx", "C:/Windows/win.ini"), "archive_unsafe_path"),
        (lambda: p.zip_slip("docx", "word\\..\\..\\x"), "archive_unsafe_path"),
        (lambda: p.zip_slip("docx", "word/a\x00.xml"), "archive_unsafe_path"),
        (lambda: p.zip_slip("docx", "word/document.xml"), "archive_duplicate_member"),
        (lambda: p.with_member(p.xlsx_valid(), "xl/vbaProject.bin", b"x"), "archive_macro"),
        (lambda: p.zip_archive([p.Member("word/document.xml", b"<d/>")]), "damaged_file"),
        (lambda: p.docx()[:-30], "damaged_file"),
    ],
)
def test_archive_checks(build: Any, code: str) -> None:
    content = build()
    kind = "xlsx" if b"xl/" in content else "docx"
    with pytest.raises(DomainError) as exc:
        uploads.check_archive(content, kind=kind)
    assert exc.value.error_code == code
    assert exc.value.status_code == 400


def test_macros_in_old_office_files_are_refused() -> None:
    honest = dossier_files.check_upload(SimpleUploadedFile("don.doc", p.ole_doc()))
    assert honest.extension == "doc"
    macro = p.ole_doc(macro=True)
    checks = [
        lambda: dossier_files.check_upload(SimpleUploadedFile("don.doc", macro)),
        lambda: document_files.check_upload(macro, allowed=document_files.INCOMING_TYPES),
        lambda: catalog_validators.validate_paper_template(SimpleUploadedFile("mau.doc", macro)),
    ]
    for check in checks:
        assert "chứa macro" in _refusal(check)


@pytest.mark.parametrize(
    ("content", "size"),
    [
        (p.png(50_000, 50_000), (50_000, 50_000)),
        (p.jpeg(640, 480), (640, 480)),
        (p.jpeg(640, 480, comment=b"a" * 5000), (640, 480)),  # a long segment first
        (p.jpeg(65_535, 65_535).replace(b"\xff\xc0", b"\xff\xc2"), (65_535, 65_535)),  # progressive
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20, None),  # no frame header
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDX" + b"\x00" * 20, None),
    ],
)
def test_image_size_from_the_header(content: bytes, size: tuple[int, int] | None) -> None:
    kind = "png" if content.startswith(b"\x89PNG") else "jpg"
    assert uploads.image_size(content, kind) == size


def test_pixel_flood_is_never_decoded(monkeypatch) -> None:
    from PIL import Image

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(Image, "open", forbidden)
    with pytest.raises(DomainError) as exc:
        uploads.check_content(p.png(50_000, 50_000), "png")
    assert exc.value.error_code == "image_too_large"


def test_a_pdf_with_a_user_password_is_refused() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(p.weasyprint_pdf())))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DomainError) as exc:
        uploads.check_content(out.getvalue(), "pdf")
    assert exc.value.error_code == "pdf_encrypted"
    assert "mật khẩu" in str(exc.value.detail)


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", p.HOSTILE_NAMES)
def test_every_sanitiser_neutralises_hostile_names(raw: str) -> None:
    from chinhquyen.catalog.views import _download_name

    names = [
        uploads.sanitize_filename(raw),
        dossier_files.sanitize_filename(raw),
        document_files.sanitize_filename(raw, "pdf"),
        _download_name(raw, "mau.pdf"),
    ]
    for name in names:
        assert name and not {"/", "\\", "\x00", "\u202e"} & set(name), name
        assert not name.startswith(".")


@pytest.mark.django_db
def test_catalogue_template_names_are_sanitised_when_stored() -> None:
    from chinhquyen.catalog import services
    from chinhquyen.catalog.tests.factories import make_version

    version = make_version("Thủ tục có mẫu", papers=[], publish=False)
    paper = services.paper_add(
        actor=None,
        version=version,
        name="Tờ khai",
        template=SimpleUploadedFile("../../mau\u202efdp.exe.pdf", p.pdf()),
    )
    assert paper.template_name == "maufdp.exe.pdf"
    assert paper.template.name.startswith("catalog/mau-giay-to/")
