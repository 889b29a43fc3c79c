"""``manage.py load_demo``: load the demo province (idempotent; runs every demo loader)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chinhquyen.accounts.demo import load_demo
from chinhquyen.demo import DEMO_LOADERS


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu của tỉnh demo (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo accounts have a published password and fixed TOTP secrets (security finding #9).
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError(
                "Không nạp dữ liệu mẫu với cấu hình vận hành thật (production): tài khoản mẫu "
                "có mật khẩu và mã TOTP công khai."
            )
        context = load_demo(DEMO_LOADERS)
        orgs = context.get("orgs") or {}
        accounts = context.get("accounts") or {}
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu: {len(DEMO_LOADERS)} bước, {len(orgs)} cơ quan/đơn vị, "
                f"{len(accounts)} tài khoản, {len(context.get('procedures') or {})} thủ tục."
            )
        )
