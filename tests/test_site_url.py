"""Issue #10 item 11: with ``make run PORT=8101`` the links of receipts (QR code, lookup URL),
SMS and e-mail point to port 8101 — the default site URL follows where the demo is served."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chinhquyen.settings.base import site_url_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8101", "http://127.0.0.1:8101"),
        ("localhost:8000", "http://localhost:8000"),
        ("0.0.0.0:8101", "http://127.0.0.1:8101"),
        ("[::]:9000", "http://127.0.0.1:9000"),
        ("[::1]:9000", "http://[::1]:9000"),
        ("demo.example.vn:80", "http://demo.example.vn:80"),
        ("8101", "http://127.0.0.1:8101"),
        ("", "http://127.0.0.1:8000"),
    ],
)
def test_site_url_of_a_serving_address(address: str, url: str) -> None:
    assert site_url_for(address) == url


def _settings_site_url(**env: str) -> str:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CHINHQUYEN_SITE_URL", "CHINHQUYEN_SERVE_ADDRESS")
    }
    environ.update(env)
    code = "import chinhquyen.settings.dev as s; print(s.SITE_URL)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_settings_follow_the_serving_address_unless_a_site_url_is_given() -> None:
    assert _settings_site_url() == "http://127.0.0.1:8000"
    assert _settings_site_url(CHINHQUYEN_SERVE_ADDRESS="127.0.0.1:8101") == (
        "http://127.0.0.1:8101"
    )
    assert (
        _settings_site_url(
            CHINHQUYEN_SERVE_ADDRESS="127.0.0.1:8101",
            CHINHQUYEN_SITE_URL="https://dichvucong.ninhbinh.gov.vn",
        )
        == "https://dichvucong.ninhbinh.gov.vn"
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_exports_the_serving_address() -> None:
    """``make run HOST=… PORT=…`` hands the address to every process it starts (the server,
    the worker sending SMS/e-mail, the scheduler, load_demo)."""
    environ = {k: v for k, v in os.environ.items() if k != "CHINHQUYEN_SERVE_ADDRESS"}
    probe = "_site_address:\n\t@echo $$CHINHQUYEN_SERVE_ADDRESS\n"
    done = subprocess.run(
        ["make", "-s", "-f", "Makefile", "-f", "-", "PORT=8101", "HOST=0.0.0.0", "_site_address"],
        cwd=ROOT,
        env=environ,
        input=probe,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.0.0.0:8101"
    assert site_url_for(done.stdout.strip()) == "http://127.0.0.1:8101"


def test_the_receipt_lookup_link_uses_the_site_url(settings) -> None:
    from types import SimpleNamespace

    from chinhquyen.dossiers.pdf import lookup_url

    settings.SITE_URL = site_url_for("127.0.0.1:8101")
    assert lookup_url(SimpleNamespace(code="000.00.01.H41-261207-0001")).startswith(  # type: ignore[arg-type]
        "http://127.0.0.1:8101/"
    )
