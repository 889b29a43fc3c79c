"""Import the procedure catalogue from an Excel workbook (sheets ThuTuc, PhiLePhi,
ThanhPhanHoSo, QuyTrinh — the format written by the export).

    manage.py import_procedures catalogue.xlsx              # create/update drafts
    manage.py import_procedures catalogue.xlsx --publish    # ... and publish them today
    manage.py import_procedures catalogue.xlsx --publish --valid-from 2026-01-01

All or nothing: on any error nothing is written and every error is printed with its sheet
and row. Exit status 1 on failure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.catalog.excel import ImportFailed, import_catalog


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value} (định dạng YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính từ tệp Excel (.xlsx); tạo/cập nhật bản nháp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .xlsx")
        parser.add_argument(
            "--publish", action="store_true", help="Công bố các phiên bản sau khi nhập."
        )
        parser.add_argument(
            "--valid-from",
            type=_date,
            default=None,
            help="Ngày bắt đầu hiệu lực khi công bố (YYYY-MM-DD; mặc định hôm nay).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                result = import_catalog(
                    upload,
                    actor=None,
                    publish=options["publish"],
                    valid_from=options["valid_from"],
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            except ImportFailed as exc:
                for line in exc.errors:
                    self.stderr.write(line)
                raise CommandError(
                    f"Nhập không thành công: {len(exc.errors)} lỗi; không có dữ liệu nào được ghi."
                ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {len(result.created)} thủ tục mới, {len(result.updated)} cập nhật, "
                f"{len(result.unchanged)} không đổi; công bố {len(result.published)}."
            )
        )
