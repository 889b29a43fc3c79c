"""``manage.py demo_accounts``: print the demo accounts and how to get a two-factor code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chinhquyen.accounts.demo import demo_rows


class Command(BaseCommand):
    help = "In danh sách tài khoản dùng thử (tên đăng nhập, vai trò, đơn vị, mật khẩu, khóa TOTP)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_rows()
        headers = {
            "username": "Tên đăng nhập",
            "role": "Vai trò — đơn vị",
            "password": "Mật khẩu",
            "totp": "Khóa TOTP (nhập vào ứng dụng xác thực)",
        }
        widths = {
            key: max(len(title), *(len(row[key]) for row in rows)) for key, title in headers.items()
        }

        def line(values: dict[str, str]) -> str:
            return "  ".join(values[key].ljust(widths[key]) for key in headers)

        self.stdout.write("")
        self.stdout.write("TÀI KHOẢN DÙNG THỬ")
        self.stdout.write(line(headers))
        self.stdout.write("  ".join("-" * widths[key] for key in headers))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(
            "Cán bộ phải nhập mã xác thực hai lớp (TOTP, 6 chữ số) sau mật khẩu. Lấy mã bằng một "
            "trong hai cách:"
        )
        self.stdout.write(
            "  1. Thêm «Khóa TOTP» ở bảng trên vào ứng dụng xác thực (Google Authenticator, "
            "Microsoft Authenticator, FreeOTP...), loại «theo thời gian»."
        )
        self.stdout.write("  2. Chạy: python manage.py demo_totp <tên đăng nhập>")
        self.stdout.write(
            "Mã khôi phục dự phòng: sau khi đăng nhập, xem tại «Bảo mật hai lớp» → «Mã khôi phục»."
        )
