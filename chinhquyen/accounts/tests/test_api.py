"""The accounts API: profile, officials, positions, API clients and tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chinhquyen.accounts import services
from chinhquyen.accounts.models import ApiToken, Position, Role, User
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import make_official

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me_for_an_official_lists_active_positions_and_mfa(tree: Tree) -> None:
    official = make_official(tree.unit, Role.UNIT_HEAD, totp=True, full_name="Nguyễn Thị Lan")
    Position.objects.create(
        user=official,
        unit=tree.dept,
        role=Role.LEADER,
        is_acting=True,
        valid_to=timezone.localdate() - dt.timedelta(days=1),
    )
    body = _client(official).get(f"{API}/me/").json()
    assert body["kind"] == "official" and body["kind_display"] == "Cán bộ, công chức"
    assert body["full_name"] == "Nguyễn Thị Lan"
    assert body["mfa_enabled"] is True
    assert [(p["unit"]["id"], p["role"]) for p in body["positions"]] == [
        (tree.unit.pk, "unit_head")
    ]


def test_me_requires_authentication_with_a_structured_error(db: None) -> None:
    response = Client().get(f"{API}/me/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def _seed_officials(tree: Tree) -> dict[str, User]:
    return {
        "an": make_official(tree.unit, Role.SPECIALIST, full_name="Nguyễn Văn An"),
        "binh": make_official(tree.team, Role.CLERK, full_name="Trần Thị Bình"),
        "cuong": make_official(tree.unit2, Role.SPECIALIST, full_name="Lê Văn Cường"),
        "dung": make_official(tree.dept2_unit, Role.SPECIALIST, full_name="Phạm Thị Dung"),
    }


def test_official_list_is_scoped_filtered_and_searchable(tree: Tree, dept_admin: User) -> None:
    people = _seed_officials(tree)
    client = _client(dept_admin)
    body = client.get(f"{API}/officials/").json()
    names = {r["full_name"] for r in body["results"]}
    assert names == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", dept_admin.full_name}
    assert body["count"] == 4

    body = client.get(f"{API}/officials/", {"unit": tree.unit.pk}).json()
    assert {r["id"] for r in body["results"]} == {people["an"].pk, people["binh"].pk}
    body = client.get(f"{API}/officials/", {"role": "clerk"}).json()
    assert [r["id"] for r in body["results"]] == [people["binh"].pk]
    body = client.get(f"{API}/officials/", {"q": "nguyen VAN an"}).json()
    assert [r["id"] for r in body["results"]] == [people["an"].pk]
    body = client.get(f"{API}/officials/", {"q": "Cường"}).json()
    assert [r["id"] for r in body["results"]] == [people["cuong"].pk]
    body = client.get(f"{API}/officials/", {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"role": "vua"}, "role"), ({"unit": "abc"}, "unit"), ({"unit": "999999"}, "unit")],
)
def test_official_list_rejects_bad_filters(
    tree: Tree, dept_admin: User, params: dict[str, str], field: str
) -> None:
    response = _client(dept_admin).get(f"{API}/officials/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_official_list_query_count_is_pinned(tree: Tree, root_admin: User) -> None:
    client = _client(root_admin)
    client.get(f"{API}/officials/")  # warm up (session, content types)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{API}/officials/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        make_official(
            [tree.unit, tree.team, tree.dept2_unit][i % 3], Role.SPECIALIST, full_name=f"CB {i}"
        )
    # session, user, TOTP check (middleware), own positions (scope), count, page, positions
    assert count() == few == 7


def test_official_detail_shows_all_positions_or_404(tree: Tree, dept_admin: User) -> None:
    people = _seed_officials(tree)
    client = _client(dept_admin)
    body = client.get(f"{API}/officials/{people['an'].pk}/").json()
    assert body["username"] == people["an"].username
    assert body["positions"][0]["unit"]["name"] == tree.unit.name
    response = client.get(f"{API}/officials/{people['dung'].pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_create_official_assign_and_end_positions(tree: Tree, dept_admin: User) -> None:
    client = _client(dept_admin)
    payload: dict[str, Any] = {
        "username": "hoangvane",
        "full_name": "Hoàng Văn Em",
        "email": "em@example.vn",
        "phone": "0912345670",
        "positions": [{"unit": tree.unit.pk, "role": "specialist", "title": "Chuyên viên"}],
    }
    response = client.post(f"{API}/officials/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    official_id = response.json()["id"]
    official = User.objects.get(pk=official_id)
    assert official.kind == "official" and not official.has_usable_password()

    today = timezone.localdate()
    response = client.post(
        f"{API}/officials/{official_id}/positions/",
        {
            "unit": tree.dept.pk,
            "role": "leader",
            "is_acting": True,
            "valid_from": str(today),
            "valid_to": str(today + dt.timedelta(days=10)),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    position_id = response.json()["id"]
    assert response.json()["is_acting"] is True

    response = client.post(
        f"{API}/positions/{position_id}/end/", {"on": str(today)}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["valid_to"] == str(today)

    response = client.patch(
        f"{API}/officials/{official_id}/",
        {"full_name": "Hoàng Văn Én"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["full_name"] == "Hoàng Văn Én"

    response = client.post(f"{API}/officials/{official_id}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"email": "khong-phai-email"}, 400, "email"),
        ({"positions": []}, 400, "positions"),
        ({"positions": [{"unit": 999999, "role": "specialist"}]}, 400, "positions"),
        ({"positions": [{"unit": "UNIT", "role": "vua"}]}, 400, "positions"),
        ({"username": "qtv.so"}, 400, "username"),
        ({"positions": [{"unit": "DEPT2", "role": "specialist"}]}, 403, None),
    ],
)
def test_create_official_errors_are_structured(
    tree: Tree, dept_admin: User, change: dict[str, Any], status: int, field: str | None
) -> None:
    payload: dict[str, Any] = {
        "username": "x1",
        "full_name": "X",
        "email": "x1@example.vn",
        "positions": [{"unit": tree.unit.pk, "role": "specialist"}],
    }
    payload.update(change)
    for position in payload["positions"]:
        position["unit"] = {"UNIT": tree.unit.pk, "DEPT2": tree.dept2.pk}.get(
            position["unit"], position["unit"]
        )
    response = _client(dept_admin).post(
        f"{API}/officials/", payload, content_type="application/json"
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"]
    if field:
        assert field in error["fields"]
    assert not User.objects.filter(username="x1").exists()


def test_leader_sees_but_cannot_manage(tree: Tree) -> None:
    leader = make_official(tree.dept, Role.LEADER, totp=True)
    specialist = make_official(tree.unit, Role.SPECIALIST)
    client = _client(leader)
    assert client.get(f"{API}/officials/{specialist.pk}/").status_code == 200
    response = client.post(
        f"{API}/officials/{specialist.pk}/positions/",
        {"unit": tree.unit.pk, "role": "clerk"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_api_clients_and_tokens(tree: Tree, dept_admin: User) -> None:
    client = _client(dept_admin)
    response = client.post(
        f"{API}/api-clients/",
        {"name": "Cổng dịch vụ công", "unit": tree.dept.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    api_client_id = response.json()["id"]
    response = client.post(
        f"{API}/api-clients/{api_client_id}/tokens/",
        {"name": "sản xuất"},
        content_type="application/json",
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    token_id = response.json()["id"]
    assert raw.startswith("cq_") and not ApiToken.objects.filter(digest=raw).exists()

    listed = client.get(f"{API}/api-clients/").json()
    assert [c["id"] for c in listed] == [api_client_id]
    assert "token" not in listed[0]["tokens"][0] and listed[0]["tokens"][0]["id"] == token_id

    me = Client().get(f"{API}/me/", **_bearer(raw))
    assert me.status_code == 200 and me.json()["kind"] == "api_client"
    assert Client().get(f"{API}/officials/", **_bearer(raw)).json()["count"] == 0

    assert client.post(f"{API}/api-tokens/{token_id}/revoke/").status_code == 200
    response = Client().get(f"{API}/me/", **_bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_expired_token_is_refused(tree: Tree) -> None:
    api_client = services.api_client_create(actor=None, name="LGSP", unit=tree.dept)
    token, raw = services.api_token_issue(
        actor=None,
        user=api_client,
        name="k",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert Client().get(f"{API}/me/", **_bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert Client().get(f"{API}/me/", **_bearer(raw)).status_code == 401


def test_openapi_schema_documents_the_accounts_api(db: None) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/me/",
        "/api/v1/officials/",
        "/api/v1/officials/{id}/",
        "/api/v1/officials/{id}/positions/",
        "/api/v1/positions/{id}/end/",
        "/api/v1/api-clients/",
        "/api/v1/api-clients/{id}/tokens/",
        "/api/v1/api-tokens/{id}/revoke/",
    ):
        assert path in paths, path
    assert "403" in paths["/api/v1/officials/"]["post"]["responses"]
