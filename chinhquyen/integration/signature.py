"""XML-DSig of edXML messages (signxml) and the checks of the receiving side.

A message is signed whole: one enveloped signature, one ``Reference URI=""`` (SHA-256,
exclusive canonicalisation, RSA-SHA256), placed in ``edXMLHeader/Signature`` as QCVN 102 has
it, with the signing certificate in ``KeyInfo/X509Data``. A transport element of our own
namespace (``cq:Transport``: message id, sending time, from, to, kind) sits in the header,
inside the signed content, and carries what the replay defence needs.

``verify`` accepts a message only when its structure is exactly that (one signature, at its
place, over the whole document — anything else is treated as a signature-wrapping attempt),
the certificate in it is the one registered for the sender and is valid now, and the
signature checks; what it returns is the content signxml verified (``signed_xml``), never the
received tree, so nothing outside the signature can be smuggled in.

lxml and signxml are imported inside functions: management commands and start-up must not
pay for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS = "http://www.w3.org/2000/09/xmldsig#"
CQ = "urn:chinhquyen:integration:1"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


class Rejected(Exception):
    """The message is refused; ``code`` is stable, ``reason`` Vietnamese for people."""

    def __init__(self, code: str, reason: str, http_status: int = 403) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.http_status = http_status


@dataclass(frozen=True)
class TransportInfo:
    message_id: str
    sent_at: dt.datetime
    from_organ_id: str
    to_organ_id: str
    kind: str


@dataclass(frozen=True)
class Trusted:
    """A certificate the receiver trusts for one sender (from the peer registry or --trust)."""

    certificate_pem: str
    agency_code: str = ""


@dataclass
class Verified:
    signed_xml: bytes
    transport: TransportInfo
    certificate_fingerprint: str


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=False
    )


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def fingerprint_pem(pem: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def certificate_not_after(pem: str) -> dt.datetime:
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.encode("ascii")).not_valid_after_utc


def add_transport(xml: bytes, info: TransportInfo) -> bytes:
    """Put the transport element and the signature placeholder into an unsigned message."""
    from lxml import etree

    root = etree.fromstring(xml, parser=_parser())
    header = root.find(f"{_q(NS, 'edXMLEnvelope')}/{_q(NS, 'edXMLHeader')}")
    if header is None:
        raise ValueError("not an edXML message")
    slot = header.find(_q(NS, "Signature"))
    if slot is None:
        slot = etree.SubElement(header, _q(NS, "Signature"))
    transport = etree.Element(_q(CQ, "Transport"), nsmap={"cq": CQ})
    transport.set("MessageId", info.message_id)
    transport.set("SentAt", info.sent_at.astimezone(dt.UTC).isoformat(timespec="seconds"))
    transport.set("From", info.from_organ_id)
    transport.set("To", info.to_organ_id)
    transport.set("Kind", info.kind)
    slot.addprevious(transport)
    for child in list(slot):
        slot.remove(child)
    placeholder = etree.SubElement(slot, _q(DS, "Signature"), nsmap={"ds": DS})
    placeholder.set("Id", "placeholder")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def sign(xml: bytes, *, key: Any, certificate_pem: str) -> bytes:
    """Sign an edXML message (with its placeholder) with ``key``; the certificate goes into
    KeyInfo."""
    from lxml import etree
    from signxml import XMLSigner, methods

    root = etree.fromstring(xml, parser=_parser())
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm=EXC_C14N,
    )
    signer.namespaces = {"ds": DS}
    signed = signer.sign(root, key=key, cert=certificate_pem)
    signature = signed.find(f".//{_q(DS, 'Signature')}")
    if signature is not None and signature.get("Id") == "placeholder":
        del signature.attrib["Id"]
    data: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return data


def read_transport(root: Any) -> TransportInfo:
    header = root.find(f"{_q(NS, 'edXMLEnvelope')}/{_q(NS, 'edXMLHeader')}")
    nodes = header.findall(_q(CQ, "Transport")) if header is not None else []
    if len(nodes) != 1 or len(root.findall(f".//{_q(CQ, 'Transport')}")) != 1:
        raise Rejected("malformed", "Thông điệp thiếu thông tin vận chuyển (Transport).", 400)
    node = nodes[0]
    try:
        sent_at = dt.datetime.fromisoformat(node.get("SentAt", ""))
    except ValueError as exc:
        raise Rejected("malformed", "Thời điểm gửi của thông điệp không hợp lệ.", 400) from exc
    if sent_at.tzinfo is None:
        raise Rejected("malformed", "Thời điểm gửi phải ghi rõ múi giờ.", 400)
    info = TransportInfo(
        message_id=node.get("MessageId", "").strip(),
        sent_at=sent_at,
        from_organ_id=node.get("From", "").strip(),
        to_organ_id=node.get("To", "").strip(),
        kind=node.get("Kind", "").strip(),
    )
    if not info.message_id or len(info.message_id) > 64 or not info.from_organ_id:
        raise Rejected("malformed", "Thông điệp thiếu mã thông điệp hoặc nơi gửi.", 400)
    if info.kind not in ("document", "status"):
        raise Rejected("malformed", "Loại thông điệp không hợp lệ.", 400)
    return info


def parse(data: bytes) -> Any:
    """The lxml tree of a received message; ``Rejected`` for anything that is not one."""
    from lxml import etree

    if len(data) > MAX_MESSAGE_BYTES:
        raise Rejected("malformed", "Thông điệp quá lớn.", 413)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise Rejected("malformed", "Thông điệp edXML không được chứa khai báo DOCTYPE.", 400)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise Rejected(
            "malformed", "Tệp không phải là thông điệp edXML hợp lệ (lỗi cú pháp XML).", 400
        ) from exc
    if root.tag != _q(NS, "edXML"):
        raise Rejected("malformed", "Thiếu phần tử gốc edXML theo QCVN 102:2016.", 400)
    return root


def _check_structure(root: Any) -> Any:
    """The one signature, at its place, over the whole document; else a wrapping attempt."""
    signatures = root.findall(f".//{_q(DS, 'Signature')}")
    if not signatures:
        raise Rejected("unsigned", "Thông điệp không có chữ ký số XML (XML-DSig).")
    wrapped = Rejected(
        "wrapped",
        "Cấu trúc chữ ký không hợp lệ (thừa chữ ký, chữ ký sai vị trí hoặc không ký toàn bộ "
        "thông điệp): nghi tấn công bọc chữ ký, thông điệp bị từ chối.",
    )
    if len(signatures) != 1:
        raise wrapped
    signature = signatures[0]
    slot = signature.getparent()
    header = slot.getparent() if slot is not None else None
    envelope = header.getparent() if header is not None else None
    if (
        slot is None
        or slot.tag != _q(NS, "Signature")
        or header is None
        or header.tag != _q(NS, "edXMLHeader")
        or envelope is None
        or envelope.tag != _q(NS, "edXMLEnvelope")
        or envelope.getparent() is not root
    ):
        raise wrapped
    references = signature.findall(f"{_q(DS, 'SignedInfo')}/{_q(DS, 'Reference')}")
    if len(references) != 1 or references[0].get("URI") != "":
        raise wrapped
    if signature.findall(f".//{_q(DS, 'Object')}"):
        raise wrapped
    certs = signature.findall(
        f"{_q(DS, 'KeyInfo')}/{_q(DS, 'X509Data')}/{_q(DS, 'X509Certificate')}"
    )
    if len(certs) != 1:
        raise Rejected("unknown_certificate", "Chữ ký không kèm đúng một chứng thư số của nơi gửi.")
    return certs[0]


def _pem_from_b64(text: str) -> str:
    body = "".join((text or "").split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def verify(
    data: bytes,
    *,
    trust_for: Any,
    now: dt.datetime,
) -> Verified:
    """Check ``data`` as the receiving side does; ``trust_for(agency_code)`` returns the
    ``Trusted`` certificate of that sender (or raises ``Rejected``)."""
    from cryptography import x509
    from signxml import (
        InvalidCertificate,
        InvalidDigest,
        InvalidInput,
        InvalidSignature,
        XMLVerifier,
    )
    from signxml.verifier import SignatureConfiguration

    root = parse(data)
    cert_node = _check_structure(root)
    info = read_transport(root)
    trusted: Trusted = trust_for(info.from_organ_id)
    try:
        embedded = x509.load_pem_x509_certificate(_pem_from_b64(cert_node.text).encode("ascii"))
    except ValueError as exc:
        raise Rejected("unknown_certificate", "Chứng thư số kèm chữ ký không đọc được.") from exc
    from cryptography.hazmat.primitives import serialization

    embedded_fp = hashlib.sha256(embedded.public_bytes(serialization.Encoding.DER)).hexdigest()
    if embedded_fp != fingerprint_pem(trusted.certificate_pem):
        raise Rejected(
            "unknown_certificate",
            f"Chứng thư ký thông điệp không phải chứng thư đã đăng ký của nơi gửi "
            f"«{info.from_organ_id}» trong danh bạ liên thông.",
        )
    if not (embedded.not_valid_before_utc <= now <= embedded.not_valid_after_utc):
        raise Rejected(
            "expired_certificate",
            "Chứng thư số của nơi gửi đã hết hạn hoặc chưa có hiệu lực: thông điệp bị từ chối.",
        )
    try:
        result = XMLVerifier().verify(
            data,
            x509_cert=trusted.certificate_pem,
            expect_config=SignatureConfiguration(expect_references=1),
        )
    except InvalidCertificate as exc:
        raise Rejected(
            "expired_certificate", "Chứng thư số của nơi gửi không hợp lệ tại thời điểm kiểm tra."
        ) from exc
    except InvalidDigest as exc:
        raise Rejected(
            "tampered", "Nội dung thông điệp đã bị sửa đổi sau khi ký (sai giá trị băm)."
        ) from exc
    except (InvalidSignature, InvalidInput) as exc:
        raise Rejected(
            "tampered", "Chữ ký số không khớp nội dung: thông điệp đã bị sửa đổi."
        ) from exc
    from lxml import etree

    if isinstance(result, list):  # expect_references=1 gives one result
        raise Rejected("wrapped", "Chữ ký phải có đúng một tham chiếu.")
    signed_root = result.signed_xml
    if signed_root is None or signed_root.tag != _q(NS, "edXML"):
        raise Rejected("wrapped", "Phần được ký không phải là toàn bộ thông điệp edXML.")
    signed_bytes: bytes = etree.tostring(signed_root, xml_declaration=True, encoding="UTF-8")
    # the transport data must come from the signed content
    info = read_transport(signed_root)
    return Verified(signed_xml=signed_bytes, transport=info, certificate_fingerprint=embedded_fp)
