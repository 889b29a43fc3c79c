"""Create the province's main portal and a component portal for every active department and
commune from the organisation tree (idempotent: only what is missing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.portals import sites


class Command(BaseCommand):
    help = "Tạo cổng thông tin chính và cổng thành phần từ cây cơ quan, đơn vị"

    def handle(self, *args: Any, **options: Any) -> None:
        homes = sites.setup_all()
        for home in homes:
            self.stdout.write(f"{home.title}: {home.url}")
        self.stdout.write(self.style.SUCCESS(f"Đã có {len(homes)} cổng thông tin."))
