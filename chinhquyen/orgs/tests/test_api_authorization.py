"""Authorization matrix for every organisation endpoint.

The actor holds one role in the unit ``own``; targets are ``own`` itself, its child, its
sibling, its parent and a unit in another branch (see conftest.Tree). Only an IT
administrator may write, and only inside his subtree (own unit and below); everybody —
anonymous callers included — may read the public directory.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from rest_framework.test import APIClient

from chinhquyen.accounts.authentication import generate_token
from chinhquyen.accounts.models import ApiToken, Role
from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.orgs.models import Organisation

from .factories import make_org
from .users import api_client_user, official

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"
ROLES = [r.value for r in Role]
RELATIONS = ["own", "child", "sibling", "parent", "other"]
IN_SCOPE = {"own", "child"}
_codes = itertools.count(1)


def next_code() -> str:
    n = next(_codes)
    return f"000.{n // 100:02d}.{n % 100:02d}.H77"


def client_for(role: str | None, tree) -> tuple[APIClient, str]:
    """A client acting as ``role`` at ``tree.own`` ("citizen", None = anonymous)."""
    client = APIClient()
    if role is None:
        return client, "anonymous"
    if role == "citizen":
        client.force_login(make_user())
        return client, "citizen"
    if role == Role.API_CLIENT:
        user = api_client_user(tree.own)
        raw, prefix, digest = generate_token()
        ApiToken.objects.create(user=user, name="thử", prefix=prefix, digest=digest)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client, role
    client.force_login(official(tree.own, role))
    return client, role


def denied_status(who: str) -> int:
    return 401 if who == "anonymous" else 403


def assert_denied(response, who: str) -> None:
    assert response.status_code == denied_status(who), response.content
    error = response.json()["error"]
    if who == "anonymous":
        assert error["code"] == "not_authenticated"
    else:
        assert error["code"] == "permission_denied"
        assert error["message"] == "Bạn không có quyền thực hiện thao tác này."


def leaf_under(org: Organisation, name: str) -> Organisation:
    return make_org(name, parent=org, kind="unit", agency_code=next_code())


def csv_upload(parent: Organisation) -> io.BytesIO:
    content = (
        f"ma_dinh_danh,ten,loai,ma_don_vi_cap_tren\n{next_code()},Nhập,unit,{parent.agency_code}\n"
    )
    upload = io.BytesIO(content.encode())
    upload.name = "nhap.csv"
    return upload


def check_reads(client: APIClient, target: Organisation) -> None:
    assert client.get(LIST).status_code == 200
    assert client.get(LIST, {"q": target.name}).status_code == 200
    assert client.get(f"{LIST}{target.pk}/").status_code == 200
    assert client.get(f"{LIST}by-code/{target.agency_code}/").status_code == 200


def check_writes(client: APIClient, who: str, tree, relation: str) -> None:
    target = tree.target(relation)
    allowed = who == Role.IT_ADMIN and relation in IN_SCOPE
    before = Organisation.objects.count()

    # create under target
    response = client.post(
        LIST, {"name": "Đơn vị mới", "kind": "unit", "parent": target.pk}, format="json"
    )
    if allowed:
        assert response.status_code == 201, response.content
        assert response.json()["parent"]["id"] == target.pk
    else:
        assert_denied(response, who)
        assert Organisation.objects.count() == before

    # edit target
    response = client.patch(f"{LIST}{target.pk}/", {"short_name": "ĐỔI"}, format="json")
    changed = Organisation.objects.get(pk=target.pk).short_name == "ĐỔI"
    if allowed:
        assert response.status_code == 200 and changed
    else:
        assert_denied(response, who)
        assert not changed

    # move a leaf of ``own`` under target (the new parent must be in scope)...
    leaf = leaf_under(tree.own, "Lá trong phạm vi")
    response = client.post(f"{LIST}{leaf.pk}/move/", {"parent": target.pk}, format="json")
    if allowed:
        assert response.status_code == 200, response.content
    else:
        assert_denied(response, who)
        assert Organisation.objects.get(pk=leaf.pk).parent_id == tree.own.pk
    # ...and a leaf of target under ``own`` (the moved unit must be in scope)
    leaf = leaf_under(target, "Lá của đích")
    response = client.post(f"{LIST}{leaf.pk}/move/", {"parent": tree.own.pk}, format="json")
    if allowed:
        assert response.status_code == 200
    else:
        assert_denied(response, who)
        assert Organisation.objects.get(pk=leaf.pk).parent_id == target.pk

    # PATCH with a new parent: both ends must be in scope
    leaf = leaf_under(tree.child, "Lá đổi cấp trên")
    response = client.patch(f"{LIST}{leaf.pk}/", {"parent": target.pk}, format="json")
    if allowed:
        assert response.status_code == 200
    else:
        assert_denied(response, who)

    # merge a leaf of target into a leaf of own, and the other way round
    pred, succ = leaf_under(target, "Tiền thân"), leaf_under(tree.own, "Kế thừa")
    for predecessors, successor in (([pred], succ), ([succ], pred)):
        response = client.post(
            f"{LIST}merge/",
            {
                "predecessors": [p.pk for p in predecessors],
                "successor": successor.pk,
                "effective_date": "2025-07-01",
            },
            format="json",
        )
        if allowed:
            assert response.status_code == 200, response.content
            organisation_reopen(predecessors[0])
        else:
            assert_denied(response, who)
            assert Organisation.objects.get(pk=predecessors[0].pk).valid_to is None

    # import a row placed under target
    response = client.post(f"{LIST}import/", {"file": csv_upload(target)}, format="multipart")
    if allowed:
        assert response.status_code == 200, response.content
        assert response.json()["created"] == 1
    elif who == Role.IT_ADMIN:
        # an IT administrator may import, but not outside his scope: a row error, all undone
        assert response.status_code == 400
        assert "không có quyền" in response.json()["error"]["fields"]["file"][0]
    else:
        assert_denied(response, who)

    # export (an IT administrator exports his scope, whatever the target)
    response = client.get(f"{LIST}export/")
    if who == Role.IT_ADMIN:
        assert response.status_code == 200
    else:
        assert_denied(response, who)


def organisation_reopen(org: Organisation) -> None:
    Organisation.objects.filter(pk=org.pk).update(valid_to=None)
    Organisation.predecessors.through.objects.all().delete()


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", [*ROLES, "citizen", None])
def test_matrix(tree, role, relation):
    client, who = client_for(role, tree)
    check_reads(client, tree.target(relation))
    check_writes(client, who, tree, relation)


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_root_needs_an_it_admin_at_a_root_unit(tree, role):
    payload = {"name": "UBND tỉnh Mới", "kind": "provincial_committee", "parent": None}
    at_root = APIClient()
    at_root.force_login(official(tree.root, role))
    response = at_root.post(LIST, payload, format="json")
    if role == Role.IT_ADMIN:
        assert response.status_code == 201
        assert response.json()["parent"] is None and response.json()["depth"] == 0
    else:
        assert response.status_code == 403
    # an IT administrator below the root may not create a root, nor move a unit to the top
    below = APIClient()
    below.force_login(official(tree.own, Role.IT_ADMIN))
    assert below.post(LIST, payload, format="json").status_code == 403
    response = below.post(f"{LIST}{tree.child.pk}/move/", {"parent": None}, format="json")
    assert response.status_code == 403
    assert Organisation.objects.get(pk=tree.child.pk).parent_id == tree.own.pk


def test_it_admin_position_that_ended_gives_no_rights(tree):
    user = official(tree.own, Role.IT_ADMIN)
    user.positions.update(valid_to=dt.date(2020, 1, 1))
    client = APIClient()
    client.force_login(user)
    response = client.patch(f"{LIST}{tree.own.pk}/", {"short_name": "X"}, format="json")
    assert response.status_code == 403


def test_it_admin_at_the_root_manages_everything(tree):
    client = APIClient()
    client.force_login(official(tree.root, Role.IT_ADMIN))
    for relation in RELATIONS:
        target = tree.target(relation)
        response = client.patch(f"{LIST}{target.pk}/", {"short_name": "OK"}, format="json")
        assert response.status_code == 200, relation
