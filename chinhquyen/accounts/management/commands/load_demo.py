"""``manage.py load_demo``: load the demo province (idempotent; runs every demo loader)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.accounts.demo import load_demo
from chinhquyen.demo import DEMO_LOADERS

#: Loaders of the demo's month of activity (dossiers, documents, tasks).
ACTIVITY = {"load_dossiers", "load_documents", "load_tasks", "load_feedback", "load_floor"}


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu của tỉnh demo (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--without-activity",
            action="store_true",
            help="Không nạp hồ sơ, văn bản, nhiệm vụ mẫu (dùng cho đo hiệu năng).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo accounts have a published password and fixed TOTP secrets (security finding #9).
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError(
                "Không nạp dữ liệu mẫu với cấu hình vận hành thật (production): tài khoản mẫu "
                "có mật khẩu và mã TOTP công khai."
            )
        loaders = DEMO_LOADERS
        if options.get("without_activity"):  # the benchmarks generate their own activity
            loaders = [loader for loader in DEMO_LOADERS if loader.__name__ not in ACTIVITY]
        context = load_demo(loaders)
        orgs = context.get("orgs") or {}
        accounts = context.get("accounts") or {}
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu: {len(loaders)} bước, {len(orgs)} cơ quan/đơn vị, "
                f"{len(accounts)} tài khoản, {len(context.get('procedures') or {})} thủ tục."
            )
        )
