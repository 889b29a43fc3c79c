"""Fixtures of the security tests: one province built once per module, signed-in callers.

The world is built inside a transaction opened for the whole module (pytest-django wraps each
test in a savepoint of it), and rolled back when the module is done: building it takes seconds,
the tests then only read it, and nothing leaks into other modules' tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import Client, override_settings

from chinhquyen.accounts.models import UserKind
from chinhquyen.core.calendar import reset_calendar_cache

from .world import API_CLIENT, SecurityWorld, build_security_world


@pytest.fixture(scope="module")
def security_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(autouse=True)
def _isolated_media(settings, security_media: Path) -> None:  # type: ignore[no-untyped-def]
    """Overrides the project-wide fixture of the same name: the files of the module's world
    (papers, results, document files) stay where they were written for every test."""
    settings.MEDIA_ROOT = security_media


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The request_started/finished signals close "old" database connections: inside the
    module's transaction that closes it (PostgreSQL). Django's test client detaches the handler
    while it runs a request; closing a response afterwards, or calling the WSGI handler
    directly (schemathesis), would still fire it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker, security_media: Path
) -> Iterator[SecurityWorld]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=security_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            reset_calendar_cache()
            built = build_security_world()
            built.sessions = {
                name: _session_for(user)
                for name, user in built.callers.items()
                if user is not None and name != API_CLIENT
            }
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            reset_calendar_cache()


AUTH_RECORDS = "account_authentication_methods"  # allauth's record of this sign-in's steps
AUTH_RECORDS_USER = "account_authentication_methods_user"


def _session_for(user) -> str:  # type: ignore[no-untyped-def]
    """A signed-in session kept for the whole module: what ``Client.force_login`` stores, plus
    allauth's record of the sign-in (password, then the TOTP code for officials)."""
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    records: list[dict[str, object]] = [
        {"method": "password", "at": time.time(), "username": user.username}
    ]
    if user.kind == UserKind.OFFICIAL:
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session[AUTH_RECORDS] = records
    session[AUTH_RECORDS_USER] = str(user.pk)
    session.save()
    return str(session.session_key)


def reauthenticate(client: Client) -> None:
    """Mark the client's session as just re-authenticated (allauth asks before 2FA changes)."""
    if django_settings.SESSION_COOKIE_NAME not in client.cookies:
        return  # not signed in: nothing to re-authenticate
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    session = SessionStore(session_key=key)
    records = list(session.get(AUTH_RECORDS, []))
    records.append({"method": "password", "at": time.time(), "reauthenticated": True})
    session[AUTH_RECORDS] = records
    session.save()


def client_for(world: SecurityWorld, caller: str) -> Client:
    """A fresh test client acting as ``caller``: a session cookie for people, a bearer token
    for the API client, nothing for the anonymous visitor."""
    if caller == API_CLIENT:
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[API_CLIENT]}")
    client = Client()
    key = world.sessions.get(caller)
    if key:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = key
    return client
