"""Local sandbox identity provider ("VNeID sandbox") for the demo and development.

With ``OIDC_SANDBOX=1`` this deployment serves an OpenID Connect provider (allauth.idp.oidc,
URLs in ``idp_urls.py``) and is at the same time its relying party: the "Đăng nhập bằng VNeID
(sandbox)" button walks the real authorization-code flow (with PKCE) against it. The sandbox's
identities are this deployment's own citizen accounts: at the provider step the tester signs in
as a demo citizen, and the provider releases that citizen's name, e-mail, phone and CCCD as
claims. Never enable it in production.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from allauth.idp.oidc import app_settings as idp_settings
from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from allauth.idp.oidc.internal.private_keys import filter_keys
from allauth.idp.oidc.models import Client, PrivateKey
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from .models import User
from .oidc import citizen_id_claim_name

logger = logging.getLogger(__name__)

SANDBOX_SCOPES = ["openid", "profile", "email", "phone"]


def _generate_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def sandbox_private_key() -> str:
    """The sandbox's RSA signing key: generated once into the var directory, then reused by
    every process of the deployment."""
    var_dir = Path(getattr(settings, "VAR_DIR", "var"))
    path = var_dir / "oidc-sandbox-key.pem"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        pem = _generate_pem()
        fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(pem)
        logger.info("Generated the OIDC sandbox signing key at %s", path)
    return path.read_text()


class SandboxIdPAdapter(DefaultOIDCAdapter):
    """allauth.idp.oidc adapter: Vietnamese scope names, citizen claims, a generated key."""

    scope_display = {
        "openid": "Xem mã định danh tài khoản",
        "email": "Xem địa chỉ thư điện tử",
        "profile": "Xem họ tên và số định danh cá nhân",
        "phone": "Xem số điện thoại",
    }

    def get_claims(
        self,
        purpose: Literal["id_token", "userinfo"],
        user: AbstractBaseUser,
        client: Client,
        scopes: Iterable[str],
        email: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        scopes = list(scopes)
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        if not isinstance(user, User):
            return claims
        if "profile" in scopes:
            if user.full_name:
                claims["name"] = user.full_name
            if user.citizen_id:
                claims[citizen_id_claim_name()] = user.citizen_id
        if "email" in scopes and "email" not in claims and user.email:
            claims["email"] = user.email
            claims["email_verified"] = False
        if "phone" in scopes and user.phone:
            claims["phone_number"] = user.phone
        return claims

    def list_private_keys(
        self,
        *,
        did_activate: Literal[True] | None = None,
        is_active: Literal[True] | None = None,
    ) -> list[PrivateKey]:
        keys = idp_settings.PRIVATE_KEYS
        if not keys:
            keys = [PrivateKey(pem=sandbox_private_key())]
        return filter_keys(keys, did_activate=did_activate, is_active=is_active)


def sandbox_redirect_uri() -> str:
    path = reverse("openid_connect_callback", kwargs={"provider_id": settings.OIDC_PROVIDER_ID})
    return settings.SITE_URL.rstrip("/") + path


def ensure_sandbox_client(*, redirect_uris: list[str] | None = None) -> Client:
    """Create or update the relying-party registration of this deployment at its own sandbox
    provider (client id ``OIDC_SANDBOX_CLIENT_ID``, secret ``OIDC_SANDBOX_CLIENT_SECRET``)."""
    client, _ = Client.objects.get_or_create(
        id=settings.OIDC_SANDBOX_CLIENT_ID,
        defaults={"name": "Chính Quyền (VNeID sandbox)"},
    )
    client.name = "Chính Quyền (VNeID sandbox)"
    client.secret = make_password(settings.OIDC_SANDBOX_CLIENT_SECRET)
    client.type = Client.Type.CONFIDENTIAL
    client.set_scopes(SANDBOX_SCOPES)
    client.set_default_scopes(["openid", "profile"])
    client.grant_types = "\n".join(
        [Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN]
    )
    client.response_types = "code"
    client.set_redirect_uris(redirect_uris or [sandbox_redirect_uri()])
    client.skip_consent = True
    client.save()
    return client
