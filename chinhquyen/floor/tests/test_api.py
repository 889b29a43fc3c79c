"""The floor API: take a ticket, counter actions (scoped to the desk), rating once, times."""

from __future__ import annotations

from rest_framework.test import APIClient

from ..models import CounterRating, Ticket
from .conftest import Floor


def officer(floor: Floor, name: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(floor.users[name])
    return client


def test_ticket_call_finish_rate_and_times(floor: Floor) -> None:
    anon = APIClient()
    taken = anon.post(f"/api/v1/floor/areas/{floor.areas['A'].pk}/tickets/")
    assert taken.status_code == 201 and taken.json()["ticket"] == "A001"
    key = taken.json()["key"]
    assert anon.get(f"/api/v1/floor/tickets/{key}/").json()["status"] == "waiting"
    c1 = floor.counters["c1"].pk
    stranger = officer(floor, "stranger")
    assert stranger.post(f"/api/v1/floor/counters/{c1}/actions/call/").status_code == 404
    client = officer(floor, "officer1")
    called = client.post(f"/api/v1/floor/counters/{c1}/actions/call/")
    assert called.status_code == 200 and called.json()["counter"] == 1
    display = anon.get(f"/api/v1/floor/desks/{floor.orgs['centre'].pk}/display/")
    assert display.json()["called"][0]["ticket"] == "A001"
    assert floor.users["officer1"].username not in display.content.decode()
    assert key not in display.content.decode()
    assert client.post(f"/api/v1/floor/counters/{c1}/actions/finish/").status_code == 200
    assert client.post(f"/api/v1/floor/counters/{c1}/actions/call/").status_code == 204
    rate = anon.post(f"/api/v1/floor/counters/{c1}/rating/", {"score": 2}, format="json")
    assert rate.status_code == 201 and rate.json()["ticket"] == "A001"
    again = anon.post(f"/api/v1/floor/counters/{c1}/rating/", {"score": 3}, format="json")
    assert again.status_code == 400 and CounterRating.objects.count() == 1
    desk = floor.orgs["centre"].pk
    times = client.get(f"/api/v1/floor/desks/{desk}/times/", {"by": "counter"})
    assert times.status_code == 200 and times.json()[0]["served"] == 1
    assert stranger.get(f"/api/v1/floor/desks/{desk}/times/").status_code == 404
    assert Ticket.objects.get().status == "done"
