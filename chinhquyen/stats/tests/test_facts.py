"""Daily facts: events written with each change, the fold, the rebuild, and
rebuild = incremental after random workflow activity (hypothesis)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chinhquyen.core.api import DomainError
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, PaymentStatus
from chinhquyen.dossiers.tests.factories import T0, World, pdf, receive, submit
from chinhquyen.reports.selectors import MonthRange, on_time_report
from chinhquyen.stats import facts
from chinhquyen.stats.models import DossierDailyFact, FactEvent, FactKind

pytestmark = pytest.mark.django_db


def _sum(field: str, **where: Any) -> int:
    return sum(DossierDailyFact.objects.filter(**where).values_list(field, flat=True))


Op = Callable[[World, Dossier], object]

OPS: dict[str, Op] = {
    "transfer": lambda w, d: services.dossier_transfer(actor=w.desk_centre, dossier=d.pk),
    "assign": lambda w, d: services.dossier_assign(actor=w.head, dossier=d.pk, assignee=w.spec),
    "complete": lambda w, d: services.dossier_step_complete(actor=w.spec, dossier=d.pk),
    "submit": lambda w, d: services.dossier_submit_for_approval(actor=w.head, dossier=d.pk),
    "attach": lambda w, d: services.dossier_attach_result(
        actor=w.leader, dossier=d.pk, name="Phiếu", file=pdf()
    ),
    "approve": lambda w, d: services.dossier_approve(actor=w.leader, dossier=d.pk),
    "return": lambda w, d: services.dossier_return_result(actor=w.desk_centre, dossier=d.pk),
    "supplement": lambda w, d: services.dossier_request_supplement(
        actor=w.desk_centre, dossier=d.pk, reason="Thiếu giấy tờ."
    ),
    "answer": lambda w, d: services.dossier_supplement_answer(
        actor=w.desk_centre, dossier=d.pk, note="Đã bổ sung."
    ),
    "refuse": lambda w, d: services.dossier_refuse(
        actor=w.desk_centre, dossier=d.pk, reason="Sai thủ tục."
    ),
    "stop": lambda w, d: services.dossier_stop(actor=w.head, dossier=d.pk, reason="Dừng."),
    "pay": lambda w, d: services.dossier_set_payment_status(
        actor=None, dossier=d.pk, status=PaymentStatus.PAID, reference="PAY-1"
    ),
    "rate": lambda w, d: services.dossier_rate(actor=d.applicant, dossier=d.pk, score=1),
}

PLAN = st.lists(
    st.tuples(
        st.booleans(),  # online or at the counter
        st.integers(min_value=0, max_value=40),  # days after T0
        st.lists(st.sampled_from(sorted(OPS)), max_size=10),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=PLAN, fold_midway=st.booleans())
def test_rebuild_equals_incremental(world: World, plan: list, fold_midway: bool) -> None:
    for online, days, ops in plan:
        when = T0 + dt.timedelta(days=days)
        intake = submit(world, when=when) if online else receive(world, when=when)
        dossier = intake.dossier
        for i, name in enumerate(ops):
            # an action not allowed in the dossier's state is simply refused
            with contextlib.suppress(DomainError, ValidationError, PermissionDenied):
                OPS[name](world, dossier)
            if fold_midway and i == len(ops) // 2:
                facts.fold_all()
    facts.fold_all()
    assert not FactEvent.objects.exists()
    incremental = facts.facts_snapshot()
    facts.rebuild()
    assert facts.facts_snapshot() == incremental


def test_every_change_writes_an_event_in_its_transaction(world: World) -> None:
    dossier = receive(world).dossier
    assert FactEvent.objects.filter(kind=FactKind.DOSSIER, object_id=dossier.pk).exists()
    assert facts.fold_all() >= 1
    assert _sum("received") == 1 and _sum("received_counter") == 1
    services.dossier_refuse(actor=world.desk_centre, dossier=dossier, reason="Sai thủ tục.")
    assert facts.pending_count() == 1
    facts.fold_all()
    assert _sum("received") == 1 and _sum("finished") == 1
    assert _sum("due_open") == 0


def test_facts_agree_with_the_on_time_report(world: World) -> None:
    """The facts reuse the dossier service's class: the same totals as the live report."""
    from chinhquyen.reports.tests.test_on_time import _through_approval

    _through_approval(world, receive(world).dossier, start=T0, step=dt.timedelta(hours=2))
    late_start = T0 + dt.timedelta(hours=1)
    _through_approval(
        world, receive(world, when=late_start).dossier, start=late_start, step=dt.timedelta(days=10)
    )
    submit(world, when=T0 + dt.timedelta(hours=3))
    facts.fold_all()
    live = on_time_report(
        user=world.governor, period=MonthRange(first=dt.date(2026, 3, 1), last=dt.date(2026, 4, 1))
    ).total
    assert (live.received, live.received_online) == (_sum("received"), _sum("received_online"))
    assert (live.early, live.on_time, live.late) == (_sum("early"), _sum("on_time"), _sum("late"))
    assert _sum("due_open") == 1


def test_rebuild_command(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    receive(world)
    call_command("rebuild_facts")
    assert "dossier=1" in capsys.readouterr().out
    assert _sum("received") == 1
    assert not FactEvent.objects.exists()


def test_the_job_builds_facts_never_built(world: World) -> None:
    from chinhquyen.stats import tasks
    from chinhquyen.stats.models import FactState

    receive(world)
    receive(world)
    FactEvent.objects.all().delete()  # as after a bulk load or an upgrade: no events, no facts
    assert facts.never_built()
    tasks.fold_facts.call()
    assert _sum("received") == 2 and FactState.objects.count() == 2
    assert not facts.never_built()
