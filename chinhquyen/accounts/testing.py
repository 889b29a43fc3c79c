"""Helpers for tests of other apps: a signed-in session as allauth leaves it after the TOTP step.

``Client.force_login`` records no sign-in step; the admin (``admin_site``) lets an official in
only when the session passed the second factor, so admin tests sign officials in with this.
"""

from __future__ import annotations

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.test import Client

from .models import User


def force_login_with_mfa(client: Client, user: User) -> None:
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": user.username},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
