"""The operations page: only the province's IT administrators; peers with certificates about
to expire, messages per day, dead letters sent again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import Role
from chinhquyen.documents import services
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.integration.models import OutboxMessage, OutboxState
from chinhquyen.orgs.tests.users import official

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_operations_page_and_retry(orgs):
    world = orgs["world"]
    document = issued(
        world,
        is_electronic=False,
        recipients=[
            RecipientInput(name=world.construction.name, agency_code=world.construction.agency_code)
        ],
    )
    services.outgoing_dispatch(actor=world.clerk, document=document)
    row = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=OutboxState.DEAD, attempts=12, last_error="Không kết nối được"
    )
    root_admin = official(world.province, Role.IT_ADMIN)
    page = client_of(root_admin).get(reverse("integration:operations"))
    assert page.status_code == 200
    body = page.content.decode()
    assert world.construction.agency_code in body and "Không kết nối được" in body

    # an IT administrator of a department does not run the province's exchange
    assert client_of(world.it_admin).get(reverse("integration:operations")).status_code == 403
    assert (
        client_of(world.it_admin).post(reverse("integration:retry", args=[row.pk])).status_code
        == 403
    )
    response = client_of(root_admin).post(reverse("integration:retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING and row.attempts == 0
