"""Signed-in users for the organisation tests.

Officials must have TOTP to reach any page (accounts' OfficialMFARequiredMiddleware), so
``official`` makes sure the user has an authenticator whatever the factory's default is.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from chinhquyen.accounts.models import Position, User, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.orgs.models import Organisation


def official(unit: Organisation, role: str) -> User:
    user = make_official(unit, role)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"},
        )
    return user


def api_client_user(unit: Organisation) -> User:
    user = make_user(UserKind.API_CLIENT)
    Position.objects.create(user=user, unit=unit, role="api_client")
    return user
