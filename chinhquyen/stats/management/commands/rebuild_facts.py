"""``manage.py rebuild_facts``: recompute the daily facts from the source tables."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.stats import facts


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp theo ngày từ dữ liệu hồ sơ, văn bản."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = facts.rebuild()
        self.stdout.write(
            "Đã tính lại: " + ", ".join(f"{name}={value}" for name, value in sorted(counts.items()))
        )
