"""Per-address limits behind a proxy, against a real gunicorn server with production settings
(security finding #9, point 5).

- Behind ``TRUSTED_PROXY_COUNT=1`` (a TLS terminator that appends the peer address to
  X-Forwarded-For), two clients whose requests all arrive from the proxy's address keep
  separate lookup budgets (20 a minute each); an address the client writes itself further left
  in the header is not believed.
- Without a proxy setting, a forged X-Forwarded-For (a new value on every request) does not
  make a new bucket: the 21st attempt from one peer is refused whatever the header says.

The public lookup API is the probe: unknown dossier codes answer 404, a new code every time so
that the per-code limit stays out of the way.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from .server import Gunicorn, production_env
from .test_crash import CACHE_TABLE, DB_CACHE, _database_for_server

LOOKUP_API = "/api/v1/public/dossiers/lookup/"
LIMIT = 20  # DOSSIER_LOOKUP_ADDRESS_LIMIT's default

_codes = (f"000.00.01.H56-261207-{n:04d}" for n in itertools.count(random.randrange(9000)))


def _lookup(port: int, forwarded_for: str | None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    body = json.dumps({"code": next(_codes), "pin": "12345678"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", LOOKUP_API, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After") or ""
    finally:
        conn.close()


def _server(tmp_path: Path, proxies: int) -> Gunicorn:
    # production settings without REDIS_URL keep the limits in the database cache
    with override_settings(CACHES={"default": {"BACKEND": DB_CACHE, "LOCATION": CACHE_TABLE}}):
        call_command("createcachetable", verbosity=0)
    database_url, _query = _database_for_server(tmp_path)
    env = production_env(database_url, tmp_path / "var", TRUSTED_PROXY_COUNT=str(proxies))
    return Gunicorn(env, workers=1, log=tmp_path / "gunicorn.log")


def _client_address() -> str:
    # fresh per run: on PostgreSQL the server's cache table outlives a test
    return f"198.51.{random.randrange(100, 200)}.{random.randrange(1, 250)}"


@pytest.mark.django_db(transaction=True)
def test_behind_one_trusted_proxy_each_client_keeps_its_own_budget(tmp_path: Path) -> None:
    server = _server(tmp_path, proxies=1)
    server.start()
    try:
        first, second = _client_address(), _client_address()
        while second == first:
            second = _client_address()
        answers = [_lookup(server.port, first)[0] for _ in range(LIMIT + 1)]
        assert answers == [404] * LIMIT + [429]
        # the second client, arriving through the same proxy, still has its whole budget
        assert _lookup(server.port, second)[0] == 404
        # an address written by the first client itself, left of what the proxy appended, is
        # not believed: still the first client's exhausted bucket
        status, retry_after = _lookup(server.port, f"203.0.113.{random.randrange(250)}, {first}")
        assert status == 429 and 1 <= int(retry_after) <= 60
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_without_a_proxy_setting_a_forged_forwarded_for_makes_no_new_bucket(
    tmp_path: Path,
) -> None:
    server = _server(tmp_path, proxies=0)
    server.start()
    try:
        answers = [_lookup(server.port, _client_address())[0] for _ in range(LIMIT + 3)]
        # every request comes from 127.0.0.1, whatever the header claims
        assert answers == [404] * LIMIT + [429] * 3
    finally:
        server.stop()
