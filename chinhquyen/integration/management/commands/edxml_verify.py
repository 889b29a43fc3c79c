"""``manage.py edxml_verify FILE [--trust CERT.pem] [--json]``: check a message as the receiving
side does (structure, signature-wrapping, the sender's certificate against the peer registry —
or against ``--trust`` — its validity, the signature, the content). The last line printed is
``{"valid": true|false, "reason": "..."}``; the exit status is 0 when valid, 1 otherwise.

The replay defence (message ids already seen, the time window) belongs to the exchange
endpoint, not to this check of a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số và nội dung của một thông điệp edXML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp thông điệp edXML")
        parser.add_argument(
            "--trust", default="", help="Chứng thư (PEM) tin cậy thay cho danh bạ liên thông"
        )
        parser.add_argument("--json", action="store_true", help="Chỉ in kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = self.verify_file(options["file"], options["trust"])
        if not options["json"]:
            self.stdout.write(
                ("Hợp lệ: " if result["valid"] else "Không hợp lệ: ") + str(result["reason"])
            )
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not result["valid"]:
            raise SystemExit(1)

    def verify_file(self, file: str, trust: str) -> dict[str, Any]:
        from django.utils import timezone

        from chinhquyen.documents import edxml
        from chinhquyen.integration import messages, services, signature

        try:
            data = Path(file).read_bytes()
        except OSError:
            return {"valid": False, "code": "io_error", "reason": "Không đọc được tệp."}
        trust_for: Any = services.trust_from_registry
        if trust:
            try:
                pem = Path(trust).read_text(encoding="ascii")
                signature.fingerprint_pem(pem)
            except (OSError, ValueError, UnicodeDecodeError):
                return {
                    "valid": False,
                    "code": "io_error",
                    "reason": "Không đọc được chứng thư tin cậy (PEM).",
                }

            def trust_for(agency_code: str) -> signature.Trusted:
                return signature.Trusted(certificate_pem=pem, agency_code=agency_code)

        try:
            verified = signature.verify(data, trust_for=trust_for, now=timezone.now())
            root = signature.parse(verified.signed_xml)
            if messages.is_status(root):
                status = messages.status_from_xml(verified.signed_xml)
                document_id, kind = status.document_id, f"status {status.code}"
            else:
                parsed = edxml.from_xml(verified.signed_xml)
                if parsed.from_organ.organ_id != verified.transport.from_organ_id:
                    raise signature.Rejected("wrapped", "Nơi gửi trong thông điệp khác nơi đã ký.")
                document_id, kind = parsed.document_id, f"document {parsed.business_type}"
        except signature.Rejected as exc:
            return {"valid": False, "code": exc.code, "reason": exc.reason}
        except edxml.EdxmlError as exc:
            return {"valid": False, "code": "malformed", "reason": str(exc)}
        return {
            "valid": True,
            "code": "valid",
            "reason": f"Chữ ký hợp lệ của {verified.transport.from_organ_id}.",
            "sender": verified.transport.from_organ_id,
            "document_id": document_id,
            "kind": kind,
            "message_id": verified.transport.message_id,
        }
