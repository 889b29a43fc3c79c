"""Health endpoint for load balancers and monitoring: database, cache, background worker.

GET /healthz -> 200 {"status": "ok", ...} or 503 with the failing checks. Never exposes
secrets; cheap enough to be polled every few seconds.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    cache.set("healthz", "1", 10)
    return cache.get("healthz") == "1"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    ok = True
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            passed = check()
        except Exception:  # a failing dependency is the answer, not an error
            passed = False
        checks[name] = "ok" if passed else "fail"
        ok = ok and passed
    # The background worker and scheduler are reported but do not fail the web node's health:
    # a load balancer must keep serving citizens while a worker restarts.
    from chinhquyen.jobs.selectors import scheduler_is_alive, worker_is_alive

    for name, alive in (("worker", worker_is_alive), ("scheduler", scheduler_is_alive)):
        try:
            checks[name] = "ok" if alive() else "stale"
        except Exception:
            checks[name] = "unknown"
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )
