"""Scheduler state: when each periodic job was last enqueued, and liveness heartbeats."""

from __future__ import annotations

from django.db import models

from .registry import NAME_MAX_LENGTH


class PeriodicJob(models.Model):
    """One row per registered periodic job; its ``last_enqueued_at`` is the scheduling claim.

    A scheduler enqueues a due job only after moving ``last_enqueued_at`` with a conditional
    UPDATE (``WHERE last_enqueued_at = <value it read>``), so two schedulers, or one restarted,
    never enqueue the same interval twice.
    """

    name = models.CharField("tên tác vụ", max_length=NAME_MAX_LENGTH, unique=True)
    last_enqueued_at = models.DateTimeField("lần đưa vào hàng đợi gần nhất", null=True, blank=True)
    last_result_id = models.CharField("mã kết quả gần nhất", max_length=64, blank=True)

    class Meta:
        verbose_name = "tác vụ định kỳ"
        verbose_name_plural = "tác vụ định kỳ"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Heartbeat(models.Model):
    """Last sign of life of a background component ("worker", "scheduler").

    The worker's row is written by the ``jobs.heartbeat`` periodic task, so it only moves when
    the scheduler enqueues and a worker actually runs tasks; the scheduler's row is written on
    every scheduler pass. A health endpoint compares ``beat_at`` with the current time.
    """

    WORKER = "worker"
    SCHEDULER = "scheduler"

    name = models.CharField("thành phần", max_length=50, unique=True)
    beat_at = models.DateTimeField("lần hoạt động gần nhất")
    detail = models.JSONField("chi tiết", default=dict, blank=True)

    class Meta:
        verbose_name = "tín hiệu hoạt động"
        verbose_name_plural = "tín hiệu hoạt động"

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
