"""Public calendar API: /api/v1/calendar/deadline and /api/v1/calendar/days-off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chinhquyen.core.calendar import calendar_day_set
from chinhquyen.core.models import CalendarDayKind

ORG = "000.00.01.H56"


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def deadline(client: APIClient, **params: Any) -> Any:
    return client.get(reverse("core_api:calendar-deadline"), params)


def days_off(client: APIClient, **params: Any) -> Any:
    return client.get(reverse("core_api:calendar-days-off"), params)


def assert_field_error(response: Any, field: str, text: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert any(text in message for message in body["error"]["fields"][field]), body


# --- deadline -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_urls() -> None:
    assert reverse("core_api:calendar-deadline") == "/api/v1/calendar/deadline"
    assert reverse("core_api:calendar-days-off") == "/api/v1/calendar/days-off"


@pytest.mark.django_db
def test_deadline_after_tet_2026(client: APIClient) -> None:
    response = deadline(client, start="2026-02-13T10:00:00+07:00", working_days=1)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "deadline": "2026-02-23T10:00:00+07:00",
        "start": "2026-02-13T10:00:00+07:00",
        "counted_from": "2026-02-13T10:00:00+07:00",
        "working_days": 1,
        "working_hours": 8.0,
        "organisation": "",
        "cutoff": True,
    }


@pytest.mark.django_db
def test_deadline_from_utc_and_local_start(client: APIClient) -> None:
    # 2026-03-02T17:30:00Z is 00:30 on 3 March in Vietnam: counted from 07:30.
    body = deadline(client, start="2026-03-02T17:30:00Z", working_days=1).json()
    assert body["start"] == "2026-03-03T00:30:00+07:00"
    assert body["counted_from"] == "2026-03-03T07:30:00+07:00"
    assert body["deadline"] == "2026-03-03T17:00:00+07:00"
    # Without an offset the start is Vietnam local time.
    body = deadline(client, start="2026-03-02T09:00:00", working_days=1).json()
    assert body["start"] == "2026-03-02T09:00:00+07:00"
    assert body["deadline"] == "2026-03-03T09:00:00+07:00"
    # A '+' left unencoded arrives as a space and is still understood.
    response = client.get(
        "/api/v1/calendar/deadline?start=2026-03-02T09:00:00+07:00&working_days=1"
    )
    assert response.status_code == 200, response.content
    assert response.json()["deadline"] == "2026-03-03T09:00:00+07:00"


@pytest.mark.django_db
def test_deadline_cutoff_and_hours(client: APIClient) -> None:
    body = deadline(client, start="2026-03-03T15:00:00+07:00", working_days=1).json()
    assert body["counted_from"] == "2026-03-04T07:30:00+07:00"
    assert body["deadline"] == "2026-03-04T17:00:00+07:00"
    body = deadline(
        client, start="2026-03-03T15:00:00+07:00", working_days=1, cutoff="false"
    ).json()
    assert body["cutoff"] is False
    assert body["deadline"] == "2026-03-04T15:00:00+07:00"
    body = deadline(client, start="2026-03-03T10:00:00+07:00", working_hours="2.5").json()
    assert body["deadline"] == "2026-03-03T14:00:00+07:00"
    assert body["working_days"] is None
    assert body["working_hours"] == 2.5


@pytest.mark.django_db
def test_deadline_for_an_organisation(client: APIClient) -> None:
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 3, 10),
        kind=CalendarDayKind.DAY_OFF,
        name="Nghỉ riêng",
        organisation_code=ORG,
    )
    start = "2026-03-09T10:00:00+07:00"
    assert deadline(client, start=start, working_days=1).json()["deadline"] == (
        "2026-03-10T10:00:00+07:00"
    )
    body = deadline(client, start=start, working_days=1, organisation=ORG).json()
    assert body["deadline"] == "2026-03-11T10:00:00+07:00"
    assert body["organisation"] == ORG


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"working_days": 1}, "start", "Cần cho biết thời điểm bắt đầu"),
        ({"start": "", "working_days": 1}, "start", "Cần cho biết thời điểm bắt đầu"),
        (
            {"start": "13/02/2026 10:00", "working_days": 1},
            "start",
            "Thời điểm bắt đầu không đúng định dạng ISO 8601",
        ),
        (
            {"start": "2026-02-30T10:00:00", "working_days": 1},
            "start",
            "Thời điểm bắt đầu không đúng định dạng ISO 8601",
        ),
        (
            {"start": "1800-01-01T10:00:00", "working_days": 1},
            "start",
            "Thời điểm bắt đầu phải trong khoảng năm 2000–2100",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": "1.5"},
            "working_days",
            "Số ngày làm việc phải là số nguyên.",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": "mot"},
            "working_days",
            "Số ngày làm việc phải là số nguyên.",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": "-1"},
            "working_days",
            "Số ngày làm việc không được âm.",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": "3651"},
            "working_days",
            "Số ngày làm việc không được vượt quá 3650.",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_hours": "-2"},
            "working_hours",
            "Số giờ làm việc không được âm.",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": 1, "working_hours": 8},
            "working_hours",
            "Chỉ cho biết một trong hai",
        ),
        (
            {"start": "2026-03-02T09:00:00"},
            "working_days",
            "Cần cho biết số ngày làm việc (working_days) hoặc số giờ làm việc",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": 1, "organisation": "H56"},
            "organisation",
            "Mã định danh không hợp lệ",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": 1, "organisation": "A" * 40},
            "organisation",
            "Mã định danh không hợp lệ",
        ),
        (
            {"start": "2026-03-02T09:00:00", "working_days": 1, "cutoff": "maybe"},
            "cutoff",
            "Giá trị cutoff phải là true hoặc false.",
        ),
    ],
)
def test_deadline_bad_parameters(
    client: APIClient, params: dict[str, Any], field: str, text: str
) -> None:
    assert_field_error(deadline(client, **params), field, text)


@pytest.mark.django_db
def test_deadline_at_the_limits(client: APIClient) -> None:
    body = deadline(client, start="2026-03-02T09:00:00+07:00", working_days=3650).json()
    assert body["deadline"].endswith("+07:00")
    assert body["deadline"] > "2040"
    response = deadline(client, start="2100-12-31T09:00:00+07:00", working_days=3650)
    assert response.status_code == 200, response.content
    assert response.json()["deadline"].startswith("21")


# --- days off -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_days_off_2026(client: APIClient) -> None:
    response = days_off(client, year=2026)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["year"] == 2026
    dates = [entry["date"] for entry in body["days_off"]]
    assert dates[:6] == [
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
    ]
    assert {"2026-04-27", "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-02"} <= set(dates)
    assert body["days_off"][0] == {"date": "2026-01-01", "name": "Tết Dương lịch", "source": "law"}
    assert body["working_days"] == [
        {"date": "2026-08-22", "name": "Làm việc bù cho ngày nghỉ 31/08/2026", "source": "law"}
    ]


@pytest.mark.django_db
def test_days_off_with_exceptions_and_organisation(client: APIClient) -> None:
    calendar_day_set(
        actor=None, date=dt.date(2025, 12, 31), kind=CalendarDayKind.DAY_OFF, name="Nghỉ cuối năm"
    )
    calendar_day_set(
        actor=None,
        date=dt.date(2025, 12, 27),
        kind=CalendarDayKind.WORKING_DAY,
        name="Làm bù cho 31/12/2025",
        organisation_code=ORG,
    )
    body = days_off(client, year=2025).json()
    assert {"date": "2025-12-31", "name": "Nghỉ cuối năm", "source": "exception"} in body[
        "days_off"
    ]
    assert body["working_days"] == [
        {"date": "2025-04-26", "name": "Làm việc bù cho ngày nghỉ 02/05/2025", "source": "law"}
    ]
    body = days_off(client, year=2025, organisation=ORG).json()
    assert body["organisation"] == ORG
    assert body["working_days"][-1] == {
        "date": "2025-12-27",
        "name": "Làm bù cho 31/12/2025",
        "source": "exception",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({}, "year", "Cần cho biết năm (year)."),
        ({"year": ""}, "year", "Năm phải là số nguyên."),
        ({"year": "abc"}, "year", "Năm phải là số nguyên."),
        ({"year": "1999"}, "year", "Năm phải trong khoảng 2000–2100."),
        ({"year": "2101"}, "year", "Năm phải trong khoảng 2000–2100."),
        ({"year": "2026", "organisation": "000.00.01.h5"}, "organisation", "Mã định danh"),
    ],
)
def test_days_off_bad_parameters(
    client: APIClient, params: dict[str, Any], field: str, text: str
) -> None:
    assert_field_error(days_off(client, **params), field, text)


@pytest.mark.django_db
def test_anonymous_access_is_allowed_and_documented(client: APIClient) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    operation = paths["/api/v1/calendar/deadline"]["get"]
    assert operation["operationId"] == "calendar_deadline"
    assert {p["name"] for p in operation["parameters"]} >= {
        "start",
        "working_days",
        "working_hours",
        "organisation",
        "cutoff",
    }
    assert paths["/api/v1/calendar/days-off"]["get"]["operationId"] == "calendar_days_off"


@pytest.mark.django_db
def test_anonymous_callers_are_rate_limited(
    client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    for _ in range(2):
        assert days_off(client, year=2026).status_code == 200
    response = days_off(client, year=2026)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"].startswith("Bạn thao tác quá nhanh")
