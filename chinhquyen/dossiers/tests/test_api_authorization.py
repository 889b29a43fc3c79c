"""Authorization matrix of the dossier API: every position against its own dossier, another
unit's dossier and another citizen's dossier — lists, details, actions and files. Nothing may
leak: an invisible dossier is 404 everywhere and absent from lists and counts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierAttachment

from .factories import World, pdf, receive


@dataclass
class Case:
    """Two dossiers: ``own`` (province procedure of ``citizen``, received at the centre, at the
    specialist step of Phòng HCTP, assigned to ``spec``) and ``other`` (commune procedure of
    ``citizen2``, received and decided at xã B, assigned to ``spec_commune2``)."""

    own: Dossier
    other: Dossier
    own_file: DossierAttachment
    other_file: DossierAttachment


@pytest.fixture
def case(world: World) -> Case:
    own = receive(world).dossier
    services.dossier_attach_file(
        actor=world.users["desk_centre"],
        dossier=own,
        upload=services.Upload(
            file=pdf("to-khai.pdf"),
            paper_id=world.versions["province"].papers.get(required=True).pk,
        ),
    )
    own = services.dossier_transfer(actor=world.users["desk_centre"], dossier=own)
    own = services.dossier_assign(
        actor=world.users["head"], dossier=own, assignee=world.users["spec"]
    )

    other = receive(
        world,
        version="commune",
        desk=world.users["desk_commune2"],
        applicant=world.users["citizen2"],
        competent=world.orgs["commune2"],
    ).dossier
    services.dossier_attach_file(
        actor=world.users["desk_commune2"],
        dossier=other,
        upload=services.Upload(
            file=pdf("to-khai.pdf"),
            paper_id=world.versions["commune"].papers.get().pk,
        ),
    )
    other = services.dossier_transfer(actor=world.users["desk_commune2"], dossier=other)
    assert other.current_unit == world.orgs["commune2_culture"]
    return Case(
        own=own,
        other=other,
        own_file=DossierAttachment.objects.get(dossier=own),
        other_file=DossierAttachment.objects.get(dossier=other),
    )


# viewer -> (sees own, sees other, may attach a result to own, may attach a result to other)
OFFICIALS: dict[str, tuple[bool, bool, bool, bool]] = {
    "desk_centre": (True, False, False, False),  # received it; not a handler of the step
    "head": (True, False, True, False),
    "spec": (True, False, True, False),  # the assignee
    "spec2": (True, False, False, False),  # same unit, but the dossier is assigned to spec
    "spec_other": (False, False, False, False),  # sibling unit
    "leader": (True, False, True, False),  # leader of the competent department
    "leader2": (False, False, False, False),
    "spec_dept2": (False, False, False, False),
    "desk_commune": (False, False, False, False),
    "spec_commune": (False, False, False, False),
    "commune_leader": (False, False, False, False),
    "desk_commune2": (False, True, False, False),
    "spec_commune2": (False, True, False, True),  # no assignee: the unit's specialists act
    "clerk": (False, False, False, False),
    "it_admin": (False, False, False, False),
    "governor": (True, True, True, True),  # leader of the whole province
}
APPLICANTS: dict[str, tuple[bool, bool]] = {
    "citizen": (True, False),
    "citizen2": (False, True),
    "business": (False, False),
}


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"dossiers_api:{name}", kwargs=kwargs or None)


@pytest.mark.parametrize("viewer", sorted(OFFICIALS))
@pytest.mark.django_db
def test_officials(world: World, case: Case, viewer: str) -> None:
    sees_own, sees_other, acts_own, acts_other = OFFICIALS[viewer]
    client = _client(world.users[viewer])

    listed = client.get(_url("inbox"), {"status": "all"})
    assert listed.status_code == 200
    body = listed.json()
    ids = {row["id"] for row in body["results"]}
    expected = {d.pk for d, seen in ((case.own, sees_own), (case.other, sees_other)) if seen}
    assert ids == expected
    assert sum(v for k, v in body["counts"].items() if k != "overdue") == len(expected)
    search = client.get(_url("inbox"), {"status": "all", "q": "nguoi dung"}).json()
    assert {row["id"] for row in search["results"]} <= expected

    for dossier, file_row, seen, acts in (
        (case.own, case.own_file, sees_own, acts_own),
        (case.other, case.other_file, sees_other, acts_other),
    ):
        detail = client.get(_url("dossier", pk=dossier.pk))
        assert detail.status_code == (200 if seen else 404), (viewer, dossier.code)
        if not seen:
            assert detail.json()["error"]["code"] == "not_found"
        download = client.get(_url("attachment-download", pk=dossier.pk, attachment_id=file_row.pk))
        assert download.status_code == (200 if seen else 404)
        # a file of the other dossier is never reachable through this dossier's URL
        stray = case.other_file if file_row == case.own_file else case.own_file
        assert (
            client.get(
                _url("attachment-download", pk=dossier.pk, attachment_id=stray.pk)
            ).status_code
            == 404
        )
        action = client.post(
            _url("action-attach-result", pk=dossier.pk),
            {"name": "Kết quả"},
            content_type="application/json",
        )
        expected_status = 200 if acts else (403 if seen else 404)
        assert action.status_code == expected_status, (viewer, dossier.code, action.content)
        upload = client.post(_url("attachment-upload", pk=dossier.pk), {"file": pdf()})
        assert upload.status_code in ((201, 403) if seen else (404,)), (viewer, dossier.code)
        pin = client.post(_url("dossier-pin", pk=dossier.pk))
        assert pin.status_code in ((200, 403) if seen else (404,))

    # officials have no "my dossiers"
    assert client.get(_url("my-dossiers")).status_code == 403
    assert client.get(_url("my-dossier", pk=case.own.pk)).status_code == 403


@pytest.mark.parametrize("viewer", sorted(APPLICANTS))
@pytest.mark.django_db
def test_applicants(world: World, case: Case, viewer: str) -> None:
    sees_own, sees_other = APPLICANTS[viewer]
    client = _client(world.users[viewer])
    listed = client.get(_url("my-dossiers")).json()
    expected = {d.pk for d, seen in ((case.own, sees_own), (case.other, sees_other)) if seen}
    assert {row["id"] for row in listed["results"]} == expected
    for dossier, file_row, seen in (
        (case.own, case.own_file, sees_own),
        (case.other, case.other_file, sees_other),
    ):
        assert client.get(_url("my-dossier", pk=dossier.pk)).status_code == (200 if seen else 404)
        download = client.get(
            _url("my-attachment-download", pk=dossier.pk, attachment_id=file_row.pk)
        )
        assert download.status_code == (200 if seen else 404)
        withdraw_or_404 = client.post(_url("my-dossier-pin", pk=dossier.pk))
        assert withdraw_or_404.status_code == (200 if seen else 404)
        rating = client.post(
            _url("my-dossier-rating", pk=dossier.pk), {"score": 3}, content_type="application/json"
        )
        assert rating.status_code == (400 if seen else 404)  # not returned yet
    # the officials' API is closed to applicants
    assert client.get(_url("inbox")).status_code == 403
    assert client.get(_url("dossier", pk=case.own.pk)).status_code == 403
    assert (
        client.post(
            _url("action-withdraw", pk=case.own.pk), {}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_anonymous(case: Case) -> None:
    client = Client()
    for path in (
        _url("inbox"),
        _url("dossier", pk=case.own.pk),
        _url("my-dossiers"),
        _url("my-dossier", pk=case.own.pk),
        _url("attachment-download", pk=case.own.pk, attachment_id=case.own_file.pk),
    ):
        response = client.get(path)
        assert response.status_code in (401, 403)
        assert response.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


@pytest.mark.django_db
def test_withdraw_of_another_citizens_dossier_is_not_found(world: World, case: Case) -> None:
    client = _client(world.users["citizen2"])
    response = client.post(
        _url("my-dossier-withdraw", pk=case.own.pk), {}, content_type="application/json"
    )
    assert response.status_code == 404
    case.own.refresh_from_db()
    assert case.own.status == "processing"
