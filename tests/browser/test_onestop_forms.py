"""One-stop forms and citizen screens in a real browser (issue #10 items 2, 6, 10), at 1280 px
and on a 375 px phone, with axe-core on every page visited.

1. A citizen opens the online form of a procedure with two fee cases, sees its name and the
   fee of each case, chooses one and how to receive the result, saves a draft and comes back
   to it (the typed address and the choices are still there).
2. The desk asks for a supplement on a dossier received at the counter: the form (Phiếu yêu
   cầu bổ sung) is issued with the action; the desk officer downloads it from the dossier
   page and the citizen from "Hồ sơ của tôi", together with the receipt.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.catalog.models import Fee
from chinhquyen.core.pdf import pdf_text
from chinhquyen.dossiers import integrations, services
from chinhquyen.dossiers.models import DossierDraft, DossierNotice
from chinhquyen.dossiers.tests.factories import World, build_world, receive

from .a11y import check_a11y
from .conftest import Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

assert integrations.AFTER_COMMIT_HANDLERS  # the hooks that issue the forms are registered

ADDRESS = "Số 12 đường Lê Lợi, phường A"


def seen(person: Person, label: str) -> None:
    check_a11y(person.page, f"{person.name}: {label}")
    person.shot(label)


def words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def download(person: Person, link: Any) -> bytes:
    with person.page.expect_download() as info:
        link.click()
    path = info.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        return handle.read()


def two_fee_cases(world: World) -> Fee:
    version = world.versions["province"]
    first = version.fees.get()
    first.case_description = "Cấp lần đầu"
    first.save()
    return Fee.objects.create(version=version, order=2, case_description="Cấp lại", amount=100_000)


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_draft_and_fee_case_on_the_online_form(people: Any, width: int) -> None:
    world = build_world()
    second = two_fee_cases(world)
    version = world.versions["province"]
    citizen = people("congdan", width=width)
    c = citizen.page
    sign_in(citizen, world.users["citizen"], totp=False)
    citizen.go(reverse("dossiers:submit", args=[version.procedure.code]))
    expect(c.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    expect(c.get_by_text(version.name).first).to_be_visible()
    expect(c.get_by_label("Cấp lại — 100.000 đồng (Lệ phí)")).to_be_visible()
    expect(c.get_by_label("Cấp lần đầu — 200.000 đồng (Lệ phí)")).to_be_visible()
    seen(citizen, "nop-truc-tuyen")
    c.get_by_label("Cấp lại — 100.000 đồng (Lệ phí)").check()
    c.get_by_label("Nhận qua dịch vụ bưu chính công ích").check()
    c.get_by_label("Địa chỉ", exact=True).first.fill(ADDRESS)
    c.get_by_role("button", name="Lưu nháp").click()
    expect(c.get_by_role("alert").or_(c.get_by_role("status")).first).to_contain_text("Đã lưu nháp")
    draft = DossierDraft.objects.get(applicant=world.users["citizen"])
    assert draft.data["fee_case"] == [str(second.pk)]
    seen(citizen, "da-luu-nhap")
    # later: "Hồ sơ của tôi" lists the draft; the form comes back as it was left
    citizen.go(reverse("dossiers:my_list"))
    expect(c.get_by_role("heading", name="Hồ sơ nháp")).to_be_visible()
    seen(citizen, "ho-so-cua-toi-nhap")
    c.get_by_role("link", name=re.compile("Tiếp tục nộp")).click()
    expect(c.get_by_label("Địa chỉ", exact=True).first).to_have_value(ADDRESS)
    expect(c.get_by_label("Cấp lại — 100.000 đồng (Lệ phí)")).to_be_checked()
    expect(c.get_by_label("Nhận qua dịch vụ bưu chính công ích")).to_be_checked()
    seen(citizen, "tiep-tuc-nhap")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_supplement_request_form_for_officer_and_citizen(people: Any, width: int) -> None:
    world = build_world()
    dossier = receive(world).dossier
    services.dossier_request_supplement(
        actor=world.users["desk_centre"], dossier=dossier, reason="Thiếu bản sao CCCD."
    )
    # the form is issued once the action commits (an after-commit hook)
    notice = DossierNotice.objects.get(dossier=dossier)
    assert notice.kind == "supplement_request"

    officer = people("motcua", width=width)
    o = officer.page
    sign_in(officer, world.users["desk_centre"], totp=True)
    officer.go(reverse("dossiers:detail", args=[dossier.pk]))
    expect(o.get_by_role("heading", name="Phiếu, văn bản đã phát hành")).to_be_visible()
    seen(officer, "ho-so-can-bo")
    data = download(officer, o.get_by_role("link", name=re.compile("Tải về \\(PDF\\)")).first)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in words(data)
    sheet = download(officer, o.get_by_role("link", name=re.compile("phiếu kiểm soát")))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in words(sheet)

    citizen = people("congdan", width=width)
    c = citizen.page
    sign_in(citizen, world.users["citizen"], totp=False)
    citizen.go(reverse("dossiers:my_detail", args=[dossier.pk]))
    expect(c.get_by_role("heading", name="Phiếu, văn bản đã phát hành")).to_be_visible()
    seen(citizen, "ho-so-cong-dan")
    data = download(citizen, c.get_by_role("link", name=re.compile("Tải về \\(PDF\\)")).first)
    assert dossier.code in words(data) and "Thiếu bản sao CCCD" in words(data)
    receipt = download(citizen, c.get_by_role("link", name=re.compile("Tải giấy tiếp nhận")))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in words(receipt)


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_signup_shows_business_fields_to_businesses_only(people: Any, width: int) -> None:
    visitor = people("khach", width=width)
    v = visitor.page
    visitor.go(reverse("account_signup"))
    expect(v.get_by_role("textbox", name="Họ và tên", exact=True)).to_be_visible()
    expect(v.locator("#id_tax_code")).to_be_hidden()
    expect(v.locator("#id_organisation_name")).to_be_hidden()
    expect(v.locator("#id_citizen_id")).to_be_visible()
    seen(visitor, "dang-ky-cong-dan")
    v.get_by_role("radio", name="Tổ chức, doanh nghiệp", exact=True).check()
    expect(v.locator("#id_tax_code")).to_be_visible()
    expect(v.locator("#id_organisation_name")).to_be_visible()
    expect(v.locator("#id_citizen_id")).to_be_hidden()
    seen(visitor, "dang-ky-doanh-nghiep")
