"""Background tasks of the payments app (conventions: see ``chinhquyen.jobs.tasks``).

- periodic ``payments.expire_stale`` (every 5 minutes): ``services.payment_expire_stale`` —
  expires created payments past their deadline and pending ones past the gateway window plus
  PAYMENT_EXPIRY_GRACE_MINUTES, after asking the gateway whether they were paid after all.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from chinhquyen.jobs.registry import periodic

from .services import payment_expire_stale

EXPIRE_EVERY = dt.timedelta(minutes=5)


@periodic(name="payments.expire_stale", every=EXPIRE_EVERY)
@task()
def expire_stale_payments() -> int:
    """Idempotent: each payment is re-checked under its row lock before it expires."""
    return payment_expire_stale()
