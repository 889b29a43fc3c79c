"""Writer → editor → approver through the Wagtail admin; rollback; scheduled publishing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, WorkflowState

from chinhquyen.portals.editorial.auditing import ACTION_KEY
from chinhquyen.portals.editorial.tasks import publish_scheduled

from .conftest import Portals

pytestmark = pytest.mark.django_db

CHILD_TYPE = ("portals", "portalindexpage")


def _form(title: str, slug: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": title,
        "slug": slug,
        "seo_title": "",
        "search_description": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def _add(client: Client, parent: Page, title: str, slug: str, **extra: Any) -> Any:
    url = reverse("wagtailadmin_pages:add", args=(*CHILD_TYPE, parent.pk))
    return client.post(url, _form(title, slug, **extra))


def _child(parent: Page, slug: str) -> Page:
    return Page.objects.child_of(parent).get(slug=slug)


def _approve(client: Client, page: Page) -> Any:
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    return client.post(url, {"comment": ""}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


def _actions(page: Page) -> list[tuple[str, str | None]]:
    rows = LogEntry.objects.filter(object_pk=str(page.pk)).order_by("timestamp", "pk")
    out = []
    for row in rows:
        if row.changes and ACTION_KEY in row.changes:
            actor = row.actor.username if row.actor_id else None
            out.append((row.changes[ACTION_KEY][1], actor))
    return out


def test_a_writer_cannot_publish_and_the_board_approval_publishes(portals: Portals) -> None:
    writer = portals.client("writer_x")
    # "publish" from a writer only saves a draft: writers hold no publish permission
    response = _add(writer, portals.x, "Thông báo lịch tiếp dân", "lich-tiep-dan", **{
        "action-publish": "1"
    })  # fmt: skip
    assert response.status_code == 302, response.content[:500]
    page = _child(portals.x, "lich-tiep-dan")
    assert not page.live
    # submitting starts the portal's workflow: editors, then the editorial board
    response = writer.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        _form("Thông báo lịch tiếp dân", "lich-tiep-dan", **{"action-submit": "1"}),
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.workflow == portals.editorial["x"].workflow
    assert state.current_task_state.task.specific.groups.get() == portals.editorial["x"].editors
    # the writer cannot approve the editors' step
    _approve(writer, page)
    state.refresh_from_db()
    assert state.current_task_state.task.specific.groups.get() == portals.editorial["x"].editors
    # nor can the board of another portal
    _approve(portals.client("approver_y"), page)
    page.refresh_from_db()
    assert not page.live
    # the editor passes it on; still not live
    response = _approve(portals.client("editor_x"), page)
    assert response.status_code == 200, response.content[:300]
    page.refresh_from_db()
    assert not page.live
    # the editorial board approves: published
    response = _approve(portals.client("approver_x"), page)
    assert response.status_code == 200, response.content[:300]
    page.refresh_from_db()
    assert page.live
    actions = _actions(page)
    assert ("wagtail.workflow.start", "writer_x") in actions
    assert ("wagtail.workflow.approve", "editor_x") in actions
    assert ("wagtail.workflow.approve", "approver_x") in actions
    assert ("wagtail.publish", "approver_x") in actions


def test_an_editor_cannot_publish_directly(portals: Portals) -> None:
    editor = portals.client("editor_x")
    _add(editor, portals.x, "Tin nháp", "tin-nhap", **{"action-publish": "1"})
    assert not _child(portals.x, "tin-nhap").live
    approver = portals.client("approver_x")
    _add(approver, portals.x, "Tin ban biên tập", "tin-bbt", **{"action-publish": "1"})
    assert _child(portals.x, "tin-bbt").live


def test_rollback_to_an_earlier_revision(portals: Portals) -> None:
    approver = portals.client("approver_x")
    _add(approver, portals.x, "Bản thứ nhất", "trang", **{"action-publish": "1"})
    page = _child(portals.x, "trang")
    first = page.live_revision
    approver.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        _form("Bản thứ hai", "trang", **{"action-publish": "1"}),
    )
    page.refresh_from_db()
    assert page.title == "Bản thứ hai"
    # comparison of the two revisions
    compare = approver.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=(page.pk, first.pk, page.live_revision_id),
        )
    )
    assert compare.status_code == 200
    assert "Bản thứ nhất" in compare.content.decode()
    # revert: the edit form of the earlier revision, published again
    revert = approver.get(reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, first.pk)))
    assert revert.status_code == 200
    approver.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        _form("Bản thứ nhất", "trang", revision=str(first.pk), **{"action-publish": "1"}),
    )
    page.refresh_from_db()
    assert page.title == "Bản thứ nhất"
    assert ("wagtail.revert", "approver_x") in _actions(page) or (
        "wagtail.publish",
        "approver_x",
    ) in _actions(page)
    # the writer may see revisions but cannot publish a revert
    writer = portals.client("writer_x")
    second = Revision.objects.filter(object_id=str(page.pk)).exclude(pk=first.pk).first()
    assert second is not None
    writer.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        _form("Bản thứ hai", "trang", revision=str(second.pk), **{"action-publish": "1"}),
    )
    page.refresh_from_db()
    assert page.title == "Bản thứ nhất"


def test_scheduled_publishing_and_expiry(portals: Portals) -> None:
    approver = portals.client("approver_x")
    go_live = timezone.localtime() + dt.timedelta(days=2)
    _add(
        approver,
        portals.x,
        "Thông báo tuyển dụng",
        "tuyen-dung",
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "1"},
    )
    page = _child(portals.x, "tuyen-dung")
    assert not page.live
    scheduled = Revision.objects.get(object_id=str(page.pk), approved_go_live_at__isnull=False)
    publish_scheduled.call()
    page.refresh_from_db()
    assert not page.live  # its time has not come
    # the time comes (the go-live date moved to the past instead of waiting)
    past = timezone.now() - dt.timedelta(minutes=1)
    scheduled.content["go_live_at"] = past.isoformat()
    scheduled.approved_go_live_at = past
    scheduled.save(update_fields=["content", "approved_go_live_at"])
    publish_scheduled.call()
    page.refresh_from_db()
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").exists()
    assert ("wagtail.publish.scheduled", None) in _actions(page)
    # expiry
    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - dt.timedelta(minutes=1))
    publish_scheduled.call()
    page.refresh_from_db()
    assert not page.live and page.expired
    assert ("wagtail.unpublish.scheduled", None) in _actions(page)
