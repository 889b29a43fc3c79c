"""Fault test (reduced scale, in one process): documents from A to B while the transport drops
requests, loses answers, duplicates deliveries and answers 500, 5% each → none lost, none
registered twice, every status 01 back at A once, after the faults stop."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from chinhquyen.documents import services
from chinhquyen.documents.models import BusinessType, ExchangeMessage, IncomingDocument
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.integration import services as integ
from chinhquyen.integration import transport
from chinhquyen.integration.models import OutboxMessage, OutboxState

from .conftest import ClientTransport

pytestmark = pytest.mark.django_db
DOCUMENTS = 40


class FaultyTransport(ClientTransport):
    def __init__(self, rate: float, seed: int = 15) -> None:
        super().__init__()
        self.random = random.Random(seed)
        self.rate = rate
        self.faults: Counter[str] = Counter()

    def send(self, peer, message_bytes):
        roll = self.random.random()
        if roll < self.rate:
            self.faults["drop"] += 1
            return transport.Receipt(ok=False, retry=True, error="Không kết nối được (mô phỏng)")
        if roll < 2 * self.rate:
            self.faults["500"] += 1
            return transport.Receipt(ok=False, http_status=500, retry=True, error="HTTP 500")
        receipt = super().send(peer, message_bytes)
        if roll < 3 * self.rate:
            self.faults["lost_answer"] += 1
            return transport.Receipt(ok=False, retry=True, error="Mất phản hồi (mô phỏng)")
        if roll < 4 * self.rate:
            self.faults["duplicate"] += 1
            again = super().send(peer, message_bytes)  # the same bytes: a replay, refused
            assert again.http_status == 409
        return receipt


def test_no_loss_no_duplicate_under_faults(orgs, monkeypatch, settings):
    settings.INTEGRATION_MAX_ATTEMPTS = 50
    world = orgs["world"]
    faulty = FaultyTransport(rate=0.05)
    monkeypatch.setitem(transport.TRANSPORTS, "direct", faulty)
    recipient = RecipientInput(
        name=world.construction.name, agency_code=world.construction.agency_code
    )
    for _ in range(DOCUMENTS):
        document = issued(world, is_electronic=False, recipients=[recipient])
        services.outgoing_dispatch(actor=world.clerk, document=document)
    now = timezone.now()
    for _ in range(40):  # rounds of the job; each round an hour later (every backoff is due)
        integ.outbox_deliver(now=now)
        now += dt.timedelta(hours=1)
        if not OutboxMessage.objects.exclude(state=OutboxState.SENT).exists():
            break
    assert sum(faulty.faults.values()) > 0, faulty.faults
    assert not OutboxMessage.objects.exclude(state=OutboxState.SENT).exists()
    incoming = IncomingDocument.objects.filter(organisation=world.construction)
    assert incoming.count() == DOCUMENTS
    received_ids = ExchangeMessage.objects.filter(
        from_organisation__isnull=True, business_type=BusinessType.NEW
    ).values_list("document_id", flat=True)
    assert len(set(received_ids)) == len(received_ids) == DOCUMENTS
    for message in ExchangeMessage.objects.filter(outgoing__isnull=False):
        assert list(message.statuses.values_list("code", flat=True)) == ["01"]
