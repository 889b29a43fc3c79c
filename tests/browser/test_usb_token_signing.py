"""A leader signs an outgoing document with his USB token, in a real browser: the page talks
to the reference signing agent (running against a SoftHSM2 token) and to the two-step signing
API; the stored PDF verifies with verify_pdf and with poppler's pdfsig, and the document is
signed (ready for the clerk to dispatch).

The agent listens on the default port of ``SIGNING_AGENT_URL`` (8765: the pages' CSP allows
that address); the test is skipped when the port is taken.
"""

from __future__ import annotations

import importlib
import subprocess
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
from chinhquyen.signing import deferred
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.tests.conftest import (  # noqa: F401  (fixtures)
    MODULE,
    PIN,
    ca,
    person_pair,
    softhsm_available,
    token,
)
from chinhquyen.signing.verification import verify_pdf
from chinhquyen_agent.server import make_server, serve_in_thread
from chinhquyen_agent.token import Pkcs11Backend

from .conftest import Person
from .steps import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not softhsm_available(), reason="softhsm2 and opensc are needed"),
]
AGENT_PORT = 8765
CODE = "135790"


def _document_types() -> None:
    from django.apps import apps

    seed = importlib.import_module("chinhquyen.documents.migrations.0002_seed_document_types")
    seed.seed(apps, None)


def test_leader_signs_with_usb_token(
    people: Any,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
    token: Any,  # noqa: F811
    ca: Any,  # noqa: F811
    person_pair: Any,  # noqa: F811
) -> None:
    try:
        server, _state = make_server(
            Pkcs11Backend(str(MODULE)),
            port=AGENT_PORT,
            allowed_origins=[live_server.url],
            pairing_code=CODE,
        )
    except OSError:
        pytest.skip(f"port {AGENT_PORT} is taken")
    serve_in_thread(server)
    try:
        settings.SIGNING_PKI_DIR = tmp_path / "pki"
        (tmp_path / "pki" / "ca").mkdir(parents=True)
        (tmp_path / "pki" / "ca" / "ca.cert.pem").write_text(ca.certificate_pem)
        settings.SIGNING_TSA_URL = ""
        signer_cache.invalidate()
        _document_types()
        world = build_world()
        leader = world.leader
        Authenticator.objects.filter(user=leader).delete()
        enable_totp(leader)
        admin = make_official(world.justice, Role.IT_ADMIN, full_name="Quản trị")
        cert = deferred.certificate_register(
            actor=leader, official=leader, certificate_pem=person_pair.certificate_pem
        )
        deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)
        document = issued(world)

        person: Person = people("lanhdao")
        page = person.page
        page.on("dialog", lambda dialog: dialog.accept(CODE))  # the agent's pairing code
        sign_in(
            person,
            leader,
            totp=True,
            start=reverse("documents:outgoing_detail", args=[document.pk]),
        )
        box = page.locator("[data-agent-sign]")
        expect(page.get_by_role("heading", name="Ký bằng USB token")).to_be_visible()
        page.get_by_label("Mã PIN của USB token").fill(PIN)
        page.get_by_role("button", name="Ký bằng USB token").click()
        expect(box.get_by_role("status")).to_contain_text("Đã ký số thành công")
        expect(box).to_have_attribute("data-state", "done")

        document.refresh_from_db()
        assert document.status == OutgoingStatus.SIGNED and document.signed_at
        pdf = files.read_field(document.pdf_file)
        # Playwright's sync API runs an event loop in this thread: verify in another one
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(verify_pdf, pdf).result()
        assert result.valid, result.reason
        assert result.signatures[-1].signer == "Nguyễn Văn An"
        path = tmp_path / "signed.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
        assert "Signature Validation: Signature is Valid." in out.stdout, out.stdout
    finally:
        server.shutdown()
        server.server_close()
