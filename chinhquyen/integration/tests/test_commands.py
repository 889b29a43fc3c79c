"""The fixed points: ``edxml_export <document id> OUT.xml`` and
``edxml_verify FILE [--trust CERT.pem] [--json]`` (last line ``{"valid": ..., "reason": ...}``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from chinhquyen.documents import services
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.helpers import issued, sample_pdf
from chinhquyen.integration import signature

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def issued_to_b(world):
    document = issued(
        world,
        is_electronic=False,
        recipients=[
            RecipientInput(name=world.construction.name, agency_code=world.construction.agency_code)
        ],
    )
    services.outgoing_attach_pdf(actor=world.clerk, document=document, upload=sample_pdf())
    return document


def verify(*args: str) -> tuple[dict, str]:
    out = StringIO()
    try:
        call_command("edxml_verify", *args, stdout=out)
    except SystemExit as exc:
        assert exc.code == 1
    text = out.getvalue().strip()
    return json.loads(text.splitlines()[-1]), text


def test_export_then_verify_against_the_registry_and_a_trusted_certificate(orgs, tmp_path):
    world = orgs["world"]
    document = issued_to_b(world)  # issued, not yet sent: the message it would send
    out = tmp_path / "m.xml"
    call_command("edxml_export", str(document.pk), str(out), stdout=StringIO())
    result, text = verify(str(out))
    assert result["valid"] is True, result
    assert result["sender"] == world.justice.agency_code
    assert result["document_id"].endswith(document.number_notation)
    assert text.splitlines()[0].startswith("Hợp lệ")

    cert = tmp_path / "a.pem"
    cert.write_text(orgs["a"].certificate_pem)
    result, _ = verify(str(out), "--trust", str(cert), "--json")
    assert result["valid"] is True

    other = tmp_path / "b.pem"
    other.write_text(orgs["b"].certificate_pem)
    result, _ = verify(str(out), "--trust", str(other), "--json")
    assert (
        result
        == {
            "valid": False,
            "code": "unknown_certificate",
            "reason": result["reason"],
        }
        and result["reason"]
    )


def test_verify_reports_tampering(orgs, tmp_path):
    world = orgs["world"]
    document = issued_to_b(world)
    out = tmp_path / "m.xml"
    call_command("edxml_export", str(document.pk), str(out), stdout=StringIO())
    root = etree.fromstring(out.read_bytes())
    node = root.find(f".//{{{signature.NS}}}Subject")
    node.text = "Nội dung đã bị sửa"
    out.write_bytes(etree.tostring(root))
    result, _ = verify(str(out), "--json")
    assert result["valid"] is False and result["code"] == "tampered"


def test_export_refuses_a_draft(orgs, tmp_path):
    from chinhquyen.documents.tests.helpers import draft

    document = draft(orgs["world"])
    with pytest.raises(CommandError, match="chưa được cấp số"):
        call_command("edxml_export", str(document.pk), str(tmp_path / "x.xml"))


def test_verify_json_in_a_fresh_process(orgs, tmp_path):
    world = orgs["world"]
    document = issued_to_b(world)
    out = tmp_path / "m.xml"
    call_command("edxml_export", str(document.pk), str(out), stdout=StringIO())
    cert = tmp_path / "a.pem"
    cert.write_text(orgs["a"].certificate_pem)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chinhquyen.settings.test"}
    done = subprocess.run(
        [sys.executable, "manage.py", "edxml_verify", str(out), "--trust", str(cert), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["valid"] is True
    bad = tmp_path / "bad.xml"
    bad.write_bytes(out.read_bytes().replace("QĐ-STP".encode(), b"QD-XXX", 1))
    done = subprocess.run(
        [sys.executable, "manage.py", "edxml_verify", str(bad), "--trust", str(cert), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert last["valid"] is False and last["reason"]
