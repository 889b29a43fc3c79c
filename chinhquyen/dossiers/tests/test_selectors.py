"""Scoped reads: inbox filters, visibility rules, the tracking register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from chinhquyen.accounts.models import UserKind
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import Channel, DossierStatus

from .factories import T0, World, make_user, receive, submit

S = DossierStatus


def vn(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def ids(page: selectors.InboxPage) -> set[int]:
    return {d.pk for d in page.items}


@pytest.mark.django_db
def test_inbox_filters(world: World) -> None:
    desk = world.users["desk_centre"]
    counter = receive(world, when=vn(2, 9)).dossier  # due 16 March 09:00
    online = submit(world, when=vn(10, 9)).dossier  # due 24 March 09:00
    simple = receive(world, version="simple", when=vn(12, 9)).dossier  # 2 days: 16 March 09:00

    now = vn(13, 9)
    assert ids(selectors.dossiers_for_inbox(desk, now=now)) == {counter.pk, online.pk, simple.pk}
    assert ids(selectors.dossiers_for_inbox(desk, channel=Channel.ONLINE, now=now)) == {online.pk}
    assert ids(
        selectors.dossiers_for_inbox(
            desk, procedure=world.versions["simple"].procedure.code, now=now
        )
    ) == {simple.pk}
    # due within 8 working hours of Friday 13 09:00 (Monday 09:00): both due on the 16th
    soon = selectors.dossiers_for_inbox(desk, due_within_hours=8, now=now)
    assert ids(soon) == {counter.pk, simple.pk}
    assert ids(selectors.dossiers_for_inbox(desk, due_within_hours=7, now=now)) == set()
    later = vn(17, 9)
    assert ids(selectors.dossiers_for_inbox(desk, overdue=True, now=later)) == {
        counter.pk,
        simple.pk,
    }
    assert ids(selectors.dossiers_for_inbox(desk, overdue=False, now=later)) == {online.pk}
    # ordered by deadline, then id
    page = selectors.dossiers_for_inbox(desk, now=now)
    assert [d.pk for d in page.items] == [counter.pk, simple.pk, online.pk]
    assert page.counts["received"] == 3 and page.counts["overdue"] == 0
    assert selectors.dossiers_for_inbox(desk, now=later).counts["overdue"] == 2
    # a paused dossier is never overdue
    services.dossier_request_supplement(
        actor=desk, dossier=counter, reason="Thiếu giấy tờ.", at=vn(13, 10)
    )
    assert ids(selectors.dossiers_for_inbox(desk, overdue=True, now=later)) == {simple.pk}
    assert ids(selectors.dossiers_for_inbox(desk, status=S.SUPPLEMENT_REQUESTED, now=later)) == {
        counter.pk
    }


@pytest.mark.django_db
def test_inbox_shows_open_dossiers_by_default(world: World) -> None:
    desk = world.users["desk_centre"]
    kept = receive(world, when=T0).dossier
    gone = receive(world, when=T0).dossier
    services.dossier_refuse(actor=desk, dossier=gone, reason="Sai thủ tục.")
    assert ids(selectors.dossiers_for_inbox(desk)) == {kept.pk}
    assert ids(selectors.dossiers_for_inbox(desk, status=list(S.values))) == {kept.pk, gone.pk}


@pytest.mark.django_db
def test_past_handlers_keep_seeing_the_dossier_but_not_in_their_inbox(world: World) -> None:
    d = receive(world, when=T0).dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d)
    d = services.dossier_assign(actor=world.users["head"], dossier=d, assignee=world.users["spec"])
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d)
    d = services.dossier_submit_for_approval(actor=world.users["head"], dossier=d)
    spec = world.users["spec"]
    assert selectors.dossier_for_user(spec, d.pk) is not None  # handled a step
    assert d.pk not in ids(selectors.dossiers_for_inbox(spec))  # no longer in their unit
    assert d.pk in ids(selectors.dossiers_for_inbox(world.users["leader"]))
    assert selectors.dossier_for_user(world.users["spec_other"], d.pk) is None


@pytest.mark.django_db
def test_commune_desk_sees_dossiers_it_decides_received_elsewhere(world: World) -> None:
    d = receive(
        world,
        version="commune",
        desk=world.users["desk_centre"],
        competent=world.orgs["commune"],
    ).dossier
    assert selectors.dossier_for_user(world.users["desk_commune"], d.pk) is not None
    assert selectors.dossier_for_user(world.users["desk_commune2"], d.pk) is None
    # its inbox is what it received
    assert d.pk not in ids(selectors.dossiers_for_inbox(world.users["desk_commune"]))


@pytest.mark.django_db
def test_nobody_else_sees_anything(world: World) -> None:
    d = receive(world, when=T0).dossier
    stranger = make_user(UserKind.CITIZEN, username="nguoi-la")
    assert selectors.dossier_for_user(stranger, d.pk) is None
    assert list(selectors.visible_dossiers(stranger)) == []
    assert list(selectors.dossiers_of_applicant(world.users["spec"])) == []
    assert selectors.dossiers_for_inbox(world.users["citizen"]).items == []


@pytest.mark.django_db
def test_tracking_register(world: World) -> None:
    desk = world.users["desk_centre"]
    a = receive(world, when=vn(2, 9)).dossier
    b = receive(world, when=vn(3, 9)).dossier
    c = receive(world, when=vn(4, 9)).dossier
    services.dossier_transfer(actor=desk, dossier=b, at=vn(3, 10))
    rows = selectors.tracking_register(desk)
    assert [r.code for r in rows] == [a.code, b.code, c.code]
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[1].transferred_at == vn(3, 10) and rows[0].transferred_at is None
    assert rows[0].applicant_name == "Nguyễn Văn An"
    assert rows[0].competent_organisation == "Sở Tư pháp"
    only = selectors.tracking_register(
        desk, date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 3)
    )
    assert [r.code for r in only] == [b.code]
    assert selectors.tracking_register(desk, organisation=world.orgs["commune"]) == []
    assert selectors.tracking_register(world.users["spec"]) == []


@pytest.mark.django_db
def test_read_only_admin(world: World) -> None:
    d = receive(world, when=T0).dossier
    admin_user = make_user(
        UserKind.CITIZEN, username="sieu-quan-tri", is_superuser=True, is_staff=True
    )
    client = Client()
    client.force_login(admin_user)
    assert client.get("/quan-tri/dossiers/dossier/").status_code == 200
    response = client.get(f"/quan-tri/dossiers/dossier/{d.pk}/change/")
    assert response.status_code == 200
    assert d.code.encode() in response.content
    assert b"lookup_pin_hash" not in response.content
    assert b'name="_save"' not in response.content  # read-only
