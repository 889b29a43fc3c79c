"""Exchange between deployments over signed edXML: build/parse round trip, the whole status
flow back to the sender, take-back, revoke, idempotency on the DocumentId, the outbox's
retries and dead letters. Sở Tư pháp (A) and Sở Xây dựng (B) know each other only as peers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.documents import edxml, exchange, services
from chinhquyen.documents.models import (
    BusinessType,
    ExchangeMessage,
    IncomingDocument,
    IncomingStatus,
    StatusCode,
)
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.helpers import issued, sample_pdf
from chinhquyen.integration import messages, signature, transport
from chinhquyen.integration import services as integ
from chinhquyen.integration.models import InboundMessage, OutboxMessage, OutboxState

pytestmark = pytest.mark.django_db
S = StatusCode


def send_to_b(world, *, pdf: bool = False, **kwargs):
    document = issued(
        world,
        is_electronic=False,
        recipients=[
            RecipientInput(name=world.construction.name, agency_code=world.construction.agency_code)
        ],
        **kwargs,
    )
    if pdf:
        services.outgoing_attach_pdf(actor=world.clerk, document=document, upload=sample_pdf())
    return services.outgoing_dispatch(actor=world.clerk, document=document)


def sent_message(outgoing) -> ExchangeMessage:
    return ExchangeMessage.objects.get(outgoing=outgoing, business_type=BusinessType.NEW)


def received_message(world) -> ExchangeMessage:
    return ExchangeMessage.objects.get(
        from_organisation__isnull=True,
        to_organisation=world.construction,
        business_type=BusinessType.NEW,
    )


def codes(message: ExchangeMessage) -> list[str]:
    return list(message.statuses.order_by("at", "pk").values_list("code", flat=True))


def test_signed_message_round_trip(orgs):
    world = orgs["world"]
    outgoing = send_to_b(world, pdf=True)
    message = sent_message(outgoing)
    data = messages.signed_document(message)
    verified = signature.verify(data, trust_for=integ.trust_from_registry, now=timezone.now())
    parsed = edxml.from_xml(verified.signed_xml)
    assert parsed.document_id == message.document_id
    assert parsed.from_organ.organ_id == world.justice.agency_code
    assert [o.organ_id for o in parsed.to_organs] == [world.construction.agency_code]
    assert (parsed.code_number, parsed.code_notation) == (message.code_number, "QĐ-STP")
    assert parsed.subject == outgoing.summary and parsed.business_type == 0
    assert parsed.attachments[0].content[:5] == b"%PDF-"
    assert verified.transport.from_organ_id == world.justice.agency_code
    assert verified.transport.to_organ_id == world.construction.agency_code
    # each build is a new message (id, time): a retry is never taken for a replay
    assert (
        signature.verify(
            messages.signed_document(message),
            trust_for=integ.trust_from_registry,
            now=timezone.now(),
        ).transport.message_id
        != verified.transport.message_id
    )


def test_status_message_round_trip(orgs):
    world = orgs["world"]
    message = sent_message(send_to_b(world))
    at = timezone.now().replace(microsecond=0)
    xml = messages.status_xml(
        message,
        code="04",
        description="Đã phân công",
        at=at,
        reporter_organ_id=world.construction.agency_code,
        reporter_name=world.construction.name,
    )
    status = messages.status_from_xml(xml)
    assert (status.code, status.document_id, status.description) == (
        "04",
        message.document_id,
        "Đã phân công",
    )
    assert status.timestamp == at and status.from_organ.organ_id == world.construction.agency_code


def test_issue_in_a_registers_in_b_and_every_status_comes_back(orgs, wire):
    world = orgs["world"]
    outgoing = send_to_b(world, pdf=True)
    sent = sent_message(outgoing)
    assert OutboxMessage.objects.filter(state=OutboxState.PENDING).count() == 1
    assert integ.outbox_deliver() == {"sent": 1}
    # B: an incoming entry waiting for its clerk, with the PDF and the original message
    received = received_message(world)
    incoming = received.incoming
    assert incoming.status == IncomingStatus.RECEIVED
    assert incoming.sender_code == world.justice.agency_code
    assert incoming.number_notation == outgoing.number_notation
    assert incoming.files.get().is_main
    inbound = InboundMessage.objects.get(kind="document")
    assert inbound.exchange_message == received and inbound.xml.read()[:5] == b"<?xml"
    integ.outbox_deliver()  # 01 back to A
    sent.refresh_from_db()
    assert codes(sent) == [S.ARRIVED]

    incoming = services.incoming_accept(actor=world.clerk_other, document=incoming)
    incoming = services.incoming_assign(
        actor=world.leader_other, document=incoming, lead_unit=world.construction_unit
    )
    services.task_create(actor=world.head_other, document=incoming, assignee=world.specialist_other)
    services.incoming_complete(actor=world.leader_other, document=incoming)
    assert integ.outbox_deliver() == {"sent": 4}
    sent.refresh_from_db()
    assert codes(sent) == [S.ARRIVED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED]
    assert sent.status == S.COMPLETED
    assert sent.statuses.last().organ_id == world.construction.agency_code
    assert OutboxMessage.objects.exclude(state=OutboxState.SENT).count() == 0


def test_delivered_twice_registers_once(orgs, wire):
    world = orgs["world"]
    sent = sent_message(send_to_b(world))
    row = OutboxMessage.objects.get()
    first = wire.send(row.peer, messages.signed_document(sent))
    second = wire.send(row.peer, messages.signed_document(sent))  # e.g. the answer was lost
    assert first.ok and not first.detail["duplicate"]
    assert second.ok and second.detail["duplicate"]
    assert IncomingDocument.objects.filter(organisation=world.construction).count() == 1
    assert InboundMessage.objects.count() == 2  # both ids are remembered (no replay)


def test_take_back_travels_both_ways(orgs, wire):
    world = orgs["world"]
    sent = sent_message(send_to_b(world))
    integ.outbox_deliver()
    integ.outbox_deliver()
    sent.refresh_from_db()
    exchange.exchange_request_take_back(actor=world.clerk, message=sent, reason="Gửi nhầm.")
    assert integ.outbox_deliver() == {"sent": 1}
    received = received_message(world)
    assert received.status == S.TAKE_BACK_REQUESTED
    exchange.exchange_answer_take_back(actor=world.clerk_other, message=received, agree=True)
    assert integ.outbox_deliver() == {"sent": 1}
    sent.refresh_from_db()
    assert codes(sent) == [S.ARRIVED, S.TAKE_BACK_REQUESTED, S.TAKE_BACK_AGREED]
    assert IncomingDocument.objects.get(pk=received.incoming_id).status == (
        IncomingStatus.WITHDRAWN
    )


def test_revoke_withdraws_the_entry_in_b(orgs, wire):
    world = orgs["world"]
    outgoing = send_to_b(world)
    integ.outbox_deliver()
    services.outgoing_revoke(actor=world.clerk, document=outgoing, reason="Sai thẩm quyền.")
    assert integ.outbox_deliver() == {"sent": 2}  # 01 of the document, then the revoke
    received = received_message(world)
    assert IncomingDocument.objects.get(pk=received.incoming_id).status == (
        IncomingStatus.WITHDRAWN
    )
    revoke = ExchangeMessage.objects.get(
        to_organisation=world.construction, business_type=BusinessType.REVOKE
    )
    assert revoke.related == received and revoke.business_reason == "Sai thẩm quyền."


def test_a_revoke_before_its_document_waits_and_is_retried(orgs, wire):
    world = orgs["world"]
    outgoing = send_to_b(world)
    services.outgoing_revoke(actor=world.clerk, document=outgoing, reason="Sai.")
    _document_row, revoke_row = OutboxMessage.objects.order_by("pk")
    integ.outbox_send(revoke_row.pk)
    revoke_row.refresh_from_db()
    assert revoke_row.state == OutboxState.PENDING and revoke_row.attempts == 1
    assert "gửi lại sau" in revoke_row.last_error
    later = timezone.now() + dt.timedelta(hours=2)
    integ.outbox_deliver(now=later)
    revoke_row.refresh_from_db()
    assert revoke_row.state == OutboxState.SENT


def test_unreachable_peer_backs_off_then_dead_letter_and_retry(orgs, settings, monkeypatch):
    world = orgs["world"]
    settings.INTEGRATION_MAX_ATTEMPTS = 3

    class Down:
        name = "direct"

        def send(self, peer, message_bytes):
            return transport.Receipt(ok=False, retry=True, error="Không kết nối được")

    monkeypatch.setitem(transport.TRANSPORTS, "direct", Down())
    send_to_b(world)
    row = OutboxMessage.objects.get()
    now = timezone.now()
    integ.outbox_deliver(now=now)
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at >= now + dt.timedelta(seconds=30)
    assert integ.outbox_deliver(now=now) == {}  # not due yet
    integ.outbox_deliver(now=now + dt.timedelta(minutes=1))
    integ.outbox_deliver(now=now + dt.timedelta(minutes=5))
    row.refresh_from_db()
    assert row.state == OutboxState.DEAD and row.attempts == 3
    integ.outbox_retry(actor=world.it_admin, row=row)
    row.refresh_from_db()
    assert row.state == OutboxState.PENDING and row.attempts == 0


def test_a_refused_message_is_not_retried(orgs, wire):
    world = orgs["world"]
    send_to_b(world)
    # B does not know A any more: a refusal (403) is final, straight to the dead letters
    from chinhquyen.integration.models import Peer

    Peer.objects.filter(agency_code=world.justice.agency_code).update(is_active=False)
    integ.outbox_deliver()
    row = OutboxMessage.objects.get()
    assert row.state == OutboxState.DEAD and row.attempts == 1
    assert "danh bạ" in row.last_error


def test_unknown_recipient_peer_keeps_the_message_manual(orgs):
    world = orgs["world"]
    document = issued(
        world,
        is_electronic=False,
        recipients=[RecipientInput(name="Bộ Tư pháp", agency_code="000.00.00.G12")],
    )
    services.outgoing_dispatch(actor=world.clerk, document=document)
    assert not OutboxMessage.objects.exists()
