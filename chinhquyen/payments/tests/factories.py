"""Test helpers for payments: create payments through the service, build signed gateway
messages with the sandbox's secret, walk the sandbox gateway with the test client."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation
from chinhquyen.payments import services
from chinhquyen.payments.models import Payment, SandboxTransaction
from chinhquyen.payments.providers.vnpay import signed_params, vnp_datetime
from chinhquyen.payments.sandbox import gateway

_seq = itertools.count(1)
SUCCESS_CARD = gateway.TEST_CARDS[0].number
POOR_CARD = gateway.TEST_CARDS[1].number  # insufficient balance (51)
OTP = "123456"


def make_payment(
    *,
    payer: User | None = None,
    amount: int = 50_000,
    organisation: Organisation | None = None,
    payable_type: str = "test",
    description: str = "Lệ phí cấp bản sao trích lục hộ tịch",
    **kwargs: Any,
) -> Payment:
    return services.payment_create(
        actor=payer,
        payable_type=payable_type,
        payable_id=str(kwargs.pop("payable_id", next(_seq))),
        amount=amount,
        description=description,
        payer=payer,
        organisation=organisation,
        **kwargs,
    )


def gateway_result(
    payment: Payment,
    *,
    response_code: str = "00",
    transaction_status: str | None = None,
    amount: int | None = None,
    transaction_no: str = "14123456",
    secret: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """Signed return/IPN parameters as the (sandbox) gateway would send them."""
    if transaction_status is None:
        transaction_status = "00" if response_code == "00" else "02"
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan",
        "vnp_PayDate": extra.pop("pay_date", "20260105143258"),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": gateway.tmn_code(),
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": transaction_status,
        "vnp_TxnRef": payment.reference,
        **extra,
    }
    return signed_params(params, secret or gateway.hash_secret())


def start_payment(client: Client, payment: Payment) -> str:
    """The payer clicks "Thanh toán": returns the gateway URL the browser is sent to."""
    response = client.post(reverse("payments:pay", args=[payment.reference]))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def pay_at_sandbox(
    client: Client,
    gateway_url: str,
    *,
    action: str = "pay",
    card: str = SUCCESS_CARD,
    otp: str = OTP,
    skip_ipn: bool = False,
) -> str:
    """Open the sandbox page, press a button; returns the return URL the browser goes to."""
    page = client.get(gateway_url)
    assert page.status_code == 200, page.content.decode()
    txn = SandboxTransaction.objects.get(txn_ref=query_of(gateway_url)["vnp_TxnRef"])
    data = {"token": txn.token, "action": action, "card_number": card, "otp": otp}
    if skip_ipn:
        data["skip_ipn"] = "1"
    response = client.post(reverse("payments:sandbox_process"), data)
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def vnp_now() -> str:
    from django.utils import timezone

    return vnp_datetime(timezone.now())
