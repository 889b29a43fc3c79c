"""Security operations in a real browser (issue #16 item 5), at 1280 px and on a 375 px phone: a
brute force on an official's account (failed sign-ins recorded through the audit service, so the
seeded rule fires in the one pipeline) raises an alert; the province's IT administrator signs in
with 2FA, opens the security dashboard, acknowledges the alert, closes it with a note, and opens
the level 3 evidence report, which shows the officials' 2FA coverage. The dashboard and the
report fit the screen with no serious or critical axe-core finding."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.audit.models import SecurityEventKind
from chinhquyen.audit.services import security_event_record
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.secops.models import Alert, AlertRule, AlertStatus

from .conftest import Person
from .steps import fits_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULE = "Dò mật khẩu một tài khoản"
NOTE = "Đã xác minh: người dùng gõ sai mật khẩu cũ; đã hướng dẫn đặt lại."


def _world() -> dict[str, Any]:
    """A province with a department: the province's IT administrator and a specialist (both
    with TOTP) and a new specialist who has not activated 2FA yet. A transactional test empties
    the tables the migrations seeded: the alert rules are seeded again."""
    seed = importlib.import_module("chinhquyen.secops.migrations.0002_seed_rules_and_templates")
    seed.seed(apps, None)
    province = make_org("UBND tỉnh Thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    department = make_org("Sở Thử nghiệm", parent=province)
    return {
        "admin": make_official(
            province, Role.IT_ADMIN, totp=True, username="qtv", full_name="Nguyễn Quản Trị"
        ),
        "target": make_official(
            department, Role.SPECIALIST, totp=True, username="cv.bido", full_name="Lê Bị Dò"
        ),
        "lacking": make_official(
            department, Role.SPECIALIST, username="cv.moi", full_name="Phạm Chưa Bật"
        ),
    }


def _brute_force(target: Any) -> Alert:
    """Failed sign-ins on one account from several addresses, through the audit service (the
    pipeline runs the seeded rule: 10 failures in 5 minutes raise one alert)."""
    rule = AlertRule.objects.get(kind=SecurityEventKind.LOGIN_FAILED, group_by="user")
    rf = RequestFactory()
    for n in range(rule.threshold):
        request = rf.post(reverse("account_login"), REMOTE_ADDR=f"198.51.100.{n + 1}")
        security_event_record(
            kind=SecurityEventKind.LOGIN_FAILED,
            request=request,
            user=target,
            username=target.username,
            detail={"reason": "bad_password"},
        )
    return Alert.objects.get(rule=rule)


@pytest.mark.parametrize("width", [1280, 375])
def test_it_admin_handles_a_brute_force_alert_and_reads_the_evidence(
    people: Callable[..., Person], width: int
) -> None:
    world = _world()
    alert = _brute_force(world["target"])
    assert alert.status == AlertStatus.OPEN and alert.group_value == "cv.bido"

    admin = people("quan-tri", width=width)
    sign_in(admin, world["admin"], totp=True)
    page = admin.page
    admin.go(reverse("secops:dashboard"))
    expect(page.get_by_role("heading", name="Giám sát an ninh")).to_be_visible()
    card = page.locator(f'[data-alert="{alert.pk}"]')
    expect(card).to_contain_text(RULE)
    expect(card).to_contain_text("cv.bido")
    expect(card).to_contain_text("Trạng thái: Mới")
    fits_screen(admin, "giám sát an ninh")
    admin.shot("giam-sat")

    card.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận cảnh báo.")).to_be_visible()
    card = page.locator(f'[data-alert="{alert.pk}"]')
    expect(card).to_contain_text("Trạng thái: Đã tiếp nhận (Nguyễn Quản Trị)")
    expect(card.get_by_role("button", name="Tiếp nhận")).to_have_count(0)

    card.get_by_label("Ghi chú kết quả xử lý").fill(NOTE)
    card.get_by_role("button", name="Đóng cảnh báo").click()
    expect(page.get_by_text("Đã đóng cảnh báo.")).to_be_visible()
    expect(page.get_by_text("Không có cảnh báo nào đang mở.")).to_be_visible()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.close_note == NOTE
    assert alert.acknowledged_by == world["admin"] and alert.closed_by == world["admin"]

    page.get_by_role("main").get_by_role("link", name="Bằng chứng an toàn hệ thống").click()
    expect(
        page.get_by_role("heading", name="Bằng chứng an toàn hệ thống thông tin")
    ).to_be_visible()
    mfa = page.locator('[data-evidence="mfa"]')
    expect(mfa.get_by_role("heading")).to_contain_text("Xác thực hai lớp (TOTP) của cán bộ")
    expect(mfa.get_by_role("heading")).to_contain_text("Chưa đạt")
    expect(mfa.locator('[data-figure="Đã có TOTP"]')).to_have_text("2/3 (66%)")
    mfa.locator("summary", has_text=re.compile(r"^Cán bộ chưa có xác thực hai lớp")).click()
    expect(mfa.get_by_role("cell", name="Phạm Chưa Bật")).to_be_visible()
    alerts = page.locator('[data-evidence="alerts"]')
    expect(alerts.locator('[data-figure="Cảnh báo mới, chưa tiếp nhận"]')).to_have_text("0")
    fits_screen(admin, "bằng chứng an toàn")
    admin.shot("bang-chung")
    assert not [e for e in admin.errors if "/favicon.ico:" not in e], admin.errors
