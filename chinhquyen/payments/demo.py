"""Demo payments for ``manage.py load_demo`` (idempotent: fixed idempotency keys).

The demo citizen ``congdan`` gets one fee waiting to be paid (pay it from "Khoản thanh toán
của tôi" through the sandbox gateway) and, with the sandbox gateway active, one fee already
paid (through the same signed IPN the gateway sends), so the reconciliation list and the
receipt PDF have something to show.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.orgs.models import Organisation

from . import services
from .models import Payment, PaymentStatus
from .providers import active_provider_name
from .providers.vnpay import signed_params, vnp_datetime

DEMO_PAYER = "congdan"


def load_demo_payments(context: dict[str, Any]) -> dict[str, Any] | None:
    accounts: dict[str, User] = context.get("accounts") or {}
    orgs: dict[str, Organisation] = context.get("orgs") or {}
    payer = accounts.get(DEMO_PAYER) or User.objects.filter(username=DEMO_PAYER).first()
    if payer is None:
        return None
    unit = orgs.get("dept_justice")
    waiting = services.payment_create(
        actor=None,
        payable_type="demo",
        payable_id="1",
        amount=8_000,
        description="Lệ phí cấp bản sao trích lục khai sinh (demo)",
        payer=payer,
        organisation=unit,
        idempotency_key="demo:payment:waiting",
    )
    payments = {"waiting": waiting}
    if active_provider_name() == "vnpay_sandbox":
        payments["paid"] = _paid_demo_payment(payer, unit)
    return {"payments": payments}


def _paid_demo_payment(payer: User, unit: Organisation | None) -> Payment:
    payment = services.payment_create(
        actor=None,
        payable_type="demo",
        payable_id="2",
        amount=50_000,
        description="Lệ phí chứng thực hợp đồng, giao dịch (demo)",
        payer=payer,
        organisation=unit,
        idempotency_key="demo:payment:paid",
    )
    return pay_in_sandbox(payment)


def pay_in_sandbox(payment: Payment) -> Payment:
    """Pay ``payment`` through the sandbox gateway's signed IPN (idempotent: a paid payment is
    left alone). Used by the demo loaders of the apps whose fees are paid online."""
    from .sandbox import gateway

    if payment.status == PaymentStatus.CREATED:
        services.payment_start(actor=None, payment=payment, client_ip="127.0.0.1")
        payment.refresh_from_db()
    if payment.status == PaymentStatus.PENDING:
        result = {
            "vnp_Amount": str(payment.amount * 100),
            "vnp_BankCode": "NCB",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": "Thanh toan demo",
            "vnp_PayDate": vnp_datetime(timezone.now()),
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": gateway.tmn_code(),
            "vnp_TransactionNo": str(13_900_000 + payment.pk),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": payment.reference,
        }
        services.payment_apply_ipn(params=signed_params(result, gateway.hash_secret()))
        payment.refresh_from_db()
    return payment
