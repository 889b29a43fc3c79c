"""Services of the payments app: create (validation, idempotency), start, cancel, numbering,
expiry and reconciliation; and the workflow table."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.payments import services
from chinhquyen.payments.models import EventSource, Payment, PaymentStatus, SandboxTransaction
from chinhquyen.payments.sandbox import gateway
from chinhquyen.payments.workflow import (
    TRANSITIONS,
    TransitionError,
    can_transition,
    check_transition,
)

from .factories import gateway_result, make_payment, pay_at_sandbox, query_of, start_payment

pytestmark = pytest.mark.django_db


# --- create ----------------------------------------------------------------------------------


def test_create_fills_the_payer_and_the_defaults(citizen, department):
    before = timezone.now()
    payment = make_payment(payer=citizen, amount=75_000, organisation=department)
    assert payment.status == PaymentStatus.CREATED
    assert payment.currency == "VND"
    assert payment.provider == "vnpay_sandbox"
    assert payment.payer_name == "Nguyễn Văn An"
    assert payment.payer_phone == "0987654321"
    assert payment.payer_email == citizen.email
    assert payment.expires_at is not None
    assert payment.expires_at - before >= dt.timedelta(hours=72)
    assert re.fullmatch(r"\d{6}\d{5}[A-Z2-9]{4}", payment.reference)
    event = payment.events.get()
    assert (event.source, event.from_status, event.to_status) == ("app", "", "created")


def test_references_are_unique_and_sequential_per_day(citizen):
    refs = [make_payment(payer=citizen).reference for _ in range(3)]
    assert len(set(refs)) == 3
    assert [r[6:11] for r in refs] == ["00001", "00002", "00003"]


def test_same_idempotency_key_gives_the_same_payment(citizen):
    first = make_payment(payer=citizen, payable_id="42", idempotency_key="dossier-42-fee")
    second = make_payment(payer=citizen, payable_id="42", idempotency_key="dossier-42-fee")
    assert first.pk == second.pk
    assert Payment.objects.count() == 1
    assert first.events.count() == 1


def test_idempotency_key_reused_for_another_amount_is_a_conflict(citizen):
    make_payment(payer=citizen, payable_id="42", idempotency_key="k1", amount=50_000)
    with pytest.raises(DomainError) as err:
        make_payment(payer=citizen, payable_id="42", idempotency_key="k1", amount=60_000)
    assert err.value.status_code == 409
    assert err.value.error_code == "idempotency_conflict"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0}, "Số tiền phải là số nguyên dương"),
        ({"amount": -5}, "Số tiền phải là số nguyên dương"),
        ({"amount": True}, "Số tiền phải là số nguyên dương"),
        ({"amount": 10.5}, "Số tiền phải là số nguyên dương"),
        ({"amount": 10_000_000_000}, "vượt quá"),
        ({"payable_type": "Hồ sơ"}, "Loại khoản"),
        ({"payable_id": "  "}, "Mã khoản"),
        ({"description": ""}, "nội dung"),
        ({"description": "x" * 256}, "255"),
        ({"payer_email": "not-an-email"}, "Thư điện tử"),
        ({"idempotency_key": "k" * 101}, "Khóa chống trùng"),
    ],
)
def test_create_refuses_bad_input_in_vietnamese(changes, message):
    values = {
        "actor": None,
        "payable_type": "test",
        "payable_id": "1",
        "amount": 50_000,
        "description": "Lệ phí",
        **changes,
    }
    with pytest.raises(DomainError) as err:
        services.payment_create(**values)
    assert err.value.status_code == 400
    assert message.lower() in str(err.value.detail).lower()
    assert not Payment.objects.exists()


# --- start and cancel ------------------------------------------------------------------------


def test_start_opens_the_gateway_window(citizen, settings):
    settings.PAYMENT_GATEWAY_TIMEOUT_MINUTES = 10
    payment = make_payment(payer=citizen)
    before = timezone.now()
    url = services.payment_start(actor=citizen, payment=payment, client_ip="not an ip")
    assert payment.status == PaymentStatus.PENDING
    assert payment.started_at is not None and payment.started_at >= before
    assert payment.expires_at == payment.started_at + dt.timedelta(minutes=10)
    assert str(payment.client_ip) == "127.0.0.1"
    params = query_of(url)
    assert params["vnp_IpAddr"] == "127.0.0.1"
    assert params["vnp_ExpireDate"] > params["vnp_CreateDate"]


def test_start_refuses_closed_and_paid_payments(citizen):
    payment = make_payment(payer=citizen)
    services.payment_start(actor=citizen, payment=payment, client_ip="1.2.3.4")
    services.payment_apply_ipn(params=gateway_result(payment))
    with pytest.raises(DomainError) as err:
        services.payment_start(actor=citizen, payment=payment, client_ip="1.2.3.4")
    assert err.value.error_code == "payment_paid"

    stale = make_payment(payer=citizen)
    Payment.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(DomainError) as err:
        services.payment_start(actor=citizen, payment=stale, client_ip="1.2.3.4")
    assert err.value.error_code == "payment_closed"


def test_cancel_open_payment_only(citizen, province_leader):
    payment = make_payment(payer=citizen)
    services.payment_cancel(
        actor=province_leader, payment=payment, reason="Hồ sơ đã rút", source=EventSource.ADMIN
    )
    assert payment.status == PaymentStatus.CANCELLED
    event = payment.events.last()
    assert event is not None
    assert (event.source, event.actor, event.note) == ("admin", province_leader, "Hồ sơ đã rút")
    with pytest.raises(DomainError) as err:
        services.payment_cancel(actor=citizen, payment=payment)
    assert err.value.status_code == 409


# --- receipt numbers -------------------------------------------------------------------------


def test_receipt_numbers_run_per_year_of_payment(citizen):
    dates = ["20251231235959", "20260101000001", "20260102090000"]
    numbers = []
    for pay_date in dates:
        payment = make_payment(payer=citizen)
        services.payment_start(actor=None, payment=payment, client_ip="1.2.3.4")
        services.payment_apply_ipn(params=gateway_result(payment, pay_date=pay_date))
        payment.refresh_from_db()
        numbers.append(payment.receipt_number)
    assert numbers == ["BL-2025-000001", "BL-2026-000001", "BL-2026-000002"]


def test_a_paid_payment_without_receipt_number_is_impossible(citizen):
    from django.db import IntegrityError, transaction

    payment = make_payment(payer=citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PAID)


# --- expiry ----------------------------------------------------------------------------------


def test_expire_stale(citizen, client, settings):
    settings.PAYMENT_EXPIRY_GRACE_MINUTES = 15
    now = timezone.now()
    old_created = make_payment(payer=citizen)
    fresh_created = make_payment(payer=citizen)
    Payment.objects.filter(pk=old_created.pk).update(expires_at=now - dt.timedelta(seconds=1))

    # pending, within the grace period: stays
    in_grace = make_payment(payer=citizen)
    services.payment_start(actor=None, payment=in_grace, client_ip="1.2.3.4")
    Payment.objects.filter(pk=in_grace.pk).update(expires_at=now - dt.timedelta(minutes=5))

    # pending past the grace period, the payer never reached the gateway: expires
    abandoned = make_payment(payer=citizen)
    services.payment_start(actor=None, payment=abandoned, client_ip="1.2.3.4")
    Payment.objects.filter(pk=abandoned.pk).update(expires_at=now - dt.timedelta(minutes=30))

    # pending past the grace period but paid at the gateway (IPN lost): reconciled, not expired
    client.force_login(citizen)
    lost_ipn = make_payment(payer=citizen)
    pay_at_sandbox(client, start_payment(client, lost_ipn), skip_ipn=True)
    Payment.objects.filter(pk=lost_ipn.pk).update(expires_at=now - dt.timedelta(minutes=30))

    assert services.payment_expire_stale(now=now) == 2
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses[old_created.pk] == "expired"
    assert statuses[fresh_created.pk] == "created"
    assert statuses[in_grace.pk] == "pending"
    assert statuses[abandoned.pk] == "expired"
    assert statuses[lost_ipn.pk] == "paid"
    lost_ipn.refresh_from_db()
    assert lost_ipn.events.last().source == EventSource.RECONCILE  # type: ignore[union-attr]
    expired_event = Payment.objects.get(pk=abandoned.pk).events.last()
    assert expired_event is not None and expired_event.source == EventSource.SCHEDULER
    # idempotent
    assert services.payment_expire_stale(now=now) == 0


def test_expiry_task_is_registered_for_the_scheduler():
    from chinhquyen.jobs import registry
    from chinhquyen.payments import tasks

    spec = registry.get_job("payments.expire_stale")
    assert spec.task is tasks.expire_stale_payments
    assert spec.every == dt.timedelta(minutes=5)
    assert spec.task.module_path == "chinhquyen.payments.tasks.expire_stale_payments"


def test_expiry_task_runs(citizen):
    from chinhquyen.payments.tasks import expire_stale_payments

    payment = make_payment(payer=citizen)
    Payment.objects.filter(pk=payment.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    result = expire_stale_payments.enqueue()
    assert result.return_value == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED


# --- reconciliation --------------------------------------------------------------------------


def test_reconcile_applies_a_lost_ipn(
    client, citizen, province_leader, paid_calls, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    payment = make_payment(payer=citizen)
    pay_at_sandbox(client, start_payment(client, payment), skip_ipn=True)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_reconcile(actor=province_leader, payment=payment)
    assert payment.status == PaymentStatus.PAID
    txn = SandboxTransaction.objects.get(txn_ref=payment.reference)
    assert payment.provider_transaction_no == txn.transaction_no
    event = payment.events.last()
    assert event is not None
    assert (event.source, event.actor) == (EventSource.RECONCILE, province_leader)
    assert len(paid_calls) == 1
    # reconciling again changes nothing but leaves a note
    services.payment_reconcile(actor=province_leader, payment=payment)
    assert payment.status == PaymentStatus.PAID
    assert "đã ghi nhận trước đó" in payment.events.last().note  # type: ignore[union-attr]


def test_reconcile_unknown_at_gateway_keeps_the_payment_open(citizen, province_leader):
    payment = make_payment(payer=citizen)
    services.payment_start(actor=None, payment=payment, client_ip="1.2.3.4")
    services.payment_reconcile(actor=province_leader, payment=payment)
    assert payment.status == PaymentStatus.PENDING
    assert "chưa thanh toán" in payment.events.last().note  # type: ignore[union-attr]


def test_reconcile_needs_the_right_role(citizen, specialist):
    payment = make_payment(payer=citizen)
    with pytest.raises(DomainError) as err:
        services.payment_reconcile(actor=specialist, payment=payment)
    assert err.value.status_code == 403


def test_reconcile_refuses_a_forged_gateway_answer(citizen, province_leader, client, monkeypatch):
    client.force_login(citizen)
    payment = make_payment(payer=citizen)
    pay_at_sandbox(client, start_payment(client, payment), skip_ipn=True)
    # the gateway now signs its answers with a secret the merchant does not share
    monkeypatch.setattr(gateway, "merchant_secret", lambda code: "A-FORGED-SECRET")
    with pytest.raises(DomainError) as err:
        services.payment_reconcile(actor=province_leader, payment=payment)
    assert err.value.error_code == "invalid_signature"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


# --- workflow --------------------------------------------------------------------------------

SOURCES = [s.value for s in EventSource]
STATUSES = [s.value for s in PaymentStatus]


def test_workflow_table_is_the_only_way():
    for from_status, to_status, source in itertools.product(STATUSES, STATUSES, SOURCES):
        allowed = source in TRANSITIONS.get((from_status, to_status), frozenset())
        assert can_transition(from_status, to_status, source) is allowed
        if not allowed:
            with pytest.raises(TransitionError):
                check_transition(from_status, to_status, source)


def test_workflow_rules():
    # paid is final
    assert not [pair for pair in TRANSITIONS if pair[0] == PaymentStatus.PAID]
    # only the gateway (IPN or reconciliation) marks paid, never the browser's return page
    for (_, to_status), sources in TRANSITIONS.items():
        if to_status == PaymentStatus.PAID:
            assert sources == {"ipn", "reconcile"}
        assert "return" not in sources
    # every status is reachable from created
    reachable = {"created"}
    for _ in STATUSES:
        reachable |= {to for (frm, to) in TRANSITIONS if frm in reachable}
    assert reachable == set(STATUSES)
