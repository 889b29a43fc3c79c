"""``bench.settings`` without middleware, serving ``bench.floor`` only (the floor server)."""

from bench.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor"
