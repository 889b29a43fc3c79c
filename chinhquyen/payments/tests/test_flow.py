"""The whole payment, in the browser's shoes, through the sandbox gateway: create → start
(signed URL) → sandbox page → pay → IPN applied → return page → receipt PDF."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from django.urls import reverse

from chinhquyen.core.pdf import pdf_text
from chinhquyen.payments.models import EventSource, PaymentEvent, PaymentStatus, SandboxTransaction
from chinhquyen.payments.providers.vnpay import hash_data
from chinhquyen.payments.sandbox import gateway

from .factories import (
    OTP,
    POOR_CARD,
    SUCCESS_CARD,
    make_payment,
    pay_at_sandbox,
    query_of,
    start_payment,
)

pytestmark = pytest.mark.django_db


def test_full_sandbox_payment(
    client, citizen, department, paid_calls, django_capture_on_commit_callbacks
):
    payment = make_payment(payer=citizen, amount=50_000, organisation=department)
    assert payment.status == PaymentStatus.CREATED
    client.force_login(citizen)

    # start: the browser is sent to the sandbox with a signed URL
    url = start_payment(client, payment)
    assert url.startswith(reverse("payments:sandbox_pay") + "?")
    params = query_of(url)
    assert params["vnp_TxnRef"] == payment.reference
    assert params["vnp_Amount"] == "5000000"
    assert params["vnp_TmnCode"] == gateway.tmn_code()
    assert params["vnp_ReturnUrl"] == reverse("payments:return")
    signed_part = url.split("?", 1)[1].rsplit("&vnp_SecureHash=", 1)[0]
    assert signed_part == hash_data(params)
    expected = hmac.new(
        gateway.hash_secret().encode(), signed_part.encode(), hashlib.sha512
    ).hexdigest()
    assert params["vnp_SecureHash"] == expected
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    # the sandbox page
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cổng thanh toán thử nghiệm" in html
    assert "50.000 VND" in html
    assert gateway.TEST_CARDS[0].number in html

    # pay: the sandbox calls our IPN, then sends the browser back
    with django_capture_on_commit_callbacks(execute=True):
        return_url = pay_at_sandbox(client, url)
    assert return_url.startswith(reverse("payments:return") + "?")
    txn = SandboxTransaction.objects.get(txn_ref=payment.reference)
    assert txn.ipn_response["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert re.fullmatch(r"BL-\d{4}-000001", payment.receipt_number or "")
    assert payment.provider_transaction_no == txn.transaction_no
    assert payment.bank_code == "NCB"
    assert payment.ipn_payload["vnp_TxnRef"] == payment.reference
    assert paid_calls == [(payment.reference, payment.payable_id, "paid")]
    history = list(payment.events.values_list("source", "from_status", "to_status"))
    assert history == [
        ("app", "", "created"),
        ("app", "created", "pending"),
        ("ipn", "pending", "paid"),
    ]

    # the return page shows success, and records the return once
    page = client.get(return_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thanh toán thành công" in html
    assert payment.receipt_number in html
    assert reverse("payments:receipt", args=[payment.reference]) in html
    client.get(return_url)
    assert payment.events.filter(source=EventSource.RETURN).count() == 1

    # the receipt
    response = client.get(reverse("payments:receipt", args=[payment.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bien-lai-{payment.receipt_number}.pdf"'
    )
    text = " ".join(pdf_text(response.content).split())
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ" in text
    assert "Năm mươi nghìn đồng" in text
    assert "50.000 đồng" in text
    assert payment.receipt_number in text
    assert "Nguyễn Văn An" in text
    assert txn.transaction_no in text
    assert "+07:00" in text
    assert "Sở Tư pháp" in text

    # the gateway repeats its IPN: "02", nothing changes, the hook does not run again
    events = PaymentEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        replay = client.get(reverse("payments_api:vnpay_ipn"), query_of(return_url))
    assert replay.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert PaymentEvent.objects.count() == events
    assert len(paid_calls) == 1


def test_cancel_at_the_gateway(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    return_url = pay_at_sandbox(client, start_payment(client, payment), action="cancel")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert payment.response_code == "24"
    assert payment.receipt_number is None
    page = client.get(return_url)
    assert page.status_code == 200
    assert "Giao dịch đã bị hủy" in page.content.decode()
    # no receipt for an unpaid payment
    assert client.get(reverse("payments:receipt", args=[payment.reference])).status_code == 404
    # and it cannot be started again
    response = client.post(reverse("payments:pay", args=[payment.reference]))
    assert response.status_code == 403


def test_declined_card_fails_the_payment(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    return_url = pay_at_sandbox(client, start_payment(client, payment), card=POOR_CARD)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment.response_code == "51"
    html = client.get(return_url).content.decode()
    assert "Thanh toán không thành công" in html
    assert "không đủ số dư" in html


def test_one_wrong_otp_asks_again_and_the_payment_goes_on(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    url = start_payment(client, payment)
    client.get(url)
    txn = SandboxTransaction.objects.get(txn_ref=query_of(url)["vnp_TxnRef"])
    data = {"token": txn.token, "action": "pay", "card_number": SUCCESS_CARD}
    wrong = client.post(reverse("payments:sandbox_process"), {**data, "otp": "000000"})
    assert wrong.status_code == 400
    assert "Mã OTP không đúng" in wrong.content.decode()
    payment.refresh_from_db()
    assert payment.status != PaymentStatus.FAILED
    right = client.post(reverse("payments:sandbox_process"), {**data, "otp": OTP})
    assert right.status_code == 302
    client.get(str(right["Location"]))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_repeated_wrong_otp_fails_the_payment(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    url = start_payment(client, payment)
    client.get(url)
    txn = SandboxTransaction.objects.get(txn_ref=query_of(url)["vnp_TxnRef"])
    data = {"token": txn.token, "action": "pay", "card_number": SUCCESS_CARD, "otp": "000000"}
    for _attempt in range(2):
        assert client.post(reverse("payments:sandbox_process"), data).status_code == 400
    assert client.post(reverse("payments:sandbox_process"), data).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment.response_code == "13"


def test_return_before_the_ipn_shows_processing_and_does_not_mark_paid(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    return_url = pay_at_sandbox(client, start_payment(client, payment), skip_ipn=True)
    page = client.get(return_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đang xử lý" in html
    assert '<meta http-equiv="refresh"' in html
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.receipt_number is None
    # the late IPN arrives: now the same return URL shows success
    response = client.get(reverse("payments_api:vnpay_ipn"), query_of(return_url))
    assert response.json()["RspCode"] == "00"
    assert "Thanh toán thành công" in client.get(return_url).content.decode()


def test_tampered_return_url_is_refused(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    return_url = pay_at_sandbox(client, start_payment(client, payment), skip_ipn=True)
    params = query_of(return_url)
    params["vnp_ResponseCode"] = "00"
    params["vnp_Amount"] = "100"
    page = client.get(reverse("payments:return"), params)
    assert page.status_code == 400
    assert "sai chữ ký" in page.content.decode()
    assert not payment.events.filter(source=EventSource.RETURN).exists()


def test_only_the_payer_starts_a_payment(client, citizen, other_citizen):
    payment = make_payment(payer=citizen)
    client.force_login(other_citizen)
    response = client.post(reverse("payments:pay", args=[payment.reference]))
    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_starting_twice_reuses_the_same_gateway_transaction(client, citizen):
    payment = make_payment(payer=citizen)
    client.force_login(citizen)
    first = query_of(start_payment(client, payment))
    second = query_of(start_payment(client, payment))
    assert first == second
    assert payment.events.count() == 2  # created, started — once
