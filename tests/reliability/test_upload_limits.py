"""Oversize files, too many files, hostile file names sent verbatim over HTTP, and stored files
always downloaded as attachments (never served inline)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from . import payloads as p
from .conftest import client_for, post_multipart, refusal_problems, snapshot

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def _submit_fields(w: Any, files: list[tuple[str, bytes]], key: str | None = None) -> list:
    version = w.versions["province"]
    paper = version.papers.get(required=True)
    fields: list[tuple[str, Any]] = [
        ("procedure", version.procedure.code),
        ("form_data", json.dumps({"ho_ten": "Nguyễn Văn An", "so_luong": 1})),
    ]
    fields += [(f"paper_{paper.pk}", item) for item in files]
    return fields


def _api_submit(w: Any, files: list[tuple[str, bytes]]) -> Any:
    return post_multipart(
        client_for(w.users["citizen"]),
        "/api/v1/my/dossiers/",
        _submit_fields(w, files),
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )


def _html_submit(w: Any, files: list[tuple[str, bytes]]) -> Any:
    version = w.versions["province"]
    paper = version.papers.get(required=True)
    fields: list[tuple[str, Any]] = [
        ("idempotency_key", uuid.uuid4().hex),
        ("bm-ho_ten", "Nguyễn Văn An"),
        ("bm-so_luong", "1"),
        ("nguoi_nop-name", "Nguyễn Văn An"),
        ("nguoi_nop-phone", "0987654321"),
    ]
    fields += [(f"giay_to_{paper.pk}", item) for item in files]
    url = reverse("dossiers:submit", args=[version.procedure.code])
    return post_multipart(client_for(w.users["citizen"]), url, fields)


def _refused(send: Any, fragment: str) -> None:
    before = snapshot()
    response = send()
    problems = refusal_problems(response, fragment) + before.changes(snapshot())
    assert not problems, problems


def _big_pdf(size: int) -> bytes:
    head = p.pdf()
    return head + b"%" + b"0" * (size - len(head) - 1)


# --------------------------------------------------------------------------------------------
# Oversize
# --------------------------------------------------------------------------------------------


def test_oversize_files_are_refused_everywhere(dossier_world: Any, settings, monkeypatch) -> None:
    w = dossier_world
    settings.DOSSIER_MAX_UPLOAD_BYTES = MIB
    big = [("to-khai.pdf", _big_pdf(MIB + 1))]
    limit = "vượt quá dung lượng cho phép (1 MB)"
    _refused(lambda: _api_submit(w, big), limit)
    _refused(lambda: _html_submit(w, big), limit)

    admin = w.users["it_admin"]
    manager = client_for(admin)
    catalog = [("file", ("dm.xlsx", b"PK\x03\x04" + b"\x00" * (10 * MIB)))]
    _refused(lambda: post_multipart(manager, reverse("catalog:import"), catalog), "10 MB")
    orgs = [("file", ("co-quan.csv", b"ma_dinh_danh,ten\n" + b"x" * (5 * MIB)))]
    _refused(lambda: post_multipart(manager, "/api/v1/organisations/import/", orgs), "5 MB")
    _refused(lambda: post_multipart(manager, reverse("orgs:import"), orgs), "5 MB")

    from chinhquyen.signing import forms as signing_forms

    monkeypatch.setattr(signing_forms, "VERIFY_MAX_BYTES", MIB)
    verify = [("file", ("van-ban.pdf", _big_pdf(MIB + 1)))]
    _refused(lambda: post_multipart(Client(), "/api/v1/signing/verify/", verify), "quá lớn")
    _refused(lambda: post_multipart(Client(), reverse("signing:verify"), verify), "quá lớn")


def test_oversize_document_files_are_refused(doc_world: Any, settings) -> None:
    from chinhquyen.documents.tests.helpers import doc_type

    settings.DOCUMENTS_MAX_UPLOAD_MB = 1
    clerk = client_for(doc_world.clerk)
    fields = [
        ("summary", "Về việc báo cáo"),
        ("sender_name", "Bộ Tư pháp"),
        ("document_type", str(doc_type().pk)),
        ("files", ("bc.pdf", _big_pdf(MIB + 1))),
    ]
    _refused(
        lambda: post_multipart(clerk, "/api/v1/documents/incoming/", fields),
        "vượt quá dung lượng cho phép (1 MB)",
    )


# --------------------------------------------------------------------------------------------
# Too many files
# --------------------------------------------------------------------------------------------


def test_too_many_files_in_one_request(dossier_world: Any, settings) -> None:
    w = dossier_world
    many = [(f"{n}.pdf", p.pdf()) for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    _refused(lambda: _api_submit(w, many), "quá nhiều tệp")
    _refused(lambda: _html_submit(w, many), "Yêu cầu không hợp lệ")  # the Vietnamese 400 page
    settings.DOSSIER_MAX_FILES = 3
    _refused(lambda: _api_submit(w, many[:4]), "tối đa 3 tệp")
    _refused(lambda: _html_submit(w, many[:4]), "tối đa 3 tệp")


def test_too_many_document_files(doc_world: Any, settings) -> None:
    from chinhquyen.documents.tests.helpers import doc_type

    clerk = client_for(doc_world.clerk)
    head = [
        ("summary", "Về việc báo cáo"),
        ("sender_name", "Bộ Tư pháp"),
        ("document_type", str(doc_type().pk)),
    ]
    eleven = [("files", (f"{n}.pdf", p.pdf())) for n in range(11)]
    _refused(lambda: post_multipart(clerk, "/api/v1/documents/incoming/", head + eleven), "10")
    too_many = [("files", (f"{n}.pdf", p.pdf())) for n in range(21)]
    response = post_multipart(clerk, "/api/v1/documents/incoming/", head + too_many)
    assert response.status_code == 400  # a structured API error, not the HTML error page
    assert response.json()["error"]["code"] == "too_many_parts"
    assert "quá nhiều tệp" in response.json()["error"]["message"]
    html = [
        ("organisation", str(doc_world.justice.pk)),
        ("sender_name", "Bộ Tư pháp"),
        ("summary", "Về việc báo cáo"),
        ("urgency", "normal"),
        ("secrecy", "normal"),
    ]
    uploads = [("uploads", item[1]) for item in eleven]
    url = reverse("documents:incoming_register")
    _refused(lambda: post_multipart(clerk, url, html + uploads), "Tối đa 10 tệp mỗi lần")


# --------------------------------------------------------------------------------------------
# Hostile names, sent verbatim
# --------------------------------------------------------------------------------------------


def _assert_clean_name(name: str) -> None:
    assert name and not {"/", "\\", "\x00", "\u202e", "\u202d"} & set(name), repr(name)
    assert ".." not in name and not name.startswith("."), repr(name)


def _assert_attachment(response: Any, *, expected_type: str | None = None) -> None:
    assert response.status_code == 200, response.status_code
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment"), disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Type"].startswith(("text/html", "image/svg"))
    if expected_type:
        assert response["Content-Type"] == expected_type
    _assert_clean_name(disposition.split("filename", 1)[1])


@pytest.mark.parametrize("raw", p.HOSTILE_NAMES)
def test_hostile_names_are_neutralised(dossier_world: Any, raw: str) -> None:
    from chinhquyen.dossiers.models import Dossier

    w = dossier_world
    response = _api_submit(w, [(raw, p.pdf())])
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(pk=response.json()["dossier"]["id"])
    attachment = dossier.attachments.get()
    _assert_clean_name(attachment.original_name)
    assert attachment.original_name.endswith(".pdf")
    assert ".." not in attachment.file.name and attachment.file.name.startswith("ho-so/")
    url = f"/api/v1/my/dossiers/{dossier.pk}/attachments/{attachment.pk}/download/"
    _assert_attachment(client_for(w.users["citizen"]).get(url), expected_type="application/pdf")


# --------------------------------------------------------------------------------------------
# Downloads are attachments
# --------------------------------------------------------------------------------------------


def test_dossier_files_are_downloaded_as_attachments(dossier_world: Any) -> None:
    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.tests import scenarios
    from chinhquyen.dossiers.tests.factories import pdf

    w = dossier_world
    d = scenarios.processing(w)
    attachment = services.dossier_attach_file(
        actor=w.users["spec"],
        dossier=d,
        upload=services.Upload(file=pdf("anh.png", p.png())),
    )
    assert attachment.content_type == "image/png"
    d = services.dossier_step_complete(actor=w.users["spec"], dossier=d)
    d = services.dossier_submit_for_approval(actor=w.users["head"], dossier=d)
    result = services.dossier_attach_result(actor=w.users["leader"], dossier=d, file=pdf("kq.pdf"))
    services.dossier_approve(actor=w.users["leader"], dossier=d)
    citizen, officer = client_for(w.users["citizen"]), client_for(w.users["desk_centre"])
    # (the applicant's own uploads: test_hostile_names_are_neutralised)
    urls = [
        (citizen, f"/api/v1/my/dossiers/{d.pk}/results/{result.pk}/download/"),
        (officer, f"/api/v1/dossiers/{d.pk}/attachments/{attachment.pk}/download/"),
        (officer, f"/api/v1/dossiers/{d.pk}/results/{result.pk}/download/"),
        (officer, reverse("dossiers:attachment_download", args=[d.pk, attachment.pk])),
        (citizen, reverse("dossiers:result_download", args=[d.pk, result.pk])),
    ]
    for client, url in urls:
        response = client.get(url)
        _assert_attachment(response)
        assert "sandbox" in response["Content-Security-Policy"]
    # the public lookup hands the result out the same way
    pin = services.dossier_reset_pin(actor=w.users["desk_centre"], dossier=d)
    anonymous = Client()
    anonymous.post(reverse("dossiers:lookup"), {"code": d.code, "pin": pin})
    _assert_attachment(anonymous.get(reverse("dossiers:lookup_result", args=[d.code, result.pk])))


def test_document_and_template_files_are_downloaded_as_attachments(doc_world: Any) -> None:
    from chinhquyen.catalog import services as catalog_services
    from chinhquyen.catalog.tests.factories import make_version
    from chinhquyen.documents.tests.helpers import issued, register, sample_pdf

    w = doc_world
    incoming = register(w, uploads=[pdf_upload("../cong-van\u202efdp.pdf", sample_pdf())])
    row = incoming.files.get()
    _assert_clean_name(row.name)
    clerk = client_for(w.clerk)
    _assert_attachment(clerk.get(reverse("documents:incoming_file", args=[incoming.pk, row.pk])))
    _assert_attachment(clerk.get(f"/api/v1/documents/incoming/{incoming.pk}/files/{row.pk}/"))
    outgoing = issued(w, upload=pdf_upload("du-thao.docx", p.docx()), body="")
    _assert_attachment(
        client_for(w.specialist).get(
            reverse("documents:outgoing_file", args=[outgoing.pk, "du-thao"])
        )
    )

    version = make_version("Thủ tục có mẫu tải về", papers=[], code="9.000777", publish=False)
    paper = catalog_services.paper_add(
        actor=None, version=version, name="Tờ khai", template=pdf_upload("mau.docx", p.docx())
    )
    catalog_services.version_publish(actor=None, version=version)
    response = Client().get(reverse("catalog:paper_template", args=["9.000777", paper.pk]))
    _assert_attachment(response)


def pdf_upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
