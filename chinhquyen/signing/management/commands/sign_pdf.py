"""``manage.py sign_pdf IN.pdf OUT.pdf --signer <username> [--mode ...] [--reason ...]``, or
``manage.py sign_pdf IN.pdf OUT.pdf --key KEY.p12 [--passphrase-env NAME]`` with a key file and
no database (a personal signature by the key's holder)."""

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
    fill_certificate_fields,
    sign_pdf,
)


class Command(BaseCommand):
    help = "Ký số một tệp PDF bằng chứng thư đang dùng của cán bộ (hoặc của cơ quan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="Tệp PDF cần ký")
        parser.add_argument("output", help="Tệp PDF đã ký")
        parser.add_argument("--signer", default="", help="Tên đăng nhập của cán bộ ký")
        parser.add_argument(
            "--key",
            default="",
            metavar="KEY.p12",
            help="Ký bằng tệp khóa PKCS#12 (không cần cơ sở dữ liệu; chữ ký cá nhân)",
        )
        parser.add_argument(
            "--passphrase-env",
            default="CHINHQUYEN_KEY_PASSPHRASE",
            metavar="TÊN_BIẾN",
            help="Biến môi trường chứa mật khẩu của tệp khóa (mặc định CHINHQUYEN_KEY_PASSPHRASE)",
        )
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
        if options["key"]:
            self._sign_with_key_file(pdf, target, options)
            return
        if not options["signer"]:
            raise CommandError("Cần --signer <tên đăng nhập> hoặc --key <tệp khóa PKCS#12>.")
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

    def _sign_with_key_file(self, pdf: bytes, target: Path, options: dict[str, Any]) -> None:
        """A personal signature with a PKCS#12 key file: no database is read or written."""
        import os

        from chinhquyen.signing.keys import FastSimpleSigner, KeyUnavailable, signer_cache
        from chinhquyen.signing.models import CredentialKind, SigningCredential
        from chinhquyen.signing.pki import certificate_pem, name_attribute

        if options["mode"] != "personal" or options["seal"] or options["organisation"]:
            raise CommandError(
                "Với --key chỉ ký cá nhân (không dùng --mode, --seal, --organisation)."
            )
        key_path = Path(options["key"])
        try:
            data = key_path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp khóa {key_path}.") from exc
        try:
            signer = FastSimpleSigner.from_pkcs12(data, os.environ.get(options["passphrase_env"]))
        except KeyUnavailable as exc:
            raise CommandError(
                f"{exc} (mật khẩu lấy từ biến {options['passphrase_env']})."
            ) from exc
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        assert signer.signing_cert is not None  # from_pkcs12 refuses a file without one
        cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
        holder = name_attribute(cert.subject, NameOID.COMMON_NAME) or key_path.stem
        credential = SigningCredential(
            kind=CredentialKind.PKCS12, label=holder, certificate_pem=certificate_pem(cert)
        )
        fill_certificate_fields(credential)
        signer_cache.preload(credential, signer)
        try:
            signed = sign_pdf(
                pdf=pdf,
                credential=credential,
                mode="personal",
                reason=options["reason"],
                location=options["location"],
                signer_box=options["box"] or None,
            )
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from exc
        finally:
            signer_cache.invalidate(0)
        target.write_bytes(signed)
        self.stdout.write(f"Đã ký: {target} ({holder}).")
