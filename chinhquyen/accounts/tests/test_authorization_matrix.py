"""Authorization matrix over every accounts endpoint (API and HTML).

Viewers: an official holding each role in the unit ``unit``; a citizen; another citizen; an
API client (bearer token, attached to ``unit``); an anonymous visitor. Targets: officials in
the viewer's own unit, a child unit, a sibling unit, the parent unit and another branch, plus
API clients in the own unit and in the other branch. Nothing may leak: objects outside the
viewer's scope are absent from lists and answer 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts import services
from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import make_official, make_user

pytestmark = pytest.mark.django_db

API = "/api/v1"
LOCATIONS = ("own", "child", "sibling", "parent", "other")
MANAGING = {Role.IT_ADMIN, Role.LEADER, Role.UNIT_HEAD}
VIEWERS = [r.value for r in Role if r != Role.API_CLIENT] + [
    "citizen",
    "other_citizen",
    "api_client",
    "anonymous",
]


@dataclass
class World:
    tree: Tree
    targets: dict[str, User]
    client_own: User
    client_other: User
    token_own: int
    token_other: int
    citizen: User
    other_citizen: User


def _unit(tree: Tree, location: str) -> Any:
    return {
        "own": tree.unit,
        "child": tree.team,
        "sibling": tree.unit2,
        "parent": tree.dept,
        "other": tree.dept2_unit,
    }[location]


@pytest.fixture
def world(tree: Tree) -> World:
    targets = {
        loc: make_official(_unit(tree, loc), Role.SPECIALIST, full_name=f"Mục tiêu {loc}")
        for loc in LOCATIONS
    }
    client_own = services.api_client_create(actor=None, name="Kết nối A", unit=tree.unit)
    client_other = services.api_client_create(actor=None, name="Kết nối B", unit=tree.dept2_unit)
    token_own, _ = services.api_token_issue(actor=None, user=client_own, name="a")
    token_other, _ = services.api_token_issue(actor=None, user=client_other, name="b")
    return World(
        tree=tree,
        targets=targets,
        client_own=client_own,
        client_other=client_other,
        token_own=token_own.pk,
        token_other=token_other.pk,
        citizen=make_user(UserKind.CITIZEN, citizen_id="037090000001"),
        other_citizen=make_user(UserKind.CITIZEN, citizen_id="037090000002"),
    )


def _viewer(world: World, kind: str) -> tuple[Client, User | None]:
    client = Client()
    if kind == "anonymous":
        return client, None
    if kind == "citizen":
        user = world.citizen
    elif kind == "other_citizen":
        user = world.other_citizen
    elif kind == "api_client":
        user = services.api_client_create(actor=None, name="Người xem", unit=world.tree.unit)
        _token, raw = services.api_token_issue(actor=None, user=user, name="x")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), user
    else:
        user = make_official(world.tree.unit, kind, totp=True, full_name=f"Người xem {kind}")
    client.force_login(user)
    return client, user


def _sees(kind: str, location: str) -> bool:
    return kind in MANAGING and location in ("own", "child")


def _manages(kind: str, location: str) -> bool:
    return kind == Role.IT_ADMIN and location in ("own", "child")


def _expected(kind: str, location: str, ok: int) -> int:
    if kind == "anonymous":
        return 401
    if _manages(kind, location):
        return ok
    return 403 if _sees(kind, location) else 404


@pytest.mark.parametrize("kind", VIEWERS)
def test_api_matrix(world: World, kind: str) -> None:
    client, viewer = _viewer(world, kind)
    today = str(timezone.localdate())

    # Lists: exactly the visible officials (and oneself), never citizens or API clients.
    response = client.get(f"{API}/officials/", {"page_size": 100})
    if kind == "anonymous":
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    else:
        listed = {r["id"] for r in response.json()["results"]}
        expected = {world.targets[loc].pk for loc in LOCATIONS if _sees(kind, loc)}
        if viewer is not None and viewer.kind == UserKind.OFFICIAL:
            expected.add(viewer.pk)
        assert listed == expected
        for q in ("Mục tiêu", "muc tieu other", world.citizen.username, "Kết nối"):
            found = {r["id"] for r in client.get(f"{API}/officials/", {"q": q}).json()["results"]}
            assert found <= expected, q

    for loc in LOCATIONS:
        target = world.targets[loc]
        detail = client.get(f"{API}/officials/{target.pk}/")
        assert detail.status_code == (
            401 if kind == "anonymous" else 200 if _sees(kind, loc) else 404
        ), loc
        position = target.positions.get()
        calls = [
            (
                "patch",
                f"{API}/officials/{target.pk}/",
                {"full_name": f"Tên mới {loc}"},
                200,
            ),
            (
                "post",
                f"{API}/officials/{target.pk}/positions/",
                {"unit": _unit(world.tree, loc).pk, "role": "clerk"},
                201,
            ),
            ("post", f"{API}/positions/{position.pk}/end/", {"on": today}, 200),
            ("post", f"{API}/officials/{target.pk}/deactivate/", {}, 200),
        ]
        for method, url, payload, ok in calls:
            response = getattr(client, method)(url, payload, content_type="application/json")
            assert response.status_code == _expected(kind, loc, ok), (loc, url)
            assert "error" in response.json() or response.status_code == ok

        create = client.post(
            f"{API}/officials/",
            {
                "username": f"moi.{loc}",
                "full_name": "Cán bộ mới",
                "email": f"moi.{loc}@example.vn",
                "positions": [{"unit": _unit(world.tree, loc).pk, "role": "specialist"}],
            },
            content_type="application/json",
        )
        wanted = 401 if kind == "anonymous" else 201 if _manages(kind, loc) else 403
        assert create.status_code == wanted, loc

    # The citizens are never reachable as officials.
    for citizen in (world.citizen, world.other_citizen):
        response = client.get(f"{API}/officials/{citizen.pk}/")
        assert response.status_code == (401 if kind == "anonymous" else 404)

    # API clients and their tokens: only the IT administrator, only in scope.
    response = client.get(f"{API}/api-clients/")
    if kind == "anonymous":
        assert response.status_code == 401
    else:
        ids = {c["id"] for c in response.json()}
        assert ids == ({world.client_own.pk} if kind == Role.IT_ADMIN else set())
    for api_client, token, loc in (
        (world.client_own, world.token_own, "own"),
        (world.client_other, world.token_other, "other"),
    ):
        issue = client.post(
            f"{API}/api-clients/{api_client.pk}/tokens/",
            {"name": "k"},
            content_type="application/json",
        )
        assert issue.status_code == (
            401 if kind == "anonymous" else 201 if _manages(kind, loc) else 404
        ), loc
        revoke = client.post(f"{API}/api-tokens/{token}/revoke/")
        assert revoke.status_code == (
            401 if kind == "anonymous" else 200 if _manages(kind, loc) else 404
        ), loc
    create = client.post(
        f"{API}/api-clients/",
        {"name": "Mới", "unit": world.tree.unit.pk},
        content_type="application/json",
    )
    assert create.status_code == (
        401 if kind == "anonymous" else 201 if kind == Role.IT_ADMIN else 403
    )

    me = client.get(f"{API}/me/")
    assert me.status_code == (401 if kind == "anonymous" else 200)
    if viewer is not None:
        assert me.json()["id"] == viewer.pk


@pytest.mark.parametrize("kind", VIEWERS)
def test_html_matrix(world: World, kind: str) -> None:
    client, _viewer_user = _viewer(world, kind)
    if kind == "api_client":
        client = Client()  # API clients have no session: like an anonymous browser
        kind = "anonymous"
    login = reverse("account_login")

    def status(url: str, method: str = "get", data: dict[str, Any] | None = None) -> int:
        response = getattr(client, method)(url, data or {})
        if kind == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(login), url
            return 302
        return int(response.status_code)

    if kind != "anonymous":
        assert status(reverse("accounts:profile")) == 200
    officials = status(reverse("accounts:officials"))
    if kind != "anonymous":
        assert officials == (200 if kind in MANAGING else 403)
        if officials == 200:
            body = client.get(reverse("accounts:officials")).content.decode()
            for loc in LOCATIONS:
                assert (f"Mục tiêu {loc}" in body) == _sees(kind, loc), loc
    for url_name in ("accounts:official_create", "accounts:api_clients"):
        code = status(reverse(url_name))
        if kind != "anonymous":
            assert code == (200 if kind == Role.IT_ADMIN else 403), url_name

    for loc in LOCATIONS:
        target = world.targets[loc]
        for url_name in ("accounts:official_edit", "accounts:position_assign"):
            code = status(reverse(url_name, args=[target.pk]))
            if kind != "anonymous":
                assert code == _expected(kind, loc, 200), (loc, url_name)
        position = target.positions.get()
        code = status(
            reverse("accounts:position_end", args=[position.pk]),
            "post",
            {"on": str(timezone.localdate() + dt.timedelta(days=5))},
        )
        if kind != "anonymous":
            assert code == _expected(kind, loc, 302), loc
        code = status(reverse("accounts:official_deactivate", args=[target.pk]), "post")
        if kind != "anonymous":
            assert code == _expected(kind, loc, 302), loc
            target.refresh_from_db()
            assert target.is_active == (not _manages(kind, loc))

    for token, loc in ((world.token_own, "own"), (world.token_other, "other")):
        code = status(reverse("accounts:api_token_revoke", args=[token]), "post")
        if kind != "anonymous":
            assert code == (302 if _manages(kind, loc) else 404), loc
