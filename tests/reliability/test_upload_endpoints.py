"""Hostile uploads against every upload endpoint, HTML and API.

One endpoint per app and kind of check receives every attack of ``payloads.HOSTILE``; the
others (which call the very same checks) one attack per family: the answer is a refusal with a
Vietnamese
message naming the problem when the endpoint accepts that type of file, never a 5xx, and
nothing is half-saved (no row in any app that stores files, no file in MEDIA_ROOT)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from . import payloads as p
from .conftest import client_for, post_multipart, refusal_problems, snapshot

pytestmark = pytest.mark.django_db

ALL_TYPES = frozenset({"pdf", "jpg", "png", "docx", "xlsx", "doc", "xls"})
# One attack per family, for endpoints that share their checks with a fully tested one.
SAMPLE = [
    "zip_bomb_docx",
    "zip_slip_xlsx",
    "pixel_flood_png",
    "html_jpeg_polyglot",
    "pdf_js_object_stream",
]


@dataclass
class Endpoint:
    name: str
    send: Callable[[str, bytes], Any]  # (file name, content) -> response
    accepts: frozenset[str]
    wrong_type: str | None = "định dạng"  # fragment of the answer to a type it does not take
    full: bool = False  # every attack (else the SAMPLE)
    # the fragment expected for an accepted type, when not the attack's own message
    accepted_answer: str | None = None
    special: dict[str, str] = field(default_factory=dict)  # attack key -> expected fragment


def _expected(endpoint: Endpoint, attack: p.Hostile) -> str | None:
    if attack.key in endpoint.special:
        return endpoint.special[attack.key]
    if attack.kind not in endpoint.accepts:
        return endpoint.wrong_type
    return endpoint.accepted_answer or attack.message


def _run(endpoints: list[Endpoint]) -> None:
    failures: list[str] = []
    for endpoint in endpoints:
        attacks = [h for h in p.HOSTILE if endpoint.full or h.key in SAMPLE]
        started = time.perf_counter()
        for attack in attacks:
            before = snapshot()
            response = endpoint.send(attack.filename, attack.content())
            problems = refusal_problems(response, _expected(endpoint, attack))
            problems += before.changes(snapshot())
            if problems:
                failures.append(f"{endpoint.name} × {attack.key}: {'; '.join(problems)}")
        print(f"{endpoint.name}: {len(attacks)} tệp, {time.perf_counter() - started:.2f} s")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------------------------
# One-stop shop
# --------------------------------------------------------------------------------------------


def _dossier_endpoints(w: Any) -> list[Endpoint]:
    from chinhquyen.dossiers.tests import scenarios

    version = w.versions["province"]
    code = version.procedure.code
    paper = version.papers.get(required=True)
    citizen = client_for(w.users["citizen"])
    desk = client_for(w.users["desk_centre"])
    leader = client_for(w.users["leader"])
    spec = client_for(w.users["spec"])
    to_supplement = scenarios.supplement_requested(w)
    transferred = scenarios.transferred(w)
    awaiting = scenarios.awaiting_approval(w)
    form = json.dumps({"ho_ten": "Nguyễn Văn An", "so_luong": 1})
    api = "/api/v1"

    def api_submit(name: str, content: bytes) -> Any:
        fields = [("procedure", code), ("form_data", form), (f"paper_{paper.pk}", (name, content))]
        return post_multipart(
            citizen, f"{api}/my/dossiers/", fields, HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )

    def api_supplement(name: str, content: bytes) -> Any:
        url = f"{api}/my/dossiers/{to_supplement.pk}/supplement/"
        return post_multipart(citizen, url, [("note", "Bổ sung"), ("files", (name, content))])

    def api_counter(name: str, content: bytes) -> Any:
        fields = [
            ("procedure", code),
            ("applicant", json.dumps({"name": "Hoàng Văn Em", "phone": "0912345678"})),
            ("papers", json.dumps([{"paper_id": paper.pk, "original": 1}])),
            (f"paper_{paper.pk}", (name, content)),
        ]
        return post_multipart(desk, f"{api}/dossiers/counter-intake/", fields)

    def api_attachment(name: str, content: bytes) -> Any:
        url = f"{api}/dossiers/{transferred.pk}/attachments/"
        return post_multipart(spec, url, [("file", (name, content))])

    def api_result(name: str, content: bytes) -> Any:
        url = f"{api}/dossiers/{awaiting.pk}/actions/attach_result/"
        return post_multipart(leader, url, [("name", "Phiếu LLTP"), ("file", (name, content))])

    def api_supplement_answer(name: str, content: bytes) -> Any:
        url = f"{api}/dossiers/{to_supplement.pk}/actions/supplement_answer/"
        return post_multipart(desk, url, [("files", (name, content))])

    def html_submit(name: str, content: bytes) -> Any:
        fields = [
            ("idempotency_key", uuid.uuid4().hex),
            ("bm-ho_ten", "Nguyễn Văn An"),
            ("bm-so_luong", "1"),
            ("nguoi_nop-name", "Nguyễn Văn An"),
            ("nguoi_nop-phone", "0987654321"),
            (f"giay_to_{paper.pk}", (name, content)),
        ]
        return post_multipart(citizen, reverse("dossiers:submit", args=[code]), fields)

    def html_supplement(name: str, content: bytes) -> Any:
        url = reverse("dossiers:my_supplement", args=[to_supplement.pk])
        return post_multipart(citizen, url, [("note", "Bổ sung"), ("tep", (name, content))])

    def html_counter(name: str, content: bytes) -> Any:
        fields: list[tuple[str, Any]] = [
            ("thu_tuc", code),
            ("idempotency_key", uuid.uuid4().hex),
            ("channel", "1"),
            ("set_count", "1"),
            ("receiving", str(w.orgs["centre"].pk)),
            ("nguoi_nop-name", "Phạm Thị Dung"),
            ("nguoi_nop-phone", "0912345678"),
        ]
        for row in version.papers.order_by("order", "pk"):
            original = "1" if row.pk == paper.pk else "0"
            fields += [(f"gt{row.pk}-original", original), (f"gt{row.pk}-certified_copy", "0")]
            fields += [(f"gt{row.pk}-photocopy", "0")]
        fields.append((f"gt{paper.pk}-scan", (name, content)))
        return post_multipart(desk, reverse("dossiers:counter_intake"), fields)

    def html_result(name: str, content: bytes) -> Any:
        url = reverse("dossiers:action", args=[awaiting.pk, "attach_result"])
        fields = [("attach_result-name", "Phiếu LLTP"), ("attach_result-file", (name, content))]
        return post_multipart(leader, url, fields)

    def html_supplement_answer(name: str, content: bytes) -> Any:
        url = reverse("dossiers:action", args=[to_supplement.pk, "supplement_answer"])
        return post_multipart(desk, url, [("supplement_answer-files", (name, content))])

    return [
        Endpoint("API nộp hồ sơ trực tuyến", api_submit, ALL_TYPES, full=True),
        Endpoint("API nộp bổ sung (người nộp)", api_supplement, ALL_TYPES),
        Endpoint("API tiếp nhận tại quầy", api_counter, ALL_TYPES),
        Endpoint("API đính kèm tệp (cán bộ)", api_attachment, ALL_TYPES),
        Endpoint("API đính kèm kết quả", api_result, ALL_TYPES),
        Endpoint("API ghi nhận bổ sung (một cửa)", api_supplement_answer, ALL_TYPES),
        Endpoint("trang nộp hồ sơ", html_submit, ALL_TYPES),
        Endpoint("trang nộp bổ sung", html_supplement, ALL_TYPES),
        Endpoint("trang tiếp nhận tại quầy", html_counter, ALL_TYPES),
        Endpoint("trang đính kèm kết quả", html_result, ALL_TYPES),
        Endpoint("trang ghi nhận bổ sung", html_supplement_answer, ALL_TYPES),
    ]


def test_dossier_upload_endpoints_refuse_hostile_files(dossier_world: Any) -> None:
    _run(_dossier_endpoints(dossier_world))


# --------------------------------------------------------------------------------------------
# Official documents
# --------------------------------------------------------------------------------------------


def _document_endpoints(w: Any) -> list[Endpoint]:
    from chinhquyen.documents.tests.helpers import doc_type, issued, register

    clerk = client_for(w.clerk)
    specialist = client_for(w.specialist)
    incoming = register(w)
    outgoing = issued(w)
    base = "/api/v1/documents"

    def api_incoming(name: str, content: bytes) -> Any:
        fields = [
            ("summary", "Về việc báo cáo công tác cải cách hành chính"),
            ("sender_name", "Bộ Tư pháp"),
            ("document_type", str(doc_type().pk)),
            ("files", (name, content)),
        ]
        return post_multipart(clerk, f"{base}/incoming/", fields)

    def api_outgoing(name: str, content: bytes) -> Any:
        fields = [
            ("drafting_unit", str(w.admin_unit.pk)),
            ("document_type", str(doc_type("Quyết định").pk)),
            ("summary", "Về việc cử cán bộ tham dự tập huấn"),
            ("file", (name, content)),
        ]
        return post_multipart(specialist, f"{base}/outgoing/", fields)

    def api_pdf(name: str, content: bytes) -> Any:
        return post_multipart(
            clerk, f"{base}/outgoing/{outgoing.pk}/pdf/", [("file", (name, content))]
        )

    def html_incoming(name: str, content: bytes) -> Any:
        fields = [
            ("organisation", str(w.justice.pk)),
            ("sender_name", "Bộ Tư pháp"),
            ("summary", "Về việc báo cáo công tác cải cách hành chính"),
            ("urgency", "normal"),
            ("secrecy", "normal"),
            ("uploads", (name, content)),
        ]
        return post_multipart(clerk, reverse("documents:incoming_register"), fields)

    def html_incoming_file(name: str, content: bytes) -> Any:
        url = reverse("documents:incoming_action", args=[incoming.pk, "file"])
        return post_multipart(clerk, url, [("file", (name, content))])

    def html_outgoing(name: str, content: bytes) -> Any:
        fields = [
            ("drafting_unit", str(w.admin_unit.pk)),
            ("document_type", str(doc_type("Quyết định").pk)),
            ("summary", "Về việc cử cán bộ tham dự tập huấn"),
            ("urgency", "normal"),
            ("secrecy", "normal"),
            ("file", (name, content)),
        ]
        return post_multipart(specialist, reverse("documents:outgoing_create"), fields)

    def html_pdf(name: str, content: bytes) -> Any:
        url = reverse("documents:outgoing_action", args=[outgoing.pk, "pdf"])
        return post_multipart(clerk, url, [("file", (name, content))])

    drafts = frozenset({"pdf", "docx"})
    return [
        Endpoint("API vào sổ văn bản đến", api_incoming, ALL_TYPES, full=True),
        Endpoint("API soạn văn bản đi", api_outgoing, drafts),
        Endpoint("API tải bản PDF để ký", api_pdf, frozenset({"pdf"})),
        Endpoint("trang vào sổ văn bản đến", html_incoming, ALL_TYPES),
        Endpoint("trang thêm tệp văn bản đến", html_incoming_file, ALL_TYPES),
        Endpoint("trang soạn văn bản đi", html_outgoing, drafts),
        Endpoint("trang tải bản PDF để ký", html_pdf, frozenset({"pdf"})),
    ]


def test_document_upload_endpoints_refuse_hostile_files(doc_world: Any) -> None:
    _run(_document_endpoints(doc_world))


# --------------------------------------------------------------------------------------------
# Catalogue, organisations, signature verification
# --------------------------------------------------------------------------------------------


def _admin_version_post(version: Any) -> list[tuple[str, Any]]:
    """The change form of a draft version in the Django admin, as the browser posts it."""
    fields: list[tuple[str, Any]] = [
        ("name", version.name),
        ("competent_all_communes", "on"),
        ("processing_time", "3"),
        ("processing_time_unit", "working_days"),
        ("online_level", "3"),
        ("result_type", "other"),
        ("form_schema", "{}"),
    ]
    fields += [(k, "") for k in ("competent_description", "processing_time_note", "result_name")]
    fields += [(k, "") for k in ("applicants", "description", "conditions")]
    fields += [(k, "") for k in ("implementing_steps", "legal_basis")]
    groups = (
        ("fees", list(version.fees.all()), ["order", "kind", "case_description", "amount", "note"]),
        (
            "papers",
            list(version.papers.all()),
            ["order", "name", "original_count", "certified_copy_count", "photocopy_count", "note"],
        ),
        ("steps", list(version.steps.all()), ["order", "name", "allotted_hours"]),
    )
    for prefix, rows, names in groups:
        fields += [(f"{prefix}-TOTAL_FORMS", str(len(rows))), (f"{prefix}-MIN_NUM_FORMS", "0")]
        fields += [(f"{prefix}-INITIAL_FORMS", str(len(rows))), (f"{prefix}-MAX_NUM_FORMS", "9")]
        for i, row in enumerate(rows):
            fields += [
                (f"{prefix}-{i}-id", str(row.pk)),
                (f"{prefix}-{i}-version", str(version.pk)),
            ]
            fields += [(f"{prefix}-{i}-{name}", str(getattr(row, name))) for name in names]
            if prefix == "papers" and row.required:
                fields.append((f"{prefix}-{i}-required", "on"))
    return fields


def _other_endpoints(w: Any) -> list[Endpoint]:
    from chinhquyen.catalog.tests.factories import make_version

    admin = w.users["it_admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    manager = client_for(admin)
    draft = make_version("Thủ tục có mẫu đơn", publish=False)
    anonymous = Client()

    def catalog_import(name: str, content: bytes) -> Any:
        return post_multipart(manager, reverse("catalog:import"), [("file", (name, content))])

    def catalog_template(name: str, content: bytes) -> Any:
        url = reverse("admin:catalog_procedureversion_change", args=[draft.pk])
        fields = [*_admin_version_post(draft), ("papers-0-template", (name, content))]
        return post_multipart(manager, url, fields)

    def orgs_import_html(name: str, content: bytes) -> Any:
        return post_multipart(manager, reverse("orgs:import"), [("file", (name, content))])

    def orgs_import_api(name: str, content: bytes) -> Any:
        url = "/api/v1/organisations/import/"
        return post_multipart(manager, url, [("file", (name, content))])

    def verify_html(name: str, content: bytes) -> Any:
        return post_multipart(anonymous, reverse("signing:verify"), [("file", (name, content))])

    def verify_api(name: str, content: bytes) -> Any:
        return post_multipart(anonymous, "/api/v1/signing/verify/", [("file", (name, content))])

    templates = frozenset({"pdf", "doc", "docx", "xls", "xlsx"})
    xlsx, pdf = frozenset({"xlsx"}), frozenset({"pdf"})
    # the organisation import has its own (older) check of the declared size, first
    orgs_bomb = {"zip_bomb_xlsx": "quá lớn khi giải nén"}
    unsigned = "không có chữ ký số"
    broken = {"html_pdf_polyglot": "không phải là tệp PDF hợp lệ"}
    # Verification stores nothing and renders nothing: a PDF with active content is only read
    # (the verdict says it carries no valid signature); other files are refused as not PDF.
    return [
        Endpoint("trang nhập danh mục thủ tục", catalog_import, xlsx, full=True),
        Endpoint("admin: mẫu đơn, tờ khai", catalog_template, templates),
        Endpoint("trang nhập cơ quan, đơn vị", orgs_import_html, xlsx, None, special=orgs_bomb),
        Endpoint("API nhập cơ quan, đơn vị", orgs_import_api, xlsx, None, True, special=orgs_bomb),
        Endpoint("trang kiểm tra chữ ký số", verify_html, pdf, "PDF", False, unsigned, broken),
        Endpoint("API kiểm tra chữ ký số", verify_api, pdf, "PDF", True, unsigned, broken),
    ]


def test_catalogue_organisation_and_verification_uploads_refuse_hostile_files(
    dossier_world: Any,
) -> None:
    _run(_other_endpoints(dossier_world))


# --------------------------------------------------------------------------------------------
# Citizen reports (feedback): photos of the sender, evidence attached to an answer
# --------------------------------------------------------------------------------------------


def _feedback_endpoints() -> list[Endpoint]:
    from chinhquyen.feedback import services as fb
    from chinhquyen.feedback.tests.conftest import build_fw

    w = build_fw()
    citizen = client_for(w.users["citizen"])
    specialist = client_for(w.users["env_spec"])
    item, _pin = w.submit()
    fb.feedback_forward(actor=w.users["coord"], item=item)
    report = [
        ("kind", "field"),
        ("category", str(w.category.pk)),
        ("title", "Rác"),
        ("text", "Rác ven đường"),
        ("sender_name", "Dân"),
        ("sender_contact", "0912000111"),
    ]

    def submit_html(name: str, content: bytes) -> Any:
        fields = [*report, ("step", "submit"), ("photos", (name, content))]
        return post_multipart(citizen, reverse("feedback:submit"), fields)

    def submit_api(name: str, content: bytes) -> Any:
        return post_multipart(citizen, "/api/v1/feedback/", [*report, ("photos", (name, content))])

    def answer_html(name: str, content: bytes) -> Any:
        url = reverse("feedback:action", args=[item.pk, "answer"])
        return post_multipart(specialist, url, [("text", "Đã xử lý"), ("files", (name, content))])

    def answer_api(name: str, content: bytes) -> Any:
        url = f"/api/v1/feedback/items/{item.pk}/action/"
        fields = [("action", "answer"), ("text", "Đã xử lý"), ("files", (name, content))]
        return post_multipart(specialist, url, fields)

    images = frozenset({"jpg", "png"})
    return [
        Endpoint("trang gửi phản ánh: ảnh", submit_html, images, full=True),
        Endpoint("API gửi phản ánh: ảnh", submit_api, images),
        Endpoint("trang trả lời phản ánh: minh chứng", answer_html, ALL_TYPES),
        Endpoint("API trả lời phản ánh: minh chứng", answer_api, ALL_TYPES, full=True),
    ]


def test_feedback_upload_endpoints_refuse_hostile_files(db: None) -> None:
    _run(_feedback_endpoints())
