import pytest

from chinhquyen.accounts.models import UserKind
from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.payments.demo import load_demo_payments
from chinhquyen.payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def test_demo_payments_are_idempotent(department):
    payer = make_user(UserKind.CITIZEN, username="congdan")
    context = {"accounts": {"congdan": payer}, "orgs": {"dept_justice": department}}
    first = load_demo_payments(context)
    second = load_demo_payments(context)
    assert first is not None and second is not None
    assert Payment.objects.count() == 2
    assert second["payments"]["waiting"].status == PaymentStatus.CREATED
    paid = second["payments"]["paid"]
    assert paid.status == PaymentStatus.PAID
    assert paid.receipt_number
    assert paid.organisation == department


def test_demo_needs_the_demo_citizen():
    assert load_demo_payments({}) is None
