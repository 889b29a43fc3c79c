"""Authorization matrix over every document endpoint that reads: lists, searches, exports,
details, files, slips, recipients' statuses — for every role in the document's own
organisation and in another one, plus citizens and anonymous callers. Secret documents must
never leak: not in a list, a search, an export, nor by guessing an id."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.documents import services
from chinhquyen.documents.models import Secrecy
from chinhquyen.documents.services import RecipientInput
from chinhquyen.orgs.tests.users import api_client_user, official

from .conftest import World
from .helpers import assigned, issued, sample_pdf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/documents"
ROLES = ["clerk", "leader", "unit_head", "specialist", "it_admin"]
RELATIONS = ["own", "other"]
WORD = "matranphanquyen"  # a word only the matrix documents carry


@dataclass
class Docs:
    incoming: int
    secret_incoming: int
    outgoing: int
    secret_outgoing: int
    file_id: int
    secret_file_id: int


def make_docs(world: World) -> Docs:
    def incoming(secrecy: str) -> tuple[int, int]:
        document = assigned(
            world,
            summary=f"Về việc {WORD} {secrecy}",
            secrecy=secrecy,
            uploads=[SimpleUploadedFile("a.pdf", sample_pdf())],
        )
        services.task_create(actor=world.head, document=document, assignee=world.specialist)
        return document.pk, document.files.get().pk

    normal, file_id = incoming(Secrecy.NORMAL)
    secret, secret_file = incoming(Secrecy.TOP_SECRET)

    def outgoing(secrecy: str) -> int:
        document = issued(
            world,
            summary=f"Về việc {WORD} đi {secrecy}",
            secrecy=secrecy,
            is_electronic=False,
            recipients=[RecipientInput(name="Bộ Tư pháp")],
        )
        return services.outgoing_dispatch(actor=world.clerk, document=document).pk

    return Docs(
        normal, secret, outgoing(Secrecy.NORMAL), outgoing(Secrecy.SECRET), file_id, secret_file
    )


def actor(world: World, role: str, relation: str):
    """A fresh official (named on nothing) holding ``role``."""
    own = relation == "own"
    unit = {
        "clerk": world.office if own else world.construction,
        "leader": world.justice if own else world.construction,
        "unit_head": world.admin_unit if own else world.construction_unit,
        "specialist": world.admin_unit if own else world.construction_unit,
        "it_admin": world.justice if own else world.construction,
    }[role]
    return official(unit, role)


def expected(role: str, relation: str, docs: Docs) -> tuple[set[int], set[int]]:
    """(incoming ids, outgoing ids) a fresh actor may see."""
    if relation == "other" or role in ("specialist", "it_admin"):
        return set(), set()
    if role == "unit_head":  # his unit leads both; heads of assigned units see secrets
        return {docs.incoming, docs.secret_incoming}, {docs.outgoing}
    return {docs.incoming}, {docs.outgoing}  # clerk, leader: never the secret ones


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def export_rows(client: APIClient, kind: str) -> int | None:
    response = client.get(f"{BASE}/registers/export/", {"kind": kind})
    if response.status_code == 403:
        return None
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return len(list(sheet.iter_rows(values_only=True))[4:])


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, role, relation):
    docs = make_docs(world)
    user = actor(world, role, relation)
    client = client_for(user)
    want_in, want_out = expected(role, relation, docs)
    uses_documents = role != "it_admin"

    if not uses_documents:
        for url in (f"{BASE}/incoming/", f"{BASE}/outgoing/", f"{BASE}/tasks/mine/"):
            assert client.get(url).status_code == 403
        for pk in (docs.incoming, docs.secret_incoming):
            assert client.get(f"{BASE}/incoming/{pk}/").status_code == 403
        return

    # lists and searches
    assert ids(client.get(f"{BASE}/incoming/")) == want_in
    assert ids(client.get(f"{BASE}/incoming/", {"q": WORD})) == want_in
    assert ids(client.get(f"{BASE}/incoming/", {"q": "mat"})) <= want_in
    assert ids(client.get(f"{BASE}/outgoing/")) == want_out
    assert ids(client.get(f"{BASE}/outgoing/", {"q": WORD})) == want_out

    # details, files, slips, statuses: 200 when visible, 404 otherwise (no existence oracle)
    for pk, file_id in ((docs.incoming, docs.file_id), (docs.secret_incoming, docs.secret_file_id)):
        code = 200 if pk in want_in else 404
        assert client.get(f"{BASE}/incoming/{pk}/").status_code == code
        assert client.get(f"{BASE}/incoming/{pk}/files/{file_id}/").status_code == code
        assert client.get(f"{BASE}/incoming/{pk}/processing-slip/").status_code == code
        assert client.get(f"{BASE}/incoming/{pk}/tasks/").status_code == code
    for pk in (docs.outgoing, docs.secret_outgoing):
        code = 200 if pk in want_out else 404
        assert client.get(f"{BASE}/outgoing/{pk}/").status_code == code
        assert client.get(f"{BASE}/outgoing/{pk}/recipients/").status_code == code

    # exports: clerks and leaders of the organisation only, and only the rows they may see
    rows_in, rows_out = export_rows(client, "incoming"), export_rows(client, "outgoing")
    if role in ("clerk", "leader"):
        if relation == "own":
            assert (rows_in, rows_out) == (len(want_in), len(want_out))
        else:  # their own (empty) registers
            assert (rows_in, rows_out) == (0, 0)
    else:
        assert (rows_in, rows_out) == (None, None)

    # only a leader of the organisation (re)assigns, and only what he sees
    for pk in (docs.incoming, docs.secret_incoming):
        response = client.post(f"{BASE}/incoming/{pk}/assign/", {"lead_unit": world.admin_unit.pk})
        if pk not in want_in:
            assert response.status_code == 404
        elif role == "leader":
            assert response.status_code == 200
        else:
            assert response.status_code == 403


def test_citizens_api_clients_and_anonymous_are_refused(world):
    docs = make_docs(world)
    anonymous = APIClient()
    citizen = client_for(make_user())
    machine = client_for(api_client_user(world.justice))
    for client, code in ((anonymous, 401), (citizen, 403), (machine, 403)):
        for url in (
            f"{BASE}/incoming/",
            f"{BASE}/outgoing/",
            f"{BASE}/tasks/mine/",
            f"{BASE}/incoming/{docs.incoming}/",
            f"{BASE}/outgoing/{docs.outgoing}/",
            f"{BASE}/registers/export/?kind=incoming",
        ):
            assert client.get(url).status_code == code, url


def test_the_people_named_on_a_secret_document_see_it(world):
    docs = make_docs(world)
    # heads of every assigned unit (lead and coordinating) are named on it
    for who in ("clerk", "leader", "head", "head_support", "specialist"):
        client = client_for(world.users[who])
        assert docs.secret_incoming in ids(client.get(f"{BASE}/incoming/", {"q": WORD}))
        assert client.get(f"{BASE}/incoming/{docs.secret_incoming}/").status_code == 200
    for who in ("province_leader", "specialist_support", "clerk_other"):
        client = client_for(world.users[who])
        assert docs.secret_incoming not in ids(client.get(f"{BASE}/incoming/"))
        assert client.get(f"{BASE}/incoming/{docs.secret_incoming}/").status_code == 404
