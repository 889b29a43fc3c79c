"""Management commands: sign_pdf, verify_pdf (--json, exit codes) and signing_setup_demo."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.signing import deferred, services
from chinhquyen.signing.demo import setup_demo_pki
from chinhquyen.signing.models import CredentialKind, SigningCredential, TrustRoot


def run_verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", *args, stdout=out)
    return int(exit_info.value.code or 0), out.getvalue()


def test_sign_and_verify_commands(tmp_path, official, personal, seal, org, sample_pdf):
    source = tmp_path / "in.pdf"
    source.write_bytes(sample_pdf)
    target = tmp_path / "out.pdf"
    out = io.StringIO()
    call_command(
        "sign_pdf",
        str(source),
        str(target),
        "--signer",
        official.username,
        "--reason",
        "Phê duyệt",
        stdout=out,
    )
    assert "Đã ký" in out.getvalue()

    code, printed = run_verify(str(target), "--json")
    assert code == 0
    assert printed.count("\n") <= 1  # exactly one JSON object
    body = json.loads(printed)
    assert body["valid"] is True
    assert body["reason"].startswith("Văn bản có chữ ký số hợp lệ")
    assert body["signatures"][0]["signer"] == "Nguyễn Văn An"

    sealed = tmp_path / "sealed.pdf"
    call_command(
        "sign_pdf",
        str(target),
        str(sealed),
        "--signer",
        official.username,
        "--mode",
        "organisation",
        "--organisation",
        org.agency_code,
        stdout=io.StringIO(),
    )
    code, printed = run_verify(str(sealed))
    assert code == 0 and printed.startswith("HỢP LỆ: ")

    attached = tmp_path / "attached.pdf"
    call_command(
        "sign_pdf",
        str(source),
        str(attached),
        "--signer",
        official.username,
        "--mode",
        "attachment",
        "--organisation",
        org.agency_code,
        "--number",
        "15/QĐ-STP",
        stdout=io.StringIO(),
    )
    assert run_verify(str(attached), "--json")[0] == 0


def test_verify_command_reports_invalid_files(tmp_path, db, sample_pdf):
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(sample_pdf)
    code, printed = run_verify(str(unsigned), "--json")
    assert code == 1
    assert json.loads(printed) == {
        "valid": False,
        "reason": "Tệp không có chữ ký số.",
        "signatures": [],
    }
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("verify_pdf", str(tmp_path / "missing.pdf"))


def test_verify_command_trust_option(tmp_path, pki_root, official, sample_pdf):
    from chinhquyen.signing import pki

    from .conftest import make_credential

    other_ca = pki.make_ca("CA ngoài")
    credential = make_credential(
        pki_root,
        other_ca,
        pki.issue_certificate(other_ca, common_name="Ngô Thị Dung"),
        owner=official,
    )
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(services.sign_pdf(pdf=sample_pdf, credential=credential, mode="personal"))
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(other_ca.certificate_pem)
    assert run_verify(str(signed), "--json")[0] == 1
    assert run_verify(str(signed), "--json", "--trust", str(ca_file))[0] == 0


def test_sign_command_errors(tmp_path, official, sample_pdf):
    source = tmp_path / "in.pdf"
    source.write_bytes(sample_pdf)
    with pytest.raises(CommandError, match="Không có cán bộ"):
        call_command("sign_pdf", str(source), str(tmp_path / "o.pdf"), "--signer", "khong-co")
    with pytest.raises(CommandError, match="chưa có chứng thư"):
        call_command(
            "sign_pdf", str(source), str(tmp_path / "o.pdf"), "--signer", official.username
        )
    with pytest.raises(CommandError, match="--organisation"):
        call_command(
            "sign_pdf",
            str(source),
            str(tmp_path / "o.pdf"),
            "--signer",
            official.username,
            "--mode",
            "organisation",
        )


def test_setup_demo_pki_is_idempotent_and_signs(db, tmp_path, pki_root, sample_pdf):
    for path in pki_root.rglob("*"):  # start from an empty PKI directory
        if path.is_file():
            path.unlink()
    province = make_org("UBND tỉnh Ninh Bình", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    department = make_org("Sở Tư pháp", parent=province)
    office = make_org("Phòng Hành chính tư pháp", parent=department, kind=OrganisationKind.UNIT)
    leader = make_official(office, Role.LEADER, full_name="Trần Văn Bình")
    clerk = make_official(department, Role.CLERK, full_name="Lê Thị Cúc")
    make_user(full_name="Công dân")  # citizens get nothing

    out = io.StringIO()
    call_command("signing_setup_demo", stdout=out)
    assert "CA thử nghiệm: mới tạo" in out.getvalue()
    assert (pki_root / "ca" / "ca.cert.pem").exists()
    assert (pki_root / "tsa" / "tsa.cert.pem").exists()
    assert TrustRoot.objects.filter(name="CA Chính Quyền thử nghiệm", enabled=True).count() == 1
    personal = SigningCredential.objects.filter(kind=CredentialKind.PKCS12, owner__isnull=False)
    assert {c.owner for c in personal} == {leader, clerk}
    assert SigningCredential.objects.filter(kind=CredentialKind.REMOTE).count() == 2
    # the sandbox remote account's certificate is approved for "Ký số từ xa"
    remote_cert = deferred.registered_certificate(leader, remote=True)
    assert remote_cert.remote_user_id == leader.username
    # the unit signs with its department's seal
    seals = SigningCredential.objects.filter(organisation__isnull=False)
    assert [c.organisation for c in seals] == [department]
    first_ids = sorted(SigningCredential.objects.values_list("pk", "fingerprint"))
    assert (
        oct((pki_root / "officials" / f"{leader.username}.p12").stat().st_mode & 0o777) == "0o600"
    )

    summary = setup_demo_pki()  # again: nothing new
    assert (summary.ca_created, summary.personal_created, summary.organisation_created) == (
        False,
        [],
        [],
    )
    assert sorted(SigningCredential.objects.values_list("pk", "fingerprint")) == first_ids
    assert deferred.OfficialCertificate.objects.filter(remote_provider="sandbox").count() == 2

    # images: blue transparent signature, red seal
    credential = personal.get(owner=leader)
    with Image.open(credential.signature_image) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0
        blue = [p for p in image.get_flattened_data() if p[3] > 200]
        assert blue and all(b > r for r, g, b, a in blue)
    with Image.open(seals[0].seal_image) as image:
        assert image.mode == "RGBA"
        red = [p for p in image.get_flattened_data() if p[3] > 200]
        assert red and all(r > b and r > g for r, g, b, a in red)

    signed = services.sign_pdf(
        pdf=sample_pdf, credential=credential, mode="personal", seal_credential=seals[0]
    )
    result = services.verify_pdf(signed)
    assert result.valid, result.reason
    assert result.signatures[0].issuer == "CA Chính Quyền thử nghiệm"


# --- straight after ``make install``: no database ---------------------------------------------

REPO = Path(__file__).resolve().parents[3]


def run_without_database(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` as a new user would run it after ``make install``: in a fresh
    directory, development settings, a database that does not exist yet (no ``var/``)."""
    return run_fresh(cwd, str(REPO / "manage.py"), *args)


def run_fresh(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in the environment of ``run_without_database``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CHINHQUYEN_VAR_DIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="chinhquyen.settings.dev",
        CHINHQUYEN_VAR_DIR=str(cwd / "var"),
        SIGNING_PKI_DIR=str(cwd / "var" / "pki"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_verify_pdf_needs_no_database(tmp_path, ca, personal, sample_pdf):
    signed = services.sign_pdf(pdf=sample_pdf, credential=personal, mode="personal")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "signed.pdf").write_bytes(signed)
    (fresh / "ca.pem").write_text(ca.certificate_pem)
    (fresh / "unsigned.pdf").write_bytes(sample_pdf)

    done = run_without_database(fresh, "verify_pdf", "signed.pdf", "--trust", "ca.pem", "--json")
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["valid"] is True
    assert verdict["signatures"][0]["signer"] == "Nguyễn Văn An"
    assert "Traceback" not in done.stderr
    assert "Chưa có cơ sở dữ liệu" in done.stderr  # says what it could not read, in one line
    assert len(done.stderr.strip().splitlines()) == 1

    done = run_without_database(fresh, "verify_pdf", "unsigned.pdf", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout) == {
        "valid": False,
        "reason": "Tệp không có chữ ký số.",
        "signatures": [],
    }
    assert not (fresh / "var").exists()  # nothing was created


def test_a_command_needing_the_database_says_which_step_is_missing(tmp_path):
    done = run_without_database(tmp_path, "demo_accounts")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("Lỗi: Chưa có cơ sở dữ liệu hoặc chưa tạo bảng: hãy chạy «make migrate»")


def test_demo_totp_prints_the_fixed_demo_code_without_database(tmp_path):
    from chinhquyen.accounts.demo import demo_totp_code

    started = time.time()
    done = run_without_database(tmp_path, "demo_totp", "lanhdao")
    ended = time.time()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    periods = range(int(started) // 30, int(ended) // 30 + 1)  # the code of one of them
    assert done.stdout.strip() in {demo_totp_code("lanhdao", at=p * 30.0) for p in periods}
    assert "Chưa có cơ sở dữ liệu" in done.stderr


def test_help_needs_no_database(tmp_path):
    done = run_without_database(tmp_path, "help")
    assert done.returncode == 0, done.stderr
    assert "verify_pdf" in done.stdout and "demo_totp" in done.stdout


# Modules heavy to import that no command needs at start-up: each command imports them in the
# function that uses them (issue #18: ``help`` and ``verify_pdf`` start in under 1.5 s).
HEAVY_MODULES = (
    "aiohttp",  # pyHanko's time-stamp client
    "cryptography",
    "filetype",
    "lxml",
    "openpyxl",
    "PIL",
    "playwright",
    "pyhanko",
    "pyhanko_certvalidator",
    "pypdf",
    "qrcode",
    "reportlab",
    "requests",  # allauth's OpenID Connect provider
    "urllib3",
    "weasyprint",
    # our own modules that pull in much of the above
    "chinhquyen.documents.exchange",
    "chinhquyen.integration.services",
    "chinhquyen.notifications.services",
)

# ``python -c LOADED_AFTER_HELP path/to/manage.py``: runs ``manage.py help`` as the command line
# does, then prints the names of the modules it imported (the last line).
LOADED_AFTER_HELP = """
import json, os, runpy, sys
manage = sys.argv[1]
sys.path.insert(0, os.path.dirname(manage))
sys.argv = [manage, "help"]
runpy.run_path(manage, run_name="__main__")
print(json.dumps(sorted(sys.modules)))
"""


def test_help_imports_no_heavy_module(tmp_path):
    done = run_fresh(tmp_path, "-c", LOADED_AFTER_HELP, str(REPO / "manage.py"))
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "chinhquyen.signing.models" in loaded  # the apps were set up
    heavy = sorted(
        name for name in loaded if any(name == m or name.startswith(f"{m}.") for m in HEAVY_MODULES)
    )
    assert heavy == []


def test_sign_pdf_with_a_key_file_needs_no_database(tmp_path, ca, person_pair, sample_pdf):
    from chinhquyen.signing import pki

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "in.pdf").write_bytes(sample_pdf)
    (fresh / "ca.pem").write_text(ca.certificate_pem)
    (fresh / "an.p12").write_bytes(
        pki.pkcs12_bytes(person_pair, passphrase="mat-khau-an", chain=[ca.certificate])
    )
    os.environ["AN_KEY_PASSPHRASE"] = "mat-khau-an"
    try:
        wrong = run_without_database(
            fresh, "sign_pdf", "in.pdf", "out.pdf", "--key", "an.p12", "--passphrase-env", "KHONG"
        )
        done = run_without_database(
            fresh,
            "sign_pdf",
            "in.pdf",
            "out.pdf",
            "--key",
            "an.p12",
            "--passphrase-env",
            "AN_KEY_PASSPHRASE",
            "--reason",
            "Phê duyệt",
        )
    finally:
        del os.environ["AN_KEY_PASSPHRASE"]
    assert wrong.returncode == 1
    assert "Traceback" not in wrong.stderr
    assert "sai mật khẩu" in wrong.stderr and "KHONG" in wrong.stderr
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Nguyễn Văn An" in done.stdout

    verdict = run_without_database(fresh, "verify_pdf", "out.pdf", "--trust", "ca.pem", "--json")
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    result = json.loads(verdict.stdout)
    assert result["valid"] is True
    assert result["signatures"][0]["signer"] == "Nguyễn Văn An"
    assert not (fresh / "var").exists()  # nothing was created: no database, no key store
