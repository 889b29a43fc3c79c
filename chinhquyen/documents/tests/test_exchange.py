"""Exchange between organisations of one deployment: status feedback 01→03→04→05→06, refusal
02, take-back 13→15/16, revoke (business type 1), external recipients and the sender's view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.documents import exchange, selectors, services
from chinhquyen.documents.models import (
    BusinessType,
    ExchangeMessage,
    IncomingDocument,
    IncomingStatus,
    StatusCode,
)
from chinhquyen.documents.services import RecipientInput

from .conftest import World
from .helpers import issued

pytestmark = pytest.mark.django_db
S = StatusCode


def send(world: World, recipients: list[RecipientInput] | None = None, **kwargs):
    document = issued(
        world,
        is_electronic=False,
        recipients=recipients or [RecipientInput(organisation=world.construction_unit)],
        **kwargs,
    )
    return services.outgoing_dispatch(actor=world.clerk, document=document)


def codes(message: ExchangeMessage) -> list[str]:
    return list(message.statuses.order_by("at", "pk").values_list("code", flat=True))


def test_internal_delivery_and_every_status(world):
    outgoing = send(world)
    message = ExchangeMessage.objects.get(outgoing=outgoing)
    # a unit chosen as recipient: delivered to its issuing organisation
    assert message.to_organisation == world.construction
    assert message.business_type == BusinessType.NEW
    assert message.document_id == (
        f"{world.justice.agency_code},{outgoing.issued_on:%Y/%m/%d},01/QĐ-STP"
    )
    assert (message.code_number, message.code_notation) == ("01", "QĐ-STP")
    incoming = message.incoming
    assert incoming.status == IncomingStatus.RECEIVED and incoming.incoming_number is None
    assert incoming.sender_organisation == world.justice
    assert codes(message) == [S.ARRIVED]

    incoming = services.incoming_accept(actor=world.clerk_other, document=incoming)
    assert incoming.incoming_number == 1
    incoming = services.incoming_assign(
        actor=world.leader_other, document=incoming, lead_unit=world.construction_unit
    )
    services.task_create(actor=world.head_other, document=incoming, assignee=world.specialist_other)
    services.incoming_complete(actor=world.leader_other, document=incoming)
    message.refresh_from_db()
    assert codes(message) == [S.ARRIVED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED]
    assert message.status == S.COMPLETED

    # the sender sees each recipient's status
    rows = selectors.recipient_statuses(outgoing)
    assert [(m.to_name, m.status) for m in rows] == [("Sở Xây dựng", S.COMPLETED)]


def test_refusal_reports_02_with_the_reason(world):
    message = ExchangeMessage.objects.get(outgoing=send(world))
    services.incoming_return(
        actor=world.clerk_other, document=message.incoming, reason="Không đúng thẩm quyền."
    )
    message.refresh_from_db()
    assert message.status == S.REFUSED
    assert message.statuses.last().description == "Không đúng thẩm quyền."


def test_only_the_recipient_clerk_registers_the_arrival(world):
    message = ExchangeMessage.objects.get(outgoing=send(world))
    with pytest.raises(PermissionDenied):
        services.incoming_accept(actor=world.clerk, document=message.incoming)


def test_take_back_agreed_withdraws_the_entry(world):
    message = ExchangeMessage.objects.get(outgoing=send(world))
    services.incoming_accept(actor=world.clerk_other, document=message.incoming)
    with pytest.raises(PermissionDenied):
        exchange.exchange_request_take_back(actor=world.clerk_other, message=message, reason="x")
    with pytest.raises(DomainError):
        exchange.exchange_request_take_back(actor=world.clerk, message=message, reason="")
    exchange.exchange_request_take_back(
        actor=world.clerk, message=message, reason="Gửi nhầm phụ lục."
    )
    with pytest.raises(DomainError, match="đang chờ"):
        exchange.exchange_request_take_back(actor=world.clerk, message=message, reason="lần 2")
    with pytest.raises(PermissionDenied):
        exchange.exchange_answer_take_back(actor=world.clerk, message=message, agree=True)
    exchange.exchange_answer_take_back(actor=world.clerk_other, message=message, agree=True)
    message.refresh_from_db()
    assert codes(message) == [S.ARRIVED, S.ACCEPTED, S.TAKE_BACK_REQUESTED, S.TAKE_BACK_AGREED]
    incoming = IncomingDocument.objects.get(pk=message.incoming_id)
    assert incoming.status == IncomingStatus.WITHDRAWN
    with pytest.raises(DomainError, match="đã được lấy lại"):
        exchange.exchange_request_take_back(actor=world.clerk, message=message, reason="x")


def test_take_back_refused_keeps_the_entry(world):
    message = ExchangeMessage.objects.get(outgoing=send(world))
    exchange.exchange_request_take_back(actor=world.leader, message=message, reason="Sửa số.")
    with pytest.raises(DomainError, match="lý do"):
        exchange.exchange_answer_take_back(actor=world.clerk_other, message=message, agree=False)
    exchange.exchange_answer_take_back(
        actor=world.leader_other, message=message, agree=False, reason="Đã triển khai."
    )
    message.refresh_from_db()
    assert message.status == S.TAKE_BACK_REFUSED
    assert IncomingDocument.objects.get(pk=message.incoming_id).status == IncomingStatus.RECEIVED
    with pytest.raises(DomainError, match="Không có đề nghị"):
        exchange.exchange_answer_take_back(actor=world.clerk_other, message=message, agree=True)


def test_revoke_sends_business_type_1_and_withdraws(world):
    outgoing = send(
        world,
        recipients=[
            RecipientInput(organisation=world.construction),
            RecipientInput(name="Bộ Tư pháp", agency_code="000.00.00.G12"),
        ],
    )
    internal = ExchangeMessage.objects.get(outgoing=outgoing, to_organisation=world.construction)
    services.incoming_accept(actor=world.clerk_other, document=internal.incoming)
    with pytest.raises(PermissionDenied):
        services.outgoing_revoke(actor=world.specialist, document=outgoing, reason="x")
    services.outgoing_revoke(actor=world.clerk, document=outgoing, reason="Sai thẩm quyền.")
    revokes = list(
        ExchangeMessage.objects.filter(outgoing=outgoing, business_type=BusinessType.REVOKE)
    )
    assert len(revokes) == 2
    assert {m.related_id for m in revokes} == set(
        ExchangeMessage.objects.filter(
            outgoing=outgoing, business_type=BusinessType.NEW
        ).values_list("pk", flat=True)
    )
    assert all(m.business_reason == "Sai thẩm quyền." for m in revokes)
    incoming = IncomingDocument.objects.get(pk=internal.incoming_id)
    assert incoming.status == IncomingStatus.WITHDRAWN
    assert "thu hồi" in incoming.events.last().note


def test_external_recipients_wait_and_take_manual_feedback(world):
    outgoing = send(
        world, recipients=[RecipientInput(name="Bộ Tư pháp", agency_code="000.00.00.G12")]
    )
    message = ExchangeMessage.objects.get(outgoing=outgoing)
    assert message.to_organisation is None and message.incoming is None
    assert message.status == "" and codes(message) == []
    with pytest.raises(PermissionDenied):
        exchange.exchange_record_feedback(actor=world.clerk_other, message=message, code="03")
    with pytest.raises(DomainError):
        exchange.exchange_record_feedback(actor=world.clerk, message=message, code="13")
    exchange.exchange_record_feedback(
        actor=world.clerk, message=message, code="03", description="Đã nhận qua trục."
    )
    message.refresh_from_db()
    assert message.status == S.ACCEPTED


def test_internal_statuses_are_not_set_by_hand(world):
    message = ExchangeMessage.objects.get(outgoing=send(world))
    with pytest.raises(DomainError, match="tự cập nhật"):
        exchange.exchange_record_feedback(actor=world.clerk, message=message, code="06")


def test_priority_and_due_date_follow_the_document(world):
    due = timezone.localdate() + dt.timedelta(days=10)
    outgoing = send(world, urgency="flash", due_date=due)
    message = ExchangeMessage.objects.get(outgoing=outgoing)
    assert message.priority == 3 and message.due_date == due
    assert message.incoming.deadline == due and message.incoming.urgency == "flash"
