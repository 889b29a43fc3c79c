"""Paying a dossier's fee online from the applicant's dossier page (regression: the page showed
"Chưa thanh toán" but nothing let the applicant pay, and nothing created the payment)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.integrations import PAYABLE_TYPE
from chinhquyen.dossiers.models import PaymentStatus
from chinhquyen.payments.models import Payment
from chinhquyen.payments.models import PaymentStatus as PayStatus
from chinhquyen.payments.tests.factories import pay_at_sandbox, query_of

from . import scenarios
from .factories import World, reload, submit

BUTTON = "Thanh toán phí, lệ phí trực tuyến"


@pytest.fixture(autouse=True)
def _sandbox(settings) -> None:
    settings.PAYMENT_PROVIDER = "vnpay_sandbox"


def _pay_url(pk: int) -> str:
    return reverse("dossiers:my_pay", args=[pk])


def test_applicant_pays_the_fee_through_the_gateway(
    client: Client, world: World, django_capture_on_commit_callbacks
) -> None:
    d = submit(world).dossier
    assert d.fee_total == 200_000 and d.payment_status == PaymentStatus.UNPAID
    client.force_login(world.users["citizen"])
    page = client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    assert BUTTON in page and _pay_url(d.pk) in page

    response = client.post(_pay_url(d.pk))
    assert response.status_code == 302
    gateway_url = str(response["Location"])
    assert gateway_url.startswith(reverse("payments:sandbox_pay") + "?")
    payment = Payment.objects.get(payable_type=PAYABLE_TYPE, payable_id=str(d.pk))
    assert payment.amount == 200_000 and payment.payer == world.users["citizen"]
    assert payment.organisation == d.competent_organisation
    assert payment.status == PayStatus.PENDING
    assert query_of(gateway_url)["vnp_TxnRef"] == payment.reference
    assert d.code in payment.description

    # a second click (or coming back from the gateway without paying) reuses the payment
    again = client.post(_pay_url(d.pk))
    assert again.status_code == 302
    assert query_of(str(again["Location"]))["vnp_TxnRef"] == payment.reference
    assert Payment.objects.filter(payable_type=PAYABLE_TYPE).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        return_url = pay_at_sandbox(client, gateway_url)
    returned = client.get(return_url)
    assert "Thanh toán thành công" in returned.content.decode()
    assert reload(d).payment_status == PaymentStatus.PAID
    page = client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    assert BUTTON not in page and "Đã thanh toán" in page
    # paid: nothing more to pay, a clear message and no new payment
    response = client.post(_pay_url(d.pk), follow=True)
    assert "không có khoản phí, lệ phí cần thanh toán" in response.content.decode()
    assert Payment.objects.filter(payable_type=PAYABLE_TYPE).count() == 1


def test_after_a_cancelled_attempt_a_new_payment_is_made(client: Client, world: World) -> None:
    d = submit(world).dossier
    client.force_login(world.users["citizen"])
    first_url = str(client.post(_pay_url(d.pk))["Location"])
    cancelled_return = pay_at_sandbox(client, first_url, action="cancel")
    # the payment page leads back to the dossier and to a new attempt (issue #10 item 10)
    back = client.get(cancelled_return).content.decode()
    dossier_url = reverse("dossiers:my_detail", args=[d.pk])
    assert f'href="{dossier_url}"' in back and "Quay lại hồ sơ" in back
    assert f'href="{dossier_url}#thanh-toan"' in back and "Thanh toán lại" in back
    first = Payment.objects.get(reference=query_of(first_url)["vnp_TxnRef"])
    assert first.status == PayStatus.CANCELLED
    assert reload(d).payment_status == PaymentStatus.UNPAID

    second_url = str(client.post(_pay_url(d.pk))["Location"])
    second_ref = query_of(second_url)["vnp_TxnRef"]
    assert second_ref != first.reference
    assert Payment.objects.get(reference=second_ref).status == PayStatus.PENDING


def test_no_fee_other_applicants_and_officials_cannot_pay(client: Client, world: World) -> None:
    free = submit(world, version="commune", competent=world.orgs["commune"]).dossier
    assert free.payment_status == PaymentStatus.NOT_REQUIRED
    client.force_login(world.users["citizen"])
    page = client.get(reverse("dossiers:my_detail", args=[free.pk])).content.decode()
    assert BUTTON not in page
    response = client.post(_pay_url(free.pk), follow=True)
    assert response.status_code == 200
    assert "không có khoản phí, lệ phí cần thanh toán" in response.content.decode()

    paying = submit(world).dossier
    client.force_login(world.users["citizen2"])
    assert client.post(_pay_url(paying.pk)).status_code == 404
    client.force_login(world.users["desk_centre"])
    assert client.post(_pay_url(paying.pk)).status_code == 403
    assert client.get(_pay_url(paying.pk)).status_code == 405
    assert not Payment.objects.filter(payable_type=PAYABLE_TYPE).exists()


def test_a_refused_dossier_is_not_paid(client: Client, world: World) -> None:
    d = scenarios.refused(world)
    assert d.fee_total > 0 and d.payment_status == PaymentStatus.UNPAID
    client.force_login(world.users["citizen"])
    assert BUTTON not in client.get(reverse("dossiers:my_detail", args=[d.pk])).content.decode()
    response = client.post(_pay_url(d.pk), follow=True)
    assert "không có khoản phí, lệ phí cần thanh toán" in response.content.decode()
    assert not Payment.objects.filter(payable_type=PAYABLE_TYPE).exists()
