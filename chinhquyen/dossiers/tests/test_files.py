"""Uploaded files: judged by content, stored under random names, hostile names neutralised."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.api import DomainError
from chinhquyen.dossiers import files, services
from chinhquyen.dossiers.models import AttachmentKind, DossierAttachment

from . import scenarios as sc
from .factories import PDF, PNG, World, pdf


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../x.pdf", "x.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("/etc/passwd", "passwd"),
        ("to\x00khai.pdf", "tokhai.pdf"),
        ("hoa-don\u202efdp.exe", "hoa-donfdp.exe"),
        ("a\u200bb\u2066c.pdf", "abc.pdf"),
        ("  Tờ khai   đăng ký.pdf ", "Tờ khai đăng ký.pdf"),
        ('<script>"x".pdf', "_script__x_.pdf"),
        ("", "tep-dinh-kem.bin"),
        ("...", "tep-dinh-kem.bin"),
    ],
)
def test_sanitize_filename(raw: str, expected: str) -> None:
    assert files.sanitize_filename(raw) == expected


def test_long_names_keep_their_extension() -> None:
    name = files.sanitize_filename("a" * 500 + ".pdf")
    assert len(name) == files.MAX_NAME_LENGTH and name.endswith(".pdf")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_detection_by_content() -> None:
    assert files.check_upload(upload("x.pdf", PDF)).content_type == "application/pdf"
    png = files.check_upload(upload("anh.png", PNG))
    assert png.content_type == "image/png" and png.name == "anh.png"
    docx = files.check_upload(upload("don.docx", _docx()))
    assert docx.extension == "docx"
    # a name that lies about the type gets the detected extension
    assert files.check_upload(upload("anh.jpg", PNG)).name == "anh.png"
    assert files.check_upload(upload("hoa-don\u202efdp.exe", PDF)).name == "hoa-donfdp.pdf"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",  # HTML disguised as PDF
        b"<?xml version='1.0'?><svg onload='alert(1)'/>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"#!/bin/sh\nrm -rf /\n",
        b"PK\x03\x04" + b"\x00" * 40,  # a bare ZIP archive
        b" %PDF-1.4 after a space",
    ],
)
def test_refused_content(content: bytes) -> None:
    with pytest.raises(DomainError) as exc:
        files.check_upload(upload("x.pdf", content))
    assert exc.value.error_code == "invalid_file_type"
    assert "theo nội dung tệp" in str(exc.value.detail)


def test_empty_and_oversize(settings) -> None:
    with pytest.raises(DomainError) as exc:
        files.check_upload(upload("x.pdf", b""))
    assert exc.value.error_code == "empty_file"
    settings.DOSSIER_MAX_UPLOAD_BYTES = 1024 * 1024
    with pytest.raises(DomainError) as exc:
        files.check_upload(upload("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert exc.value.error_code == "file_too_large"
    assert "1 MB" in str(exc.value.detail)


@pytest.mark.django_db
def test_stored_under_a_random_name(world: World) -> None:
    d = sc.transferred(world)
    attachment = services.dossier_attach_file(
        actor=world.users["spec"],
        dossier=d,
        upload=services.Upload(file=upload("../../etc/cron.d/x.pdf", PDF)),
    )
    assert attachment.original_name == "x.pdf"
    assert attachment.file.name.startswith("ho-so/")
    assert "x.pdf" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    assert attachment.kind == AttachmentKind.OTHER
    assert attachment.uploaded_by == world.users["spec"]
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.django_db
def test_file_count_limit(world: World, settings) -> None:
    settings.DOSSIER_MAX_FILES = 2
    d = sc.transferred(world)
    for n in range(2):
        services.dossier_attach_file(
            actor=world.users["spec"], dossier=d, upload=services.Upload(file=pdf(f"{n}.pdf"))
        )
    with pytest.raises(DomainError) as exc:
        services.dossier_attach_file(
            actor=world.users["spec"], dossier=d, upload=services.Upload(file=pdf("3.pdf"))
        )
    assert exc.value.error_code == "too_many_files"
    assert DossierAttachment.objects.filter(dossier=d).count() == 2


@pytest.mark.django_db
def test_online_submission_with_too_many_files(world: World, settings) -> None:
    settings.DOSSIER_MAX_FILES = 1
    version = world.versions["province"]
    paper = version.papers.get(required=True)
    with pytest.raises(DomainError) as exc:
        services.dossier_submit_online(
            actor=world.users["citizen"],
            procedure=version,
            form_data={"ho_ten": "Nguyễn Văn An"},
            uploads=[services.Upload(file=pdf(), paper_id=paper.pk) for _ in range(2)],
        )
    assert exc.value.error_code == "too_many_files"


@pytest.mark.django_db
def test_who_may_attach_files(world: World) -> None:
    d = sc.transferred(world)
    for outsider in ("spec_dept2", "desk_commune", "clerk"):
        with pytest.raises(DomainError) as exc:
            services.dossier_attach_file(
                actor=world.users[outsider], dossier=d, upload=services.Upload(file=pdf())
            )
        assert exc.value.status_code == 403
    returned = sc.returned(world)
    with pytest.raises(DomainError):
        services.dossier_attach_file(
            actor=world.users["desk_centre"], dossier=returned, upload=services.Upload(file=pdf())
        )
