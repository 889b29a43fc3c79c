"""Enqueue due periodic jobs (``@periodic`` tasks) for the django-tasks worker.

    manage.py scheduler              # loop every 30 s until SIGTERM / SIGINT
    manage.py scheduler --interval 10
    manage.py scheduler --once       # one pass, for tests and cron

Several schedulers may run at once (one per node): each interval is enqueued once (see
``chinhquyen.jobs.services``). Logs one structured line per enqueued job and per pass.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from chinhquyen.jobs.registry import autodiscover
from chinhquyen.jobs.services import scheduler_pass

logger = logging.getLogger("chinhquyen.jobs.scheduler")


def _close_stale_connections() -> None:
    """Drop broken or expired database connections between passes (a long-running process
    otherwise keeps a dead connection after a database restart). A connection inside an
    atomic block (a test's transaction) is left alone."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = "Đưa các tác vụ định kỳ đến hạn vào hàng đợi (chạy liên tục hoặc một lượt với --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Số giây giữa hai lượt kiểm tra (mặc định 30).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Chạy một lượt rồi dừng (dùng cho cron, kiểm thử)."
        )

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        if interval <= 0:
            interval = 30.0
        specs = autodiscover()
        logger.info(
            "scheduler.started",
            extra={"jobs": ",".join(s.name for s in specs), "interval": interval, "once": once},
        )
        if once:
            self._pass()
            return

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("scheduler.stopping", extra={"signal": signal.Signals(signum).name})
            stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not stop.is_set():
                self._pass()
                stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("scheduler.stopped")

    def _pass(self) -> None:
        _close_stale_connections()
        try:
            enqueued = scheduler_pass()
        except Exception:  # a database outage must not kill the loop; try again next pass
            logger.exception("scheduler.pass_failed")
            return
        finally:
            _close_stale_connections()
        logger.info(
            "scheduler.pass",
            extra={"enqueued": len(enqueued), "jobs": ",".join(e.name for e in enqueued)},
        )
