"""The security level 3 evidence report: each item measured on hand-built data and settings,
scoped like the dashboard, and its page, Excel and PDF only for IT administrators."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.conf import global_settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.audit.models import SecurityEvent, SecurityEventKind
from chinhquyen.audit.services import security_event_record
from chinhquyen.secops import evidence
from chinhquyen.secops.evidence import Status
from chinhquyen.secops.forwarding import forward_pending
from chinhquyen.secops.models import Alert, AlertRule, AlertStatus, ForwardItem

from .conftest import World

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "backup-restore-drill.py"


def _item(user: object, key: str, **kwargs: Any) -> evidence.Evidence:
    return evidence.report(user, **kwargs).item(key)


def _figures(item: evidence.Evidence) -> dict[str, str]:
    return {f.label: f.value for f in item.figures}


# --- 2FA coverage and scope -----------------------------------------------------------------


def test_mfa_coverage_counts_officials_of_the_scope(world: World) -> None:
    # the department's subtree: its IT administrator and two specialists, all with TOTP
    item = _item(world.dept_admin, "mfa")
    assert item.status == Status.MET
    assert _figures(item)["Đã có TOTP"] == "3/3 (100%)"

    Authenticator.objects.filter(user=world.dept_specialist).delete()
    lacking = make_official(world.other_department, Role.SPECIALIST, full_name="Người Sở Khác")
    # not counted: citizens, API clients, inactive officials, ended positions
    make_user(UserKind.API_CLIENT)
    make_official(world.sub_unit, Role.SPECIALIST, is_active=False)
    ended = make_official(world.sub_unit, Role.SPECIALIST)
    Position.objects.filter(user=ended).update(valid_to=timezone.localdate() - dt.timedelta(1))

    item = _item(world.dept_admin, "mfa")
    assert item.status == Status.NOT_MET
    assert _figures(item)["Đã có TOTP"] == "2/3 (66%)"
    assert _figures(item)["Chưa có TOTP"] == "1"
    assert [(r.username, r.units) for r in item.officials] == [("cv_so", "Sở Thử nghiệm")]

    # the root administrator sees the province: seven officials, two without TOTP
    item = _item(world.root_admin, "mfa")
    assert _figures(item)["Đã có TOTP"] == "5/7 (71%)"
    assert {r.username for r in item.officials} == {"cv_so", lacking.username}


def test_mfa_list_is_capped_on_the_page_but_not_in_the_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence, "MFA_LIST_LIMIT", 1)
    for n in range(3):
        make_official(world.sub_unit, Role.SPECIALIST, full_name=f"Chưa bật {n}")
    page = evidence.report(world.dept_admin).item("mfa")
    assert len(page.officials) == 1 and page.officials_more == 2
    full = evidence.report(world.dept_admin, all_officials=True).item("mfa")
    assert len(full.officials) == 3 and full.officials_more == 0


def test_only_it_administrators_get_a_report(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (world.dept_specialist, world.leader, world.citizen):
        with pytest.raises(PermissionDenied):
            evidence.report(user)
    assert evidence.report(world.root_admin).scope == "Toàn hệ thống"
    assert evidence.report(world.dept_admin).scope == "Sở Thử nghiệm"


# --- settings: production shows đạt, development chưa đạt -------------------------------------


def _settings_module(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 60)
    for var in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_HSTS_SECONDS", "DJANGO_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    module = f"chinhquyen.settings.{name}"
    sys.modules.pop(module, None)
    try:
        return importlib.import_module(module)
    finally:
        sys.modules.pop(module, None)


SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_SAMESITE",
    "AUTH_PASSWORD_VALIDATORS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "MIDDLEWARE",
)


def _values(module: ModuleType) -> dict[str, Any]:
    values = {
        name: getattr(module, name, getattr(global_settings, name, None))
        for name in SECURITY_SETTINGS
    }
    # neither module names hashers: Django's default list (PBKDF2 first)
    values["PASSWORD_HASHERS"] = getattr(
        module, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS
    )
    return values


CONFIG_ITEMS = ("lockout", "password", "sessions", "transport")


def test_production_settings_meet_the_configuration_items(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = _values(_settings_module("production", monkeypatch))
    with override_settings(**production):
        report = evidence.report(world.root_admin)
    assert {k: report.item(k).status for k in CONFIG_ITEMS} == dict.fromkeys(
        CONFIG_ITEMS, Status.MET
    )
    figures = _figures(report.item("transport"))
    assert figures["HSTS (SECURE_HSTS_SECONDS)"] == "365 ngày"
    assert figures["Chế độ gỡ lỗi (DEBUG)"] == "tắt"
    assert _figures(report.item("lockout"))["Số lần sai trước khi khóa"] == "5"
    assert _figures(report.item("lockout"))["Thời gian khóa"] == "30 phút"
    assert _figures(report.item("password"))["Độ dài tối thiểu"] == "10"


def test_development_settings_honestly_fail_sessions_and_transport(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    development = _values(_settings_module("dev", monkeypatch))
    with override_settings(**development):
        report = evidence.report(world.root_admin)
    assert report.item("sessions").status == Status.NOT_MET
    assert report.item("transport").status == Status.NOT_MET
    assert _figures(report.item("sessions"))["SESSION_COOKIE_SECURE"] == "tắt"
    assert report.item("lockout").status == Status.MET


def test_weak_settings_are_not_met(world: World) -> None:
    with override_settings(
        AXES_FAILURE_LIMIT=50,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        report = evidence.report(world.root_admin)
    assert report.item("lockout").status == Status.NOT_MET
    assert report.item("password").status == Status.NOT_MET
    assert "(yếu)" in _figures(report.item("password"))["Hàm băm mật khẩu"]


# --- audit, SIEM, alerts --------------------------------------------------------------------


def test_audit_coverage(world: World) -> None:
    # nothing recorded (the world's 2FA activations were events): cannot tell
    SecurityEvent.objects.all().delete()
    LogEntry.objects.all().delete()
    assert _item(world.dept_admin, "audit").status == Status.UNKNOWN
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, user=world.sub_specialist)
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, user=world.other_specialist)
    item = _item(world.dept_admin, "audit")
    assert item.status == Status.MET
    assert _figures(item)["Sự kiện an ninh trong 30 ngày"] == "1"  # the other one is not ours
    with override_settings(SECURITY_EVENT_RETENTION_DAYS=30):
        assert _item(world.dept_admin, "audit").status == Status.NOT_MET


def test_siem_forwarding(world: World, tmp_path: Path) -> None:
    with override_settings(SECOPS_SYSLOG_HOST="", SECOPS_JSONL_PATH=""):
        item = _item(world.root_admin, "siem")
    assert item.status == Status.NOT_MET
    assert _figures(item)["Đích nhận"] == "chưa cấu hình"

    ForwardItem.objects.all().delete()  # the world's 2FA activations
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, user=world.sub_specialist)
    ForwardItem.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    target = tmp_path / "siem.jsonl"
    with override_settings(SECOPS_SYSLOG_HOST="", SECOPS_JSONL_PATH=str(target)):
        item = _item(world.root_admin, "siem")
        assert item.status == Status.NOT_MET  # waiting for an hour
        assert _figures(item)["Đang chờ chuyển"] == "1"
        assert forward_pending() == {"jsonl": 1}
        item = _item(world.root_admin, "siem")
    assert item.status == Status.MET
    assert _figures(item)["Đang chờ chuyển"] == "0"


def _alert(unit_path: str, *, hours_ago: float) -> Alert:
    rule = AlertRule.objects.get(kind=SecurityEventKind.MASS_EXPORT)
    alert = Alert.objects.create(
        rule=rule,
        kind=rule.kind,
        severity=rule.severity,
        group_by=rule.group_by,
        group_value="x",
        count=3,
        window_start=timezone.now(),
        unit_path=unit_path,
    )
    Alert.objects.filter(pk=alert.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours_ago)
    )
    return alert


def test_open_alerts(world: World) -> None:
    assert _item(world.dept_admin, "alerts").status == Status.MET
    other = _alert(world.other_department.path, hours_ago=30)
    # the other department's stale alert is not the department's
    assert _item(world.dept_admin, "alerts").status == Status.MET
    assert _item(world.root_admin, "alerts").status == Status.NOT_MET
    ours = _alert(world.sub_unit.path, hours_ago=2)
    item = _item(world.dept_admin, "alerts")
    assert item.status == Status.MET
    assert _figures(item)["Cảnh báo mới, chưa tiếp nhận"] == "1"
    Alert.objects.filter(pk=other.pk).update(status=AlertStatus.ACKNOWLEDGED)
    assert _item(world.root_admin, "alerts").status == Status.MET
    assert ours.pk


# --- backups and integrity ------------------------------------------------------------------


def _drill_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("backup_restore_drill", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_backup_drill_read_from_the_scripts_status_file(world: World, tmp_path: Path) -> None:
    status = tmp_path / "drill" / "status.json"
    with override_settings(BACKUP_DRILL_STATUS_FILE=status):
        item = _item(world.root_admin, "backup")
        assert item.status == Status.UNKNOWN
        assert _figures(item)["Diễn tập khôi phục gần nhất"] == "chưa có bản ghi"

        script = _drill_script()
        script.record_status(status, "backup", ok=True, summary="3 tables, 10 rows, 2 files")
        assert _item(world.root_admin, "backup").status == Status.UNKNOWN  # no drill yet
        script.record_status(status, "drill", ok=True, summary="OK, 3 tables match")
        item = _item(world.root_admin, "backup")
        assert item.status == Status.MET
        assert "thành công — OK, 3 tables match" in _figures(item)["Diễn tập khôi phục gần nhất"]
        assert "3 tables, 10 rows" in _figures(item)["Sao lưu gần nhất (bằng công cụ diễn tập)"]

        later = timezone.now() + evidence.DRILL_MAX_AGE + dt.timedelta(days=1)
        assert _item(world.root_admin, "backup", now=later).status == Status.NOT_MET
        script.record_status(status, "drill", ok=False, summary="FAILED, 1 mismatch(es)")
        assert _item(world.root_admin, "backup").status == Status.NOT_MET
        status.write_text("{not json", encoding="utf-8")
        assert _item(world.root_admin, "backup").status == Status.UNKNOWN


def test_integrity_unknown_before_the_first_check(world: World) -> None:
    """The check itself is tested in test_integrity.py."""
    assert _item(world.root_admin, "integrity").status == Status.UNKNOWN


# --- pages ----------------------------------------------------------------------------------


def test_page_is_for_it_administrators_and_scoped(world: World) -> None:
    make_official(world.other_department, Role.SPECIALIST, full_name="Trần Thị Khác Sở")
    make_official(world.sub_unit, Role.SPECIALIST, full_name="Lê Văn Phòng")
    url = reverse("secops:evidence")

    dept = Client()
    dept.force_login(world.dept_admin)
    body = dept.get(url).content.decode()
    assert "Bằng chứng an toàn hệ thống thông tin" in body
    assert 'data-evidence="mfa" data-status="chua_dat"' in body
    assert "3/4 (75%)" in body
    assert "Lê Văn Phòng" in body and "Trần Thị Khác Sở" not in body

    root = Client()
    root.force_login(world.root_admin)
    body = root.get(url).content.decode()
    assert "Lê Văn Phòng" in body and "Trần Thị Khác Sở" in body
    # the dashboard links to it
    assert url in root.get(reverse("secops:dashboard")).content.decode()

    for outsider in (world.dept_specialist, world.leader, world.citizen):
        c = Client()
        c.force_login(outsider)
        for name in ("secops:evidence", "secops:evidence_export", "secops:evidence_pdf"):
            assert c.get(reverse(name)).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]


def test_excel_export_is_scoped_neutralised_and_logged(world: World) -> None:
    from openpyxl import load_workbook

    make_official(world.sub_unit, Role.SPECIALIST, full_name='=HYPERLINK("http://x")')
    make_official(world.other_department, Role.SPECIALIST, full_name="Trần Thị Khác Sở")
    client = Client()
    client.force_login(world.dept_admin)
    response = client.get(reverse("secops:evidence_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bang-chung-an-toan-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    main = [
        [c for c in row if c is not None] for row in book["Bang chung"].iter_rows(values_only=True)
    ]
    statuses = {row[1]: row[2] for row in main[6:] if len(row) > 2}
    assert statuses["Xác thực hai lớp (TOTP) của cán bộ"] == "Chưa đạt"
    assert statuses["Kiểm tra toàn vẹn dữ liệu định kỳ"] == "Không xác định"
    names = [row[0] for row in book["Chua bat 2FA"].iter_rows(min_row=3, values_only=True)]
    assert names == ['\'=HYPERLINK("http://x")']  # typed text never runs as a formula
    event = SecurityEvent.objects.get(kind=SecurityEventKind.MASS_EXPORT)
    assert event.user == world.dept_admin and event.detail["export"] == "secops_evidence"


def test_pdf(world: World) -> None:
    client = Client()
    client.force_login(world.root_admin)
    response = client.get(reverse("secops:evidence_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
