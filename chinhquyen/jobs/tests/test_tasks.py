"""The platform's periodic jobs do their work and are safe to run twice."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chinhquyen.jobs.models import Heartbeat
from chinhquyen.jobs.selectors import is_alive, scheduler_is_alive, worker_is_alive
from chinhquyen.jobs.tasks import clear_expired_sessions, heartbeat, prune_task_results


@pytest.mark.django_db
def test_clear_expired_sessions(settings: Any) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    keys = []
    for _ in range(3):
        store = SessionStore()
        store["x"] = 1
        store.create()
        keys.append(store.session_key)
    Session.objects.filter(session_key__in=keys[:2]).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )

    assert clear_expired_sessions.enqueue().return_value == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == [keys[2]]
    assert clear_expired_sessions.enqueue().return_value == 0


def _result(status: str, finished_days_ago: float | None) -> DBTaskResult:
    finished = (
        timezone.now() - dt.timedelta(days=finished_days_ago)
        if finished_days_ago is not None
        else None
    )
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        finished_at=finished,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="chinhquyen.jobs.tasks.heartbeat",
        backend_name="default",
        run_after=timezone.now(),
    )


@pytest.mark.django_db
def test_prune_task_results_removes_old_finished_ones(settings: Any) -> None:
    old_ok = _result(TaskResultStatus.SUCCESSFUL, 15)
    old_failed = _result(TaskResultStatus.FAILED, 20)
    recent = _result(TaskResultStatus.SUCCESSFUL, 13)
    waiting = _result(TaskResultStatus.READY, None)
    running = _result(TaskResultStatus.RUNNING, None)

    assert prune_task_results.enqueue().return_value == 2
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, waiting.pk, running.pk}
    assert old_ok.pk not in remaining and old_failed.pk not in remaining

    settings.TASK_RESULT_RETENTION_DAYS = 7
    assert prune_task_results.enqueue().return_value == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {waiting.pk, running.pk}


@pytest.mark.django_db
def test_bad_retention_setting_falls_back_to_default(settings: Any) -> None:
    settings.TASK_RESULT_RETENTION_DAYS = "mười bốn"
    _result(TaskResultStatus.SUCCESSFUL, 15)
    kept = _result(TaskResultStatus.SUCCESSFUL, 13)

    assert prune_task_results.enqueue().return_value == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_heartbeat_marks_the_worker_alive() -> None:
    assert worker_is_alive() is False

    result = heartbeat.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    beat = Heartbeat.objects.get(name=Heartbeat.WORKER)
    assert beat.detail["result_id"] == str(result.id)
    assert beat.detail["worker_id"] == result.worker_ids[-1]
    assert worker_is_alive() is True
    assert is_alive(Heartbeat.WORKER, now=beat.beat_at + dt.timedelta(minutes=6)) is False
    assert scheduler_is_alive() is False

    heartbeat.enqueue()  # idempotent: still one row
    assert Heartbeat.objects.filter(name=Heartbeat.WORKER).count() == 1
