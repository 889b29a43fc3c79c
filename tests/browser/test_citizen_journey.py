"""The one-stop shop end to end, in a real browser, as the people who use it.

1. A citizen signs in, finds a procedure by typing without diacritics, submits a dossier
   online with its form and a PDF paper.
2. The citizen pays the fee in the sandbox payment gateway and comes back to "paid".
3. Officials sign in with password + TOTP and drive the dossier with the buttons of its page:
   the desk hands it over, the unit head assigns it, the specialist completes the step, the
   unit head submits it for approval, the leader attaches the result (sealed electronically
   with the Sở's credential, PAdES) and approves, the desk returns it.
4. The citizen signs in again, sees the dossier finished, downloads the signed result (a PDF
   attachment whose signature verifies) and rates the service.

Data: the small province of the dossier tests (``dossiers/tests/factories.build_world``): the
procedure "Cấp phiếu lý lịch tư pháp" (Sở Tư pháp, fully online, fee 200 000 đồng).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from chinhquyen.accounts.models import User
from chinhquyen.dossiers.integrations import PAYABLE_TYPE
from chinhquyen.dossiers.models import (
    Channel,
    Dossier,
    DossierStatus,
    PaymentStatus,
    SatisfactionScore,
)
from chinhquyen.dossiers.tests.factories import World, build_world
from chinhquyen.payments.models import Payment, SandboxTransaction
from chinhquyen.payments.models import PaymentStatus as PayStatus
from chinhquyen.payments.sandbox import gateway
from chinhquyen.signing import pki
from chinhquyen.signing import services as signing
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.models import CredentialKind, SigningCredential

from .a11y import check_a11y
from .conftest import Person
from .steps import from_main_menu, from_user_menu, sign_in, sign_out, tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH_WITHOUT_DIACRITICS = "ly lich tu phap"
PROCEDURE = "Cấp phiếu lý lịch tư pháp"
FEE = 200_000
RESULT_NAME = "Phiếu lý lịch tư pháp số 01"
COMMENT = "Thủ tục nhanh, cán bộ hướng dẫn tận tình."


# --- data ------------------------------------------------------------------------------------


def result_pdf() -> bytes:
    """The result: a one-page PDF without a signature placeholder (a scanned paper result,
    say), so the Sở's seal goes on as the attachment stamp at the top right of page 1."""
    return tiny_pdf("PHIEU LY LICH TU PHAP SO 01 - Nguyen Van An - Khong co an tich")


def give_the_department_a_seal(world: World, pki_root: Path) -> pki.KeyPair:
    """A certificate authority the province trusts and the Sở's PKCS#12 seal credential (as
    ``chinhquyen/signing/tests/conftest.py`` does); attached PDF results get sealed with it."""
    ca = pki.make_ca("CA Chính Quyền kiểm thử trình duyệt")
    dept = world.orgs["dept"]
    pair = pki.issue_certificate(
        ca, common_name=dept.name, organisation=world.orgs["province"].name
    )
    relative = "test/so-tu-phap.p12"
    pki.write_private(
        pki_root / relative,
        pki.pkcs12_bytes(pair, passphrase=pki.demo_passphrase(), chain=[ca.certificate]),
    )
    signing.trust_root_add(
        actor=None, name="CA kiểm thử", certificate_pem=pki.certificate_pem(ca.certificate)
    )
    credential = SigningCredential(
        organisation=dept,
        kind=CredentialKind.PKCS12,
        label="Con dấu điện tử Sở Tư pháp",
        certificate_pem=pki.certificate_pem(pair.certificate),
        pkcs12_path=relative,
        passphrase_env=pki.DEMO_PASSPHRASE_ENV,
    )
    credential.seal_image.save(
        "seal.png", ContentFile(pki.seal_image_png(dept.name, world.orgs["province"].name)), False
    )
    signing.credential_save(actor=None, credential=credential)
    return ca


# --- what people do ---------------------------------------------------------------------------


