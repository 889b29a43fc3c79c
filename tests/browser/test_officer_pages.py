"""Officer pages in a real browser (issue #10 items 8 and 13), at 1280 px and on a 375 px phone:

- a leader and a unit head land on their work after signing in (the officer home with its
  counters) and find non-empty lists in "Việc của tôi";
- the issued outgoing document (recipient statuses, "Đề nghị lấy lại"), the report page, the
  signature verification page and the catalogue have no horizontal overflow, no serious or
  critical axe-core finding, and on a phone the catalogue's results start above the fold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.documents import services
from chinhquyen.documents.services import RecipientInput

from .a11y import check_a11y
from .conftest import PHONE_HEIGHT, Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]


def _world() -> Any:
    """The documents tests' world. A transactional test empties the tables the migrations
    seeded: the two document types the helpers use are put back."""
    from chinhquyen.documents.models import DocumentType
    from chinhquyen.documents.tests.conftest import build_world

    for name, abbreviation in (("Công văn", ""), ("Quyết định", "QĐ")):
        DocumentType.objects.get_or_create(name=name, defaults={"abbreviation": abbreviation})
    return build_world()


def _problems(person: Person) -> list[str]:
    """Script errors and failed assets (the site has no favicon yet: that 404 is left aside)."""
    return [e for e in person.errors if "/favicon.ico:" not in e]


def _fits(person: Person, label: str) -> None:
    """No horizontal overflow and no serious/critical axe-core finding on the current page."""
    page = person.page
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{label} at {person.width} px: page is {width} px wide"
    check_a11y(page, f"{label} ({person.width} px)")


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_and_unit_head_land_on_their_work(people: Callable[..., Person], width: int) -> None:
    from chinhquyen.documents.tests.helpers import register

    world = _world()
    services.incoming_submit(actor=world.clerk, document=register(world), leader=world.leader)
    second = register(world, summary="Về việc báo cáo công tác hộ tịch quý IV")
    services.incoming_assign(actor=world.leader, document=second, lead_unit=world.admin_unit)

    for user, counter, heading in (
        (world.leader, "Văn bản trình tôi chỉ đạo", "Văn bản đến trình tôi cho ý kiến chỉ đạo"),
        (world.head, "Văn bản giao đơn vị, chưa giao người", "Văn bản giao đơn vị tôi"),
    ):
        person = people(user.username, width=width)
        sign_in(person, user, totp=True)
        page = person.page
        expect(page).to_have_url(re.compile(re.escape(reverse("web:workspace")) + "$"))
        card = page.locator(".work-counters a", has_text=counter)
        expect(card).to_be_visible()
        expect(card).to_contain_text("1")
        _fits(person, "trang làm việc")
        card.click()
        expect(page).to_have_url(re.compile(re.escape(reverse("documents:my_tasks"))))
        expect(page.get_by_role("heading", name=re.compile(heading))).to_be_visible()
        _fits(person, "việc của tôi")
        assert not _problems(person), _problems(person)


@pytest.mark.parametrize("width", WIDTHS)
def test_issued_document_report_verification_and_catalogue_fit_the_screen(
    people: Callable[..., Person], width: int
) -> None:
    from chinhquyen.catalog.tests.factories import make_version
    from chinhquyen.documents.tests.helpers import issued

    world = _world()
    document = issued(
        world,
        is_electronic=False,  # a paper document: dispatched without a signing device
        recipients=[
            RecipientInput(organisation=world.construction),
            RecipientInput(organisation=world.province),
            RecipientInput(name="Bộ Tư pháp — Cục Hộ tịch, quốc tịch, chứng thực"),
        ],
    )
    services.outgoing_dispatch(actor=world.clerk, document=document)
    for n in range(12):
        make_version(f"Thủ tục thử nghiệm số {n:02d} về chứng thực bản sao từ bản chính")

    clerk = people("van-thu", width=width)
    sign_in(clerk, world.clerk, totp=True)
    page = clerk.page
    clerk.go(reverse("documents:outgoing_detail", args=[document.pk]))
    expect(page.get_by_role("heading", name="Tình trạng xử lý của nơi nhận")).to_be_visible()
    expect(page.get_by_role("button", name="Đề nghị lấy lại").first).to_be_visible()
    _fits(clerk, "văn bản đi đã phát hành")

    leader = people("lanh-dao", width=width)
    sign_in(leader, world.leader, totp=True)
    leader.go(reverse("reports:on_time"))
    expect(
        leader.page.get_by_role("heading", name="Thống kê kết quả giải quyết hồ sơ")
    ).to_be_visible()
    _fits(leader, "thống kê đúng hạn")

    citizen = people("cong-dan", width=width)
    citizen.go(reverse("signing:verify"))
    expect(citizen.page.locator("h1")).to_be_visible()
    _fits(citizen, "kiểm tra chữ ký số")

    citizen.go(reverse("catalog:list"))
    results = citizen.page.get_by_role("heading", name="Kết quả")
    expect(results).to_be_visible()
    _fits(citizen, "danh mục thủ tục")
    if citizen.phone:
        box = results.bounding_box()
        assert box is not None and box["y"] < PHONE_HEIGHT, f"results start at {box}"
        citizen.page.get_by_role("button", name="Bộ lọc").click()
        expect(citizen.page.get_by_label("Lĩnh vực")).to_be_visible()
    assert not _problems(citizen), _problems(citizen)


def _signed_pdf() -> bytes:
    """A one-page PDF signed by a test official whose CA is a trust root of the system (the
    key is held in memory: no credential row, like ``sign_pdf --key``)."""
    from chinhquyen.signing import pki
    from chinhquyen.signing import services as signing
    from chinhquyen.signing.keys import FastSimpleSigner, signer_cache
    from chinhquyen.signing.models import CredentialKind, SigningCredential

    from .steps import tiny_pdf

    ca = pki.make_ca("CA Chính Quyền kiểm thử trình duyệt")
    pair = pki.issue_certificate(ca, common_name="Trần Thị Bích Ngọc")
    signing.trust_root_add(actor=None, name="CA kiểm thử", certificate_pem=ca.certificate_pem)
    credential = SigningCredential(
        kind=CredentialKind.PKCS12, label="Trần Thị Bích Ngọc", certificate_pem=pair.certificate_pem
    )
    signing.fill_certificate_fields(credential)
    signer_cache.preload(
        credential, FastSimpleSigner.from_key(pair.key, pair.certificate, [ca.certificate])
    )
    from concurrent.futures import ThreadPoolExecutor

    def sign() -> bytes:
        return signing.sign_pdf(
            pdf=tiny_pdf("Quyet dinh cap giay phep"), credential=credential, mode="personal"
        )

    try:  # pyHanko runs its own event loop: not in the thread of Playwright's loop
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(sign).result()
    finally:
        signer_cache.invalidate(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_report_and_verification_tables_with_data_fit_the_screen(
    people: Callable[..., Person], settings: Any, tmp_path: Any, width: int
) -> None:
    """The report's tables with rows in them and the verification page with a signature table
    (issue #10 item 13): nothing overflows the page, the scrollable regions are focusable, axe
    finds nothing serious."""
    import datetime as dt

    from chinhquyen.dossiers import services as dossiers
    from chinhquyen.dossiers.tests.factories import T0, build_world, receive

    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = False
    # a transactional test flushed the notification templates the migrations seeded
    from importlib import import_module

    from django.apps import apps

    import_module("chinhquyen.notifications.migrations.0002_seed_templates").seed_templates(
        apps, None
    )
    world = build_world()
    for n in range(3):
        start = T0 + dt.timedelta(hours=n)
        moments = iter(start + dt.timedelta(hours=2 * k) for k in range(1, 6))
        d = receive(world, when=start).dossier
        d = dossiers.dossier_transfer(actor=world.desk_centre, dossier=d, at=next(moments))
        d = dossiers.dossier_assign(
            actor=world.head, dossier=d, assignee=world.spec, at=next(moments)
        )
        d = dossiers.dossier_step_complete(actor=world.spec, dossier=d, at=next(moments))
        d = dossiers.dossier_submit_for_approval(actor=world.head, dossier=d, at=next(moments))
        dossiers.dossier_approve(actor=world.leader, dossier=d, at=next(moments))

    leader = people("lanh-dao-so", width=width)
    sign_in(leader, world.governor, totp=True)
    leader.go(reverse("reports:on_time") + "?tu_thang=2026-03&den_thang=2026-04")
    page = leader.page
    by_unit = page.get_by_role("region", name="Kết quả theo cơ quan")
    expect(by_unit.get_by_role("row", name=re.compile(world.dept.name))).to_be_visible()
    expect(page.get_by_role("region", name="Kết quả theo tháng")).to_be_visible()
    _fits(leader, "thống kê đúng hạn có số liệu")

    (tmp_path / "quyet-dinh.pdf").write_bytes(_signed_pdf())
    citizen = people("cong-dan", width=width)
    citizen.go(reverse("signing:verify"))
    citizen.page.get_by_label(re.compile("Tệp")).set_input_files(tmp_path / "quyet-dinh.pdf")
    citizen.page.get_by_role("button", name="Kiểm tra", exact=True).click()
    table = citizen.page.get_by_role("region", name="Các chữ ký số trong tệp")
    expect(table.get_by_role("cell", name="Trần Thị Bích Ngọc")).to_be_visible()
    expect(citizen.page.get_by_role("status")).to_contain_text("Hợp lệ")
    _fits(citizen, "kiểm tra chữ ký số có kết quả")
    assert not _problems(citizen), _problems(citizen)
