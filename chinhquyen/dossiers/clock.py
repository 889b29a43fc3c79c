"""Legal clocks of dossiers and of their process steps (DOMAIN.md §4).

Time is working time on the legal calendar of the competent organisation (its agency code).

Whole dossier:

- ``counted_from``: the counting start of the receipt moment (next working period; next working
  day after the cut-off).
- ``appointment_at``: the statutory processing time after the receipt (the receipt's "hẹn trả").
- ``due_at``: the current deadline: the appointment, or the new appointment of an apology, moved
  forward by the working time the clock stood still waiting for a supplement.
- elapsed working time excludes pauses; remaining is signed (negative: overdue) and worded
  "còn 1 ngày 4 giờ" / "quá hạn 2 ngày 3 giờ".

Classification when the dossier is finished (the first of: result ready, returned, stopped,
refused), as the national index counts it:

- more than one supplement request ⇒ late, whatever the dates;
- the deadline is the original appointment, or the new appointment when an apology was made in
  time (at least ``DOSSIER_APOLOGY_NOTICE_HOURS`` working hours, default one working day, before
  the deadline then in force); an apology made later is recorded and tells the applicant the new
  date, but the dossier is still measured against the original appointment;
- time waiting for the applicant (pauses begun after that deadline was set) is given back;
- finished after the deadline ⇒ late; at least ``DOSSIER_EARLY_MARGIN_HOURS`` (default 8, one
  working day) before it ⇒ early; otherwise on time.

Process steps have their own clock: ``allotted_hours`` of working time from the moment the unit
received the dossier (no cut-off), moved by pauses like the dossier's; early when handed over at
least ``DOSSIER_STEP_EARLY_MARGIN_HOURS`` (default 4) before the step deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from chinhquyen.core.calendar import LegalCalendar, get_calendar

from . import conf
from .models import Dossier, DossierPause, DossierStep, Timeliness

ZERO = dt.timedelta(0)
Interval = tuple[dt.datetime, dt.datetime]


def calendar_for(dossier: Dossier) -> LegalCalendar:
    return get_calendar(dossier.competent_organisation.agency_code)


def hours(value: Decimal | int | float) -> dt.timedelta:
    return dt.timedelta(seconds=float(Decimal(str(value)) * 3600))


def pause_intervals(
    pauses: Iterable[DossierPause], *, now: dt.datetime, since: dt.datetime | None = None
) -> list[Interval]:
    """(start, end) of each pause (an open pause ends ``now``), optionally only those begun at
    or after ``since``."""
    out: list[Interval] = []
    for pause in pauses:
        if since is not None and pause.started_at < since:
            continue
        end = pause.ended_at or now
        if end > pause.started_at:
            out.append((pause.started_at, end))
    return out


def open_pause_intervals(pauses: Iterable[DossierPause], *, moment: dt.datetime) -> list[Interval]:
    """(start, ``moment``) of each pause still running that had begun by ``moment``: a pause
    begun after a step was handed over (or the dossier finished) does not concern that clock."""
    return [(p.started_at, moment) for p in pauses if p.ended_at is None and p.started_at < moment]


def shift(calendar: LegalCalendar, deadline: dt.datetime, paused: dt.timedelta) -> dt.datetime:
    """``deadline`` moved forward by ``paused`` working time (unchanged when zero)."""
    if paused <= ZERO:
        return deadline
    return calendar.add_working_time(deadline, paused)


def appointment_for(
    calendar: LegalCalendar, received_at: dt.datetime, *, amount: Decimal, unit: str
) -> tuple[dt.datetime, dt.datetime]:
    """(counted_from, appointment) of a dossier received at ``received_at``."""
    counted_from = calendar.counting_start(received_at, apply_cutoff=True)
    if unit == "working_hours":
        appointment = calendar.deadline(received_at, working_hours=amount)
    else:
        appointment = calendar.deadline(received_at, working_days=amount)
    return counted_from, appointment


def step_deadline(
    calendar: LegalCalendar, started_at: dt.datetime, allotted_hours: Decimal
) -> dt.datetime | None:
    if Decimal(allotted_hours) <= 0:
        return None
    return calendar.deadline(started_at, working_hours=Decimal(allotted_hours), apply_cutoff=False)


def classification_base(dossier: Dossier) -> tuple[dt.datetime, dt.datetime]:
    """(deadline the dossier is measured against, moment it was set)."""
    if dossier.apology_in_time and dossier.new_appointment_at and dossier.apologised_at:
        return dossier.new_appointment_at, dossier.apologised_at
    return dossier.appointment_at, dossier.received_at


def classify(
    dossier: Dossier,
    finished_at: dt.datetime,
    *,
    pauses: Sequence[DossierPause],
    calendar: LegalCalendar | None = None,
) -> str:
    """Early / on time / late of a dossier finished at ``finished_at`` (see module docstring)."""
    if dossier.supplement_count > 1:
        return Timeliness.LATE
    calendar = calendar or calendar_for(dossier)
    base, since = classification_base(dossier)
    left = calendar.remaining(
        base, finished_at, pause_intervals(pauses, now=finished_at, since=since)
    )
    if left < ZERO:
        return Timeliness.LATE
    if left >= hours(conf.early_margin_hours()):
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def classify_step(
    step: DossierStep,
    finished_at: dt.datetime,
    *,
    open_pauses: Sequence[Interval] = (),
    calendar: LegalCalendar,
) -> str:
    """Early / on time / late of a step handed over at ``finished_at``. ``step.due_at`` already
    includes closed pauses; ``open_pauses`` (a pause still running) are given back."""
    if step.due_at is None:
        return Timeliness.ON_TIME
    left = calendar.remaining(step.due_at, finished_at, open_pauses)
    if left < ZERO:
        return Timeliness.LATE
    if left >= hours(conf.step_early_margin_hours()):
        return Timeliness.EARLY
    return Timeliness.ON_TIME


@dataclass(frozen=True)
class Clock:
    """The state of one clock at ``now`` (or when it stopped)."""

    due_at: dt.datetime | None
    elapsed: dt.timedelta  # working time used, pauses excluded
    remaining: dt.timedelta | None  # signed working time left; negative when overdue
    paused: bool
    finished: bool
    overdue: bool
    text: str  # "còn 1 ngày 4 giờ", "quá hạn 2 ngày 3 giờ", "đang tạm dừng ..."
    classification: str  # final when finished, else what it would be if finished now


def dossier_clock(
    dossier: Dossier,
    *,
    now: dt.datetime | None = None,
    pauses: Sequence[DossierPause] | None = None,
    calendar: LegalCalendar | None = None,
) -> Clock:
    """The whole-dossier clock (pass prefetched ``pauses`` to avoid a query)."""
    calendar = calendar or calendar_for(dossier)
    if pauses is None:
        pauses = list(dossier.pauses.all())
    finished = dossier.finished_at is not None
    moment = dossier.finished_at if finished else (now or timezone.now())
    assert moment is not None
    all_pauses = pause_intervals(pauses, now=moment)
    elapsed = calendar.working_time_between(dossier.counted_from, moment, all_pauses)
    open_pauses = open_pause_intervals(pauses, moment=moment)
    # due_at already contains the closed pauses; a running pause is given back until now
    remaining = calendar.remaining(dossier.due_at, moment, open_pauses)
    paused = dossier.is_paused
    if finished:
        classification = dossier.classification or classify(
            dossier, moment, pauses=pauses, calendar=calendar
        )
        text = str(Timeliness(classification).label) if classification else ""
    else:
        classification = classify(dossier, moment, pauses=pauses, calendar=calendar)
        text = calendar.describe(remaining)
        if paused:
            text = f"đang tạm dừng chờ bổ sung ({text})"
    return Clock(
        due_at=dossier.due_at,
        elapsed=elapsed,
        remaining=remaining,
        paused=paused,
        finished=finished,
        overdue=remaining < ZERO,
        text=text,
        classification=classification,
    )


def step_clock(
    step: DossierStep,
    *,
    calendar: LegalCalendar,
    now: dt.datetime | None = None,
    pauses: Sequence[DossierPause] = (),
) -> Clock:
    """The clock of one process step (``pauses``: the dossier's pauses)."""
    finished = step.finished_at is not None
    moment = step.finished_at if finished else (now or timezone.now())
    assert moment is not None
    intervals = pause_intervals(pauses, now=moment)
    elapsed = calendar.working_time_between(step.started_at, moment, intervals)
    paused = any(p.ended_at is None for p in pauses) and not finished
    if step.due_at is None:
        return Clock(
            due_at=None,
            elapsed=elapsed,
            remaining=None,
            paused=paused,
            finished=finished,
            overdue=False,
            text="",
            classification=step.result or Timeliness.ON_TIME,
        )
    open_pauses = open_pause_intervals(pauses, moment=moment)
    remaining = calendar.remaining(step.due_at, moment, open_pauses)
    classification = step.result or classify_step(
        step, moment, open_pauses=open_pauses, calendar=calendar
    )
    text = (
        str(Timeliness(classification).label)
        if finished and classification
        else calendar.describe(remaining)
    )
    return Clock(
        due_at=step.due_at,
        elapsed=elapsed,
        remaining=remaining,
        paused=paused,
        finished=finished,
        overdue=remaining < ZERO,
        text=text,
        classification=classification,
    )
