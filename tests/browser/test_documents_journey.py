"""Official documents end to end, in a real browser, as the people who use them.

1. The clerk registers an incoming công văn and submits it to a leader: the leader list
   preselects nobody and shows each leader's title and unit.
2. The leader assigns it to the lead unit and names the specialist, with instructions.
3. The specialist sees the task on the document and replies: an outgoing draft linked to the
   incoming document, submitted to the leader.
4. The leader approves; the clerk issues the number; the leader signs, confirming with the
   key file's passphrase (a wrong one is refused); the clerk dispatches it.
5. The issued PDF has the Nghị định 30/2020 lines (issuer, notation with the drafting unit,
   place and date, "V/v" once, "Kính gửi", the signer's title once), and the reply's issue
   completed the specialist's task.

Each page visited is checked by axe-core at the person's width (1280 px and 375 px).
Data: the documents tests' small province (``documents/tests/conftest.build_world``).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.accounts.models import Position, Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.core.pdf import pdf_text
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument, OutgoingStatus, Task
from chinhquyen.documents.tests.conftest import build_world
from chinhquyen.signing import pki
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.tests.conftest import make_credential

from .a11y import check_a11y
from .conftest import Person
from .steps import download, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Về việc góp ý dự thảo quy định phân cấp quản lý công trình"
NOTATION = "07/SXD-QLXD"
INSTRUCTIONS = "Giao đồng chí Minh nghiên cứu, dự thảo văn bản trả lời."


def seen(person: Person, label: str) -> None:
    check_a11y(person.page, f"{person.name}: {label}")
    person.shot(label)


def accept_confirmations(person: Person) -> None:
    """Forms with data-confirm ask with window.confirm: the person answers yes."""
    person.page.on("dialog", lambda dialog: dialog.accept())


def success(person: Person, text: str) -> None:
    expect(
        person.page.get_by_role("alert").or_(person.page.get_by_role("status")).first
    ).to_contain_text(text)


def _document_types() -> None:
    """The types seeded by migration 0002 (a transactional test before this one flushed them)."""
    from django.apps import apps

    seed = importlib.import_module("chinhquyen.documents.migrations.0002_seed_document_types")
    seed.seed(apps, None)


def _people_and_keys(world: Any, pki_root: Path) -> dict[str, Any]:
    """Officials with TOTP, the leader's personal key and the Sở's seal, the CA trusted."""
    clerk = make_official(world.office, Role.CLERK, totp=True, full_name="Lê Thị Văn Thư")
    leader = make_official(world.justice, Role.LEADER, totp=True, full_name="Trần Quốc Lãnh")
    Position.objects.filter(user=leader).update(title="Giám đốc")
    specialist = make_official(
        world.admin_unit, Role.SPECIALIST, totp=True, full_name="Vũ Đức Minh"
    )
    ca = pki.make_ca("CA kiểm thử văn bản")
    (pki_root / "ca").mkdir(parents=True)
    (pki_root / "ca" / "ca.cert.pem").write_text(ca.certificate_pem)
    person_pair = pki.issue_certificate(ca, common_name=leader.full_name, email="ld@example.vn")
    org_pair = pki.issue_certificate(
        ca, common_name=world.justice.name, organisation=world.province.name
    )
    make_credential(
        pki_root, ca, person_pair, owner=leader, image=pki.signature_image_png(leader.full_name)
    )
    make_credential(
        pki_root,
        ca,
        org_pair,
        organisation=world.justice,
        image=pki.seal_image_png(world.justice.name, world.province.name),
    )
    return {"clerk": clerk, "leader": leader, "specialist": specialist}


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_documents_journey(people: Any, settings: Any, tmp_path: Path, width: int) -> None:
    settings.SIGNING_PKI_DIR = tmp_path / "pki"
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = True  # the signing form shows the demo passphrase
    signer_cache.invalidate()
    _document_types()
    world = build_world()
    u = _people_and_keys(world, settings.SIGNING_PKI_DIR)

    # 1. the clerk registers the incoming document and submits it to the leader -------------
    clerk = people("vanthu", width=width)
    accept_confirmations(clerk)
    k = clerk.page
    sign_in(clerk, u["clerk"], totp=True, start=reverse("documents:incoming_register"))
    expect(k.get_by_label("Tác giả (cơ quan gửi)")).to_be_visible()
    seen(clerk, "vao-so")
    k.get_by_label("Tác giả (cơ quan gửi)").fill(world.construction.name)
    k.get_by_label("Số, ký hiệu").fill(NOTATION)
    k.get_by_label("Loại văn bản").select_option(label="Công văn")
    k.get_by_label("Trích yếu").fill(SUMMARY)
    k.get_by_role("button", name="Vào sổ và xem văn bản").click()
    expect(k.get_by_role("heading", name=re.compile(r"^Văn bản đến số 01"))).to_be_visible()
    incoming = IncomingDocument.objects.get()
    leader_select = k.get_by_role("combobox", name=re.compile("^Trình lãnh đạo"))
    expect(leader_select).to_have_value("")  # nobody preselected
    expect(leader_select.locator("option").first).to_have_text("— Chọn lãnh đạo —")
    expect(leader_select).to_contain_text(f"{u['leader'].full_name} — Giám đốc, Sở Tư pháp")
    seen(clerk, "van-ban-den")
    leader_select.select_option(str(u["leader"].pk))
    k.get_by_role("button", name="Trình", exact=True).click()
    success(clerk, f"Đã trình {u['leader']}")

    # 2. the leader assigns the lead unit and names the specialist ---------------------------
    leader = people("lanhdao", width=width)
    accept_confirmations(leader)
    ld = leader.page
    detail = reverse("documents:incoming_detail", args=[incoming.pk])
    sign_in(leader, u["leader"], totp=True, start=detail)
    expect(ld.get_by_role("heading", name="Phân công xử lý")).to_be_visible()
    seen(leader, "phan-cong")
    ld.get_by_label("Đơn vị xử lý chính").select_option(str(world.admin_unit.pk))
    ld.get_by_label("Cán bộ xử lý (giao đích danh)").select_option(str(u["specialist"].pk))
    ld.get_by_label("Ý kiến chỉ đạo").fill(INSTRUCTIONS)
    ld.get_by_role("button", name="Phân công", exact=True).click()
    success(leader, f"Đã giao việc cho {u['specialist']}")
    task = Task.objects.get(document=incoming)
    assert task.assignee == u["specialist"] and task.instructions == INSTRUCTIONS

    # 3. the specialist replies --------------------------------------------------------------
    spec = people("chuyenvien", width=width)
    sp = spec.page
    sign_in(spec, u["specialist"], totp=True, start=detail)
    expect(sp.get_by_role("heading", name="Việc được giao cho bạn")).to_be_visible()
    expect(sp.get_by_text(INSTRUCTIONS).first).to_be_visible()
    seen(spec, "viec-duoc-giao")
    sp.get_by_role("link", name="Trả lời văn bản này").click()
    expect(sp.get_by_label("Trích yếu")).to_have_value(
        f"Trả lời văn bản số {NOTATION} của {world.construction.name}"
    )
    seen(spec, "soan-tra-loi")
    sp.get_by_label("Đơn vị soạn thảo").select_option(str(world.admin_unit.pk))
    sp.get_by_label("Nội dung (nếu không tải tệp lên)").fill(
        "Sở Tư pháp thống nhất với dự thảo quy định."
    )
    sp.get_by_label("Thẩm quyền ký").fill("GIÁM ĐỐC")
    sp.get_by_label("Chức vụ người ký").fill("Giám đốc")
    sp.get_by_role("button", name="Lưu dự thảo").click()
    expect(sp.get_by_role("heading", name="Dự thảo công văn")).to_be_visible()
    reply = OutgoingDocument.objects.get(in_reply_to=incoming)
    sp.get_by_label("Lãnh đạo duyệt, ký").select_option(str(u["leader"].pk))
    seen(spec, "trinh-duyet")
    sp.get_by_role("button", name="Trình duyệt", exact=True).click()
    success(spec, "Đã trình duyệt dự thảo.")

    # 4. approval, number, signature with the passphrase, dispatch ---------------------------
    outgoing = reverse("documents:outgoing_detail", args=[reply.pk])
    leader.go(outgoing)
    expect(ld.get_by_role("heading", name="Cho ý kiến")).to_be_visible()
    seen(leader, "cho-y-kien")
    ld.get_by_role("button", name="Gửi ý kiến").click()
    success(leader, "Đã phê duyệt.")

    clerk.go(outgoing)
    k.get_by_role("button", name="Cấp số", exact=True).click()
    success(clerk, "Đã cấp số 01/STP-HCTP")
    seen(clerk, "cap-so")
    task.refresh_from_db()
    assert task.status == "done"  # the reply's issue completed the specialist's task

    leader.go(outgoing)
    expect(ld.get_by_role("heading", name="Ký số")).to_be_visible()
    pin = ld.get_by_label("Mật khẩu (PIN) tệp khóa ký số")
    expect(pin).to_have_attribute("type", "password")
    seen(leader, "ky-so")
    pin.fill("khong-dung")
    ld.get_by_role("button", name="Xác nhận ký số").click()
    expect(ld.get_by_text("Mã PIN (mật khẩu) ký số không đúng.").first).to_be_visible()
    reply.refresh_from_db()
    assert reply.signed_at is None
    seen(leader, "ky-so-sai-pin")
    ld.get_by_label("Mật khẩu (PIN) tệp khóa ký số").fill(pki.demo_passphrase())
    ld.get_by_role("button", name="Xác nhận ký số").click()
    success(leader, "Đã ký số văn bản.")

    clerk.go(outgoing)
    k.get_by_role("button", name="Phát hành", exact=True).click()
    success(clerk, "Đã phát hành văn bản")
    seen(clerk, "phat-hanh")
    reply.refresh_from_db()
    assert reply.status == OutgoingStatus.SENT

    # 5. the issued PDF has the ND 30 lines ---------------------------------------------------
    name, content = download(clerk, k.get_by_role("link", name=re.compile("Bản PDF")))
    assert name.endswith(".pdf")
    text = pdf_text(content)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for wanted in (
        "UBND TỈNH THỬ NGHIỆM",
        "SỞ TƯ PHÁP",
        "Số: 01/STP-HCTP",
        "Kính gửi: Sở Xây dựng.",
        "- Như trên;",
        "- Lưu: VT, HCTP.",
    ):
        assert wanted in lines, (wanted, lines)
    assert any(re.fullmatch(r"Thử Nghiệm, ngày \d\d tháng \d+ năm \d{4}", x) for x in lines)
    assert any(x.startswith("V/v Trả lời văn bản số") for x in lines)
    assert "V/v V/v" not in text and lines.count("GIÁM ĐỐC") == 1
