"""The appointment calculator ("Tính ngày hẹn trả kết quả")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.core.calendar import calendar_day_set

from .html import Page

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _get(client: Client, htmx: bool = False, **params: str) -> tuple[int, str, dict]:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("web:calendar"), params, headers=headers)
    return response.status_code, response.content.decode(), response.context


def test_blank_page_shows_the_form_and_this_years_days_off(client: Client) -> None:
    status, html, context = _get(client)
    assert status == 200
    assert "Tính ngày hẹn trả kết quả" in html
    assert context["result"] is None
    assert not context["form"].is_bound
    assert f"Ngày nghỉ lễ, Tết năm {context['year']}" in html
    assert Page(html).unlabelled_inputs() == []


def test_friday_before_tet_2026_plus_one_working_day(client: Client) -> None:
    status, html, context = _get(
        client,
        received_date="2026-02-13",
        received_time="10:00",
        amount="1",
        unit="days",
        apply_cutoff="on",
    )
    assert status == 200
    result = context["result"]
    assert result["deadline"] == dt.datetime(2026, 2, 23, 10, 0, tzinfo=VN)
    assert "10:00 Thứ Hai, 23/02/2026" in html
    assert "10:00 Thứ Sáu, 13/02/2026" in html
    # The Tết days inside the period are listed.
    assert [e.date for e in result["days_off_between"]][:1] == [dt.date(2026, 2, 16)]
    assert "Tết Nguyên đán" in html


def test_dates_typed_the_vietnamese_way_are_accepted(client: Client) -> None:
    status, _, context = _get(
        client, received_date="13/02/2026", received_time="10:00", amount="1", unit="days"
    )
    assert status == 200
    assert context["result"]["deadline"] == dt.datetime(2026, 2, 23, 10, 0, tzinfo=VN)


def test_after_cutoff_counts_from_next_working_day(client: Client) -> None:
    params = {"received_date": "2026-03-10", "received_time": "16:00", "amount": "1"}
    _, html, with_cutoff = _get(client, unit="days", apply_cutoff="on", **params)
    _, _, without = _get(client, unit="days", **params)
    # Tue 16:00 after the 15:00 cut-off: counting starts Wed 07:30, one day ends Wed 17:00.
    assert with_cutoff["result"]["deadline"] == dt.datetime(2026, 3, 11, 17, 0, tzinfo=VN)
    assert with_cutoff["result"]["counting_delayed"] is True
    assert "sau giờ chốt 15:00" in html
    # Without the cut-off the remaining hour counts: Wed 16:00.
    assert without["result"]["deadline"] == dt.datetime(2026, 3, 11, 16, 0, tzinfo=VN)


def test_working_hours(client: Client) -> None:
    _, html, context = _get(
        client, received_date="2026-03-10", received_time="10:00", amount="4", unit="hours"
    )
    # 10:00-11:30 (1.5 h) + 13:00-15:30 (2.5 h).
    assert context["result"]["deadline"] == dt.datetime(2026, 3, 10, 15, 30, tzinfo=VN)
    assert "4 giờ làm việc" in html


def test_htmx_gets_only_the_tool_region(client: Client) -> None:
    status, html, _ = _get(
        client,
        htmx=True,
        received_date="2026-02-13",
        received_time="10:00",
        amount="1",
        unit="days",
    )
    assert status == 200
    assert "<html" not in html and "<main" not in html
    assert "10:00 Thứ Hai, 23/02/2026" in html
    assert 'hx-get="/tinh-ngay-hen/"' in html
    assert 'id="calendar-result"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"received_date": "abc", "received_time": "10:00", "amount": "1", "unit": "days"},
            "Ngày tiếp nhận không hợp lệ",
        ),
        (
            {"received_date": "2026-02-30", "received_time": "10:00", "amount": "1"},
            "Ngày tiếp nhận không hợp lệ",
        ),
        (
            {"received_date": "2026-02-13", "received_time": "25:99", "amount": "1"},
            "Giờ tiếp nhận không hợp lệ",
        ),
        (
            {"received_date": "2026-02-13", "received_time": "10:00", "amount": "x"},
            "Thời hạn giải quyết phải là một số nguyên",
        ),
        (
            {"received_date": "2026-02-13", "received_time": "10:00", "amount": "0"},
            "Thời hạn giải quyết phải từ 1 trở lên",
        ),
        (
            {"received_date": "2026-02-13", "received_time": "10:00", "amount": "100000"},
            "Thời hạn tối đa là 365 ngày làm việc",
        ),
        (
            {"received_date": "1800-01-01", "received_time": "10:00", "amount": "1"},
            "Chỉ tính được cho ngày từ năm 2000 đến năm 2100",
        ),
        (
            {"received_date": "", "received_time": "", "amount": ""},
            "Vui lòng nhập ngày tiếp nhận hồ sơ",
        ),
        (
            {"received_date": "2026-02-13", "received_time": "10:00", "amount": "1", "unit": "x"},
            "Đơn vị tính không hợp lệ",
        ),
    ],
)
def test_bad_input_gives_a_vietnamese_error_not_a_500(
    client: Client, params: dict[str, str], message: str
) -> None:
    params.setdefault("unit", "days")
    status, html, context = _get(client, **params)
    assert status == 200
    assert context["result"] is None
    assert message in html
    assert "Chưa tính được ngày hẹn" in html
    assert 'aria-invalid="true"' in html


def test_days_off_list_shows_law_and_exceptions(client: Client) -> None:
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 11, 20),
        kind="day_off",
        name="Nghỉ kỷ niệm ngày thành lập tỉnh",
    )
    _, html, context = _get(
        client, received_date="2026-11-19", received_time="09:00", amount="1", unit="days"
    )
    assert context["year"] == 2026
    rows = {entry.date: entry for entry in context["days_off"]}
    assert rows[dt.date(2026, 9, 2)].source == "law"
    assert rows[dt.date(2026, 11, 20)].source == "exception"
    assert "Nghỉ kỷ niệm ngày thành lập tỉnh" in html
    assert "Theo quyết định của cơ quan có thẩm quyền" in html
    assert "Quốc khánh" in html
    # Thu 19/11 09:00 + 1 day skips the Friday off: Mon 23/11 09:00.
    assert context["result"]["deadline"] == dt.datetime(2026, 11, 23, 9, 0, tzinfo=VN)


def test_post_is_not_allowed(client: Client) -> None:
    assert client.post(reverse("web:calendar"), {}).status_code == 405


def test_after_cutoff_before_tet_lists_the_days_off_it_skips(client: Client) -> None:
    _, html, context = _get(
        client,
        received_date="2026-02-13",
        received_time="16:00",
        amount="1",
        unit="days",
        apply_cutoff="on",
    )
    result = context["result"]
    assert result["counting_start"] == dt.datetime(2026, 2, 23, 7, 30, tzinfo=VN)
    assert result["deadline"] == dt.datetime(2026, 2, 23, 17, 0, tzinfo=VN)
    assert [e.date for e in result["days_off_between"]] == [
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 17),
        dt.date(2026, 2, 18),
        dt.date(2026, 2, 19),
        dt.date(2026, 2, 20),
    ]
    assert "17:00 Thứ Hai, 23/02/2026" in html
