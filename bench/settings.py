"""Production settings, for the benchmark server and its data generator.

Everything comes from ``chinhquyen.settings.production`` (the same environment variables as a
real deployment: ``DATABASE_URL``, ``REDIS_URL``, ``DJANGO_SECRET_KEY`` ...). One value is
changed, and ``bench/run.py`` prints it with the results: the public lookup rate limit (DRF
throttle scope ``public_lookup``, 20 requests per minute and address in production). Every
benchmark client comes from 127.0.0.1, so the production limit would answer 429 after the
twentieth request; the throttle stays active (its Redis round trips are part of the measured
cost) with a limit no benchmark reaches. ``BENCH_PUBLIC_LOOKUP_RATE`` changes it.
"""

import os

from chinhquyen.settings.production import *  # noqa: F403
from chinhquyen.settings.production import REST_FRAMEWORK

PUBLIC_LOOKUP_RATE = os.environ.get("BENCH_PUBLIC_LOOKUP_RATE", "1000000/s")
# The lookup's own limits (dossiers/lookup.py, shared by the page and the API) are raised out of
# reach: wrk's clients come from one address and reuse a few thousand codes many times a
# minute. The counting itself (one Redis round trip) stays in the measured cost.
DOSSIER_LOOKUP_ADDRESS_LIMIT = 10**9
DOSSIER_LOOKUP_CODE_LIMIT = 10**9
DOSSIER_LOOKUP_LOCK_FAILURES = 10**9
# The bench database is a throwaway copy loaded with the demo province (bench/generate.py).
DEMO_DATA_ALLOWED = True

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "public_lookup": PUBLIC_LOOKUP_RATE,
    },
}
