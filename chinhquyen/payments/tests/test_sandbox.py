"""The sandbox gateway checks requests like the real one and speaks the same protocol."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.payments.models import SandboxTransaction
from chinhquyen.payments.providers.vnpay import (
    QUERYDR_REQUEST_FIELDS,
    pipe_hash,
    signed_query,
    vnp_datetime,
)
from chinhquyen.payments.sandbox import gateway

from .factories import make_payment, pay_at_sandbox, query_of, start_payment

pytestmark = pytest.mark.django_db


def pay_request(**changes: str) -> dict[str, str]:
    now = timezone.now()
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": gateway.tmn_code(),
        "vnp_Amount": "5000000",
        "vnp_CreateDate": vnp_datetime(now),
        "vnp_ExpireDate": vnp_datetime(now + dt.timedelta(minutes=15)),
        "vnp_CurrCode": "VND",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_Locale": "vn",
        "vnp_OrderInfo": "Thanh toan le phi",
        "vnp_OrderType": "other",
        "vnp_ReturnUrl": "/thanh-toan/ket-qua/",
        "vnp_TxnRef": "26010500001TEST",
    }
    params.update(changes)
    return params


def open_page(client, params: dict[str, str], secret: str | None = None):
    query = signed_query(params, secret or gateway.hash_secret())
    return client.get(reverse("payments:sandbox_pay") + "?" + query)


def test_a_well_signed_request_opens_the_bank_page(client):
    response = open_page(client, pay_request())
    assert response.status_code == 200
    assert "Cổng thanh toán thử nghiệm" in response.content.decode()
    txn = SandboxTransaction.objects.get()
    assert (txn.txn_ref, txn.amount, txn.status) == ("26010500001TEST", 5_000_000, "pending")


def test_bad_signature_is_refused_with_a_vietnamese_page(client):
    response = open_page(client, pay_request(), secret="WRONG-SECRET")
    assert response.status_code == 400
    assert "Sai chữ ký" in response.content.decode()
    assert not SandboxTransaction.objects.exists()


def test_changed_parameter_after_signing_is_refused(client):
    query = signed_query(pay_request(), gateway.hash_secret()).replace(
        "vnp_Amount=5000000", "vnp_Amount=100"
    )
    response = client.get(reverse("payments:sandbox_pay") + "?" + query)
    assert response.status_code == 400
    assert "Sai chữ ký" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vnp_TmnCode": "OTHER001"}, "không tồn tại"),
        ({"vnp_CurrCode": "USD"}, "đồng Việt Nam"),
        ({"vnp_Amount": "abc"}, "Số tiền"),
        ({"vnp_Command": "refund"}, "mã lệnh"),
        ({"vnp_ReturnUrl": "https://evil.example.com/steal"}, "Địa chỉ trả về"),
        ({"vnp_ExpireDate": "20200101000000"}, "quá thời gian"),
        ({"vnp_OrderInfo": ""}, "Thiếu tham số"),
    ],
)
def test_invalid_requests_are_refused(client, changes, message):
    response = open_page(client, pay_request(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_finished_transaction_cannot_be_paid_again(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    url = start_payment(client, payment)
    pay_at_sandbox(client, url)
    again = client.get(url)
    assert again.status_code == 400
    assert "Giao dịch đã tồn tại" in again.content.decode()
    txn = SandboxTransaction.objects.get()
    response = client.post(
        reverse("payments:sandbox_process"),
        {"token": txn.token, "action": "pay", "card_number": txn.card_number, "otp": "123456"},
    )
    assert response.status_code == 400
    assert "đã được xử lý" in response.content.decode()


def test_unknown_card_is_refused(client):
    open_page(client, pay_request())
    txn = SandboxTransaction.objects.get()
    response = client.post(
        reverse("payments:sandbox_process"),
        {"token": txn.token, "action": "pay", "card_number": "4111111111111111", "otp": "1"},
    )
    assert response.status_code == 400
    assert "thẻ thử nghiệm" in response.content.decode()
    txn.refresh_from_db()
    assert txn.status == "pending"


def test_the_sandbox_is_off_with_the_real_gateway(client, settings):
    settings.PAYMENT_PROVIDER = "vnpay"
    response = open_page(client, pay_request())
    assert response.status_code == 404
    assert client.post(reverse("payments:sandbox_querydr"), {}).status_code == 404


def _querydr(client, body: dict[str, str]) -> dict[str, str]:
    response = client.post(
        reverse("payments:sandbox_querydr"), json.dumps(body), content_type="application/json"
    )
    return response.json()


def test_querydr_checks_its_checksum(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    pay_at_sandbox(client, start_payment(client, payment), skip_ipn=True)
    body = {
        "vnp_RequestId": "r1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": gateway.tmn_code(),
        "vnp_TxnRef": payment.reference,
        "vnp_TransactionDate": "20260105100000",
        "vnp_CreateDate": "20260105101000",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Truy van",
    }
    body["vnp_SecureHash"] = pipe_hash(body, QUERYDR_REQUEST_FIELDS, gateway.hash_secret())
    answer = _querydr(client, body)
    assert answer["vnp_ResponseCode"] == "00"
    assert answer["vnp_TransactionStatus"] == "00"
    assert answer["vnp_Amount"] == str(payment.amount * 100)
    assert _querydr(client, {**body, "vnp_SecureHash": "0" * 128})["vnp_ResponseCode"] == "97"
    unknown = {**body, "vnp_TxnRef": "NOPE"}
    unknown["vnp_SecureHash"] = pipe_hash(unknown, QUERYDR_REQUEST_FIELDS, gateway.hash_secret())
    assert _querydr(client, unknown)["vnp_ResponseCode"] == "91"
    bad_json = client.post(
        reverse("payments:sandbox_querydr"), "nope", content_type="application/json"
    )
    assert bad_json.status_code == 400


def test_result_parameters_are_signed_like_the_request(client, citizen):
    from chinhquyen.payments.providers.vnpay import verify_secure_hash

    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    return_url = pay_at_sandbox(client, start_payment(client, payment), skip_ipn=True)
    params = query_of(return_url)
    assert verify_secure_hash(params, gateway.hash_secret())
    assert params["vnp_ResponseCode"] == "00"
    assert params["vnp_TransactionStatus"] == "00"
    assert params["vnp_Amount"] == "5000000"
    assert len(params["vnp_PayDate"]) == 14


def test_an_unreachable_ipn_url_leaves_the_payment_pending(client, citizen, settings):
    settings.PAYMENT_SANDBOX_IPN_URL = "/khong-co-dia-chi-nay/"
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    return_url = pay_at_sandbox(client, start_payment(client, payment))
    txn = SandboxTransaction.objects.get()
    assert "error" in txn.ipn_response
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert "Đang xử lý" in client.get(return_url).content.decode()
