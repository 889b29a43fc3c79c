"""edXML (QCVN 102:2016): serialise an exchange message to XML and parse it back.

Shape (namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016``, prefix ``edXML``)::

    edXML
      edXML:edXMLEnvelope
        edXML:edXMLHeader
          edXML:MessageHeader     From, To*, Code, PromulgationInfo, DocumentType, Subject,
                                  Content, SignerInfo, DueDate, ToPlaces, OtherInfo,
                                  SteeringType, DocumentId
          edXML:TraceHeaderList   TraceHeader* (OrganId, Timestamp), Bussiness
          edXML:Signature         (empty: the XML signature is added by the transport)
        edXML:edXMLBody
          edXML:edXMLManifest     Reference* (ContentId, AttachmentName, ContentType, ...)
      AttachmentEncoded           Attachment* (ContentId, ..., ContentTransferEncoded: base64)

Dates are ``yyyy/MM/dd``, trace timestamps ``yyyy/MM/dd HH:mm:ss`` (local time). The element
``Bussiness`` keeps the standard's spelling. Parsing uses defusedxml (no entities, no DTDs) and
raises ``EdxmlError`` with a Vietnamese message for anything malformed. The exchange between
deployments reuses ``to_xml`` / ``from_xml``; ``message_from_exchange`` builds the structure
from an ``ExchangeMessage`` row.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET

from .models import ExchangeMessage

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("edXML", NS)
ET.register_namespace("xlink", XLINK)
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"


class EdxmlError(ValueError):
    """The data is not an edXML message this system can read."""


@dataclass
class Organ:
    organ_id: str
    name: str
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    website: str = ""


@dataclass
class Attachment:
    content_id: str
    name: str
    content_type: str
    content: bytes
    description: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Trace:
    organ_id: str
    timestamp: dt.datetime


@dataclass
class EdxmlMessage:
    from_organ: Organ
    to_organs: list[Organ]
    document_id: str
    code_number: str = ""
    code_notation: str = ""
    promulgation_place: str = ""
    promulgation_date: dt.date | None = None
    document_type: str = ""
    document_type_name: str = ""
    subject: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int = 0
    page_amount: int | None = None
    appendices: list[str] = field(default_factory=list)
    steering_type: int = 0
    business_type: int = 0
    business_reason: str = ""
    traces: list[Trace] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def _date(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _organ(parent: ET.Element, tag: str, organ: Organ) -> None:
    node = _sub(parent, tag)
    _sub(node, "OrganId", organ.organ_id)
    _sub(node, "OrganizationInCharge", organ.in_charge)
    _sub(node, "OrganName", organ.name)
    _sub(node, "OrganAdd", organ.address)
    _sub(node, "Email", organ.email)
    _sub(node, "Telephone", organ.telephone)
    _sub(node, "Website", organ.website)


def to_xml(message: EdxmlMessage) -> bytes:
    """The edXML document (UTF-8 bytes with an XML declaration)."""
    if not 0 <= message.priority <= 4:
        raise EdxmlError("Độ khẩn (Priority) phải từ 0 đến 4.")
    if message.business_type not in (0, 1, 2, 3):
        raise EdxmlError("Nghiệp vụ (BussinessDocType) phải là 0, 1, 2 hoặc 3.")
    root = ET.Element(_q("edXML"))
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    mh = _sub(header, "MessageHeader")
    _organ(mh, "From", message.from_organ)
    for organ in message.to_organs:
        _organ(mh, "To", organ)
    code = _sub(mh, "Code")
    _sub(code, "CodeNumber", message.code_number)
    _sub(code, "CodeNotation", message.code_notation)
    promulgation = _sub(mh, "PromulgationInfo")
    _sub(promulgation, "Place", message.promulgation_place)
    _sub(promulgation, "PromulgationDate", _date(message.promulgation_date))
    doc_type = _sub(mh, "DocumentType")
    _sub(doc_type, "Type", message.document_type)
    _sub(doc_type, "TypeName", message.document_type_name)
    _sub(mh, "Subject", message.subject)
    _sub(mh, "Content", message.content)
    signer = _sub(mh, "SignerInfo")
    _sub(signer, "Competence", message.signer_competence)
    _sub(signer, "Position", message.signer_position)
    _sub(signer, "FullName", message.signer_name)
    _sub(mh, "DueDate", _date(message.due_date))
    places = _sub(mh, "ToPlaces")
    for place in message.to_places:
        _sub(places, "Place", place)
    other = _sub(mh, "OtherInfo")
    _sub(other, "Priority", str(message.priority))
    _sub(other, "PageAmount", "" if message.page_amount is None else str(message.page_amount))
    appendices = _sub(other, "Appendixes")
    for appendix in message.appendices:
        _sub(appendices, "Appendix", appendix)
    _sub(mh, "SteeringType", str(message.steering_type))
    _sub(mh, "DocumentId", message.document_id)

    traces = _sub(header, "TraceHeaderList")
    for trace in message.traces:
        node = _sub(traces, "TraceHeader")
        _sub(node, "OrganId", trace.organ_id)
        _sub(node, "Timestamp", trace.timestamp.strftime(TIMESTAMP_FORMAT))
    business = _sub(traces, "Bussiness")
    _sub(business, "BussinessDocType", str(message.business_type))
    _sub(business, "BussinessDocReason", message.business_reason)
    _sub(header, "Signature")

    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for attachment in message.attachments:
        ref = _sub(manifest, "Reference")
        ref.set(f"{{{XLINK}}}href", f"cid:{attachment.content_id}")
        ref.set(f"{{{XLINK}}}type", "simple")
        _sub(ref, "ContentId", f"cid:{attachment.content_id}")
        _sub(ref, "AttachmentName", attachment.name)
        _sub(ref, "ContentType", attachment.content_type)
        _sub(ref, "Description", attachment.description)
    if message.attachments:
        encoded = _sub(root, "AttachmentEncoded")
        for attachment in message.attachments:
            node = _sub(encoded, "Attachment")
            _sub(node, "ContentType", attachment.content_type)
            _sub(node, "ContentId", attachment.content_id)
            _sub(node, "Description", attachment.description)
            _sub(node, "AttachmentName", attachment.name)
            _sub(
                node,
                "ContentTransferEncoded",
                base64.b64encode(attachment.content).decode("ascii"),
            )
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


# --- parsing ------------------------------------------------------------------------------


def _find(parent: ET.Element, path: str) -> ET.Element | None:
    return parent.find("/".join(_q(p) for p in path.split("/")))


def _text(parent: ET.Element | None, path: str) -> str:
    if parent is None:
        return ""
    node = _find(parent, path)
    return (node.text or "").strip() if node is not None else ""


def _parse_date(value: str, label: str) -> dt.date | None:
    if not value:
        return None
    for fmt in (DATE_FORMAT, "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    raise EdxmlError(f"{label} «{value}» không đúng định dạng yyyy/MM/dd.")


def _int(value: str, label: str, default: int | None = 0) -> int | None:
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise EdxmlError(f"{label} «{value}» phải là số.") from exc


def _read_organ(node: ET.Element) -> Organ:
    return Organ(
        organ_id=_text(node, "OrganId"),
        name=_text(node, "OrganName"),
        in_charge=_text(node, "OrganizationInCharge"),
        address=_text(node, "OrganAdd"),
        email=_text(node, "Email"),
        telephone=_text(node, "Telephone"),
        website=_text(node, "Website"),
    )


def from_xml(data: bytes) -> EdxmlMessage:
    """Parse an edXML document; ``EdxmlError`` when it is not one."""
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises ParseError and its own forbidden-* errors
        raise EdxmlError("Tệp không phải là thông điệp edXML hợp lệ (lỗi cú pháp XML).") from exc
    if root.tag != _q("edXML"):
        raise EdxmlError("Thiếu phần tử gốc edXML theo QCVN 102:2016.")
    header = _find(root, "edXMLEnvelope/edXMLHeader")
    mh = _find(header, "MessageHeader") if header is not None else None
    if mh is None:
        raise EdxmlError("Thông điệp thiếu MessageHeader.")
    from_node = _find(mh, "From")
    if from_node is None or not _text(from_node, "OrganId"):
        raise EdxmlError("Thông điệp thiếu mã định danh nơi gửi (From/OrganId).")
    document_id = _text(mh, "DocumentId")
    if not document_id:
        raise EdxmlError("Thông điệp thiếu mã văn bản (DocumentId).")
    traces_node = _find(header, "TraceHeaderList") if header is not None else None
    traces: list[Trace] = []
    business_type, business_reason = 0, ""
    if traces_node is not None:
        for node in traces_node.findall(_q("TraceHeader")):
            stamp = _text(node, "Timestamp")
            try:
                when = dt.datetime.strptime(stamp, TIMESTAMP_FORMAT)
            except ValueError as exc:
                raise EdxmlError(f"Thời điểm «{stamp}» không đúng định dạng.") from exc
            traces.append(Trace(organ_id=_text(node, "OrganId"), timestamp=when))
        business_type = _int(_text(traces_node, "Bussiness/BussinessDocType"), "Nghiệp vụ") or 0
        business_reason = _text(traces_node, "Bussiness/BussinessDocReason")
    if business_type not in (0, 1, 2, 3):
        raise EdxmlError("Nghiệp vụ (BussinessDocType) phải là 0, 1, 2 hoặc 3.")

    manifest: dict[str, dict[str, str]] = {}
    body_manifest = _find(root, "edXMLEnvelope/edXMLBody/edXMLManifest")
    if body_manifest is not None:
        for ref in body_manifest.findall(_q("Reference")):
            cid = _text(ref, "ContentId").removeprefix("cid:")
            manifest[cid] = {
                "name": _text(ref, "AttachmentName"),
                "content_type": _text(ref, "ContentType"),
                "description": _text(ref, "Description"),
            }
    attachments: list[Attachment] = []
    encoded = _find(root, "AttachmentEncoded")
    for node in encoded.findall(_q("Attachment")) if encoded is not None else []:
        cid = _text(node, "ContentId").removeprefix("cid:")
        if cid not in manifest:
            raise EdxmlError(f"Tệp đính kèm «{cid}» không có trong danh mục (manifest).")
        try:
            content = base64.b64decode(_text(node, "ContentTransferEncoded"), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise EdxmlError(f"Tệp đính kèm «{cid}» không đúng mã base64.") from exc
        info = manifest[cid]
        attachments.append(
            Attachment(
                content_id=cid,
                name=info["name"] or _text(node, "AttachmentName"),
                content_type=info["content_type"] or _text(node, "ContentType"),
                description=info["description"] or _text(node, "Description"),
                content=content,
            )
        )
    missing = set(manifest) - {a.content_id for a in attachments}
    if missing:
        raise EdxmlError("Thiếu nội dung tệp đính kèm: " + ", ".join(sorted(missing)) + ".")

    places_node = _find(mh, "ToPlaces")
    appendix_node = _find(mh, "OtherInfo/Appendixes")
    return EdxmlMessage(
        from_organ=_read_organ(from_node),
        to_organs=[_read_organ(n) for n in mh.findall(_q("To"))],
        document_id=document_id,
        code_number=_text(mh, "Code/CodeNumber"),
        code_notation=_text(mh, "Code/CodeNotation"),
        promulgation_place=_text(mh, "PromulgationInfo/Place"),
        promulgation_date=_parse_date(
            _text(mh, "PromulgationInfo/PromulgationDate"), "Ngày ban hành"
        ),
        document_type=_text(mh, "DocumentType/Type"),
        document_type_name=_text(mh, "DocumentType/TypeName"),
        subject=_text(mh, "Subject"),
        content=_text(mh, "Content"),
        signer_competence=_text(mh, "SignerInfo/Competence"),
        signer_position=_text(mh, "SignerInfo/Position"),
        signer_name=_text(mh, "SignerInfo/FullName"),
        due_date=_parse_date(_text(mh, "DueDate"), "Hạn trả lời"),
        to_places=[(n.text or "").strip() for n in places_node.findall(_q("Place"))]
        if places_node is not None
        else [],
        priority=_int(_text(mh, "OtherInfo/Priority"), "Độ khẩn") or 0,
        page_amount=_int(_text(mh, "OtherInfo/PageAmount"), "Số trang", None),
        appendices=[(n.text or "").strip() for n in appendix_node.findall(_q("Appendix"))]
        if appendix_node is not None
        else [],
        steering_type=_int(_text(mh, "SteeringType"), "Chỉ đạo") or 0,
        business_type=business_type,
        business_reason=business_reason,
        traces=traces,
        attachments=attachments,
    )


def message_from_exchange(
    message: ExchangeMessage, *, contents: dict[str, bytes] | None = None
) -> EdxmlMessage:
    """The edXML structure of an ``ExchangeMessage``; ``contents`` maps content ids to bytes
    (attachments without content are left out)."""
    contents = contents or {}
    organisation = message.from_organisation
    return EdxmlMessage(
        from_organ=Organ(
            organ_id=message.from_organ_id,
            name=message.from_name,
            address=organisation.address if organisation else "",
            email=organisation.email if organisation else "",
            telephone=organisation.phone if organisation else "",
        ),
        to_organs=[Organ(organ_id=message.to_organ_id, name=message.to_name)],
        document_id=message.document_id,
        code_number=message.code_number,
        code_notation=message.code_notation,
        promulgation_place=message.promulgation_place,
        promulgation_date=message.promulgation_date,
        document_type=message.document_type_code,
        document_type_name=message.document_type_name,
        subject=message.subject,
        content=message.content,
        signer_competence=message.signer_competence,
        signer_position=message.signer_position,
        signer_name=message.signer_name,
        due_date=message.due_date,
        to_places=[message.to_name],
        priority=message.priority,
        page_amount=message.page_count,
        business_type=message.business_type,
        business_reason=message.business_reason,
        traces=[
            Trace(
                organ_id=message.from_organ_id,
                timestamp=message.created_at.astimezone(dt.timezone(dt.timedelta(hours=7))).replace(
                    tzinfo=None, microsecond=0
                ),
            )
        ],
        attachments=[
            Attachment(
                content_id=str(item.get("content_id", "")),
                name=str(item.get("name", "")),
                content_type=str(item.get("content_type", "")),
                description=str(item.get("description", "")),
                content=contents[str(item.get("content_id", ""))],
            )
            for item in message.attachments
            if str(item.get("content_id", "")) in contents
        ],
    )
