"""Work calendar API: the public week shows only published events; the office drafts through
the API, a leader approves and publishes; another organisation sees nothing of it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from .test_calendar import MONDAY, at, draft, published

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_public_week_lists_only_published_events(world):
    shown = published(world, title="Công bố mkcongbo", online=True)
    draft(world, title="Dự thảo mkduthao")
    response = api().get(
        "/api/v1/calendar/events/", {"organisation": world.justice.pk, "week": MONDAY}
    )
    assert response.status_code == 200
    assert [e["title"] for e in response.json()] == ["Công bố mkcongbo"]
    event = response.json()[0]
    assert event["uid"] == str(shown.uid)
    assert event["join_url"].endswith(f"/hop/{shown.uid}/")
    assert event["chair"] == str(world.leader)
    assert "status" not in event and "room" not in event
    other_week = api().get(
        "/api/v1/calendar/events/", {"organisation": world.justice.pk, "week": "2026-03-09"}
    )
    assert other_week.json() == []
    assert api().get("/api/v1/calendar/events/", {"organisation": 999999}).status_code == 404


def test_the_office_drafts_and_a_leader_publishes_through_the_api(world):
    clerk, leader = api(world.clerk), api(world.leader)
    response = clerk.post(
        "/api/v1/calendar/manage/",
        {
            "organisation": world.justice.pk,
            "title": "Họp trực tuyến qua API",
            "start": at(MONDAY, 9).isoformat(),
            "end": at(MONDAY, 11).isoformat(),
            "chair": world.leader.pk,
            "participants": [world.head.pk],
            "online": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert leader.post(f"/api/v1/calendar/manage/{pk}/submit/", {}).status_code == 403
    assert clerk.post(f"/api/v1/calendar/manage/{pk}/submit/", {}).status_code == 200
    assert leader.post(f"/api/v1/calendar/manage/{pk}/approve/", {}).status_code == 200
    assert leader.post(f"/api/v1/calendar/manage/{pk}/approve/", {}).status_code == 409
    published_ = leader.post(f"/api/v1/calendar/manage/{pk}/publish/", {})
    assert published_.json()["status"] == "published"
    # re-published after an edit
    edited = clerk.put(
        f"/api/v1/calendar/manage/{pk}/",
        {
            "title": "Họp trực tuyến qua API",
            "start": at(MONDAY, 10).isoformat(),
            "end": at(MONDAY, 11).isoformat(),
            "chair": world.leader.pk,
            "participants": [world.head.pk],
            "online": True,
            "note": "Lùi giờ.",
        },
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["sequence"] == 1
    # another organisation: nothing
    other = api(world.clerk_other)
    assert other.get(f"/api/v1/calendar/manage/{pk}/").status_code == 404
    assert other.get("/api/v1/calendar/manage/", {"week": MONDAY}).json() == []
    assert clerk.get("/api/v1/calendar/manage/", {"week": MONDAY}).json()[0]["id"] == pk
    refused = other.post(
        "/api/v1/calendar/manage/",
        {
            "organisation": world.justice.pk,
            "title": "x",
            "start": at(MONDAY, 9).isoformat(),
            "end": at(MONDAY, 10).isoformat(),
        },
        format="json",
    )
    assert refused.status_code == 403
