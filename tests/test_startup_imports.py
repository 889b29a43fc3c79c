"""Start-up stays light (#18, #10 item 14): setting Django up (models, admin, apps) and loading
every URL module imports none of the heavy libraries; they load inside the functions that use
them. Checked in a fresh interpreter, as ``manage.py`` and the web server start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "weasyprint",
    "pyhanko",
    "openpyxl",
    "playwright",
    "aiohttp",
    "jsonschema",
    "holidays",
    "signxml",
)
#: Loaded by some views' modules: kept out of start-up, allowed once the URLs are loaded.
LAZY_ONLY_AT_SETUP = ("jsonschema", "holidays")

PROBE = """
import json, sys
import django
django.setup()
after_setup = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
from django.urls import get_resolver
get_resolver().url_patterns
after_urls = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY) - set(LAZY_ONLY_AT_SETUP))
print(json.dumps({"setup": after_setup, "urls": after_urls}))
"""


def test_django_setup_and_urls_import_no_heavy_library(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="chinhquyen.settings.dev",
        CHINHQUYEN_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    script = f"HEAVY = {HEAVY!r}\nLAZY_ONLY_AT_SETUP = {LAZY_ONLY_AT_SETUP!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # models, admin, apps, management start-up: nothing heavy at all
    assert loaded["setup"] == []
    # the URL configuration (views, serializers): no PDF, signing, spreadsheet or browser library
    assert loaded["urls"] == []
