"""The floor's pages: kiosk → ticket page (QR), counter, hall display JSON, rating tablet."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.testing import force_login_with_mfa

from .. import services
from ..models import CounterRating, Ticket, TicketStatus
from .conftest import Floor


def officer_client(floor: Floor, name: str) -> Client:
    client = Client()
    force_login_with_mfa(client, floor.users[name])
    return client


def test_kiosk_gives_a_ticket_page_with_a_qr_code(floor: Floor, client: Client) -> None:
    desk = floor.orgs["centre"]
    page = client.get(reverse("floor:kiosk", args=[desk.pk]))
    assert page.status_code == 200
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    response = client.post(reverse("floor:kiosk", args=[desk.pk]), {"area": floor.areas["B"].pk})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(ticket.key + "/")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "B001" in body and 'src="data:image/svg+xml' in body
    # an area of another desk cannot be taken from this kiosk
    bad = client.post(reverse("floor:kiosk", args=[desk.pk]), {"area": floor.areas["X"].pk})
    assert bad.status_code == 400 and Ticket.objects.count() == 1


def test_counter_page_calls_and_finishes(floor: Floor) -> None:
    services.ticket_take(area=floor.areas["A"])
    client = officer_client(floor, "officer1")
    url = reverse("floor:counter", args=[floor.counters["c1"].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "call"}).status_code == 302
    assert "A001" in client.get(url).content.decode()
    assert client.post(url, {"action": "finish"}).status_code == 302
    assert Ticket.objects.get().status == TicketStatus.DONE
    assert client.post(url, {"action": "recall"}).status_code == 400  # nothing called


def test_counter_page_of_another_desk_is_not_found(floor: Floor, client: Client) -> None:
    services.ticket_take(area=floor.areas["A"])
    url = reverse("floor:counter", args=[floor.counters["c1"].pk])
    stranger = officer_client(floor, "stranger")
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"action": "call"}).status_code == 404
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page


def test_display_json_has_no_personal_data(floor: Floor, client: Client) -> None:
    officer = floor.users["officer1"]
    ticket = services.ticket_take(area=floor.areas["A"])
    services.ticket_take(area=floor.areas["A"])
    services.ticket_call_next(actor=officer, counter=floor.counters["c1"])
    response = client.get(reverse("floor:display_json", args=[floor.orgs["centre"].pk]))
    data = response.json()
    assert data["called"] == [{"ticket": "A001", "counter": 1, "status": "called", "recalls": 0}]
    assert [a["waiting"] for a in data["areas"]] == [1, 0]
    body = response.content.decode()
    for secret in (officer.username, officer.full_name, officer.email, ticket.key):
        assert secret not in body
    page = client.get(reverse("floor:display", args=[floor.orgs["centre"].pk]))
    html = page.content.decode()
    assert 'aria-live="assertive"' in html and "floor/display.js" in html
    assert "<script>" not in html and officer.full_name not in html


def test_rating_tablet_rates_its_counters_last_ticket_once(floor: Floor, client: Client) -> None:
    officer = floor.users["officer1"]
    c1, c2 = floor.counters["c1"], floor.counters["c2"]
    url = reverse("floor:rate", args=[c1.pk])
    assert client.post(url, {"score": 3}).status_code == 400  # nothing served
    services.ticket_take(area=floor.areas["A"])
    services.ticket_call_next(actor=officer, counter=c1)
    services.ticket_finish(actor=officer, counter=c1)
    assert "A001" in client.get(url).content.decode()
    # the other counter's tablet has nothing to rate
    assert client.post(reverse("floor:rate", args=[c2.pk]), {"score": 1}).status_code == 400
    assert client.post(url, {"score": 1, "reason": "Chờ lâu"}).status_code == 200
    assert client.post(url, {"score": 3}).status_code == 400
    rating = CounterRating.objects.get()
    assert (rating.counter_id, rating.score, rating.officer_id) == (c1.pk, 1, officer.pk)


def test_stats_page_for_the_desk_only(floor: Floor) -> None:
    url = reverse("floor:stats", args=[floor.orgs["centre"].pk])
    assert officer_client(floor, "officer1").get(url, {"ngay": "2026-03-02"}).status_code == 200
    assert officer_client(floor, "stranger").get(url).status_code == 404
