"""Online meetings: the Jitsi adapter's room URL and per-person HS256 token (verified here by
hand), the sandbox room, joining, attendance and the conclusion that gives tasks."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.tasks import meetings
from chinhquyen.tasks.models import Attendance, SourceKind, Task
from chinhquyen.tasks.services import TaskSpec

from .test_calendar import MONDAY, at, draft, published

pytestmark = pytest.mark.django_db
SECRET = "bi-mat-thu-nghiem"


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify(token: str, secret: str) -> dict:
    header, payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(b64decode(signature), expected)
    assert json.loads(b64decode(header)) == {"alg": "HS256", "typ": "JWT"}
    return json.loads(b64decode(payload))


def test_jwt_hs256_matches_a_known_vector():
    # RFC 7515-style check: the same input signed independently gives the same token
    token = meetings.jwt_hs256({"sub": "1234567890", "name": "John Doe", "iat": 1516239022}, "s")
    assert verify(token, "s")["name"] == "John Doe"
    with pytest.raises(AssertionError):
        verify(token, "other")


def test_the_jitsi_adapter_gives_a_room_url_and_a_token_per_person(world):
    event = published(world, online=True)
    jitsi = meetings.JitsiProvider("https://hop.example.vn/", "chinhquyen", SECRET)
    assert jitsi.room_url(event) == f"https://hop.example.vn/{event.room}"
    url = jitsi.join_url(event, world.leader)
    assert url.startswith(f"https://hop.example.vn/{event.room}?jwt=")
    claims = verify(url.split("?jwt=", 1)[1], SECRET)
    assert claims["aud"] == "jitsi" and claims["iss"] == "chinhquyen"
    assert claims["sub"] == "hop.example.vn" and claims["room"] == event.room
    assert claims["nbf"] <= claims["iat"] < claims["exp"]
    assert claims["context"]["user"]["email"] == world.leader.email
    assert claims["moderator"] is True  # the chair
    head = verify(jitsi.join_url(event, world.head).split("?jwt=", 1)[1], SECRET)
    assert head["moderator"] is False and head["context"]["user"]["id"] == str(world.head.pk)
    # without a secret: the plain room
    assert meetings.JitsiProvider("https://meet.jit.si", "", "").join_url(event, world.head) == (
        f"https://meet.jit.si/{event.room}"
    )


@override_settings(
    MEETINGS_PROVIDER="jitsi",
    JITSI_BASE_URL="https://hop.example.vn",
    JITSI_APP_ID="cq",
    JITSI_APP_SECRET=SECRET,
)
def test_joining_redirects_an_invitee_to_jitsi_with_his_token(world):
    event = published(world, online=True)
    client = Client()
    client.force_login(world.head)
    response = client.get(reverse("tasks_calendar:join", args=[event.uid]))
    assert response.status_code == 302
    assert response["Location"].startswith(f"https://hop.example.vn/{event.room}?jwt=")
    claims = verify(response["Location"].split("?jwt=", 1)[1], SECRET)
    assert claims["context"]["user"]["id"] == str(world.head.pk)
    stranger = Client()
    stranger.force_login(world.specialist_other)
    assert stranger.get(reverse("tasks_calendar:join", args=[event.uid])).status_code == 404


def test_the_sandbox_room_is_a_page_of_the_application(world):
    soon = timezone.localdate() + dt.timedelta(days=2)
    event = published(world, online=True, start=at(soon, 8), end=at(soon, 9))
    client = Client()
    client.force_login(world.head)
    response = client.get(reverse("tasks_calendar:join", args=[event.uid]))
    assert response["Location"] == reverse("tasks_calendar:sandbox_room", args=[event.room])
    room = client.get(response["Location"])
    assert room.status_code == 200
    assert event.room in room.content.decode()
    mine = client.get(reverse("tasks_calendar:my_meetings"))
    assert "Họp giao ban Sở" in mine.content.decode()


def test_attendance_is_recorded_for_invitees_only(world):
    event = draft(world)
    with pytest.raises(DomainError):  # not published yet
        meetings.attendance_record(
            actor=world.clerk, event=event, marks=[(world.head, "present", "")]
        )
    event = published(world)
    meetings.attendance_record(
        actor=world.clerk,
        event=event,
        marks=[(world.head, "present", ""), (world.head_support, "excused", "Đi công tác")],
    )
    meetings.attendance_record(actor=world.clerk, event=event, marks=[(world.head, "absent", "")])
    marks = {a.user: (a.status, a.note) for a in Attendance.objects.filter(event=event)}
    assert marks == {world.head: ("absent", ""), world.head_support: ("excused", "Đi công tác")}
    with pytest.raises(DomainError):
        meetings.attendance_record(
            actor=world.clerk, event=event, marks=[(world.specialist, "present", "")]
        )
    with pytest.raises(DomainError):
        meetings.attendance_record(
            actor=world.clerk_other, event=event, marks=[(world.head, "present", "")]
        )
    assert event.changes.filter(action="attendance").count() == 2


def test_the_conclusion_creates_a_directive_with_tasks(world):
    event = published(world, online=True)
    document = issued(world, summary="Thông báo kết luận cuộc họp giao ban")
    deadline = MONDAY.replace(year=2030)
    specs = [
        TaskSpec(content="Rà soát thủ tục hộ tịch", lead_unit=world.admin_unit, deadline=deadline),
        TaskSpec(content="Tập huấn công chứng", lead_unit=world.support_unit, deadline=deadline),
    ]
    with pytest.raises(DomainError):  # the office does not give tasks
        meetings.meeting_conclude(actor=world.clerk, event=event, document=document, tasks=specs)
    directive = meetings.meeting_conclude(
        actor=world.leader, event=event, document=document, tasks=specs
    )
    assert directive.source_kind == SourceKind.MEETING
    assert directive.outgoing == document
    assert set(Task.objects.filter(directive=directive).values_list("lead_unit", flat=True)) == {
        world.admin_unit.pk,
        world.support_unit.pk,
    }
    event.refresh_from_db()
    assert event.conclusion == document and event.conclusion_directive == directive
    with pytest.raises(DomainError):
        meetings.meeting_conclude(actor=world.leader, event=event, document=document, tasks=specs)


def test_the_conclusion_form_on_the_event_page(world):
    event = published(world)
    document = issued(world)
    client = Client()
    client.force_login(world.leader)
    page = client.get(reverse("tasks_calendar:event", args=[event.pk]))
    assert "Kết luận cuộc họp và giao nhiệm vụ" in page.content.decode()
    response = client.post(
        reverse("tasks_calendar:conclude", args=[event.pk]),
        {
            "document": document.pk,
            "content-0": "Báo cáo kết quả rà soát",
            "lead_unit-0": world.admin_unit.pk,
            "deadline-0": "2030-01-15",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.conclusion_directive.tasks.get().content == "Báo cáo kết quả rà soát"
    response = client.post(
        reverse("tasks_calendar:attendance", args=[event.pk]),
        {f"status-{world.head.pk}": "present"},
    )
    assert Attendance.objects.get(event=event, user=world.head).status == "present"
