"""The messages that travel between deployments, built from and read into documents' rows.

* a document message: the edXML of ``documents.edxml`` for an ``ExchangeMessage`` (business
  type 0 new, 1 revoke, 2 update, 3 replace), attachments base64;
* a status message (QCVN 102 ``Status``): ResponseFor (OrganId, Code, PromulgationDate,
  DocumentId), From, StatusCode, Description, Timestamp.

Both carry the transport element and the XML signature of ``signature``; ``signed_for``
builds and signs one with the sending organisation's certificate from the signing service.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.documents import edxml
from chinhquyen.documents.models import ExchangeMessage
from chinhquyen.orgs.models import Organisation

from . import signature

VN = dt.timezone(dt.timedelta(hours=7))


@dataclass
class StatusMessage:
    from_organ: edxml.Organ
    response_organ_id: str
    response_code: str
    response_date: dt.date | None
    document_id: str
    code: str
    description: str
    timestamp: dt.datetime


def _q(tag: str) -> str:
    return f"{{{edxml.NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    node = ET.SubElement(parent, _q(tag))
    if text is not None:
        node.text = text
    return node


def status_to_xml(message: StatusMessage) -> bytes:
    root = ET.Element(_q("edXML"))
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    status = _sub(header, "Status")
    response = _sub(status, "ResponseFor")
    _sub(response, "OrganId", message.response_organ_id)
    _sub(response, "Code", message.response_code)
    _sub(
        response,
        "PromulgationDate",
        message.response_date.strftime(edxml.DATE_FORMAT) if message.response_date else "",
    )
    _sub(response, "DocumentId", message.document_id)
    origin = _sub(status, "From")
    _sub(origin, "OrganId", message.from_organ.organ_id)
    _sub(origin, "OrganName", message.from_organ.name)
    _sub(status, "StatusCode", message.code)
    _sub(status, "Description", message.description)
    _sub(status, "Timestamp", message.timestamp.astimezone(VN).strftime(edxml.TIMESTAMP_FORMAT))
    _sub(header, "Signature")
    _sub(envelope, "edXMLBody")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def status_from_xml(data: bytes) -> StatusMessage:
    from defusedxml import ElementTree as SafeET

    root = SafeET.fromstring(data)
    status = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}/{_q('Status')}")
    if status is None:
        raise edxml.EdxmlError("Thông điệp trạng thái thiếu phần Status.")

    def text(path: str) -> str:
        node = status.find("/".join(_q(p) for p in path.split("/")))
        return (node.text or "").strip() if node is not None else ""

    code = text("StatusCode")
    if len(code) != 2 or not code.isdigit():
        raise edxml.EdxmlError("Mã trạng thái không hợp lệ.")
    try:
        stamp = dt.datetime.strptime(text("Timestamp"), edxml.TIMESTAMP_FORMAT).replace(tzinfo=VN)
    except ValueError as exc:
        raise edxml.EdxmlError("Thời điểm của trạng thái không đúng định dạng.") from exc
    date = text("ResponseFor/PromulgationDate")
    return StatusMessage(
        from_organ=edxml.Organ(organ_id=text("From/OrganId"), name=text("From/OrganName")),
        response_organ_id=text("ResponseFor/OrganId"),
        response_code=text("ResponseFor/Code"),
        response_date=dt.datetime.strptime(date, edxml.DATE_FORMAT).date() if date else None,
        document_id=text("ResponseFor/DocumentId"),
        code=code,
        description=text("Description"),
        timestamp=stamp,
    )


def is_status(root: Any) -> bool:
    return root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}/{_q('Status')}") is not None


# --- building from documents' rows ------------------------------------------------------------


def _attachment_contents(message: ExchangeMessage) -> dict[str, bytes]:
    from chinhquyen.documents import files

    outgoing = message.outgoing
    if message.business_type == 1 or outgoing is None or not outgoing.pdf_file:
        return {}
    content = files.read_field(outgoing.pdf_file)
    return {str(item.get("content_id", "")): content for item in message.attachments}


def document_xml(message: ExchangeMessage) -> bytes:
    """The unsigned edXML of a document message."""
    structure = edxml.message_from_exchange(message, contents=_attachment_contents(message))
    if message.business_type != 0 and message.related is not None:
        structure.document_id = message.related.document_id
    return edxml.to_xml(structure)


def status_xml(
    message: ExchangeMessage,
    *,
    code: str,
    description: str,
    at: dt.datetime,
    reporter_organ_id: str,
    reporter_name: str,
) -> bytes:
    """The unsigned status message about ``message`` (its DocumentId), from the reporter."""
    return status_to_xml(
        StatusMessage(
            from_organ=edxml.Organ(organ_id=reporter_organ_id, name=reporter_name),
            response_organ_id=message.from_organ_id,
            response_code=f"{message.code_number}/{message.code_notation}".strip("/"),
            response_date=message.promulgation_date,
            document_id=message.document_id,
            code=code,
            description=description,
            timestamp=at,
        )
    )


def organisation_key(organisation: Organisation) -> tuple[Any, str]:
    """The private key and certificate (PEM) of the organisation's signing credential."""
    from chinhquyen.signing.keys import KeyUnavailable, get_signer
    from chinhquyen.signing.services import active_credential_for_organisation

    credential = active_credential_for_organisation(organisation)
    try:
        signer = get_signer(credential)
    except KeyUnavailable as exc:
        raise DomainError(str(exc), code="key_unavailable") from exc
    key = getattr(signer, "private_key", None)
    if key is None:
        raise DomainError(
            "Chứng thư của cơ quan nằm trên thiết bị ký: chưa hỗ trợ ký thông điệp edXML.",
            code="key_unsupported",
        )
    return key, credential.certificate_pem


def signed(
    xml: bytes,
    *,
    organisation: Organisation,
    from_organ_id: str,
    to_organ_id: str,
    kind: str,
    now: dt.datetime | None = None,
) -> bytes:
    """Add the transport element (a fresh message id) and sign with the organisation's key."""
    key, certificate_pem = organisation_key(organisation)
    info = signature.TransportInfo(
        message_id=uuid.uuid4().hex,
        sent_at=(now or timezone.now()).replace(microsecond=0),
        from_organ_id=from_organ_id,
        to_organ_id=to_organ_id,
        kind=kind,
    )
    return signature.sign(
        signature.add_transport(xml, info), key=key, certificate_pem=certificate_pem
    )


def signed_document(message: ExchangeMessage, *, now: dt.datetime | None = None) -> bytes:
    """The signed edXML that is sent for ``message`` (a document of this deployment)."""
    if message.from_organisation is None:
        raise DomainError("Thông điệp không do cơ quan trong hệ thống gửi.", code="not_ours")
    from chinhquyen.documents.numbering import issuing_organisation

    return signed(
        document_xml(message),
        organisation=issuing_organisation(message.from_organisation),
        from_organ_id=message.from_organ_id,
        to_organ_id=message.to_organ_id,
        kind="document",
        now=now,
    )
