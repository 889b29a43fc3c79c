"""A leader signs an outgoing document remotely (SmartCA-style), in a real browser, at 1280 px
and on a 375 px phone: "Ký số từ xa (xác nhận trên điện thoại)" prepares the document and sends
one request to the remote signing service (the sandbox service, over HTTP, in the live server);
the page waits and polls; the leader confirms on the sandbox "phone" page; the page shows the
success, the stored PDF verifies with verify_pdf and the document is signed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import enable_totp, make_official
from chinhquyen.documents import files
from chinhquyen.documents.models import OutgoingStatus
from chinhquyen.documents.tests.conftest import build_world
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.signing import pki
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.models import SandboxTransaction
from chinhquyen.signing.tests.conftest import (  # noqa: F401  (fixtures)
    ca,
    images,
    person_pair,
    remote_account,
)
from chinhquyen.signing.verification import verify_pdf

from .a11y import check_a11y
from .conftest import Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
USER_ID = "lanhdao-so"


def _document_types() -> None:
    from django.apps import apps

    seed = importlib.import_module("chinhquyen.documents.migrations.0002_seed_document_types")
    seed.seed(apps, None)


def _checked(person: Person, label: str) -> None:
    check_a11y(person.page, f"{person.name}: {label} ({person.width} px)")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_leader_signs_remotely_and_confirms_on_the_phone(
    people: Callable[..., Person],
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    ca: pki.KeyPair,  # noqa: F811
    person_pair: pki.KeyPair,  # noqa: F811
    images: dict[str, bytes],  # noqa: F811
    width: int,
) -> None:
    root = tmp_path / "pki"
    (root / "ca").mkdir(parents=True)
    (root / "ca" / "ca.cert.pem").write_text(ca.certificate_pem)
    settings.SIGNING_PKI_DIR = root
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = True
    settings.SIGNING_REMOTE_URL = f"{live_server.url}/ky-so/sandbox/ky-tu-xa"
    settings.SIGNING_REMOTE_API_KEY = "khoa-thu-nghiem"
    signer_cache.invalidate()
    _document_types()
    world = build_world()
    leader = world.leader
    Authenticator.objects.filter(user=leader).delete()
    enable_totp(leader)
    # the remote signing account: the sandbox "phone" signs with its key
    remote_account(
        root,
        ca,
        person_pair,
        owner=leader,
        admin=make_official(world.justice, Role.IT_ADMIN, full_name="Quản trị"),
        user_id=USER_ID,
        image=images["signature"],
    )
    document = issued(world)

    person = people("lanhdao", width=width)
    page = person.page
    sign_in(
        person, leader, totp=True, start=reverse("documents:outgoing_detail", args=[document.pk])
    )
    box = page.locator("[data-remote-sign]")
    expect(page.get_by_role("heading", name="Ký số từ xa")).to_be_visible()
    _checked(person, "văn bản đi chờ ký")
    box.get_by_role("button", name="Ký số từ xa (xác nhận trên điện thoại)").click()
    expect(box.get_by_role("status")).to_contain_text("Đang chờ đồng chí xác nhận trên điện thoại")
    expect(box).to_have_attribute("data-state", "pending")
    _checked(person, "chờ xác nhận trên điện thoại")
    assert SandboxTransaction.objects.count() == 1  # one request

    # the "phone": the sandbox's confirmation page (a new tab, the same signed-in official)
    with page.context.expect_page() as opened:
        box.get_by_role("link", name="mở trang xác nhận thay cho điện thoại").click()
    phone_page = opened.value
    expect(phone_page.get_by_role("heading", name="Xác nhận ký số từ xa")).to_be_visible()
    check_a11y(phone_page, f"điện thoại: xác nhận ({width} px)")
    phone_page.get_by_role("button", name="Đồng ý ký").click()
    expect(phone_page.get_by_role("status").first).to_contain_text("Đã xác nhận ký số")
    phone_page.close()

    # the document's page learns it by polling
    expect(box.get_by_role("status")).to_contain_text("Đã ký số thành công")
    expect(box).to_have_attribute("data-state", "done")
    _checked(person, "đã ký số")
    # no script error, no CSP violation (the site has no favicon yet: that 404 is left aside)
    assert not [e for e in person.errors if "/favicon.ico:" not in e], person.errors
    assert not person.blocked, person.blocked

    document.refresh_from_db()
    assert document.status == OutgoingStatus.SIGNED and document.signed_at
    pdf = files.read_field(document.pdf_file)
    # Playwright's sync API runs an event loop in this thread: verify in another one
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(verify_pdf, pdf).result()
    assert result.valid, result.reason
    assert result.signatures[-1].signer == "Nguyễn Văn An"
