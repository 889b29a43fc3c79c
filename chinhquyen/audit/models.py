"""Security events: an append-only log of sign-ins, lockouts and refused access.

Required for information systems of security level 3 (ND 85/2016, TCVN 11930:2017): every
authentication outcome and every refused request is recorded with who, from where and when.
Rows are written by :mod:`chinhquyen.audit.services` only; nothing in the application updates
or deletes them except the lockout notification (``notified_at``) and the retention job.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SecurityEventKind(models.TextChoices):
    LOGIN_SUCCEEDED = "login_succeeded", "Đăng nhập thành công"
    LOGIN_FAILED = "login_failed", "Đăng nhập thất bại"
    LOCKOUT = "lockout", "Khóa tài khoản do đăng nhập sai nhiều lần"
    LOGOUT = "logout", "Đăng xuất"
    PERMISSION_DENIED = "permission_denied", "Từ chối truy cập"
    TOKEN_REJECTED = "token_rejected", "Từ chối khóa API/phiên xác thực"
    MFA_FAILED = "mfa_failed", "Xác thực hai lớp thất bại"
    RATE_LIMITED = "rate_limited", "Vượt giới hạn số lần yêu cầu"
    MFA_CHANGED = "mfa_changed", "Thay đổi xác thực hai lớp"
    PRIVILEGE_CHANGED = "privilege_changed", "Thay đổi quyền, chức vụ"
    MASS_EXPORT = "mass_export", "Xuất dữ liệu hàng loạt"
    UNUSUAL_LOOKUP = "unusual_lookup", "Tra cứu bất thường (bị khóa)"
    SIGNATURE_FAILED = "signature_failed", "Chữ ký số trên tệp nhận về không hợp lệ"
    INTEGRITY_MISMATCH = (
        "integrity_mismatch",
        "Tệp lưu trữ bị thay đổi hoặc mất (kiểm tra toàn vẹn)",
    )


USERNAME_MAX_LENGTH = 150
USER_AGENT_MAX_LENGTH = 300
PATH_MAX_LENGTH = 500


class SecurityEvent(models.Model):
    kind = models.CharField("loại sự kiện", max_length=32, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    username = models.CharField(
        "tên đăng nhập (như đã nhập)", max_length=USERNAME_MAX_LENGTH, blank=True
    )
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=USER_AGENT_MAX_LENGTH, blank=True)
    path = models.CharField("đường dẫn", max_length=PATH_MAX_LENGTH, blank=True)
    method = models.CharField("phương thức", max_length=10, blank=True)
    detail = models.JSONField("chi tiết", default=dict, blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField("đã thông báo lúc", null=True, blank=True)

    class Meta:
        verbose_name = "sự kiện an ninh"
        verbose_name_plural = "sự kiện an ninh"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="audit_secev_kind_created"),
            models.Index(fields=["username", "created_at"], name="audit_secev_user_created"),
        ]

    def __str__(self) -> str:
        who = self.username or (str(self.user) if self.user_id else "ẩn danh")
        return f"{self.get_kind_display()} — {who}"
