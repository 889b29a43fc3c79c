"""``manage.py verify_pdf FILE.pdf [--trust CERT.pem ...] [--json]`` — exit code 0 when valid."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core.cli import SETUP_STEP, database_ready
from chinhquyen.signing.verification import VerificationResult, verify_pdf


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của một tệp PDF (mã thoát 0 khi hợp lệ, 1 khi không)."
    requires_system_checks: list[str] = []  # reads a file: works before any set-up

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp PDF cần kiểm tra")
        parser.add_argument(
            "--trust",
            action="append",
            default=[],
            metavar="CERT.pem",
            help="Chứng thư gốc tin cậy thêm (PEM hoặc DER), có thể lặp lại",
        )
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            pdf = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}.") from exc
        roots: list[bytes] = []
        for cert in options["trust"]:
            try:
                roots.append(Path(cert).read_bytes())
            except OSError as exc:
                raise CommandError(f"Không đọc được chứng thư {cert}.") from exc
        from chinhquyen.signing.models import TrustRoot

        database = database_ready(TrustRoot._meta.db_table)
        if not database:
            self.stderr.write(
                "Chưa có cơ sở dữ liệu: chỉ tin chứng thư gốc thử nghiệm và chứng thư --trust "
                f"(để dùng danh sách chứng thư gốc của hệ thống, {SETUP_STEP})."
            )
        try:
            result = verify_pdf(pdf, trust_roots=roots, database=database)
        except ValueError as exc:
            raise CommandError("Chứng thư tin cậy không đúng định dạng.") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._print(result)
        self.stdout.flush()
        sys.exit(0 if result.valid else 1)

    def _print(self, result: VerificationResult) -> None:
        self.stdout.write(("HỢP LỆ: " if result.valid else "KHÔNG HỢP LỆ: ") + result.reason)
        for sig in result.signatures:
            verdict = "hợp lệ" if sig.valid else f"không hợp lệ — {sig.problem}"
            self.stdout.write(
                f"- {sig.field}: {sig.signer} (cấp bởi {sig.issuer}), ký lúc "
                f"{sig.signing_time or '—'}"
                + (f", dấu thời gian {sig.timestamp}" if sig.timestamp else "")
                + f": {verdict}"
            )
