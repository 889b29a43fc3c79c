"""The national axis adapter against the local sandbox of the axis (store and forward): A posts
to the axis, B polls its inbox, takes the message and acknowledges it; B's statuses go back the
same way. HTTP goes through the Django test client (no network)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chinhquyen.documents import services
from chinhquyen.documents.models import BusinessType, ExchangeMessage, StatusCode
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.integration import services as integ
from chinhquyen.integration import transport
from chinhquyen.integration.models import AxisEnvelope, OutboxMessage, OutboxState, Peer

pytestmark = pytest.mark.django_db
AXIS = "http://testserver/lien-thong/truc-thu-nghiem"


@pytest.fixture
def axis(orgs, settings, monkeypatch) -> Client:
    settings.INTEGRATION_AXIS_SANDBOX = True
    settings.INTEGRATION_AXIS_URL = AXIS
    Peer.objects.update(transport="axis")
    client = Client()

    def post(url: str, data: bytes, headers: dict[str, str]) -> transport.Receipt:
        extra = {"HTTP_X_TO_ORGAN_ID": headers.get("X-To-Organ-Id", "")}
        response = client.post(
            url.removeprefix("http://testserver"),
            data=data,
            content_type=headers.get("Content-Type", "application/xml"),
            **extra,
        )
        detail = response.json()
        ok = 200 <= response.status_code < 300
        return transport.Receipt(ok=ok, http_status=response.status_code, detail=detail)

    def get_json(url: str) -> dict[str, Any]:
        return json.loads(client.get(url.removeprefix("http://testserver")).content)

    def ack(organ_id: str, axis_id: str) -> None:
        client.post(f"/lien-thong/truc-thu-nghiem/inbox/{organ_id}/{axis_id}/ack/")

    monkeypatch.setattr(transport, "_post", post)
    monkeypatch.setattr(transport, "_get_json", get_json)
    monkeypatch.setattr(transport, "axis_ack", ack)
    return client


def test_document_and_statuses_travel_through_the_axis(orgs, axis):
    world = orgs["world"]
    document = issued(
        world,
        is_electronic=False,
        recipients=[
            RecipientInput(name=world.construction.name, agency_code=world.construction.agency_code)
        ],
    )
    services.outgoing_dispatch(actor=world.clerk, document=document)
    assert integ.outbox_deliver() == {"sent": 1}
    row = OutboxMessage.objects.get()
    assert row.state == OutboxState.SENT and row.receipt["code"] == "queued"
    envelope = AxisEnvelope.objects.get()
    assert envelope.to_organ_id == world.construction.agency_code and envelope.fetched_at is None

    assert integ.axis_poll() == 1  # B takes it (and A's inbox is empty)
    envelope.refresh_from_db()
    assert envelope.fetched_at is not None
    received = ExchangeMessage.objects.get(
        from_organisation__isnull=True, business_type=BusinessType.NEW
    )
    assert received.incoming.organisation == world.construction
    assert integ.axis_poll() == 0  # acknowledged: not taken twice

    services.incoming_accept(actor=world.clerk_other, document=received.incoming)
    assert integ.outbox_deliver() == {"sent": 2}  # 01 and 03 to the axis
    assert integ.axis_poll() == 2  # A takes them
    sent = ExchangeMessage.objects.get(outgoing=document)
    assert list(sent.statuses.values_list("code", flat=True)) == [
        StatusCode.ARRIVED,
        StatusCode.ACCEPTED,
    ]


def test_sandbox_is_off_by_default(orgs, settings):
    settings.INTEGRATION_AXIS_SANDBOX = False
    assert Client().get("/lien-thong/truc-thu-nghiem/inbox/x/").status_code == 404
