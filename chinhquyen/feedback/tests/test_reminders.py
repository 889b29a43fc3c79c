"""Reminders before a report's clock falls due, escalation once overdue; idempotent."""

from __future__ import annotations

import pytest

from chinhquyen.accounts.models import Role
from chinhquyen.dossiers.tests.factories import make_official
from chinhquyen.notifications.models import Notification

from .. import services
from ..reminders import send_due_reminders
from .conftest import FW, local

pytestmark = pytest.mark.django_db


def test_reminders_before_due_and_escalation_when_overdue(fw: FW) -> None:
    for user in fw.users.values():
        user.email = user.email or f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    coord_head = make_official(fw.orgs["coord"], Role.UNIT_HEAD, username="fb_coord_head")
    coord_head.email = "coordhead@example.vn"
    coord_head.save(update_fields=["email"])
    province_leader = make_official(fw.orgs["province"], Role.LEADER, username="fb_prov_leader")
    province_leader.email = "leader@example.vn"
    province_leader.save(update_fields=["email"])
    item, _ = fw.submit(now=local(2026, 3, 2, 9))  # classify due Wed 4/3 09:00
    assert send_due_reminders(now=local(2026, 3, 2, 10)) == 0  # not within a working day
    assert send_due_reminders(now=local(2026, 3, 3, 10)) == 1  # the coordinating unit's head
    assert send_due_reminders(now=local(2026, 3, 3, 11)) == 1  # the outbox dedupes it
    assert Notification.objects.filter(template_key="feedback.due").count() == 1
    send_due_reminders(now=local(2026, 3, 5, 10))  # overdue: escalated to the province leader
    recipients = set(
        Notification.objects.filter(template_key="feedback.due").values_list("recipient", flat=True)
    )
    assert recipients == {"coordhead@example.vn", "leader@example.vn"}
    # paused while waiting for the sender: nothing
    services.feedback_request_info(
        actor=fw.users["coord"], item=item, request="Số nhà?", now=local(2026, 3, 5, 11)
    )
    before = Notification.objects.filter(template_key="feedback.due").count()
    send_due_reminders(now=local(2026, 3, 20, 10))
    assert Notification.objects.filter(template_key="feedback.due").count() == before
