"""``manage.py demo_totp <username>``: the current TOTP code of a demo official (demo only)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.accounts.demo import (
    DEMO_OFFICIAL_USERNAMES,
    demo_totp_code,
    demo_totp_secret,
    stored_totp_secret,
)
from chinhquyen.accounts.models import User
from chinhquyen.core.cli import SETUP_STEP, database_ready


class Command(BaseCommand):
    help = "In mã TOTP hiện tại của một cán bộ dùng thử (chỉ dành cho tài khoản demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="tên đăng nhập của cán bộ dùng thử, ví dụ quantri")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        if username not in DEMO_OFFICIAL_USERNAMES:
            raise CommandError(
                f"«{username}» không phải tài khoản cán bộ dùng thử. Lệnh này chỉ dùng cho: "
                + ", ".join(sorted(DEMO_OFFICIAL_USERNAMES))
                + "."
            )
        if not database_ready(User._meta.db_table, Authenticator._meta.db_table):
            # Straight after install: the demo accounts will get the fixed demo secret, so its
            # code is already known; nothing is read or written.
            self._print(username)
            self.stderr.write(
                f"Chưa có cơ sở dữ liệu: mã tính từ khóa TOTP dùng thử cố định ({SETUP_STEP}"
                " rồi «make demo» để tạo tài khoản)."
            )
            return
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("Chưa có tài khoản này: hãy chạy «python manage.py load_demo».")
        secret = stored_totp_secret(user)
        if secret != demo_totp_secret(username):
            raise CommandError(
                "Tài khoản này không còn dùng khóa TOTP dùng thử (đã kích hoạt lại bằng thiết bị "
                "khác hoặc chưa kích hoạt): lệnh không in mã."
            )
        self._print(username)

    def _print(self, username: str) -> None:
        now = time.time()
        period = mfa_settings.TOTP_PERIOD
        remaining = period - int(now) % period
        self.stdout.write(demo_totp_code(username, at=now))
        self.stderr.write(f"Mã của {username}, còn hiệu lực khoảng {remaining} giây.")
