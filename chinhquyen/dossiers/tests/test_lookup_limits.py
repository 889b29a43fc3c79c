"""Security finding #9 points 4-5 and issue #11 item 4: the public lookup's limits (per
address, per code, one bucket for the page and the API, a lock with a notice), the client
address behind trusted proxies, and the lean read (query count pinned)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from chinhquyen.dossiers import lookup
from chinhquyen.notifications.models import Notification

from .factories import World, receive

pytestmark = pytest.mark.django_db

API = "/api/v1/public/dossiers/lookup/"
PAGE = "/ho-so/tra-cuu/"


def _api(client: Client, code: str, pin: str, ip: str = "198.51.100.1", **extra: str) -> int:
    return client.post(
        API, {"code": code, "pin": pin}, content_type="application/json", REMOTE_ADDR=ip, **extra
    ).status_code


def _page(client: Client, code: str, pin: str, ip: str = "198.51.100.1") -> int:
    return client.post(PAGE, {"code": code, "pin": pin}, REMOTE_ADDR=ip).status_code


def test_page_path_is_the_lookup() -> None:
    assert reverse("dossiers:lookup") == PAGE


def test_one_code_is_limited_across_addresses_and_pages(world: World, client: Client) -> None:
    """Before: limits per address only, HTML and API in separate buckets."""
    code = "000.00.99.H99-260302-0042"
    answers = []
    for n in range(10):
        send = _api if n % 2 else _page
        answers.append(send(client, code, "00000000", ip=f"203.0.113.{n}"))
    assert answers == [404] * 10
    assert _api(client, code, "00000000", ip="203.0.113.99") == 429
    assert _page(client, code, "00000000", ip="203.0.113.98") == 429
    # another code still answers
    assert _api(client, "000.00.99.H99-260302-0043", "0", ip="203.0.113.97") == 404


@override_settings(DOSSIER_LOOKUP_CODE_LIMIT=1000, DOSSIER_LOOKUP_ADDRESS_LIMIT=1000)
def test_repeated_wrong_pins_lock_the_code_and_tell_the_applicant(
    world: World, client: Client, django_capture_on_commit_callbacks: object
) -> None:
    r = receive(world)
    wrong = "99999999" if r.pin != "99999999" else "11111111"
    for n in range(10):
        assert _api(client, r.dossier.code, wrong, ip=f"192.0.2.{n}") == 404
    assert _api(client, r.dossier.code, r.pin) == 429  # locked, even with the right PIN
    assert _page(client, r.dossier.code, r.pin) == 429
    notices = Notification.objects.filter(template_key="dossier.lookup_locked")
    assert notices.count() >= 1
    assert r.pin not in " ".join(n.body for n in notices)
    # an unknown code is locked the same way: the answers never tell a code exists
    for n in range(10):
        assert _api(client, "000.00.99.H99-260302-0777", wrong, ip=f"192.0.2.{n}") == 404
    assert _api(client, "000.00.99.H99-260302-0777", wrong) == 429


def test_new_pins_are_longer_and_old_ones_still_work(world: World, client: Client) -> None:
    from chinhquyen.dossiers import pins

    r = receive(world)
    assert len(r.pin) == pins.PIN_DIGITS >= 8
    old_pin = "123456"
    type(r.dossier).objects.filter(pk=r.dossier.pk).update(
        lookup_pin_hash=pins.pin_digest(r.dossier.code, old_pin)
    )
    assert _api(client, r.dossier.code, old_pin) == 200


def test_without_a_trusted_proxy_forwarded_for_is_ignored(world: World, client: Client) -> None:
    for n in range(20):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"10.0.0.{n}"}
        assert _api(client, f"X-1-{n:04d}", "0", ip="192.0.2.1", **forwarded) == 404
    assert _api(client, "X-1-9999", "0", ip="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9") == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_each_client_has_its_own_budget(
    world: World, client: Client
) -> None:
    """Before: behind the proxy every client shared REMOTE_ADDR, one global budget."""
    proxy = "10.0.0.1"
    for n in range(20):
        assert (
            _api(client, f"X-2-{n:04d}", "0", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == 404
        )
    assert _api(client, "X-2-9999", "0", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == 429
    # another client behind the same proxy; a spoofed left-most entry changes nothing
    assert _api(client, "X-3-0001", "0", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8") == 404
    spoofed = "203.0.113.5, 198.51.100.7"
    assert _api(client, "X-3-0002", "0", ip=proxy, HTTP_X_FORWARDED_FOR=spoofed) == 429


def test_the_lookup_reads_once_and_opens_no_session(
    world: World, client: Client, django_assert_num_queries: object
) -> None:
    r = receive(world)
    with django_assert_num_queries(1):  # type: ignore[operator]
        response = client.post(
            API, {"code": r.dossier.code, "pin": r.pin}, content_type="application/json"
        )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "Set-Cookie" not in response.headers


def _redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=0.5).ping()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
)
def test_redis_gate_is_one_round_trip_with_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    caches["default"].clear()
    client = lookup._redis()
    assert client is not None
    calls: list[str] = []
    original = type(client).execute_command

    def counting(self: object, *args: object, **kwargs: object) -> object:
        calls.append(str(args[0]))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    assert lookup.gate("192.0.2.49", "R-0") == lookup.OK  # loads the script once
    monkeypatch.setattr(type(client), "execute_command", counting)
    assert lookup.gate("192.0.2.50", "R-1") == lookup.OK
    assert len(calls) == 1  # EVALSHA (one round trip for the three counters)
    for _ in range(9):
        lookup.gate("192.0.2.51", "R-1")
    assert lookup.gate("192.0.2.52", "R-1") == lookup.THROTTLED  # the 11th for this code
    assert 1 <= lookup.retry_after("192.0.2.52", "R-1") <= lookup.WINDOW  # the key's TTL
    caches["default"].clear()


@override_settings(DOSSIER_LOOKUP_LOCK_FAILURES=1000)
def test_refused_lookups_say_when_to_come_back(world: World, client: Client) -> None:
    """Before: the 429 answers carried no Retry-After and told the wrong wait for a lock."""
    code = "000.00.99.H99-260302-0055"
    for n in range(10):
        assert _api(client, code, "00000000", ip=f"203.0.113.{n}") == 404
    api = client.post(
        API, {"code": code, "pin": "0"}, content_type="application/json", REMOTE_ADDR="192.0.2.9"
    )
    assert api.status_code == 429
    assert 1 <= int(api["Retry-After"]) <= lookup.WINDOW
    error = api.json()["error"]
    assert error["code"] == "throttled"
    assert error["message"].startswith("Bạn thao tác quá nhanh, vui lòng thử lại sau ")
    page = client.post(PAGE, {"code": code, "pin": "0"}, REMOTE_ADDR="192.0.2.9")
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= lookup.WINDOW
    assert "vui lòng thử lại sau" in page.content.decode()


@override_settings(DOSSIER_LOOKUP_CODE_LIMIT=1000, DOSSIER_LOOKUP_ADDRESS_LIMIT=1000)
def test_a_locked_code_answers_with_the_time_left_on_the_lock(world: World, client: Client) -> None:
    code = "000.00.99.H99-260302-0066"
    for n in range(10):
        assert _api(client, code, "00000000", ip=f"192.0.2.{n}") == 404
    api = client.post(API, {"code": code, "pin": "0"}, content_type="application/json")
    assert api.status_code == 429
    assert lookup.lock_seconds() - 60 <= int(api["Retry-After"]) <= lookup.lock_seconds()
    assert "tạm khóa tra cứu" in api.json()["error"]["message"]
    assert "24 giờ" in api.json()["error"]["message"]
    page = client.post(PAGE, {"code": code, "pin": "0"})
    assert page.status_code == 429
    assert lookup.lock_seconds() - 60 <= int(page["Retry-After"]) <= lookup.lock_seconds()
    assert "tạm khóa tra cứu" in page.content.decode()
