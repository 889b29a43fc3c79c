"""Builders for documents in a given state (through the services, never by hand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from chinhquyen.core.pdf import document_header, render_pdf
from chinhquyen.documents import services
from chinhquyen.documents.models import (
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    Secrecy,
)
from chinhquyen.signing.pki import demo_passphrase

from .conftest import World

_PDF_CACHE: dict[str, bytes] = {}

#: The test credentials' key files are protected by the demo passphrase (signing tests).
PIN = demo_passphrase()


def sample_pdf(text: str = "Về việc tổ chức tập huấn nghiệp vụ hộ tịch") -> bytes:
    """A one-page PDF with a text layer (WeasyPrint), cached per text."""
    if text not in _PDF_CACHE:
        _PDF_CACHE[text] = render_pdf(
            "pdf/sample_document.html",
            {
                "header": document_header(
                    issuer="Sở Xây dựng",
                    issuer_parent="UBND tỉnh Thử Nghiệm",
                    number_notation="07/SXD-QLXD",
                    place="Thử Nghiệm",
                    issued_on=dt.date(2026, 3, 2),
                ),
                "summary": text,
                "paragraphs": [text, "Đề nghị các đơn vị cử cán bộ tham dự đầy đủ."],
                "recipients": ["Như trên", "Lưu: VT"],
                "signer_title": "GIÁM ĐỐC",
                "signer_name": "Trần Văn Bình",
            },
        )
    return _PDF_CACHE[text]


def seed_document_types() -> None:
    """The document types the data migration seeds, again: a transactional test starts after
    another one's flush, which removed them (idempotent)."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("chinhquyen.documents.migrations.0002_seed_document_types")
    seed.seed(apps, None)


def doc_type(name: str = "Công văn") -> DocumentType:
    return DocumentType.objects.get(name=name)


def register(world: World, **kwargs: Any) -> IncomingDocument:
    values: dict[str, Any] = {
        "actor": world.clerk,
        "organisation": world.justice,
        "summary": "Về việc tổ chức tập huấn nghiệp vụ hộ tịch năm 2026",
        "sender_name": "Sở Xây dựng",
        "number_notation": "07/SXD-QLXD",
        "document_type": doc_type(),
    }
    values.update(kwargs)
    return services.incoming_register(**values)


def assigned(world: World, **kwargs: Any) -> IncomingDocument:
    """Registered and assigned (a secret one is first submitted to the leader: nobody else
    knows about it)."""
    document = register(world, **kwargs)
    if document.is_secret:
        document = services.incoming_submit(
            actor=world.clerk, document=document, leader=world.leader
        )
    return services.incoming_assign(
        actor=world.leader,
        document=document,
        lead_unit=world.admin_unit,
        coordinate_units=[world.support_unit],
        deadline=timezone.localdate() + dt.timedelta(days=5),
        instructions="Phòng HCTP chủ trì tham mưu trả lời.",
    )


def draft(world: World, **kwargs: Any) -> OutgoingDocument:
    values: dict[str, Any] = {
        "actor": world.specialist,
        "drafting_unit": world.admin_unit,
        "document_type": doc_type("Quyết định"),
        "summary": "Về việc cử cán bộ tham dự tập huấn",
        "body": "Cử ông Vũ Đức Minh tham dự tập huấn.\nThời gian: 03 ngày.",
        "signer_authority": "KT. GIÁM ĐỐC",
        "signer_title": "Phó Giám đốc",
        "secrecy": Secrecy.NORMAL,
    }
    values.update(kwargs)
    return services.outgoing_create(**values)


def approved(world: World, **kwargs: Any) -> OutgoingDocument:
    document = draft(world, **kwargs)
    services.outgoing_submit(
        actor=world.specialist, document=document, reviewers=[world.head, world.leader]
    )
    services.outgoing_review(actor=world.head, document=document, approve=True)
    return services.outgoing_review(actor=world.leader, document=document, approve=True)


def issued(world: World, **kwargs: Any) -> OutgoingDocument:
    return services.outgoing_issue(actor=world.clerk, document=approved(world, **kwargs))
