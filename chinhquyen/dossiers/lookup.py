"""The public lookup's lean path: limits and the one read (issue #11 item 4, security #9.4).

Limits, one bucket shared by the HTML page and the API:

- per address: ``DOSSIER_LOOKUP_ADDRESS_LIMIT`` (20) attempts per minute (the address behind
  the trusted proxies, ``core.clientip``);
- per dossier code, across all addresses: ``DOSSIER_LOOKUP_CODE_LIMIT`` (10) per minute;
- per code, failures: after ``DOSSIER_LOOKUP_LOCK_FAILURES`` (10) wrong PINs within a day the
  code is locked for ``DOSSIER_LOOKUP_LOCK_SECONDS`` (24 h) and the applicant is told
  (notification outbox). Unknown codes are counted and locked the same way, so the answers
  never tell a code exists.

With Redis the three counters are read and bumped in one round trip (a Lua script); with
another cache (database, local memory) the same rule takes a few cache calls.

The read is one SQL statement of the columns the public view shows (no ORM model building,
no joins compiled per request), then a keyed HMAC compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from .models import Dossier, DossierStatus
from .pins import pin_matches
from .selectors import PublicDossierView

logger = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# Deployment settings (defaults below); read per call so that tests and the bench may change them.
WINDOW = 60
FAILURE_WINDOW = 24 * 3600


def address_limit() -> int:
    return _setting("DOSSIER_LOOKUP_ADDRESS_LIMIT", 20)


def code_limit() -> int:
    return _setting("DOSSIER_LOOKUP_CODE_LIMIT", 10)


def lock_failures() -> int:
    return _setting("DOSSIER_LOOKUP_LOCK_FAILURES", 10)


def lock_seconds() -> int:
    return _setting("DOSSIER_LOOKUP_LOCK_SECONDS", 24 * 3600)


_PREFIX = "cq:lookup:"
_GATE_SCRIPT = """
local a = redis.call('INCR', KEYS[1])
if a == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local b = redis.call('INCR', KEYS[2])
if b == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return {a, b, redis.call('EXISTS', KEYS[3])}
"""
_FAIL_SCRIPT = """
local f = redis.call('INCR', KEYS[1])
if f == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if f == tonumber(ARGV[2]) then redis.call('SET', KEYS[2], 1, 'EX', ARGV[3]) return 1 end
return 0
"""

OK, THROTTLED, LOCKED = "ok", "throttled", "locked"


def _keys(ip: str, code: str) -> tuple[str, str, str, str]:
    return (
        f"{_PREFIX}ip:{ip}",
        f"{_PREFIX}code:{code}",
        f"{_PREFIX}lock:{code}",
        f"{_PREFIX}fail:{code}",
    )


_redis_state: dict[str, Any] = {}


def _redis() -> Any | None:
    """The raw redis client behind Django's RedisCache, with the scripts registered (cached)."""
    backend = caches["default"]
    if type(backend).__name__ != "RedisCache":
        return None
    if _redis_state.get("of") is not backend:
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        _redis_state.update(
            of=backend,
            client=client,
            gate=client.register_script(_GATE_SCRIPT),
            fail=client.register_script(_FAIL_SCRIPT),
        )
    return _redis_state["client"]


def _until_key(key: str) -> str:
    return f"{key}:until"


def _bump(key: str, timeout: int) -> int:
    """Count one in the window of ``key``; the window's end is kept beside it (Retry-After)."""
    if cache.add(key, 1, timeout):
        cache.set(_until_key(key), time.time() + timeout, timeout)
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        cache.set(_until_key(key), time.time() + timeout, timeout)
        return 1


def gate(ip: str, code: str) -> str:
    """Count one attempt for ``ip`` and ``code``; OK, THROTTLED or LOCKED."""
    ip_key, code_key, lock_key, _fail = _keys(ip, code)
    client = _redis()
    if client is not None:
        by_ip, by_code, locked = _redis_state["gate"](
            keys=[ip_key, code_key, lock_key], args=[WINDOW]
        )
    else:
        by_ip, by_code = _bump(ip_key, WINDOW), _bump(code_key, WINDOW)
        locked = cache.get(lock_key) is not None
    if by_ip > address_limit() or by_code > code_limit():
        return THROTTLED
    return LOCKED if locked else OK


def retry_after(ip: str, code: str) -> int:
    """Seconds until ``ip`` may look ``code`` up again, after ``gate`` answered THROTTLED or
    LOCKED: the longest of the windows over their limit and the lock (at least 1)."""
    ip_key, code_key, lock_key, _fail = _keys(ip, code)
    limits = ((ip_key, address_limit()), (code_key, code_limit()))
    waits: list[float] = []
    client = _redis()
    if client is not None:
        counts = client.mget([ip_key, code_key])
        for (key, limit), count in zip(limits, counts, strict=True):
            if count is not None and int(count) > limit:
                waits.append(client.ttl(key))
        if client.exists(lock_key):
            waits.append(client.ttl(lock_key))
    else:
        now = time.time()
        for key, limit in limits:
            count = cache.get(key)
            if count is not None and int(count) > limit:
                waits.append(float(cache.get(_until_key(key)) or now + WINDOW) - now)
        until = cache.get(lock_key)
        if until is not None:
            # a lock set before its end was kept holds the value 1: count the whole lock
            waits.append(float(until) - now if float(until) > 1 else lock_seconds())
    return max(1, math.ceil(max(waits, default=WINDOW)))


