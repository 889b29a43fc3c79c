"""``manage.py load_demo``: load the demo province (idempotent; runs every demo loader)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.accounts.demo import load_demo
from chinhquyen.demo import DEMO_LOADERS


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu của tỉnh demo (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args: Any, **options: Any) -> None:
        context = load_demo(DEMO_LOADERS)
        orgs = context.get("orgs") or {}
        accounts = context.get("accounts") or {}
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu: {len(DEMO_LOADERS)} bước, {len(orgs)} cơ quan/đơn vị, "
                f"{len(accounts)} tài khoản, {len(context.get('procedures') or {})} thủ tục."
            )
        )
