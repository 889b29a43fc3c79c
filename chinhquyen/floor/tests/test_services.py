from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chinhquyen.core.api import DomainError

from .. import services
from ..models import CounterRating, CounterScore, TicketStatus
from ..selectors import counter_ratings, floor_times
from .conftest import Floor

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_numbers_per_area_per_day(floor: Floor) -> None:
    a, b = floor.areas["A"], floor.areas["B"]
    labels = [services.ticket_take(area=a, now=at(i)).label for i in range(3)]
    assert labels == ["A001", "A002", "A003"]
    assert services.ticket_take(area=b, now=at(4)).label == "B001"
    # the other desk's area with the same letter has its own sequence
    assert services.ticket_take(area=floor.areas["X"], now=at(5)).label == "A001"
    # a new day starts again at 1
    assert services.ticket_take(area=a, now=at(24 * 60)).label == "A001"


def test_call_next_takes_the_oldest_across_the_counters_areas(floor: Floor) -> None:
    o1, o2 = floor.users["officer1"], floor.users["officer2"]
    t1 = services.ticket_take(area=floor.areas["B"], now=at(0))
    t2 = services.ticket_take(area=floor.areas["A"], now=at(1))
    got1 = services.ticket_call_next(actor=o1, counter=floor.counters["c1"], now=at(2))
    got2 = services.ticket_call_next(actor=o2, counter=floor.counters["c2"], now=at(2))
    assert (got1 and got1.pk, got2 and got2.pk) == (t1.pk, t2.pk)
    assert got1 is not None and got1.status == TicketStatus.CALLED and got1.counter_id
    # busy until finished or no-show
    with pytest.raises(DomainError):
        services.ticket_call_next(actor=o1, counter=floor.counters["c1"], now=at(3))
    services.ticket_no_show(actor=o1, counter=floor.counters["c1"])
    assert services.ticket_call_next(actor=o1, counter=floor.counters["c1"], now=at(3)) is None


def test_recall_and_no_show(floor: Floor) -> None:
    o1, c1 = floor.users["officer1"], floor.counters["c1"]
    services.ticket_take(area=floor.areas["A"], now=at(0))
    services.ticket_call_next(actor=o1, counter=c1, now=at(1))
    assert services.ticket_recall(actor=o1, counter=c1).recalls == 1
    ticket = services.ticket_no_show(actor=o1, counter=c1)
    assert ticket.status == TicketStatus.NO_SHOW
    with pytest.raises(DomainError):
        services.ticket_recall(actor=o1, counter=c1)


def test_waiting_and_service_times(floor: Floor) -> None:
    o1, c1 = floor.users["officer1"], floor.counters["c1"]
    services.ticket_take(area=floor.areas["A"], now=at(0))
    services.ticket_take(area=floor.areas["A"], now=at(1))
    services.ticket_call_next(actor=o1, counter=c1, now=at(10))  # waited 10 min
    services.ticket_start(actor=o1, counter=c1, now=at(11))
    services.ticket_finish(actor=o1, counter=c1, now=at(16))  # served 5 min
    services.ticket_call_next(actor=o1, counter=c1, now=at(21))  # waited 20 min
    services.ticket_finish(actor=o1, counter=c1, now=at(24))  # served 3 min (from the call)
    (area,) = floor_times(desk_id=floor.orgs["centre"].pk, day=T0.date(), by="area")
    assert (area.called, area.served) == (2, 2)
    assert area.average_wait == 15 * 60
    assert area.average_service == 4 * 60
    (counter,) = floor_times(desk_id=floor.orgs["centre"].pk, day=T0.date(), by="counter")
    assert counter.name == "Quầy 1" and counter.served == 2


