"""Regression tests for the bugs the security matrix and schemathesis found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.testing import force_login_with_mfa
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.dossiers.tests.factories import T0, build_world, receive

pytestmark = pytest.mark.django_db


def test_a_supplement_requested_after_a_hand_over_does_not_break_the_step_clocks() -> None:
    """The desk handed the dossier over at 10:00; the specialist asked for a supplement two days
    later. The intake step's clock stopped at the hand-over: the pause, begun after it, is not
    part of it (it used to raise "a pause must not end before it starts": a 500 on the dossier's
    page and API for every dossier waiting for a supplement)."""
    w = build_world()
    u = w.users
    dossier = receive(w).dossier
    handed_over = T0 + dt.timedelta(hours=1)
    dossier = services.dossier_transfer(actor=u["desk_centre"], dossier=dossier, at=handed_over)
    dossier = services.dossier_assign(
        actor=u["head"], dossier=dossier, assignee=u["spec"], at=handed_over
    )
    services.dossier_request_supplement(
        actor=u["spec"], dossier=dossier, reason="Thiếu giấy tờ.", at=T0 + dt.timedelta(days=2)
    )
    dossier = selectors.dossier_for_user(u["spec"], dossier.pk)
    assert dossier is not None and dossier.status == DossierStatus.SUPPLEMENT_REQUESTED

    sheet = selectors.control_sheet(dossier, now=T0 + dt.timedelta(days=3))
    intake, *_ = sheet
    step, clock = intake
    assert step.finished_at == handed_over
    assert clock.finished and not clock.paused
    assert clock.remaining is not None and clock.remaining > dt.timedelta(0)

    client = Client()
    client.force_login(u["spec"])
    response = client.get(reverse("dossiers_api:dossier", kwargs={"pk": dossier.pk}))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["status"] == DossierStatus.SUPPLEMENT_REQUESTED
    assert client.get(reverse("dossiers:detail", kwargs={"pk": dossier.pk})).status_code == 200


def test_the_demo_admin_group_can_pick_organisations_in_the_admin() -> None:
    """The admin's organisation pickers (an issuer profile's organisation, a step's unit, a
    procedure's competent organisations) are autocompletes: they need the view permission of
    the organisation admin, which the demo's IT administrator group lacked (403, empty list)."""
    from chinhquyen.accounts.tests.factories import make_official
    from chinhquyen.demo import admin_group
    from chinhquyen.orgs.tests.factories import make_org

    province = make_org("UBND tỉnh Thử nghiệm", kind="provincial_committee")
    admin = make_official(province, Role.IT_ADMIN, totp=True)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.groups.add(admin_group())
    client = Client()
    force_login_with_mfa(client, admin)  # the admin lets officials in after the TOTP step only
    for app_label, model_name, field_name in (
        ("documents", "issuerprofile", "organisation"),
        ("catalog", "procedureversion", "competent_organisations"),
    ):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": app_label,
                "model_name": model_name,
                "field_name": field_name,
                "term": "thu nghiem",
            },
        )
        assert response.status_code == 200, (model_name, response.status_code)
        assert [r["text"] for r in response.json()["results"]] == [province.name]
    # ... and the organisation admin stays read-only for them
    change = reverse("admin:orgs_organisation_change", args=[province.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"name": "Đổi tên"}).status_code == 403


def test_the_public_schema_is_built_once_not_on_every_request(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """/api/schema/ is public and building it costs about a second of CPU: it was rebuilt on
    every request (an easy way to load the servers). It is now cached."""
    from drf_spectacular.generators import SchemaGenerator

    built: list[int] = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    bodies = set()
    for _ in range(3):
        response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert response.status_code == 200
        bodies.add(response.content)
    assert len(built) == 1
    assert len(bodies) == 1


def test_unknown_api_routes_answer_the_structured_json_error(client) -> None:  # type: ignore[no-untyped-def]
    """/api/v1/officials/abc/ matches no route (ids are numbers): the site's HTML 404 page was
    served to API clients; under /api/ it is now the API's Vietnamese JSON error."""
    for path in ("/api/v1/officials/abc/", "/api/v1/khong-co/", "/api/v1/dossiers/1.5/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert response.json() == {
            "error": {"code": "not_found", "message": "Không tìm thấy dữ liệu yêu cầu."}
        }
    page = client.get("/khong-co-trang-nay/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_bulk_transfer_refuses_ids_too_large_to_look_up() -> None:
    """An id beyond the 64-bit range made the lookup fail inside the database driver (500)."""
    w = build_world()
    dossier = receive(w).dossier
    client = Client()
    client.force_login(w.users["desk_centre"])
    response = client.post(
        reverse("dossiers_api:bulk-transfer"),
        {"ids": [dossier.pk, 10**26]},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "ids" in error["fields"]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    # the officers' page: the same ids are an invalid choice, reported on the inbox
    page = client.post(reverse("dossiers:bulk_transfer"), {"ids": [str(dossier.pk), str(10**26)]})
    assert page.status_code == 302 and page["Location"] == reverse("dossiers:inbox")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_nul_characters_in_urls_and_fields_are_refused_not_a_database_error(client) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL text cannot hold NUL: /thu-tuc/a%00b/, an agency code or a catalogue field
    code with NUL made the lookup fail in the driver (500 on PostgreSQL; SQLite accepted it)."""
    from chinhquyen.accounts.tests.factories import make_official
    from chinhquyen.orgs.tests.factories import make_org

    assert client.get("/thu-tuc/a%00b/").status_code == 404
    response = client.get("/api/v1/organisations/by-code/a%00b/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = client.get("/api/v1/organisations/", {"q": "so\x00tu"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    form = client.post(
        "/ho-so/tra-cuu/", "code=a%00b&pin=1", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 400

    province = make_org("UBND tỉnh Thử nghiệm", kind="provincial_committee")
    client.force_login(make_official(province, Role.IT_ADMIN, totp=True))
    response = client.post(
        "/api/v1/catalog/procedures/",
        {"code": "9.999999", "field": "LV\x00", "level": "province", "name": "Thủ tục"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["error"]["fields"]) == ["field"]


def test_exchange_messages_are_not_in_the_admin() -> None:
    """Security finding #9, point 6: the admin showed secret documents' exchange subject and
    body to an IT administrator the application refuses (403)."""
    from django.contrib import admin

    from chinhquyen.documents.models import ExchangeMessage, ExchangeStatus

    assert not admin.site.is_registered(ExchangeMessage)
    assert not admin.site.is_registered(ExchangeStatus)


def test_admin_login_takes_no_password(client: Client) -> None:
    """Security finding #9, point 1: the admin's own password form skipped the second factor."""
    response = client.post(
        reverse("admin:login"), {"username": "quantri", "password": "ChinhQuyen@2026"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