def wait_text(seconds: int) -> str:
    """ "45 giây", "3 phút", "24 giờ": how long to wait, for the Vietnamese messages."""
    if seconds < 120:
        return f"{seconds} giây"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} phút"
    return f"{math.ceil(seconds / 3600)} giờ"


def refusal(verdict: str, wait: int) -> str:
    """The Vietnamese answer to a refused lookup (HTML page and API)."""
    if verdict == LOCKED:
        return (
            "Mã hồ sơ này tạm khóa tra cứu do nhập sai mã PIN nhiều lần. "
            f"Vui lòng thử lại sau {wait_text(wait)}."
        )
    return f"Bạn thao tác quá nhanh, vui lòng thử lại sau {wait_text(wait)}."


def record_failure(code: str, request: Any = None) -> None:
    """A wrong PIN (or an unknown code): at the limit, lock the code, tell the applicant and
    record an ``unusual_lookup`` security event."""
    _ip, _code, lock_key, fail_key = _keys("-", code)
    client = _redis()
    if client is not None:
        just_locked = bool(
            _redis_state["fail"](
                keys=[fail_key, lock_key], args=[FAILURE_WINDOW, lock_failures(), lock_seconds()]
            )
        )
    else:
        just_locked = _bump(fail_key, FAILURE_WINDOW) == lock_failures()
        if just_locked:  # the lock holds the moment it ends (Retry-After)
            cache.set(lock_key, time.time() + lock_seconds(), lock_seconds())
    if just_locked:
        from chinhquyen.audit.models import SecurityEventKind
        from chinhquyen.audit.services import security_event_record

        security_event_record(
            kind=SecurityEventKind.UNUSUAL_LOOKUP,
            request=request,
            detail={"action": "lookup_locked", "code": code[:64], "failures": lock_failures()},
        )
        _notify_locked(code)


def _notify_locked(code: str) -> None:
    from .integrations import notify_applicant

    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        return
    with transaction.atomic():
        notify_applicant(
            dossier,
            template="dossier.lookup_locked",
            context={"hours": str(max(1, lock_seconds() // 3600))},
            key=f"lookup_locked:{int(dt.datetime.now().timestamp()) // lock_seconds()}",
        )
    logger.warning("dossiers.lookup_locked", extra={"dossier_id": dossier.pk})


# --- the read ----------------------------------------------------------------------------


_SQL: str | None = None


def _sql() -> str:
    global _SQL
    if _SQL is None:
        d = Dossier._meta.db_table
        from chinhquyen.orgs.models import Organisation

        o = Organisation._meta.db_table
        # table names come from the models; the code is a parameter
        cols = (
            "d.id, d.code, d.lookup_pin_hash, d.procedure_name, d.status, d.received_at,"
            " d.due_at, d.finished_at, d.returned_at, r.name, c.name"
        )
        joins = (
            f" JOIN {o} r ON r.id = d.receiving_organisation_id"
            f" JOIN {o} c ON c.id = d.competent_organisation_id"
        )
        _SQL = f"SELECT {cols} FROM {d} d{joins} WHERE d.code = %s"  # noqa: S608
    return _SQL


class _Row:
    __slots__ = ("code", "lookup_pin_hash")

    def __init__(self, code: str, digest: str):
        self.code, self.lookup_pin_hash = code, digest


def _when(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))  # SQLite returns text through a raw cursor
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def normalise_code(code: str) -> str:
    return " ".join(str(code or "").split()).upper()[:64]


def find(code: str, pin: str) -> PublicDossierView | None:
    """The public view of ``code`` when ``pin`` is its PIN, else None (same work either way)."""
    normalised = normalise_code(code)
    row = None
    if normalised:
        with connection.cursor() as cursor:
            cursor.execute(_sql(), [normalised])
            row = cursor.fetchone()
    if not pin_matches(_Row(row[1], row[2]) if row else None, str(pin or "").strip()[:16]):
        return None
    assert row is not None
    status = row[4]
    reason = ""
    if status == DossierStatus.SUPPLEMENT_REQUESTED:
        pause = (
            Dossier(pk=row[0]).pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
        )
        reason = pause.reason if pause is not None else ""
    return PublicDossierView(
        code=row[1],
        procedure_name=row[3],
        status=status,
        status_label=str(DossierStatus(status).label),
        received_at=_when(row[5]),  # type: ignore[arg-type]
        due_at=_when(row[6]),  # type: ignore[arg-type]
        finished_at=_when(row[7]),
        returned_at=_when(row[8]),
        receiving_organisation=row[9],
        competent_organisation=row[10],
        supplement_reason=reason,
        result_ready=status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED),
    )