def test_rating_only_the_counters_last_ticket_and_only_once(floor: Floor) -> None:
    o1, o2 = floor.users["officer1"], floor.users["officer2"]
    c1, c2 = floor.counters["c1"], floor.counters["c2"]
    with pytest.raises(DomainError):  # nothing served yet
        services.counter_rate(counter=c1, score=CounterScore.SATISFIED)
    for i in range(3):
        services.ticket_take(area=floor.areas["A"], now=at(i))
    first = services.ticket_call_next(actor=o1, counter=c1, now=at(5))
    services.ticket_finish(actor=o1, counter=c1, now=at(6))
    second = services.ticket_call_next(actor=o1, counter=c1, now=at(7))
    services.ticket_finish(actor=o1, counter=c1, now=at(8))
    services.ticket_call_next(actor=o2, counter=c2, now=at(9))
    services.ticket_finish(actor=o2, counter=c2, now=at(10))
    rating = services.counter_rate(
        counter=c1, score=CounterScore.NOT_SATISFIED, reason="Chờ lâu", now=at(9)
    )
    assert second is not None and first is not None
    assert rating.ticket_id == second.pk and rating.officer_id == o1.pk
    with pytest.raises(DomainError):  # once
        services.counter_rate(counter=c1, score=CounterScore.VERY_SATISFIED)
    assert not CounterRating.objects.filter(ticket=first).exists()
    services.counter_rate(counter=c2, score=CounterScore.VERY_SATISFIED, now=at(11))
    with pytest.raises(DomainError):
        services.counter_rate(counter=c2, score=7)
    ratios = counter_ratings(by="unit", start=at(0), end=at(60))
    assert ratios == {floor.orgs["centre"].pk: (2, 1)}
    assert counter_ratings(by="officer", start=at(0), end=at(60)) == {o1.pk: (1, 0), o2.pk: (1, 1)}


def test_an_officer_acts_only_on_counters_of_his_desk(floor: Floor) -> None:
    services.ticket_take(area=floor.areas["A"], now=at(0))
    stranger = floor.users["stranger"]
    for action in (services.ticket_call_next, services.ticket_recall, services.ticket_finish):
        with pytest.raises(DomainError) as err:
            action(actor=stranger, counter=floor.counters["c1"])
        assert err.value.status_code == 403
    # his own desk's counter works (an empty queue: the centre's ticket is not his)
    assert services.ticket_call_next(actor=stranger, counter=floor.counters["x1"]) is None


def test_link_dossier_by_code(floor: Floor) -> None:
    o1, c1 = floor.users["officer1"], floor.counters["c1"]
    ticket = services.ticket_take(area=floor.areas["A"], now=at(0))
    services.ticket_call_next(actor=o1, counter=c1, now=at(1))
    with pytest.raises(DomainError):
        services.ticket_link_dossier(actor=o1, counter=c1, ticket=ticket, code="KHONG-CO")
    with pytest.raises(DomainError):  # a ticket not served at this counter
        services.ticket_link_dossier(
            actor=floor.users["officer2"], counter=floor.counters["c2"], ticket=ticket, code="x"
        )


def test_counter_ratings_feed_the_satisfaction_ratios(floor: Floor) -> None:
    from chinhquyen.feedback.satisfaction import satisfaction_by

    o1, c1 = floor.users["officer1"], floor.counters["c1"]
    for score in (CounterScore.VERY_SATISFIED, CounterScore.NOT_SATISFIED, CounterScore.SATISFIED):
        services.ticket_take(area=floor.areas["A"], now=at(0))
        services.ticket_call_next(actor=o1, counter=c1, now=at(1))
        services.ticket_finish(actor=o1, counter=c1, now=at(2))
        services.counter_rate(counter=c1, score=score, now=at(3))
    (unit,) = satisfaction_by(by="unit", start=at(0), end=at(60))
    assert (unit.unit_id, unit.counter_ratings, unit.counter_satisfied_count) == (
        floor.orgs["centre"].pk,
        3,
        2,
    )
    assert str(unit.counter_satisfied) == "66.67"
    (officer,) = satisfaction_by(by="officer", start=at(0), end=at(60))
    assert officer.unit_id == o1.pk and officer.counter_ratings == 3
