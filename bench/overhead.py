"""CPU per request of each middleware layer on a plain authenticated page (issue #11 item 7).

    .venv/bin/python bench/overhead.py --database cq_bench_smoke [--requests 300] [--user NAME]

Runs in-process under the bench settings (production settings, PostgreSQL, Redis cache) on a
database loaded by ``bench/run.py``. Every middleware of ``settings.MIDDLEWARE`` is wrapped
between two probes that read ``time.process_time()`` (CPU of this process: Python, Django, the
database driver — not PostgreSQL's or Redis' own CPU) and ``time.perf_counter()`` on the way in
and on the way out, so a layer's cost is what it does before *and* after the inner layers. The
page is a view that only returns "ok" behind ``login_required``, served through the project's
URLconf (``/bench/plain/`` prepended), for an official signed in with a session cookie; the
first requests warm up and are not counted. Also printed: the framework outside the middleware
(WSGI request, handler, response) and the URL resolution + view, and the same request with no
middleware at all. Speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# probe index -> [(cpu, wall) on the way in, (cpu, wall) on the way out] of the current request
_marks: dict[int, list[tuple[float, float]]] = {}


class Probe:
    index = 0
    resolve_user = False  # the probe right after AuthenticationMiddleware

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        if self.resolve_user:
            # request.user is lazy: the first layer that reads it would pay for loading the
            # session and the user. Read it here, charged to the sessions + auth layers.
            _ = request.user.is_authenticated
        entered = (time.process_time(), time.perf_counter())
        response = self.get_response(request)
        _marks[self.index] = [entered, (time.process_time(), time.perf_counter())]
        return response


def _probe(i: int, *, resolve_user: bool = False) -> str:
    name = f"Probe{i}"
    globals()[name] = type(name, (Probe,), {"index": i, "resolve_user": resolve_user})
    return f"bench.overhead.{name}"


class Queries:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


def plain_view(request):  # type: ignore[no-untyped-def]
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


urlpatterns: list = []  # filled in main() (the project's URLconf with /bench/plain/ first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="cq_bench_smoke")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--user", default="", help="username (default: the first official)")
    args = parser.parse_args()
    sys.modules["bench.overhead"] = sys.modules[__name__]  # probes and URLconf are found here
    common.setup_django(args.database)
    import logging

    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import include, path

    from chinhquyen.accounts.models import User

    urlpatterns[:] = [
        path("bench/plain/", login_required(plain_view)),
        path("bench/bare/", plain_view),  # the no-middleware run has no request.user
        path("", include(settings.ROOT_URLCONF)),
    ]
    user = (
        User.objects.get(username=args.user)
        if args.user
        else User.objects.filter(kind="official", is_active=True).order_by("pk").first()
    )
    layers = list(settings.MIDDLEWARE)
    auth = "django.contrib.auth.middleware.AuthenticationMiddleware"
    probed = [
        item
        for i, m in enumerate(layers)
        for item in (_probe(i, resolve_user=i > 0 and layers[i - 1] == auth), m)
    ]
    probed.append(_probe(len(layers)))

    def run(middleware: list[str], label: str, url: str) -> list[dict[str, float]]:
        rows: list[dict[str, float]] = []
        with override_settings(MIDDLEWARE=middleware, ROOT_URLCONF="bench.overhead"):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            for n in range(args.requests + 20):
                _marks.clear()
                counter = Queries()
                with connection.execute_wrapper(counter):
                    c0, w0 = time.process_time(), time.perf_counter()
                    response = client.get(url)
                    c1, w1 = time.process_time(), time.perf_counter()
                if response.status_code != 200:
                    raise SystemExit(f"{label}: {url} answered {response.status_code}")
                if n >= 20:
                    rows.append(
                        {
                            "cpu": (c1 - c0) * 1000,
                            "wall": (w1 - w0) * 1000,
                            "queries": counter.count,
                            **_split(),
                        }
                    )
        return rows

    def _split() -> dict[str, float]:
        out: dict[str, float] = {}
        if not _marks:
            return out
        last = len(layers)
        for i in range(last):
            (ci, wi), (co, wo) = _marks[i]
            (cin, win), (cout, wout) = _marks[i + 1]
            out[f"cpu:{layers[i]}"] = ((cin - ci) + (co - cout)) * 1000
            out[f"wall:{layers[i]}"] = ((win - wi) + (wo - wout)) * 1000
        (ci, wi), (co, wo) = _marks[last]
        out["cpu:(URL resolution + view)"] = (co - ci) * 1000
        out["wall:(URL resolution + view)"] = (wo - wi) * 1000
        (ci, wi), (co, wo) = _marks[0]
        out["cpu:(inside the middleware)"] = (co - ci) * 1000
        return out

    load = os.getloadavg()
    rows = run(probed, "probed", "/bench/plain/")
    bare = run([], "no middleware", "/bench/bare/")
    med = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    bare_cpu = statistics.median(r["cpu"] for r in bare)
    print(
        f"database {args.database}, user {user.username}, {args.requests} requests, "
        f"load average {load[0]:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    print(f"{'layer':<58} {'CPU ms':>8} {'wall ms':>8}")
    for name in [*layers, "(URL resolution + view)"]:
        print(f"{name:<58} {med['cpu:' + name]:8.3f} {med['wall:' + name]:8.3f}")
    inside = med["cpu:(inside the middleware)"]
    probes = len(layers) + 1
    print(
        f"{'sum of the middleware layers':<58} {inside - med['cpu:(URL resolution + view)']:8.3f}"
    )
    print(f"{'whole request (test client, probes: ' + str(probes) + ')':<58} {med['cpu']:8.3f}")
    print(f"SQL statements per request: {med['queries']:.0f}")
    print(f"{'same request, no middleware at all':<58} {bare_cpu:8.3f}")
    print(f"{'framework + middleware - no-middleware request':<58} {med['cpu'] - bare_cpu:8.3f}")


if __name__ == "__main__":
    main()
