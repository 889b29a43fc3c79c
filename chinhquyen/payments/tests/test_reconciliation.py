"""Reconciliation for officials (HTML and API, list and Excel export) and a payer's own
payments: who sees what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chinhquyen.payments import services
from chinhquyen.payments.models import Payment

from .factories import gateway_result, make_payment

pytestmark = pytest.mark.django_db


def paid(payment: Payment, pay_date: str = "20260105143258") -> Payment:
    services.payment_start(actor=None, payment=payment, client_ip="1.2.3.4")
    services.payment_apply_ipn(params=gateway_result(payment, pay_date=pay_date))
    payment.refresh_from_db()
    return payment


@pytest.fixture
def payments(citizen, other_citizen, department, other_department) -> dict[str, Payment]:
    return {
        "dept_paid": paid(make_payment(payer=citizen, amount=50_000, organisation=department)),
        "dept_open": make_payment(payer=other_citizen, amount=20_000, organisation=department),
        "other_paid": paid(
            make_payment(payer=other_citizen, amount=100_000, organisation=other_department)
        ),
        "no_unit": make_payment(payer=citizen, amount=30_000),
    }


def refs(data: list[dict]) -> set[str]:
    return {row["reference"] for row in data}


def test_province_leader_sees_everything(client, province_leader, payments):
    client.force_login(province_leader)
    response = client.get(reverse("payments_api:list"))
    assert response.status_code == 200
    body = response.json()
    assert refs(body["results"]) == {p.reference for p in payments.values()}
    totals = body["totals"]
    assert totals["count"] == 4
    assert totals["amount"] == 200_000
    assert totals["paid_count"] == 2
    assert totals["paid_amount"] == 150_000
    by_status = {t["status"]: (t["count"], t["amount"]) for t in totals["by_status"]}
    assert by_status["paid"] == (2, 150_000)
    assert by_status["created"] == (2, 50_000)
    assert by_status["failed"] == (0, 0)


def test_it_admin_at_the_province_sees_everything(client, it_admin, payments):
    client.force_login(it_admin)
    body = client.get(reverse("payments_api:list")).json()
    assert body["count"] == 4


def test_department_leader_sees_only_the_department(client, department_leader, payments):
    client.force_login(department_leader)
    body = client.get(reverse("payments_api:list")).json()
    assert refs(body["results"]) == {
        payments["dept_paid"].reference,
        payments["dept_open"].reference,
    }
    assert body["totals"]["amount"] == 70_000
    html = client.get(reverse("payments:reconciliation")).content.decode()
    assert payments["dept_paid"].reference in html
    assert payments["other_paid"].reference not in html
    assert payments["no_unit"].reference not in html


def test_specialists_and_citizens_may_not_reconcile(client, specialist, citizen, payments):
    for user in (specialist, citizen):
        client.force_login(user)
        for name in ("payments_api:list", "payments_api:export"):
            response = client.get(reverse(name))
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "permission_denied"
        assert client.get(reverse("payments:reconciliation")).status_code == 403
        assert client.get(reverse("payments:reconciliation_export")).status_code == 403
    client.logout()
    assert client.get(reverse("payments_api:list")).status_code in (401, 403)


def test_citizens_see_their_own_payments_only(client, citizen, payments):
    client.force_login(citizen)
    body = client.get(reverse("payments_api:mine")).json()
    assert refs(body["results"]) == {
        payments["dept_paid"].reference,
        payments["no_unit"].reference,
    }
    html = client.get(reverse("payments:mine")).content.decode()
    assert payments["dept_paid"].reference in html
    assert payments["other_paid"].reference not in html


def test_filters_status_and_dates(client, province_leader, payments):
    client.force_login(province_leader)
    url = reverse("payments_api:list")
    body = client.get(url, {"status": "paid"}).json()
    assert refs(body["results"]) == {
        payments["dept_paid"].reference,
        payments["other_paid"].reference,
    }
    # created dates: move one payment to last month
    Payment.objects.filter(pk=payments["dept_open"].pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    today = timezone.localdate()
    body = client.get(url, {"date_from": (today - dt.timedelta(days=1)).isoformat()}).json()
    assert payments["dept_open"].reference not in refs(body["results"])
    assert body["count"] == 3
    # paid dates (the IPNs said 05/01/2026)
    body = client.get(
        url, {"date_basis": "paid", "date_from": "2026-01-05", "date_to": "2026-01-05"}
    ).json()
    assert body["count"] == 2
    body = client.get(url, {"date_basis": "paid", "date_from": "2026-01-06"}).json()
    assert body["count"] == 0
    body = client.get(url, {"provider": "vnpay"}).json()
    assert body["count"] == 0
    body = client.get(url, {"q": payments["other_paid"].receipt_number}).json()
    assert refs(body["results"]) == {payments["other_paid"].reference}


def test_bad_filters_are_clear_errors(client, province_leader, payments):
    client.force_login(province_leader)
    response = client.get(
        reverse("payments_api:list"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "date_to" in response.json()["error"]["fields"]
    response = client.get(reverse("payments_api:list"), {"status": "robbed"})
    assert response.status_code == 400
    html = client.get(
        reverse("payments:reconciliation"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert html.status_code == 400
    assert "Ngày kết thúc phải sau" in html.content.decode()


def _sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_scoped_like_the_list(client, department_leader, payments):
    client.force_login(department_leader)
    for url in (reverse("payments_api:export"), reverse("payments:reconciliation_export")):
        response = client.get(url, {"status": "paid"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert response["Content-Disposition"].startswith('attachment; filename="doi-soat')
        rows = _sheet_rows(response.content)
        cells = {c for row in rows for c in row if c is not None}
        assert payments["dept_paid"].reference in cells
        assert payments["dept_paid"].receipt_number in cells
        assert payments["other_paid"].reference not in cells
        assert payments["dept_open"].reference not in cells
        assert ("Tất cả", 1, 50_000) in [row[:3] for row in rows]
        assert any("Trạng thái: Đã thanh toán" in str(row[0]) for row in rows)


def test_export_neutralises_formulas(client, province_leader, citizen):
    make_payment(payer=citizen, description='=HYPERLINK("http://evil")')
    client.force_login(province_leader)
    rows = _sheet_rows(client.get(reverse("payments_api:export")).content)
    descriptions = [row[4] for row in rows if row and len(row) > 4]
    assert '\'=HYPERLINK("http://evil")' in descriptions


def test_detail_and_receipt_access(
    client, citizen, other_citizen, department_leader, specialist, payments
):
    payment = payments["dept_paid"]
    receipt = reverse("payments:receipt", args=[payment.reference])
    api_receipt = reverse("payments_api:receipt", args=[payment.reference])
    detail = reverse("payments_api:detail", args=[payment.reference])

    client.force_login(citizen)
    assert client.get(receipt).status_code == 200
    assert client.get(api_receipt)["Content-Type"] == "application/pdf"
    body = client.get(detail).json()
    assert body["status"] == "paid"
    assert body["receipt_url"] == api_receipt
    assert [e["to_status"] for e in body["events"]] == ["created", "pending", "paid"]

    client.force_login(department_leader)
    assert client.get(receipt).status_code == 200
    assert client.get(reverse("payments:detail", args=[payment.reference])).status_code == 200

    for outsider in (other_citizen, specialist):
        client.force_login(outsider)
        assert client.get(receipt).status_code == 404
        assert client.get(api_receipt).status_code == 404
        assert client.get(detail).status_code == 404

    # no receipt before payment
    client.force_login(other_citizen)
    open_receipt = reverse("payments_api:receipt", args=[payments["dept_open"].reference])
    assert client.get(open_receipt).status_code == 404


def test_official_reconciles_from_the_detail_page(client, department_leader, payments):
    payment = payments["dept_open"]
    services.payment_start(actor=None, payment=payment, client_ip="1.2.3.4")
    client.force_login(department_leader)
    page = client.get(reverse("payments:detail", args=[payment.reference]))
    assert "Đối soát với cổng thanh toán" in page.content.decode()
    response = client.post(reverse("payments:reconcile", args=[payment.reference]), follow=True)
    assert response.status_code == 200
    assert "Đã đối soát với cổng thanh toán" in response.content.decode()
    assert payment.events.filter(source="reconcile").count() == 1


def test_reconciliation_page_shows_totals(client, province_leader, payments):
    client.force_login(province_leader)
    html = client.get(reverse("payments:reconciliation")).content.decode()
    assert '<div class="fs-4" id="tong-so-khoan">4</div>' in html
    assert "150.000 đ" in html
    assert "Xuất Excel" in html


def test_payer_pages(client, citizen, payments):
    client.force_login(citizen)
    open_page = client.get(reverse("payments:detail", args=[payments["no_unit"].reference]))
    html = open_page.content.decode()
    assert "Thanh toán trực tuyến" in html
    assert "Ba mươi nghìn đồng" in html
    assert "Đối soát với cổng" not in html
    paid_page = client.get(reverse("payments:detail", args=[payments["dept_paid"].reference]))
    html = paid_page.content.decode()
    assert "Tải biên lai (PDF)" in html
    assert "Thanh toán trực tuyến</button>" not in html
    assert payments["dept_paid"].receipt_number in html