def official_opens_dossier(
    person: Person, user: User, code: str, *, status: str, search: bool = False
) -> None:
    """An official opens the inbox (bookmarked), signs in with password and TOTP, lands back in
    the inbox, finds the dossier's row (or searches its code) and opens it."""
    page = person.page
    sign_in(person, user, totp=True, start=reverse("dossiers:inbox"))
    expect(page.get_by_role("heading", name="Hồ sơ một cửa")).to_be_visible()
    seen(person, "hop-thu")
    if search:
        page.get_by_label("Tìm kiếm").fill(code)
        page.get_by_role("button", name="Lọc", exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=code, exact=True))
    expect(row).to_contain_text(PROCEDURE)
    expect(row).to_contain_text(status)
    row.get_by_role("link", name=code, exact=True).click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(status_on_page(person)).to_have_text(status)
    seen(person, "ho-so")


def act(person: Person, action: str, label: str, fill: Any = None) -> None:
    """Open the action's panel on the dossier page, fill it, press its button."""
    page = person.page
    page.get_by_role("button", name=label, exact=True).first.click()
    panel = page.locator(f"#tt-{action}")
    expect(panel).to_be_visible()
    if fill is not None:
        fill(panel)
    seen(person, f"{action}-mo")
    panel.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        f"Đã thực hiện: {label}."
    )
    seen(person, action)


def status_on_page(person: Person) -> Any:
    """The status badge of the dossier page (first "Trạng thái" row)."""
    return person.page.locator("dt:has-text('Trạng thái') + dd").first


def seen(person: Person, label: str) -> None:
    """The person looks at the page: axe-core finds no serious or critical accessibility
    violation (at the person's width); a screenshot with ``CQ_SCREENSHOTS=1``."""
    check_a11y(person.page, f"{person.name}: {label}")
    person.shot(label)


