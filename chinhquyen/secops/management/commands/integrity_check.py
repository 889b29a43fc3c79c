"""``manage.py integrity_check``: read stored files back now (what the hourly job does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chinhquyen.secops import integrity


class Command(BaseCommand):
    help = (
        "Kiểm tra toàn vẹn tệp lưu trữ (mã băm SHA-256, chữ ký số của văn bản đã ký), tiếp tục "
        "từ lần kiểm tra trước; --het để kiểm tra đến hết một lượt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--het", action="store_true", help="Kiểm tra đến hết một lượt.")
        parser.add_argument("--so-tep", type=int, default=None, help="Số tệp tối đa lần này.")

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = 10**9 if options["het"] else None
        max_files = 10**12 if options["het"] else options["so_tep"]
        run = integrity.run_check(max_files=max_files, seconds=seconds)
        self.stdout.write(
            f"Đã kiểm tra {run.files_checked} tệp, {run.failures} tệp sai lệch"
            + (" — hoàn thành một lượt." if run.pass_completed else ".")
        )
        for finding in run.findings:
            self.stdout.write(
                f"  {integrity.source_label(finding['source'])} #{finding['id']} "
                f"({finding['name']}): {finding['problem']}"
            )
        if run.failures:
            raise SystemExit(1)
