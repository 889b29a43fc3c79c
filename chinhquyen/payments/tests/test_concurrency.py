"""Races that only a real database with row locks can show (PostgreSQL; skipped on SQLite):
two IPNs for one payment, receipt numbers under load, the same idempotency key twice."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from chinhquyen.payments import services
from chinhquyen.payments.models import Payment, PaymentEvent, PaymentStatus

from .factories import gateway_result, make_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables in threads (one connection each), released together."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several connections racing on the same rows")
    barrier = threading.Barrier(len(workers))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=60)
            results.append(work())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == len(workers)
    return results


def test_two_ipns_for_the_same_payment_are_applied_once(citizen, paid_calls):
    payment = make_payment(payer=citizen)
    services.payment_start(actor=None, payment=payment, client_ip="1.2.3.4")
    params = gateway_result(payment)

    answers = race([lambda: services.payment_apply_ipn(params=params) for _ in range(2)])

    assert sorted(a.rsp_code for a in answers) == ["00", "02"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert re.fullmatch(r"BL-2026-000001", payment.receipt_number or "")
    assert PaymentEvent.objects.filter(payment=payment, to_status="paid").count() == 1
    assert len(paid_calls) == 1  # on_commit ran in the winning thread only


def test_receipt_numbers_never_repeat_under_concurrency(citizen):
    payments = [make_payment(payer=citizen) for _ in range(6)]
    for payment in payments:
        services.payment_start(actor=None, payment=payment, client_ip="1.2.3.4")
    param_sets = [gateway_result(p) for p in payments]

    answers = race(
        [lambda params=params: services.payment_apply_ipn(params=params) for params in param_sets]
    )

    assert Counter(a.rsp_code for a in answers) == Counter({"00": 6})
    numbers = sorted(Payment.objects.values_list("receipt_number", flat=True))
    assert numbers == [f"BL-2026-{n:06d}" for n in range(1, 7)]


def test_same_idempotency_key_at_the_same_time_creates_one_payment(citizen):
    def create() -> int:
        return make_payment(payer=citizen, payable_id="7", idempotency_key="dossier-7").pk

    ids = race([create for _ in range(3)])

    assert len(set(ids)) == 1
    assert Payment.objects.count() == 1
