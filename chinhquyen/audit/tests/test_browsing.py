"""Audit browsing: who sees which change log entries and security events, in the HTML lists,
the Excel exports and the API; filters; pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chinhquyen.accounts.models import User
from chinhquyen.audit.models import SecurityEvent, SecurityEventKind
from chinhquyen.audit.services import security_event_record
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.services import organisation_create

from .conftest import World

LISTS = ["audit:entries", "audit:security_events"]
EXPORTS = ["audit:entries_export", "audit:security_events_export"]
APIS = ["audit_api:entries", "audit_api:security_events"]


def _org_by(actor: User | None, name: str, parent: Organisation) -> Organisation:
    return organisation_create(actor=actor, name=name, kind=OrganisationKind.UNIT, parent=parent)


@pytest.fixture
def trail(world: World) -> World:
    """One change and one security event by each kind of person (and one by nobody)."""
    # giving the world's officials their positions was recorded (privilege changes): start clean
    SecurityEvent.objects.all().delete()
    for user, name in [
        (world.root_admin, "Đơn vị do QTV tỉnh tạo"),
        (world.dept_admin, "Đơn vị do QTV sở tạo"),
        (world.dept_specialist, "Đơn vị do CV sở tạo"),
        (world.sub_specialist, "Đơn vị do CV phòng tạo"),
        (world.other_specialist, "Đơn vị do CV sở khác tạo"),
        (world.citizen, "Đơn vị do công dân tạo"),
    ]:
        _org_by(user, name, world.province)
        security_event_record(kind=SecurityEventKind.LOGIN_SUCCEEDED, user=user)
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username="ai-do")
    return world


def _get(client: Client, user: User | None, url_name: str, **params: Any) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(reverse(url_name), params)


def _entry_actors(response: Any) -> set[str]:
    return {(row["actor"] or {}).get("username", "") for row in response.json()["results"]}


def _event_names(response: Any) -> set[str]:
    return {row["username"] for row in response.json()["results"]}


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


ALL_ACTORS = {"qtv_tinh", "qtv_so", "cv_so", "cv_phong", "cv_so_khac", "cong_dan", ""}
DEPT_ACTORS = {"qtv_so", "cv_so", "cv_phong"}


# --- scoping -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_root_it_admin_sees_everything_in_the_api(client: Client, trail: World) -> None:
    entries = _get(client, trail.root_admin, "audit_api:entries", page_size=200)
    events = _get(client, trail.root_admin, "audit_api:security_events", page_size=200)

    assert entries.status_code == events.status_code == 200
    assert _entry_actors(entries) == ALL_ACTORS
    assert _event_names(events) == ALL_ACTORS - {""} | {"ai-do"}


@pytest.mark.django_db
def test_subtree_it_admin_sees_only_people_of_the_subtree(client: Client, trail: World) -> None:
    entries = _get(client, trail.dept_admin, "audit_api:entries", page_size=200)
    events = _get(client, trail.dept_admin, "audit_api:security_events", page_size=200)

    assert _entry_actors(entries) == DEPT_ACTORS
    assert _event_names(events) == DEPT_ACTORS
    assert entries.json()["count"] == 3


@pytest.mark.django_db
def test_ended_position_no_longer_gives_scope(client: Client, trail: World) -> None:
    trail.dept_specialist.positions.update(valid_to=timezone.localdate() - dt.timedelta(days=1))

    entries = _get(client, trail.dept_admin, "audit_api:entries", page_size=200)

    assert _entry_actors(entries) == {"qtv_so", "cv_phong"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader", "citizen", "dept_specialist"])
@pytest.mark.parametrize("url_name", LISTS + EXPORTS + APIS)
def test_others_are_refused(client: Client, trail: World, who: str, url_name: str) -> None:
    response = _get(client, getattr(trail, who), url_name)

    assert response.status_code == 403
    assert b"qtv_tinh" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", LISTS + EXPORTS)
def test_anonymous_html_is_sent_to_sign_in(client: Client, trail: World, url_name: str) -> None:
    response = _get(client, None, url_name)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", APIS)
def test_anonymous_api_is_refused(client: Client, trail: World, url_name: str) -> None:
    response = _get(client, None, url_name)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_html_lists_are_scoped(client: Client, trail: World) -> None:
    orgs_only = {"model": "orgs.organisation"}
    root = _get(client, trail.root_admin, "audit:entries", **orgs_only)
    assert root.status_code == 200
    assert "Đơn vị do CV sở khác tạo" in root.content.decode()
    assert "Tìm thấy 10 bản ghi" in root.content.decode()  # 4 made by the fixture
    everything = _get(client, trail.root_admin, "audit:entries").content.decode()
    assert f"Tìm thấy {LogEntry.objects.count()} bản ghi" in everything

    client.logout()
    dept = _get(client, trail.dept_admin, "audit:entries", **orgs_only)
    html = dept.content.decode()
    assert dept.status_code == 200
    assert "Đơn vị do CV phòng tạo" in html
    assert "Đơn vị do CV sở khác tạo" not in html
    assert "Đơn vị do QTV tỉnh tạo" not in html
    assert "Tìm thấy 3 bản ghi" in html

    events = _get(client, trail.dept_admin, "audit:security_events").content.decode()
    assert "cv_phong" in events
    assert "cv_so_khac" not in events
    assert "ai-do" not in events


@pytest.mark.django_db
def test_html_pages_use_bootstrap_and_no_inline_script_or_style(
    client: Client, trail: World
) -> None:
    for url_name in LISTS:
        html = _get(client, trail.root_admin, url_name).content.decode()
        assert '<label class="form-label fw-semibold" for="id_date_from">Từ ngày</label>' in html
        assert 'class="form-control"' in html and 'class="form-select"' in html
        assert "style=" not in html
        assert "<script>" not in html


@pytest.mark.django_db
def test_exports_are_scoped_attachments(client: Client, trail: World) -> None:
    response = _get(client, trail.dept_admin, "audit:entries_export")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-thay-doi-')
    rows = _sheet(response)
    assert rows[0][:3] == ("Thời điểm", "Người thực hiện", "Thao tác")
    assert {row[1] for row in rows[1:]} == DEPT_ACTORS
    assert all(row[2] == "Tạo mới" for row in rows[1:])
    assert all(isinstance(row[0], dt.datetime) for row in rows[1:])

    client.logout()
    events = _get(client, trail.root_admin, "audit:security_events_export")
    assert events["Content-Disposition"].startswith('attachment; filename="su-kien-an-ninh-')
    names = {row[2] for row in _sheet(events)[1:]}
    assert names == ALL_ACTORS - {""} | {"ai-do"}


@pytest.mark.django_db
def test_export_neutralises_formulas(client: Client, world: World) -> None:
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username="=HYPERLINK(1)")

    response = _get(client, world.root_admin, "audit:security_events_export", kind="login_failed")

    [row] = _sheet(response)[1:]
    assert row[2] == "'=HYPERLINK(1)"


@pytest.mark.django_db
def test_export_is_capped(client: Client, world: World, settings: Any) -> None:
    settings.AUDIT_EXPORT_MAX_ROWS = 2
    for n in range(3):
        security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username=f"u{n}")

    rows = _sheet(
        _get(client, world.root_admin, "audit:security_events_export", kind="login_failed")
    )

    assert [row[2] for row in rows[1:3]] == ["u2", "u1"]  # newest first
    assert rows[3][0].startswith("Chỉ xuất 2 dòng đầu tiên")
    assert len(rows) == 4


# --- filters -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_entry_filters(client: Client, trail: World) -> None:
    org = _org_by(trail.sub_specialist, "Đơn vị sẽ đổi tên", trail.department)
    org.name = "Đơn vị đã đổi tên"
    org.save()  # an update entry (actor: none)
    user_ct = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(
        content_type=user_ct, object_pk="1", object_repr="x", action=LogEntry.Action.DELETE
    )
    client.force_login(trail.root_admin)

    def actors(**params: Any) -> list[str]:
        response = client.get(reverse("audit_api:entries"), {"page_size": 200, **params})
        assert response.status_code == 200, response.content
        return sorted((r["actor"] or {}).get("username", "") for r in response.json()["results"])

    assert actors(actor="CV_PHONG") == ["cv_phong", "cv_phong"]
    assert actors(actor="qtv") == ["qtv_so", "qtv_tinh"]
    assert actors(action="update") == [""]
    assert actors(action="delete", model="accounts.user") == [""]
    assert len(actors(model="orgs.organisation")) == 12  # 4 by the fixture, 6 + 2 here
    assert actors(object_id=str(org.pk)) == ["", "cv_phong"]
    assert actors(object_id=str(org.pk), action="create") == ["cv_phong"]

    update = client.get(reverse("audit_api:entries"), {"action": "update"}).json()["results"][0]
    assert update["action"] == "update"
    assert update["model"] == "orgs.organisation"
    assert {"field": "name", "old": "Đơn vị sẽ đổi tên", "new": "Đơn vị đã đổi tên"} in update[
        "changes"
    ]


@pytest.mark.django_db
def test_date_range_filter_uses_local_days(client: Client, world: World) -> None:
    tz = timezone.get_current_timezone()
    moments = {
        "truoc": dt.datetime(2026, 3, 9, 23, 59, tzinfo=tz),
        "dau-ngay": dt.datetime(2026, 3, 10, 0, 0, tzinfo=tz),
        "cuoi-ngay": dt.datetime(2026, 3, 11, 23, 59, tzinfo=tz),
        "sau": dt.datetime(2026, 3, 12, 0, 0, tzinfo=tz),
    }
    for name, moment in moments.items():
        event = security_event_record(kind=SecurityEventKind.LOGOUT, username=name)
        assert event is not None
        SecurityEvent.objects.filter(pk=event.pk).update(created_at=moment)
    client.force_login(world.root_admin)

    response = client.get(
        reverse("audit_api:security_events"), {"date_from": "2026-03-10", "date_to": "2026-03-11"}
    )

    assert _event_names(response) == {"dau-ngay", "cuoi-ngay"}
    html = client.get(
        reverse("audit:security_events"), {"date_from": "2026-03-12", "kind": "logout"}
    ).content.decode()
    assert "Tìm thấy 1 sự kiện" in html


@pytest.mark.django_db
def test_security_event_filters(client: Client, world: World) -> None:
    factory_events = [
        (SecurityEventKind.LOGIN_FAILED, "nguyen.van.a", "203.0.113.1"),
        (SecurityEventKind.LOGIN_FAILED, "tran.thi.b", "203.0.113.2"),
        (SecurityEventKind.LOCKOUT, "nguyen.van.a", "203.0.113.1"),
        (SecurityEventKind.PERMISSION_DENIED, "", "2001:db8::1"),
    ]
    for kind, username, ip in factory_events:
        event = security_event_record(kind=kind, username=username)
        assert event is not None
        SecurityEvent.objects.filter(pk=event.pk).update(ip=ip)
    client.force_login(world.root_admin)

    def names(**params: Any) -> list[str]:
        response = client.get(reverse("audit_api:security_events"), params)
        assert response.status_code == 200, response.content
        return sorted(r["username"] for r in response.json()["results"])

    assert names(kind="login_failed") == ["nguyen.van.a", "tran.thi.b"]
    assert names(kind="lockout") == ["nguyen.van.a"]
    assert names(username="NGUYEN") == ["nguyen.van.a", "nguyen.van.a"]
    assert names(ip="203.0.113.2") == ["tran.thi.b"]
    assert names(ip="2001:db8::1") == [""]
    assert names(kind="login_failed", username="tran") == ["tran.thi.b"]
    html = client.get(reverse("audit:security_events"), {"kind": "lockout"}).content.decode()
    assert "Tìm thấy 1 sự kiện" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"ip": "không-phải-ip"}, "ip"),
        ({"kind": "hack"}, "kind"),
        ({"date_from": "2026-03-12", "date_to": "2026-03-10"}, "date_to"),
    ],
)
def test_bad_filters_are_clear_errors(
    client: Client, world: World, params: dict[str, str], field: str
) -> None:
    client.force_login(world.root_admin)

    api = client.get(reverse("audit_api:security_events"), params)
    html = client.get(reverse("audit:security_events"), params)
    export = client.get(reverse("audit:security_events_export"), params)

    assert api.status_code == 400
    body = api.json()["error"]
    assert body["code"] == "validation_error"
    assert field in body["fields"]
    assert html.status_code == 400
    assert 'class="invalid-feedback d-block"' in html.content.decode() or (
        'class="alert alert-danger"' in html.content.decode()
    )
    assert export.status_code == 400
    assert export["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_bad_action_and_model_filters_are_refused(client: Client, world: World) -> None:
    client.force_login(world.root_admin)

    response = client.get(reverse("audit_api:entries"), {"action": "access", "model": "x.y"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"action", "model"}


@pytest.mark.django_db
def test_html_list_paginates_and_keeps_filters(client: Client, world: World) -> None:
    for n in range(55):
        security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username=f"nguoi{n:02d}")
    client.force_login(world.root_admin)

    first = client.get(reverse("audit:security_events"), {"kind": "login_failed"})
    second = client.get(reverse("audit:security_events"), {"kind": "login_failed", "page": 2})

    assert "Trang 1/2" in first.content.decode()
    assert "?kind=login_failed&amp;page=2" in first.content.decode()
    assert second.content.decode().count("nguoi") == 5
    assert "nguoi00" in second.content.decode()


# --- query counts ----------------------------------------------------------------------------


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_rows(world: World, n: int) -> None:
    for i in range(n):
        _org_by(world.sub_specialist, f"Đơn vị bổ sung {i}", world.department)
        security_event_record(kind=SecurityEventKind.LOGIN_SUCCEEDED, user=world.sub_specialist)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["root_admin", "dept_admin"])
@pytest.mark.parametrize("url_name", APIS)
def test_api_query_count_is_pinned(
    client: Client, trail: World, who: str, url_name: str, django_assert_num_queries: Any
) -> None:
    client.force_login(getattr(trail, who))
    url = reverse(url_name)
    _add_rows(trail, 2)
    # session, user, TOTP check (accounts middleware), positions, page count, page
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    _add_rows(trail, 20)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", LISTS + EXPORTS)
def test_html_query_count_does_not_grow_with_rows(
    client: Client, trail: World, url_name: str
) -> None:
    client.force_login(trail.dept_admin)
    url = reverse(url_name)
    _add_rows(trail, 2)
    few = _count_queries(client, url)
    _add_rows(trail, 20)
    assert _count_queries(client, url) == few


# --- Issue #10 item 12: the change log reads in Vietnamese, a page at a time ---------------


@pytest.mark.django_db
def test_change_log_page_presents_changes_in_vietnamese(client: Client, world: World) -> None:
    org_type = ContentType.objects.get_for_model(Organisation)
    changes = {
        "name": ["None", "Sở Tư pháp"],
        "is_active": ["True", "False"],
        "kind": ["unit", "department"],
        "valid_from": ["None", "2026-03-01"],
        "created_at": ["None", "2026-12-07 02:11:02.123456+00:00"],
        "note": ["", '{"ghi_chu": "\\u0110\\u0103ng k\\u00fd"}'],
    }
    for n in range(25):
        LogEntry.objects.create(
            content_type=org_type,
            object_pk=str(world.province.pk),
            object_repr=f"Đơn vị {n:02d}",
            action=LogEntry.Action.UPDATE,
            changes=changes,
            actor=world.root_admin,
        )
    client.force_login(world.root_admin)
    html = client.get(reverse("audit:entries"), {"model": ""}).content.decode()
    assert html.count("Đơn vị ") == 20 and "Trang 1/" in html  # 20 entries a page
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "Tên cơ quan, đơn vị" in body and "Hiệu lực từ" in body
    for raw in ("None", "True", "False", "\\u0", "valid_from", "is_active", "+00:00"):
        assert raw not in body, raw
    assert "01/03/2026" in body
    assert "07/12/2026 09:11" in body  # UTC 02:11 is 09:11 in Vietnam
    assert "Đăng ký" in body
    assert "Không" in body


def test_display_value_keeps_unknown_text() -> None:
    from chinhquyen.audit.presenters import DISPLAY_MAX_CHARS, display_value

    assert display_value(None, "bình thường") == "bình thường"
    assert display_value(None, "x" * 1000).endswith("…")
    assert len(display_value(None, "x" * 1000)) == DISPLAY_MAX_CHARS
