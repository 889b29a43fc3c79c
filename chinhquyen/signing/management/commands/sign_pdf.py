"""``manage.py sign_pdf IN.pdf OUT.pdf --signer <username> [--mode ...] [--reason ...]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation
from chinhquyen.signing.services import (
    SIGN_MODES,
    active_credential_for_organisation,
    active_credential_for_user,
    sign_pdf,
)


class Command(BaseCommand):
    help = "Ký số một tệp PDF bằng chứng thư đang dùng của cán bộ (hoặc của cơ quan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="Tệp PDF cần ký")
        parser.add_argument("output", help="Tệp PDF đã ký")
        parser.add_argument("--signer", required=True, help="Tên đăng nhập của cán bộ ký")
        parser.add_argument("--mode", choices=SIGN_MODES, default="personal")
        parser.add_argument("--reason", default="", help="Lý do ký")
        parser.add_argument("--location", default="", help="Nơi ký")
        parser.add_argument(
            "--organisation",
            default="",
            help="Mã định danh của cơ quan (chế độ organisation, attachment)",
        )
        parser.add_argument("--number", default="", help="Số, ký hiệu văn bản (attachment)")
        parser.add_argument(
            "--box", default="", help="Tên ô đặt chữ ký trong mẫu (mặc định signer)"
        )
        parser.add_argument(
            "--seal",
            action="store_true",
            help="Ký cá nhân rồi đóng dấu của cơ quan (--organisation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source, target = Path(options["input"]), Path(options["output"])
        try:
            pdf = source.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {source}.") from exc
        signer = User.objects.filter(username=options["signer"], is_active=True).first()
        if signer is None:
            raise CommandError(f"Không có cán bộ «{options['signer']}».")
        mode = options["mode"]
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(agency_code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"Không có cơ quan mã «{options['organisation']}».")
        try:
            if mode == "personal":
                credential = active_credential_for_user(signer)
                seal = (
                    active_credential_for_organisation(organisation)
                    if options["seal"] and organisation is not None
                    else None
                )
            else:
                if organisation is None:
                    raise CommandError("Chế độ này cần --organisation <mã định danh cơ quan>.")
                credential = active_credential_for_organisation(organisation)
                seal = None
            signed = sign_pdf(
                pdf=pdf,
                credential=credential,
                mode=mode,
                reason=options["reason"],
                location=options["location"],
                signer_box=options["box"] or None,
                seal_credential=seal,
                number_notation=options["number"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from exc
        target.write_bytes(signed)
        self.stdout.write(f"Đã ký: {target} ({credential.label}).")
