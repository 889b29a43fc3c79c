"""``bench.settings`` without middleware, serving ``bench.floor`` only (the floor server).

allauth's ``AccountMiddleware`` stays: the installed allauth app refuses to start without it
(it only keeps a reference to the request; no session or database work)."""

from bench.settings import *  # noqa: F403

MIDDLEWARE: list[str] = ["allauth.account.middleware.AccountMiddleware"]
ROOT_URLCONF = "bench.floor"
