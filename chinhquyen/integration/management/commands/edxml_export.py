"""``manage.py edxml_export <document id> OUT.xml``: the signed edXML message that is (or
would be) sent for an issued outgoing document, signed with its organisation's certificate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Xuất thông điệp edXML đã ký số của một văn bản đi đã cấp số."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("document_id", type=int, help="Mã (id) của văn bản đi")
        parser.add_argument("output", help="Tệp XML ghi ra")
        parser.add_argument(
            "--to", default="", help="Mã định danh nơi nhận (mặc định: nơi nhận đầu tiên)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from chinhquyen.core.api import DomainError
        from chinhquyen.documents import exchange
        from chinhquyen.documents.models import (
            BusinessType,
            ExchangeMessage,
            OutgoingDocument,
            OutgoingStatus,
        )
        from chinhquyen.integration import messages

        outgoing = OutgoingDocument.objects.filter(pk=options["document_id"]).first()
        if outgoing is None:
            raise CommandError("Không tìm thấy văn bản đi.")
        if outgoing.status not in (
            OutgoingStatus.ISSUED,
            OutgoingStatus.SIGNED,
            OutgoingStatus.SENT,
            OutgoingStatus.REVOKED,
        ):
            raise CommandError("Văn bản chưa được cấp số, ban hành.")
        wanted = str(options["to"]).strip()
        sent = ExchangeMessage.objects.filter(outgoing=outgoing, business_type=BusinessType.NEW)
        if wanted:
            sent = sent.filter(to_organ_id=wanted)
        message = sent.order_by("pk").first()
        if message is None:
            recipients = outgoing.recipients.order_by("pk")
            recipient = (
                recipients.filter(agency_code=wanted).first() if wanted else recipients.first()
            )
            message = ExchangeMessage(
                **exchange.message_header(outgoing),
                to_organ_id=wanted or (recipient.agency_code if recipient else ""),
                to_name=recipient.name if recipient else "",
                attachments=[
                    {
                        "content_id": "van-ban-1",
                        "name": f"{outgoing.number_notation.replace('/', '-')}.pdf",
                        "content_type": "application/pdf",
                        "description": "Văn bản",
                    }
                ]
                if outgoing.pdf_file
                else [],
                business_type=BusinessType.NEW,
            )
        try:
            data = messages.signed_document(message)
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from exc
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"Đã ghi {len(data)} byte: {message.document_id}")