# --- the journey ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_citizen_journey_through_the_one_stop_shop(
    people: Any, settings: Any, tmp_path: Path, width: int
) -> None:
    started = time.monotonic()
    laps: list[tuple[str, float]] = []

    def lap(label: str) -> None:
        laps.append((label, time.monotonic() - started - sum(t for _, t in laps)))

    settings.PAYMENT_PROVIDER = "vnpay_sandbox"
    settings.SIGNING_PKI_DIR = tmp_path / "pki"
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = False
    settings.NOTIFY_SMS_TRANSPORT = "file"
    sms_file = tmp_path / "sms" / "outbox.jsonl"  # the citizen's phone
    settings.NOTIFY_SMS_FILE_PATH = str(sms_file)
    signer_cache.invalidate()
    world = build_world()
    give_the_department_a_seal(world, settings.SIGNING_PKI_DIR)
    u = world.users
    lap("world")
    result_file = result_pdf()

    # 1. the citizen signs in, searches without diacritics, submits the dossier online ----------
    citizen = people("congdan", width=width)
    c = citizen.page
    sign_in(citizen, u["citizen"], totp=False)
    from_main_menu(citizen, "Thủ tục hành chính")
    c.get_by_label("Tên hoặc mã thủ tục").fill(SEARCH_WITHOUT_DIACRITICS)
    c.get_by_role("button", name="Tìm kiếm").click()
    expect(c.get_by_role("status")).to_contain_text("Tìm thấy 1 thủ tục")
    seen(citizen, "tim-thu-tuc")
    c.get_by_role("link", name=PROCEDURE).click()
    expect(c.get_by_role("heading", name=PROCEDURE, level=1)).to_be_visible()
    expect(c.get_by_text("200.000")).to_be_visible()
    seen(citizen, "thu-tuc")
    c.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    expect(c.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    expect(c.get_by_label("Họ và tên người nộp")).to_have_value("Nguyễn Văn An")
    expect(c.get_by_label("Số định danh cá nhân/mã số thuế")).to_have_value("037090001234")
    c.get_by_role("textbox", name="Họ và tên", exact=True).fill("Nguyễn Văn An")
    c.get_by_label("Số lượng").fill("2")
    c.get_by_label("Tờ khai").set_input_files(
        {
            "name": "to-khai-ly-lich-tu-phap.pdf",
            "mimeType": "application/pdf",
            "buffer": tiny_pdf("To khai cap phieu ly lich tu phap - Nguyen Van An"),
        }
    )
    seen(citizen, "nop-ho-so")
    c.get_by_role("button", name="Nộp hồ sơ").click()

    expect(c.get_by_role("status").first).to_contain_text("Đã nộp hồ sơ trực tuyến thành công.")
    expect(c.get_by_text("Mã tra cứu (PIN)")).to_be_visible()
    dossier = Dossier.objects.get(applicant=u["citizen"])
    code = dossier.code
    expect(c.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(status_on_page(citizen)).to_have_text("Đã tiếp nhận")
    expect(c.get_by_text("200.000 đồng (Chưa thanh toán)")).to_be_visible()
    expect(c.get_by_text("Tờ khai: to-khai-ly-lich-tu-phap.pdf")).to_be_visible()
    seen(citizen, "da-nop")

    lap("citizen submits")

    # 2. the fee, paid in the sandbox gateway like a person ------------------------------------
    c.get_by_role("button", name="Thanh toán phí, lệ phí trực tuyến").click()
    expect(c.get_by_role("heading", name="Cổng thanh toán thử nghiệm")).to_be_visible()
    expect(c.get_by_text("200.000 VND")).to_be_visible()
    card = gateway.TEST_CARDS[0]
    expect(c.get_by_label(re.compile(card.number))).to_be_checked()
    expect(c.get_by_text(f"Mã OTP thử nghiệm: {card.otp}.")).to_be_visible()
    c.get_by_label("Mã OTP").fill(card.otp)
    seen(citizen, "cong-thanh-toan")
    c.get_by_role("button", name="Thanh toán", exact=True).click()

    expect(c.get_by_role("heading", name="Kết quả thanh toán")).to_be_visible()
    expect(c.locator("[data-state=paid]")).to_contain_text("Thanh toán thành công")
    expect(c.locator("[data-state=paid]")).to_contain_text("biên lai số")
    expect(c.get_by_text("200.000 đồng")).to_be_visible()
    seen(citizen, "thanh-toan-thanh-cong")
    from_user_menu(citizen, "Hồ sơ của tôi")
    c.get_by_role("link", name=code).click()
    expect(c.get_by_text("200.000 đồng (Đã thanh toán)")).to_be_visible()
    expect(c.get_by_role("button", name="Thanh toán phí, lệ phí trực tuyến")).to_have_count(0)
    seen(citizen, "da-thanh-toan")

    lap("citizen pays")

    # 3. the officials, each at their own computer -------------------------------------------------
    desk = people("motcua", width=width)
    official_opens_dossier(desk, u["desk_centre"], code, status="Đã tiếp nhận", search=True)
    seen(desk, "ho-so-moi")
    act(desk, "transfer", "Chuyển xử lý")
    expect(status_on_page(desk)).to_have_text("Đã chuyển xử lý")

    lap("desk transfers")

    head = people("truongphong", width=width)
    official_opens_dossier(head, u["head"], code, status="Đã chuyển xử lý")
    act(
        head,
        "assign",
        "Phân công xử lý",
        lambda panel: panel.get_by_label("Cán bộ được phân công").select_option(
            label=u["spec"].full_name
        ),
    )
    expect(status_on_page(head)).to_have_text("Đang xử lý")

    lap("head assigns")

    spec = people("chuyenvien", width=width)
    official_opens_dossier(spec, u["spec"], code, status="Đang xử lý")
    expect(spec.page.get_by_text("Chuyên viên thẩm định").first).to_be_visible()
    act(
        spec,
        "step_complete",
        "Chuyển bước tiếp theo",
        lambda panel: panel.get_by_label("Ghi chú").fill("Hồ sơ đầy đủ, đủ điều kiện cấp phiếu."),
    )

    lap("specialist completes")

    head.page.reload()
    act(head, "submit_for_approval", "Trình phê duyệt")
    expect(status_on_page(head)).to_have_text("Chờ phê duyệt")

    lap("head submits")

    leader = people("lanhdao", width=width)
    official_opens_dossier(leader, u["leader"], code, status="Chờ phê duyệt")

    def attach(panel: Any) -> None:
        panel.get_by_label("Tên kết quả").fill(RESULT_NAME)
        panel.get_by_label("Tệp kết quả").set_input_files(
            {
                "name": "phieu-ly-lich-tu-phap.pdf",
                "mimeType": "application/pdf",
                "buffer": result_file,
            }
        )

    act(leader, "attach_result", "Đính kèm kết quả", attach)
    result_row = leader.page.locator("li", has_text=RESULT_NAME)
    expect(result_row).to_contain_text(f"{code}-KQ1")
    expect(result_row).to_contain_text("Đã ký số")
    act(leader, "approve", "Phê duyệt")
    expect(status_on_page(leader)).to_have_text("Có kết quả, chờ trả")
    seen(leader, "phe-duyet")

    lap("leader attaches, approves")

    desk.page.reload()
    act(desk, "return_result", "Trả kết quả")
    expect(status_on_page(desk)).to_have_text("Đã trả kết quả")
    seen(desk, "tra-ket-qua")

    lap("desk returns")

    # 4. the citizen again: finished, signed result, rating -----------------------------------
    sign_out(citizen)
    sign_in(citizen, u["citizen"], totp=False)
    from_user_menu(citizen, "Hồ sơ của tôi")
    row = c.locator("li", has_text=code)
    expect(row).to_contain_text("Đã trả kết quả")
    seen(citizen, "ho-so-cua-toi")
    row.get_by_role("link", name=code).click()
    expect(status_on_page(citizen)).to_have_text("Đã trả kết quả")
    results = c.locator("section", has=c.get_by_role("heading", name="Kết quả giải quyết"))
    expect(results).to_contain_text(f"{code}-KQ1 — {RESULT_NAME}")
    expect(results).to_contain_text("Đã ký số")
    seen(citizen, "ket-qua")

    download_link = results.get_by_role("link", name="Tải về")
    with c.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    downloaded = Path(download.path()).read_bytes()
    href = download_link.get_attribute("href")
    response = citizen.context.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.body() == downloaded
    assert downloaded.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(downloaded)).pages) >= 1
    # pyHanko runs its own event loop: not in this thread, where Playwright's loop is running
    with ThreadPoolExecutor(max_workers=1) as pool:
        verdict = pool.submit(signing.verify_pdf, downloaded).result()
    assert verdict.valid, verdict.reason
    seal_holder = f"{world.orgs['dept'].name} ({world.orgs['province'].name})"
    assert [s.signer for s in verdict.signatures] == [seal_holder]

    c.get_by_label("Rất hài lòng").check()
    c.get_by_label("Ý kiến góp ý").fill(COMMENT)
    c.get_by_role("button", name="Gửi đánh giá").click()
    expect(c.get_by_role("status").first).to_contain_text("Cảm ơn bạn đã đánh giá mức độ hài lòng.")
    expect(c.get_by_text("Bạn đã đánh giá: Rất hài lòng.")).to_be_visible()
    seen(citizen, "danh-gia")

    lap("citizen downloads, rates")

    # the same file, checked on the public signature verification page
    citizen.go(reverse("signing:verify"))
    seen(citizen, "trang-kiem-tra")
    c.get_by_label("Tệp PDF cần kiểm tra").set_input_files(download.path())
    c.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(c.get_by_role("status").first).to_contain_text("Hợp lệ.")
    seen(citizen, "kiem-tra-chu-ky")
    lap("citizen verifies")

    # --- the database at the end ----------------------------------------------------------------
    dossier.refresh_from_db()
    assert dossier.channel == Channel.ONLINE
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.payment_status == PaymentStatus.PAID
    assert dossier.fee_total == FEE
    assert dossier.form_data == {"ho_ten": "Nguyễn Văn An", "so_luong": 2}
    (paper,) = dossier.attachments.all()
    assert paper.original_name == "to-khai-ly-lich-tu-phap.pdf"
    assert paper.content_type == "application/pdf"

    payment = Payment.objects.get(payable_type=PAYABLE_TYPE, payable_id=str(dossier.pk))
    assert payment.status == PayStatus.PAID and payment.amount == FEE
    assert payment.payer == u["citizen"] and payment.receipt_number
    assert payment.organisation == world.orgs["dept"]
    txn = SandboxTransaction.objects.get(txn_ref=payment.reference)
    assert txn.card_number == card.number and txn.ipn_response["RspCode"] == "00"

    (result,) = dossier.results.all()
    assert result.code == f"{code}-KQ1" and result.name == RESULT_NAME and result.signed
    assert result.sha256 == hashlib.sha256(downloaded).hexdigest()
    assert result.cancelled_at is None

    rating = dossier.rating
    assert rating.score == SatisfactionScore.VERY_SATISFIED
    assert rating.comment == COMMENT and rating.rated_by == u["citizen"]

    history = [
        (e.action, e.actor.username if e.actor else None, e.from_status, e.to_status)
        for e in dossier.events.select_related("actor").order_by("at", "pk")
    ]
    S = DossierStatus
    assert history == [
        ("receive", "citizen", "", S.RECEIVED),
        ("payment", None, S.RECEIVED, S.RECEIVED),
        ("transfer", "desk_centre", S.RECEIVED, S.TRANSFERRED),
        ("assign", "head", S.TRANSFERRED, S.PROCESSING),
        ("step_complete", "spec", S.PROCESSING, S.PROCESSING),
        ("submit_for_approval", "head", S.PROCESSING, S.AWAITING_APPROVAL),
        ("attach_result", "leader", S.AWAITING_APPROVAL, S.AWAITING_APPROVAL),
        ("result_signed", None, S.AWAITING_APPROVAL, S.AWAITING_APPROVAL),
        ("approve", "leader", S.AWAITING_APPROVAL, S.RESULT_READY),
        ("return_result", "desk_centre", S.RESULT_READY, S.RETURNED),
        ("rate", "citizen", S.RETURNED, S.RETURNED),
    ]
    steps = [(s.name, s.finished_at is not None) for s in dossier.steps.order_by("pk")]
    assert [name for name, _ in steps] == [
        "Tiếp nhận",
        "Chuyên viên thẩm định",
        "Lãnh đạo phòng xem xét",
        "Lãnh đạo Sở ký duyệt",
        "Trả kết quả",
    ]
    assert all(finished for _, finished in steps)

    # what the citizen's phone received (SMS without diacritics)
    sms = [json.loads(line)["message"] for line in sms_file.read_text().splitlines()]
    assert len(sms) == 3, sms
    assert sms[0].startswith(f"Ho so {code} da duoc tiep nhan, hen tra ket qua")
    assert sms[1].startswith(f"Da nhan thanh toan 200.000 dong cho ho so {code}")
    assert sms[2].startswith(f"Ho so {code} da co ket qua")

    everyone = [citizen, desk, head, spec, leader]
    assert [url for p in everyone for url in p.blocked] == []  # nothing left the machine
    # no script error, no CSP violation, no missing asset (the site has no favicon yet: the
    # browser's own /favicon.ico request is the one 404 left aside)
    problems = [e for p in everyone for e in p.errors if "/favicon.ico:" not in e]
    assert problems == []
    laps.append(("of which screenshots", sum(p.shot_seconds for p in everyone)))
    print("\nbrowser journey (seconds): " + ", ".join(f"{k} {v:.1f}" for k, v in laps))
    print(f"total {time.monotonic() - started:.1f} s, {len(history)} history rows")
