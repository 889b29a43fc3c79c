"""Blank form templates: checked by content and size; served as attachments."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.catalog import services
from chinhquyen.catalog.validators import validate_paper_template
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org

from .factories import make_version

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_pdf_and_docx_templates_are_accepted():
    validate_paper_template(SimpleUploadedFile("to-khai.pdf", PDF))
    validate_paper_template(SimpleUploadedFile("to-khai.docx", docx_bytes()))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("to-khai.pdf", b"<html><script>alert(1)</script></html>", "kiểm tra theo nội dung"),
        ("to-khai.docx", b"MZ\x90\x00" + b"\x00" * 100, "kiểm tra theo nội dung"),
        ("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "kiểm tra theo nội dung"),
        ("to-khai.docx", PDF, "không khớp với nội dung"),
        ("rong.pdf", b"", "Tệp rỗng"),
    ],
)
def test_hostile_templates_are_rejected(name, content, message):
    with pytest.raises(ValidationError) as exc:
        validate_paper_template(SimpleUploadedFile(name, content))
    assert message in exc.value.messages[0]


def test_oversize_template_is_rejected():
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        validate_paper_template(big)
    assert exc.value.messages == ["Tệp vượt quá dung lượng cho phép (10 MB)."]


def test_service_refuses_a_disguised_template():
    version = make_version(publish=False)
    with pytest.raises(ValidationError):
        services.paper_add(
            actor=None,
            version=version,
            name="Tờ khai",
            template=SimpleUploadedFile("to-khai.pdf", b"#!/bin/sh\nrm -rf /\n"),
        )
    assert version.papers.count() == 1  # only the factory's paper


@pytest.fixture
def with_template():
    version = make_version(papers=[], publish=False, code="1.001193")
    paper = services.paper_add(
        actor=None,
        version=version,
        name="Tờ khai đăng ký khai sinh",
        original_count=1,
        template=SimpleUploadedFile('../../Tờ khai "khai sinh".pdf', PDF),
    )
    return version, paper


def test_download_is_an_attachment_with_nosniff(client, with_template):
    version, paper = with_template
    url = reverse("catalog:paper_template", args=["1.001193", paper.pk])
    assert client.get(url).status_code == 404  # the draft's papers are not public yet
    services.version_publish(actor=None, version=version)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".." not in disposition and "/" not in disposition.split("filename")[1]
    assert b"".join(response.streaming_content) == PDF
    assert paper.template.name.startswith("catalog/mau-giay-to/")  # random stored name


def test_download_of_a_draft_template_for_managers(client, with_template):
    _version, paper = with_template
    province = make_org("UBND tỉnh", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    admin = make_official(province, Role.IT_ADMIN, totp=True)
    client.force_login(admin)
    url = reverse("catalog:paper_template", args=["1.001193", paper.pk])
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("catalog:paper_template", args=["1.000000", paper.pk])).status_code
        == 404
    )


def test_new_draft_shares_the_stored_template(with_template):
    version, paper = with_template
    services.version_publish(actor=None, version=version)
    draft = services.version_create_draft(actor=None, procedure=version.procedure)
    copied = draft.papers.get()
    assert copied.template.name == paper.template.name
    assert copied.template_name == paper.template_name
    services.paper_update(actor=None, paper=copied, data={"template": None})
    copied.refresh_from_db()
    paper.refresh_from_db()
    assert not copied.template and paper.template  # the published one keeps its file
