"""Steps of the two-deployment test, run inside one deployment's process (its own database)
by ``test_two_deployments``: ``python -c`` calls ``run(step, json args)`` and reads the JSON
printed on the last line. Not a test module."""

from __future__ import annotations

import json
import sys
from typing import Any


def _world() -> Any:
    from chinhquyen.accounts.models import User
    from chinhquyen.documents.tests.conftest import World
    from chinhquyen.orgs.models import Organisation

    world = World(
        *(
            Organisation.objects.get(name=name)
            for name in (
                "UBND tỉnh Thử Nghiệm",
                "Sở Tư pháp",
                "Văn phòng Sở",
                "Phòng Hành chính tư pháp",
                "Phòng Bổ trợ tư pháp",
                "Sở Xây dựng",
                "Phòng Quản lý xây dựng",
            )
        )
    )
    for user in User.objects.filter(username__startswith="e2e-"):
        world.users[user.username.removeprefix("e2e-")] = user
    return world


def setup(*, sender_code: str, recipient_code: str, pairs: dict[str, Any], peers: list) -> dict:
    """The documents' small province with two agency codes, the seals and the peers."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from django.conf import settings

    from chinhquyen.documents.tests.conftest import build_world
    from chinhquyen.integration.models import Peer
    from chinhquyen.integration.services import peer_save
    from chinhquyen.signing import pki
    from chinhquyen.signing.tests.conftest import make_credential

    world = build_world()
    for key, user in world.users.items():
        user.username = f"e2e-{key}"
        user.save(update_fields=["username"])
    world.justice.agency_code = sender_code
    world.justice.save(update_fields=["agency_code"])
    world.construction.agency_code = recipient_code
    world.construction.save(update_fields=["agency_code"])

    def pair(name: str) -> pki.KeyPair:
        return pki.KeyPair(
            key=load_pem_private_key(pairs[name]["key"].encode(), password=None),  # type: ignore[arg-type]
            certificate=x509.load_pem_x509_certificate(pairs[name]["cert"].encode()),
        )

    root = settings.SIGNING_PKI_DIR
    (root / "ca").mkdir(parents=True, exist_ok=True)
    (root / "ca" / "ca.cert.pem").write_text(pairs["ca"]["cert"])
    ca = pair("ca")
    make_credential(root, ca, pair("sender"), organisation=world.justice)
    make_credential(root, ca, pair("recipient"), organisation=world.construction)
    for code, name, url, cert in peers:
        peer_save(
            actor=None,
            peer=Peer(agency_code=code, name=name, endpoint_url=url, certificate_pem=cert),
        )
    return {"ok": True}


def send(*, to_code: str, to_name: str) -> dict:
    from chinhquyen.documents import services
    from chinhquyen.documents.models import ExchangeMessage
    from chinhquyen.documents.services import RecipientInput
    from chinhquyen.documents.tests.helpers import issued, sample_pdf

    world = _world()
    document = issued(
        world, is_electronic=False, recipients=[RecipientInput(name=to_name, agency_code=to_code)]
    )
    services.outgoing_attach_pdf(actor=world.clerk, document=document, upload=sample_pdf())
    services.outgoing_dispatch(actor=world.clerk, document=document)
    message = ExchangeMessage.objects.get(outgoing=document)
    return {"outgoing": document.pk, "document_id": message.document_id}


def deliver() -> dict:
    from chinhquyen.integration.models import OutboxMessage, OutboxState
    from chinhquyen.integration.services import outbox_deliver

    counts = outbox_deliver()
    errors = list(
        OutboxMessage.objects.exclude(state=OutboxState.SENT).values_list("last_error", flat=True)
    )
    return {"counts": counts, "errors": errors}


def received(*, document_id: str) -> dict:
    from chinhquyen.documents.models import ExchangeMessage

    message = ExchangeMessage.objects.filter(
        document_id=document_id, from_organisation__isnull=True, business_type=0
    ).first()
    if message is None:
        return {"found": False}
    incoming = message.incoming
    return {
        "found": True,
        "incoming": incoming.pk,
        "status": incoming.status,
        "files": incoming.files.count(),
        "sender_code": incoming.sender_code,
    }


def process(*, incoming: int) -> dict:
    from chinhquyen.documents import services
    from chinhquyen.documents.models import IncomingDocument

    world = _world()
    document = IncomingDocument.objects.get(pk=incoming)
    document = services.incoming_accept(actor=world.clerk_other, document=document)
    document = services.incoming_assign(
        actor=world.leader_other, document=document, lead_unit=world.construction_unit
    )
    services.task_create(actor=world.head_other, document=document, assignee=world.specialist_other)
    services.incoming_complete(actor=world.leader_other, document=document)
    return {"ok": True}


def statuses(*, outgoing: int) -> dict:
    from chinhquyen.documents.models import ExchangeMessage

    message = ExchangeMessage.objects.get(outgoing_id=outgoing, business_type=0)
    return {"codes": list(message.statuses.order_by("at", "pk").values_list("code", flat=True))}


def take_back(*, outgoing: int) -> dict:
    from chinhquyen.documents import exchange
    from chinhquyen.documents.models import ExchangeMessage

    world = _world()
    message = ExchangeMessage.objects.get(outgoing_id=outgoing, business_type=0)
    exchange.exchange_request_take_back(actor=world.clerk, message=message, reason="Gửi nhầm.")
    return {"ok": True}


def answer_take_back(*, document_id: str) -> dict:
    from chinhquyen.documents import exchange
    from chinhquyen.documents.models import ExchangeMessage

    world = _world()
    message = ExchangeMessage.objects.get(
        document_id=document_id, from_organisation__isnull=True, business_type=0
    )
    exchange.exchange_answer_take_back(actor=world.clerk_other, message=message, agree=True)
    return {"ok": True}


def revoke(*, outgoing: int) -> dict:
    from chinhquyen.documents import services
    from chinhquyen.documents.models import OutgoingDocument

    world = _world()
    services.outgoing_revoke(
        actor=world.clerk, document=OutgoingDocument.objects.get(pk=outgoing), reason="Sai."
    )
    return {"ok": True}


def run(step: str, raw: str) -> None:
    import django

    django.setup()
    result = globals()[step](**json.loads(raw))
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
