"""``manage.py import_organisations FILE``: upsert the organisation tree from CSV/.xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.orgs.services import organisations_import


class Command(BaseCommand):
    help = (
        "Nhập (thêm hoặc cập nhật theo mã định danh) cơ quan, đơn vị từ tệp CSV hoặc Excel "
        ".xlsx. Tất cả hoặc không gì cả."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Đường dẫn tệp .csv hoặc .xlsx")
        parser.add_argument(
            "--actor",
            default="",
            help="Tên đăng nhập ghi vào nhật ký là người thực hiện (mặc định: hệ thống).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản “{options['actor']}”.")
        with path.open("rb") as handle:
            result = organisations_import(actor=actor, file=handle)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError("Tệp có lỗi, chưa có dữ liệu nào được lưu.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập {result.total_rows} dòng: thêm {result.created}, cập nhật "
                f"{result.updated}, không đổi {result.unchanged}."
            )
        )
