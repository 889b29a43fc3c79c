"""The IPN endpoint and ``payment_apply_ipn``: VNPay's RspCode answers, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.payments import services
from chinhquyen.payments.models import Payment, PaymentEvent, PaymentStatus

from .factories import gateway_result, make_payment

pytestmark = pytest.mark.django_db

IPN = "payments_api:vnpay_ipn"


def started(payment: Payment) -> Payment:
    services.payment_start(actor=None, payment=payment, client_ip="203.0.113.5")
    return payment


def test_success_is_applied_once(client, citizen, paid_calls, django_capture_on_commit_callbacks):
    payment = started(make_payment(payer=citizen))
    params = gateway_result(payment, pay_date="20260105143258")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(IPN), params)
    assert response.status_code == 200
    assert response.json() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_at == dt.datetime(2026, 1, 5, 7, 32, 58, tzinfo=dt.UTC)
    assert payment.receipt_number == "BL-2026-000001"
    assert payment.provider_transaction_no == "14123456"
    assert len(paid_calls) == 1

    events = PaymentEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(reverse(IPN), params)
    assert again.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert PaymentEvent.objects.count() == events
    assert len(paid_calls) == 1
    payment.refresh_from_db()
    assert payment.receipt_number == "BL-2026-000001"


def test_hooks_wait_for_the_commit(citizen, paid_calls, django_capture_on_commit_callbacks):
    payment = started(make_payment(payer=citizen))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = services.payment_apply_ipn(params=gateway_result(payment))
    assert answer.rsp_code == "00"
    assert paid_calls == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert paid_calls == [(payment.reference, payment.payable_id, "paid")]


def test_a_failing_hook_does_not_change_the_answer(citizen, django_capture_on_commit_callbacks):
    from chinhquyen.payments import hooks

    def broken(payment: Payment) -> None:
        raise RuntimeError("the dossier app is down")

    hooks.on_payment_paid("broken")(broken)
    try:
        payment = started(make_payment(payer=citizen, payable_type="broken"))
        with django_capture_on_commit_callbacks(execute=True):
            answer = services.payment_apply_ipn(params=gateway_result(payment))
    finally:
        hooks.unregister_paid_hook("broken", broken)
    assert answer.rsp_code == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_tampered_amount_fails_the_signature(client, citizen):
    payment = started(make_payment(payer=citizen, amount=50_000))
    params = gateway_result(payment)
    params["vnp_Amount"] = "100"
    response = client.get(reverse(IPN), params)
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_signed_wrong_amount_is_invalid_amount(client, citizen):
    payment = started(make_payment(payer=citizen, amount=50_000))
    response = client.get(reverse(IPN), gateway_result(payment, amount=5_000))
    assert response.json() == {"RspCode": "04", "Message": "Invalid amount"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.events.count() == 2


def test_unknown_reference(client, citizen):
    payment = started(make_payment(payer=citizen))
    params = gateway_result(payment, vnp_TxnRef="26010599999ZZZZ")
    response = client.get(reverse(IPN), params)
    assert response.json() == {"RspCode": "01", "Message": "Order not found"}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.update(vnp_SecureHash="0" * 128),
        lambda p: p.pop("vnp_SecureHash"),
        lambda p: p.clear(),
    ],
)
def test_bad_signature(client, citizen, mutate):
    payment = started(make_payment(payer=citizen))
    params = gateway_result(payment)
    mutate(params)
    response = client.get(reverse(IPN), params)
    assert response.status_code == 200
    assert response.json()["RspCode"] == "97"


def test_signed_with_another_secret_is_refused(client, citizen):
    payment = started(make_payment(payer=citizen))
    params = gateway_result(payment, secret="NOT-THE-MERCHANT-SECRET")
    assert client.get(reverse(IPN), params).json()["RspCode"] == "97"


def test_failure_then_repeat_answers_already_confirmed(client, citizen):
    payment = started(make_payment(payer=citizen))
    params = gateway_result(payment, response_code="51")
    assert client.get(reverse(IPN), params).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    events = payment.events.count()
    assert client.get(reverse(IPN), params).json()["RspCode"] == "02"
    assert payment.events.count() == events


def test_customer_cancel_code_cancels(citizen):
    payment = started(make_payment(payer=citizen))
    answer = services.payment_apply_ipn(params=gateway_result(payment, response_code="24"))
    assert answer.rsp_code == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED


def test_late_success_after_expiry_still_counts(
    citizen, paid_calls, django_capture_on_commit_callbacks
):
    payment = started(make_payment(payer=citizen))
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert services.payment_expire_stale() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.payment_apply_ipn(params=gateway_result(payment))
    assert answer.rsp_code == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    last = payment.events.last()
    assert last is not None and "thanh toán muộn" in last.note
    assert len(paid_calls) == 1


def test_suspicious_transaction_is_flagged_not_paid(citizen):
    payment = started(make_payment(payer=citizen))
    answer = services.payment_apply_ipn(params=gateway_result(payment, response_code="07"))
    assert answer.rsp_code == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.needs_review
    events = payment.events.count()
    again = services.payment_apply_ipn(params=gateway_result(payment, response_code="07"))
    assert again.rsp_code == "02"
    assert payment.events.count() == events
    # a flagged payment does not expire by itself
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - dt.timedelta(hours=2))
    assert services.payment_expire_stale() == 0


def test_payment_of_another_provider_is_not_found(citizen, settings):
    payment = started(make_payment(payer=citizen))
    Payment.objects.filter(pk=payment.pk).update(provider="vnpay")
    answer = services.payment_apply_ipn(params=gateway_result(payment))
    assert answer.rsp_code == "01"


def test_unexpected_errors_answer_99(client, citizen, monkeypatch):
    payment = started(make_payment(payer=citizen))

    def explode(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "payment_apply_ipn", explode)
    response = client.get(reverse(IPN), gateway_result(payment))
    assert response.status_code == 200
    assert response.json() == {"RspCode": "99", "Message": "Unknown error"}


def test_ipn_needs_no_login_and_ignores_sessions(client, citizen, specialist):
    payment = started(make_payment(payer=citizen))
    client.force_login(specialist)  # an official without a second factor: still answered
    response = client.get(reverse(IPN), gateway_result(payment))
    assert response.status_code == 200
    assert response.json()["RspCode"] == "00"
