"""django-allauth adapters: local sign-up of citizens and businesses, two-factor authentication
for officials, and citizen sign-in through an OpenID Connect identity provider (VNeID).

Accounts are always created through ``services.py``: the adapters only translate allauth's
forms and social logins into service calls. Officials never sign up (IT administrators create
them) and never sign in through the identity provider.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q
from django.forms import BaseForm
from django.http import HttpRequest
from django.shortcuts import render

from chinhquyen.core.text import normalize_search

from . import services
from .models import User, UserKind
from .oidc import ClaimsError, map_claims, merged_claims

logger = logging.getLogger(__name__)

# The same message whether the account does not exist or the password is wrong (no
# enumeration of accounts through the login form).
LOGIN_MISMATCH = "Tên đăng nhập/địa chỉ thư điện tử hoặc mật khẩu không đúng."

APPLICANT_KINDS = (UserKind.CITIZEN, UserKind.BUSINESS)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "Tài khoản này đang bị khóa.",
        "cannot_remove_primary_email": "Không thể xóa địa chỉ thư điện tử chính.",
        "duplicate_email": "Địa chỉ thư điện tử này đã gắn với tài khoản của bạn.",
        "email_password_mismatch": LOGIN_MISMATCH,
        "phone_password_mismatch": LOGIN_MISMATCH,
        "username_password_mismatch": LOGIN_MISMATCH,
        "email_taken": "Đã có tài khoản đăng ký với địa chỉ thư điện tử này.",
        "enter_current_password": "Vui lòng nhập mật khẩu hiện tại.",
        "incorrect_code": "Mã không đúng.",
        "incorrect_password": "Mật khẩu không đúng.",
        "invalid_or_expired_key": "Liên kết không hợp lệ hoặc đã hết hạn.",
        "invalid_login": "Đăng nhập không hợp lệ.",
        "invalid_password_reset": "Liên kết đặt lại mật khẩu không hợp lệ.",
        "max_email_addresses": "Không thể thêm quá %d địa chỉ thư điện tử.",
        "phone_taken": "Đã có tài khoản đăng ký với số điện thoại này.",
        "too_many_login_attempts": "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.",
        "unknown_email": "Địa chỉ thư điện tử không gắn với tài khoản nào.",
        "unknown_phone": "Số điện thoại không gắn với tài khoản nào.",
        "unverified_primary_email": "Địa chỉ thư điện tử chính của bạn cần được xác minh.",
        "username_blacklisted": "Không thể dùng tên đăng nhập này, vui lòng chọn tên khác.",
        "username_taken": "Tên đăng nhập này đã được sử dụng.",
        "select_only_one": "Vui lòng chỉ chọn một.",
        "same_as_current": "Giá trị mới phải khác giá trị hiện tại.",
        "rate_limited": "Bạn thao tác quá nhanh, vui lòng thử lại sau.",
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address behind the trusted proxies (the same rule as axes and the throttles)."""
        from chinhquyen.core.clientip import client_ip

        return client_ip(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Officials land on their work (the officer home with its counters), applicants on the
        public home; an explicit ``next`` still wins (allauth checks it first)."""
        from django.urls import reverse

        from .permissions import is_official

        if is_official(request.user):
            return reverse("web:workspace")
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True))

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> AbstractBaseUser:
        """Create the citizen or business account through the services (local sign-up)."""
        data = form.cleaned_data
        common: dict[str, Any] = {
            "actor": None,
            "username": data.get("username") or "",
            "full_name": data.get("full_name") or "",
            "email": data.get("email") or "",
            "phone": data.get("phone") or "",
            "password": data.get("password1") or None,
        }
        if data.get("kind") == UserKind.BUSINESS:
            return services.business_register(
                tax_code=data.get("tax_code") or "",
                organisation_name=data.get("organisation_name") or "",
                **common,
            )
        return services.citizen_register(citizen_id=data.get("citizen_id") or "", **common)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": (
            "Không thể thêm địa chỉ thư điện tử cho tài khoản đang bật xác thực hai lớp."
        ),
        "cannot_delete_authenticator": (
            "Cán bộ bắt buộc sử dụng xác thực hai lớp, không thể tắt. Nếu mất thiết bị, hãy "
            "liên hệ quản trị hệ thống để đặt lại."
        ),
        "cannot_generate_recovery_codes": ("Cần bật xác thực hai lớp trước khi tạo mã khôi phục."),
        "incorrect_code": "Mã xác thực không đúng.",
        "unverified_email": ("Cần xác minh địa chỉ thư điện tử trước khi bật xác thực hai lớp."),
    }

    def get_totp_label(self, user: AbstractBaseUser) -> str:
        return str(getattr(user, "username", "") or super().get_totp_label(user))

    def get_totp_issuer(self) -> str:
        return str(getattr(settings, "MFA_TOTP_ISSUER", "") or settings.SITE_NAME)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Officials must keep their TOTP authenticator (2FA is mandatory for them)."""
        user = authenticator.user
        if getattr(user, "kind", None) == UserKind.OFFICIAL:
            return authenticator.type not in (
                Authenticator.Type.TOTP,
                Authenticator.Type.RECOVERY_CODES,
            )
        return True


def _refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    response = render(request, "accounts/oidc_refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Maps OpenID Connect claims to citizen accounts (see ``oidc.py``)."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing:
            user = sociallogin.user
            if getattr(user, "kind", None) not in APPLICANT_KINDS:
                logger.warning("OIDC sign-in refused for non-applicant account %s", user.pk)
                raise _refuse(request, REFUSED_NON_APPLICANT)
            return
        try:
            claims = map_claims(merged_claims(sociallogin.account.extra_data))
        except ClaimsError as err:
            raise _refuse(request, err.message) from err
        # Only an account whose CCCD was proven (at the counter) may receive the identity. A
        # CCCD typed at a local sign-up proves nothing: whoever typed it must not receive the
        # citizen's identity (security finding #9). Such an identity gets its own account; the
        # citizen merges the local one explicitly (services.citizen_accounts_merge).
        # (Officials' CCCDs are typed by IT administrators: such a match is refused below.)
        existing = (
            User.objects.filter(citizen_id=claims.citizen_id)
            .filter(Q(citizen_id_verified=True) | ~Q(kind__in=APPLICANT_KINDS))
            .first()
        )
        if existing is not None:
            if existing.kind not in APPLICANT_KINDS:
                logger.warning("OIDC sign-in refused for non-applicant account %s", existing.pk)
                raise _refuse(request, REFUSED_NON_APPLICANT)
            sociallogin.connect(request, existing)
            return
        if claims.email and _email_taken(claims.email):
            # Another account (possibly an official's) uses this address: the new citizen
            # account is created without it, and never linked to that other account.
            sociallogin.email_addresses = []

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(
        self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]
    ) -> AbstractBaseUser:
        user = super().populate_user(request, sociallogin, data)
        try:
            claims = map_claims(merged_claims(sociallogin.account.extra_data))
        except ClaimsError:
            return user  # refused later in pre_social_login
        user.kind = UserKind.CITIZEN  # type: ignore[attr-defined]
        user.full_name = claims.full_name  # type: ignore[attr-defined]
        user.phone = claims.phone  # type: ignore[attr-defined]
        user.citizen_id = claims.citizen_id  # type: ignore[attr-defined]
        return user

    def save_user(
        self, request: HttpRequest, sociallogin: SocialLogin, form: BaseForm | None = None
    ) -> AbstractBaseUser:
        """Create the citizen account through the service, then link the identity."""
        claims = map_claims(merged_claims(sociallogin.account.extra_data))
        email = claims.email if sociallogin.email_addresses else ""
        base = normalize_search(claims.full_name).replace(" ", ".") or "congdan"
        username = self._unique_username(base)
        user = services.citizen_register(
            actor=None,
            username=username,
            full_name=claims.full_name,
            citizen_id=claims.citizen_id,
            email=email,
            phone=claims.phone,
            password=None,
            verified_by="định danh điện tử",
        )
        sociallogin.user = user
        sociallogin.save(request)
        return user

    @staticmethod
    def _unique_username(base: str) -> str:
        base = "".join(ch for ch in base if ch.isalnum() or ch in "._-")[:140] or "congdan"
        candidate, n = base, 1
        while User.objects.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        return candidate


REFUSED_NON_APPLICANT = (
    "Đăng nhập bằng định danh điện tử chỉ dành cho công dân, tổ chức, doanh nghiệp. Cán bộ, "
    "công chức đăng nhập bằng tài khoản do cơ quan cấp."
)


def _email_taken(email: str) -> bool:
    from allauth.account.models import EmailAddress

    return (
        User.objects.filter(Q(email__iexact=email)).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )
