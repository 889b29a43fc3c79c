"""edXML (QCVN 102:2016): serialise and parse back, the envelope shape, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st

from chinhquyen.documents import edxml, services
from chinhquyen.documents.models import ExchangeMessage
from chinhquyen.documents.services import RecipientInput

from .helpers import issued, sample_pdf

NS = {"e": edxml.NS}


def sample_message() -> edxml.EdxmlMessage:
    return edxml.EdxmlMessage(
        from_organ=edxml.Organ(organ_id="000.00.04.H42", name="Sở Tư pháp", email="stp@x.vn"),
        to_organs=[
            edxml.Organ(organ_id="000.00.05.H42", name="Sở Xây dựng"),
            edxml.Organ(organ_id="000.00.00.G12", name="Bộ Tư pháp"),
        ],
        document_id="000.00.04.H42,2026/03/05,15/QĐ-STP",
        code_number="15",
        code_notation="QĐ-STP",
        promulgation_place="Ninh Bình",
        promulgation_date=dt.date(2026, 3, 5),
        document_type="QĐ",
        document_type_name="Quyết định",
        subject="Về việc cử cán bộ tham dự tập huấn <nghiệp vụ> & hộ tịch",
        content="Nội dung có dấu: Đắk Lắk, Hòa Bình.",
        signer_competence="KT. GIÁM ĐỐC",
        signer_position="Phó Giám đốc",
        signer_name="Đinh Văn Hùng",
        due_date=dt.date(2026, 3, 20),
        to_places=["Sở Xây dựng", "Bộ Tư pháp"],
        priority=2,
        page_amount=3,
        appendices=["Phụ lục I"],
        business_type=0,
        traces=[edxml.Trace("000.00.04.H42", dt.datetime(2026, 3, 5, 9, 30, 15))],
        attachments=[
            edxml.Attachment(
                content_id="van-ban-1",
                name="15-QĐ-STP.pdf",
                content_type="application/pdf",
                description="Văn bản",
                content=b"%PDF-1.4\x00\xff binary \x01",
            )
        ],
    )


def test_round_trip_keeps_every_field():
    original = sample_message()
    assert edxml.from_xml(edxml.to_xml(original)) == original


def test_envelope_shape_and_base64_attachments():
    data = edxml.to_xml(sample_message())
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = SafeET.fromstring(data)
    assert root.tag == f"{{{edxml.NS}}}edXML"
    header = root.find("e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader", NS)
    assert header.find("e:From/e:OrganId", NS).text == "000.00.04.H42"
    assert len(header.findall("e:To", NS)) == 2
    assert header.find("e:OtherInfo/e:Priority", NS).text == "2"
    assert header.find("e:PromulgationInfo/e:PromulgationDate", NS).text == "2026/03/05"
    business = root.find(
        "e:edXMLEnvelope/e:edXMLHeader/e:TraceHeaderList/e:Bussiness/e:BussinessDocType", NS
    )
    assert business.text == "0"
    ref = root.find("e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference", NS)
    assert ref.find("e:ContentId", NS).text == "cid:van-ban-1"
    encoded = root.find("e:AttachmentEncoded/e:Attachment/e:ContentTransferEncoded", NS)
    assert encoded.text == "JVBERi0xLjQA/yBiaW5hcnkgAQ=="


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<not xml", "cú pháp"),
        (b"<root/>", "edXML"),
        (
            b'<!DOCTYPE x [<!ENTITY a "b">]><edXML xmlns="http://www.mic.gov.vn/TBT/'
            b'QCVN_102_2016">&a;</edXML>',
            "cú pháp",
        ),
        (b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>', "MessageHeader"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(data, message):
    with pytest.raises(edxml.EdxmlError, match=message):
        edxml.from_xml(data)


def test_manifest_and_attachments_must_match():
    good = sample_message()
    data = edxml.to_xml(good).replace(b"JVBERi0xLjQA/yBiaW5hcnkgAQ==", b"***")
    with pytest.raises(edxml.EdxmlError, match="base64"):
        edxml.from_xml(data)
    good.attachments = []
    data = edxml.to_xml(good)
    assert edxml.from_xml(data).attachments == []


def test_business_type_and_priority_are_checked():
    message = sample_message()
    message.business_type = 7
    with pytest.raises(edxml.EdxmlError):
        edxml.to_xml(message)


@settings(max_examples=40, deadline=None)
@given(
    subject=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")),
        min_size=1,
        max_size=80,
    )
    .map(str.strip)
    .filter(bool),
    content=st.binary(max_size=200),
    priority=st.integers(min_value=0, max_value=3),
)
def test_round_trip_any_text_and_bytes(subject, content, priority):
    message = sample_message()
    message.subject = subject
    message.priority = priority
    message.attachments[0].content = content
    assert edxml.from_xml(edxml.to_xml(message)) == message


@pytest.mark.django_db
def test_an_exchange_message_serialises(world):
    document = issued(
        world,
        is_electronic=False,
        recipients=[RecipientInput(name="Bộ Tư pháp", agency_code="000.00.00.G12")],
    )
    services.outgoing_attach_pdf(actor=world.clerk, document=document, upload=sample_pdf())
    services.outgoing_dispatch(actor=world.clerk, document=document)
    message = ExchangeMessage.objects.get(outgoing=document)
    content_id = message.attachments[0]["content_id"]
    parsed = edxml.from_xml(
        edxml.to_xml(edxml.message_from_exchange(message, contents={content_id: sample_pdf()}))
    )
    assert parsed.document_id == message.document_id
    assert parsed.to_organs[0].organ_id == "000.00.00.G12"
    assert parsed.code_notation == "QĐ-STP"
    assert parsed.attachments[0].sha256 == message.attachments[0]["sha256"]
