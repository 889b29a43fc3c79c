"""``manage.py signing_setup_demo``: the demo CA, TSA certificate and signing credentials
(idempotent; ``make run`` runs it after ``load_demo``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.signing.demo import setup_demo_pki
from chinhquyen.signing.pki import pki_dir


class Command(BaseCommand):
    help = "Tạo hạ tầng ký số thử nghiệm: CA, dấu thời gian, chứng thư cho cán bộ và cơ quan."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = setup_demo_pki()
        self.stdout.write(
            f"Thư mục khóa: {pki_dir()}\n"
            f"CA thử nghiệm: {'mới tạo' if summary.ca_created else 'đã có'}; "
            f"chứng thư dấu thời gian: {'mới tạo' if summary.tsa_created else 'đã có'}.\n"
            f"Chứng thư cá nhân: {summary.personal_total} cán bộ "
            f"({len(summary.personal_created)} mới); "
            f"chứng thư cơ quan (con dấu): {summary.organisation_total} cơ quan "
            f"({len(summary.organisation_created)} mới)."
        )
