"""``manage.py demo_totp <username>``: the current TOTP code of a demo official (demo only)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.accounts.demo import (
    DEMO_OFFICIAL_USERNAMES,
    demo_totp_code,
    demo_totp_secret,
    stored_totp_secret,
)
from chinhquyen.accounts.models import User


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
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("Chưa có tài khoản này: hãy chạy «python manage.py load_demo».")
        secret = stored_totp_secret(user)
        if secret != demo_totp_secret(username):
            raise CommandError(
                "Tài khoản này không còn dùng khóa TOTP dùng thử (đã kích hoạt lại bằng thiết bị "
                "khác hoặc chưa kích hoạt): lệnh không in mã."
            )
        now = time.time()
        period = mfa_settings.TOTP_PERIOD
        remaining = period - int(now) % period
        self.stdout.write(demo_totp_code(username, at=now))
        self.stderr.write(f"Mã của {username}, còn hiệu lực khoảng {remaining} giây.")
