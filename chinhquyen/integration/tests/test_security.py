"""The receiving side refuses what it must, each time with its reason and a security event:
tampered content, a wrapped signature, an unsigned message, a certificate not in the registry,
an expired certificate, a replayed or stale message; an independent verifier (xmlsec1)
accepts what we sign."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from chinhquyen.audit.models import SecurityEvent
from chinhquyen.documents import services
from chinhquyen.documents.models import BusinessType, ExchangeMessage, IncomingDocument
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.helpers import issued
from chinhquyen.integration import messages, signature
from chinhquyen.integration.models import Peer
from chinhquyen.integration.services import peer_save

pytestmark = pytest.mark.django_db
URL = "/api/v1/integration/edxml/"
NS = {"e": signature.NS, "ds": signature.DS, "cq": signature.CQ}


def post(data: bytes):
    return Client().post(URL, data=data, content_type="application/xml")


def a_message(world) -> ExchangeMessage:
    document = issued(
        world,
        is_electronic=False,
        recipients=[
            RecipientInput(name=world.construction.name, agency_code=world.construction.agency_code)
        ],
    )
    services.outgoing_dispatch(actor=world.clerk, document=document)
    return ExchangeMessage.objects.get(outgoing=document, business_type=BusinessType.NEW)


def sign_with(pair, unsigned: bytes, *, from_id: str, to_id: str, sent_at=None) -> bytes:
    info = signature.TransportInfo(
        message_id=uuid.uuid4().hex,
        sent_at=sent_at or timezone.now().replace(microsecond=0),
        from_organ_id=from_id,
        to_organ_id=to_id,
        kind="document",
    )
    return signature.sign(
        signature.add_transport(unsigned, info), key=pair.key, certificate_pem=pair.certificate_pem
    )


def assert_refused(response, code: str, status: int) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert body["accepted"] is False and body["code"] == code
    assert body["reason"]  # a Vietnamese sentence for the administrator
    events = [
        e.detail for e in SecurityEvent.objects.order_by("-pk") if e.detail.get("source") == "edxml"
    ]
    assert events and events[0]["code"] == code, events


def test_a_good_message_is_accepted(orgs):
    data = messages.signed_document(a_message(orgs["world"]))
    response = post(data)
    assert response.status_code == 200, response.json()
    assert response.json()["accepted"] is True


def test_tampered_content_is_refused(orgs):
    data = messages.signed_document(a_message(orgs["world"]))
    root = etree.fromstring(data)
    root.find(".//e:MessageHeader/e:Subject", NS).text = "Về việc chuyển tiền gấp"
    assert_refused(post(etree.tostring(root)), "tampered", 403)


def test_a_changed_signature_value_is_refused(orgs):
    data = messages.signed_document(a_message(orgs["world"]))
    root = etree.fromstring(data)
    value = root.find(".//ds:SignatureValue", NS)
    value.text = ("A" if value.text[0] != "A" else "B") + value.text[1:]
    assert_refused(post(etree.tostring(root)), "tampered", 403)


def test_wrapped_signature_is_refused(orgs):
    """The classic wrapping: a forged document carrying the genuine signed one inside, or a
    second signature next to the first."""
    world = orgs["world"]
    data = messages.signed_document(a_message(world))
    genuine = etree.fromstring(data)
    forged = etree.fromstring(data)
    forged.find(".//e:MessageHeader/e:Subject", NS).text = "Văn bản giả"
    signature_node = forged.find(".//ds:Signature", NS)
    # move the signature out of its slot and hide the genuine document inside it
    obj = etree.SubElement(signature_node, f"{{{signature.DS}}}Object")
    obj.append(genuine)
    assert_refused(post(etree.tostring(forged)), "wrapped", 403)

    doubled = etree.fromstring(data)
    slot = doubled.find(".//e:edXMLHeader/e:Signature", NS)
    slot.append(etree.fromstring(etree.tostring(slot[0])))
    assert_refused(post(etree.tostring(doubled)), "wrapped", 403)

    moved = etree.fromstring(data)
    sig = moved.find(".//ds:Signature", NS)
    moved.append(sig)  # a signature outside edXMLHeader/Signature
    assert_refused(post(etree.tostring(moved)), "wrapped", 403)


def test_unsigned_message_is_refused(orgs):
    unsigned = messages.document_xml(a_message(orgs["world"]))
    assert_refused(post(unsigned), "unsigned", 403)


def test_certificate_not_in_the_registry_is_refused(orgs):
    world = orgs["world"]
    unsigned = messages.document_xml(a_message(world))
    data = sign_with(
        orgs["intruder"],
        unsigned,
        from_id=world.justice.agency_code,
        to_id=world.construction.agency_code,
    )
    assert_refused(post(data), "unknown_certificate", 403)


def test_sender_not_in_the_registry_is_refused(orgs):
    world = orgs["world"]
    Peer.objects.filter(agency_code=world.justice.agency_code).update(is_active=False)
    data = messages.signed_document(a_message(world))
    assert_refused(post(data), "unknown_sender", 403)


def test_expired_certificate_is_refused(orgs):
    from chinhquyen.signing import pki

    world = orgs["world"]
    start = timezone.now() - dt.timedelta(days=400)
    expired = pki.issue_certificate(
        orgs["ca"],
        common_name="Sở Tư pháp (cũ)",
        valid_from=start,
        valid_to=start + dt.timedelta(days=365),
    )
    peer = Peer.objects.get(agency_code=world.justice.agency_code)
    peer.certificate_pem = expired.certificate_pem
    peer_save(actor=None, peer=peer)
    unsigned = messages.document_xml(a_message(world))
    data = sign_with(
        expired, unsigned, from_id=world.justice.agency_code, to_id=world.construction.agency_code
    )
    assert_refused(post(data), "expired_certificate", 403)


def test_replayed_message_is_refused(orgs):
    data = messages.signed_document(a_message(orgs["world"]))
    assert post(data).status_code == 200
    assert_refused(post(data), "replay", 409)
    assert IncomingDocument.objects.filter(sender_organisation__isnull=True).count() == 1


def test_stale_message_is_refused(orgs):
    world = orgs["world"]
    unsigned = messages.document_xml(a_message(world))
    data = sign_with(
        orgs["a"],
        unsigned,
        from_id=world.justice.agency_code,
        to_id=world.construction.agency_code,
        sent_at=timezone.now().replace(microsecond=0) - dt.timedelta(days=2),
    )
    assert_refused(post(data), "replay", 409)


def test_not_xml_and_entities_are_refused(orgs):
    assert_refused(post(b"hello"), "malformed", 400)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert_refused(post(bomb), "malformed", 400)


def test_unknown_recipient_is_refused(orgs):
    world = orgs["world"]
    unsigned = messages.document_xml(a_message(world))
    data = sign_with(orgs["a"], unsigned, from_id=world.justice.agency_code, to_id="000.99.99.H99")
    assert_refused(post(data), "unknown_recipient", 422)


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 (Debian) is not installed")
def test_independent_verifier_accepts_our_signature(orgs, tmp_path):
    world = orgs["world"]
    data = messages.signed_document(a_message(world))
    (tmp_path / "m.xml").write_bytes(data)
    (tmp_path / "ca.pem").write_text(orgs["ca"].certificate_pem)
    (tmp_path / "a.pem").write_text(orgs["a"].certificate_pem)
    done = subprocess.run(
        [
            "xmlsec1",
            "--verify",
            "--trusted-pem",
            str(tmp_path / "ca.pem"),
            "--enabled-reference-uris",
            "empty",
            str(tmp_path / "m.xml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stderr
    # and it refuses the tampered copy
    root = etree.fromstring(data)
    root.find(".//e:MessageHeader/e:Subject", NS).text = "Đã sửa"
    (tmp_path / "bad.xml").write_bytes(etree.tostring(root))
    bad = subprocess.run(
        [
            "xmlsec1",
            "--verify",
            "--trusted-pem",
            str(tmp_path / "ca.pem"),
            str(tmp_path / "bad.xml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode != 0
