"""Generated dossiers: what ``chinhquyen.dossiers.services`` would have written, loaded by COPY.

``prepare`` (Django ORM, in the parent process) resolves, with the app's own ``routing``
functions, where each procedure's dossiers go: the receiving agency (its code prefixes the
dossier code), the competent organisation and the unit of every process step, and picks the
officials who act at each step (``Staff`` creates bench officials where the demo has none). It
then spreads the dossiers over the receiving agencies and the days of the period (working days
for counter intake; online submissions at any time; communes from 1 July 2025, when they were
created).

``load`` simulates each dossier's life with the services' rules — intake (counter or online,
with the papers' table or the uploaded papers), payment, transfer, assignment, each process
step with its own clock, supplement requests (the clock stops), approval or finish, return of
the result, refusal, withdrawal, stop, rating — using the project's legal calendar
(``LegalCalendar``), clocks (``dossiers.clock``: appointment, step deadlines, early/on
time/late), PIN digest (``dossiers.pins``), normalisation (``core.text``) and request
fingerprint (``services._fingerprint``). Actions later than "now" do not happen: recent
dossiers stay open in whatever status they reached, so the open statuses come out of the
simulation. Rows go to the database with COPY, from ``workers`` processes.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import random
import time
import uuid
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from types import SimpleNamespace
from typing import Any

from bench import common, vn
from bench.copyload import Person, people
from bench.copyload import columns as copy_columns

TABLES = [
    "dossiers_dossier",
    "dossiers_dossierstep",
    "dossiers_dossierevent",
    "dossiers_dossierpause",
    "dossiers_dossierattachment",
    "dossiers_satisfactionrating",
    "dossiers_dossiercounter",
]
SAMPLE_FILE = "ho-so/bench/giay-to-mau.pdf"
REFORM_DAY = dt.date(2025, 7, 1)


@dataclass
class RStep:
    """One step of a route: a planned process step placed in a unit, with who acts there."""

    index: int  # position in the process plan (clone step ids are in the same order)
    kind: str
    name: str
    allotted: Decimal
    unit_id: int
    external_name: str
    assigners: list[Person]  # unit heads who assign a specialist (work steps only)
    assignees: list[Person]
    workers: list[Person]  # who hands the dossier on when nobody is assigned


@dataclass
class Route:
    key: tuple[int, int, int]
    receiving_id: int
    competent_id: int
    code_org_id: int
    agency_code: str
    calendar: Any
    intake: RStep | None
    core: list[RStep]
    ret: RStep | None
    desk: list[Person]
    managers: list[Person]


@dataclass
class Version:
    id: int
    procedure_id: int
    code: str
    name: str
    norm_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    step_ids: list[int]
    papers: list[tuple[int, str, bool]]  # (id, name, required)
    fee: int
    online: bool
    amount: Decimal
    unit: str
    forms: list[dict[str, Any]]
    template_id: int
    commune_level: bool


@dataclass
class Agency:
    id: int
    name: str
    is_commune: bool
    active_from: dt.date | None
    weight: float
    procedures: list[tuple[int, float]]  # (procedure id, weight)
    cumulative: list[float] = field(default_factory=list)


@dataclass
class Plan:
    now: dt.datetime
    window_start: dt.date
    count: int
    agencies: dict[int, Agency]
    versions: dict[int, list[Version]]  # procedure id -> versions by valid_from
    routes: dict[tuple[int, int, int], Route]
    online_routes: dict[int, Route]
    communes: list[int]
    citizens: list[dict[str, Any]]
    cells: list[tuple[dt.date, int, int, int]]  # (day, agency id, first dossier id, count)
    sample_sha256: str
    sample_size: int
    working_days: set[dt.date]
    periods: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]
    inbox: list[Any]
    meta: dict[str, Any]


# --------------------------------------------------------------------------------------------
# Preparation (Django ORM)
# --------------------------------------------------------------------------------------------


def _desk_unit(agency: Any) -> Any:
    from chinhquyen.orgs.models import Organisation, OrganisationKind

    if agency.kind in (OrganisationKind.SERVICE_CENTRE, OrganisationKind.ONE_STOP_DESK):
        return agency
    desk = (
        Organisation.objects.filter(
            path__startswith=agency.path, kind=OrganisationKind.ONE_STOP_DESK
        )
        .order_by("path")
        .first()
    )
    return desk or agency


def _route(template: Any, competent: Any, receiving: Any, staff: Any) -> Route:
    from chinhquyen.accounts.models import Role
    from chinhquyen.core.calendar import get_calendar
    from chinhquyen.dossiers import routing
    from chinhquyen.dossiers.models import StepKind
    from chinhquyen.orgs.models import Organisation, OrganisationKind

    plan = routing.plan_of(template)
    intake = routing.intake_step(plan)
    back = routing.return_step(plan)
    desk = people(staff.get(_desk_unit(receiving), Role.DESK_OFFICER, count=2))
    core: list[RStep] = []
    previous = receiving
    for planned in routing.core_steps(plan):
        unit, external = routing.unit_for_step(
            planned.step, competent=competent, previous_unit=previous
        )
        role = planned.step.responsible_role
        assigners: list[Person] = []
        assignees: list[Person] = []
        if planned.kind == StepKind.APPROVAL:
            workers = people(staff.get(unit, Role.LEADER))
        elif planned.kind == StepKind.EXTERNAL:
            handler_role = (
                Role.DESK_OFFICER
                if unit.kind in (OrganisationKind.SERVICE_CENTRE, OrganisationKind.ONE_STOP_DESK)
                else Role.SPECIALIST
            )
            workers = people(staff.get(unit, handler_role))
        elif role in ("", Role.SPECIALIST):
            assigners = people(staff.get(unit, Role.UNIT_HEAD))
            assignees = people(staff.get(unit, Role.SPECIALIST, count=2))
            workers = assigners
        else:
            workers = people(staff.get(unit, role))
        core.append(
            RStep(
                index=planned.index,
                kind=planned.kind,
                name=planned.step.name[:500],
                allotted=Decimal(planned.step.allotted_hours),
                unit_id=unit.pk,
                external_name=external[:255],
                assigners=assigners,
                assignees=assignees,
                workers=workers,
            )
        )
        previous = unit
    code_org = routing.coded_organisation(receiving)
    assert code_org is not None, f"{receiving} has no agency code"

    def desk_step(planned: Any) -> RStep | None:
        if planned is None:
            return None
        return RStep(
            index=planned.index,
            kind=planned.kind,
            name=planned.step.name[:500],
            allotted=Decimal(planned.step.allotted_hours),
            unit_id=receiving.pk,
            external_name="",
            assigners=[],
            assignees=[],
            workers=desk,
        )

    managers = people(staff.get(competent, Role.LEADER))
    assert Organisation.objects.filter(pk=receiving.pk).exists()
    return Route(
        key=(template.pk, competent.pk, receiving.pk),
        receiving_id=receiving.pk,
        competent_id=competent.pk,
        code_org_id=code_org.pk,
        agency_code=code_org.agency_code,
        calendar=get_calendar(competent.agency_code),
        intake=desk_step(intake),
        core=core,
        ret=desk_step(back),
        desk=desk,
        managers=managers,
    )


def _form_samples(template: Any, citizens: list[Any], rng: random.Random) -> list[dict]:
    from bench.forms import sample_answers
    from chinhquyen.catalog.forms_schema import validate_data

    out: list[dict] = []
    for user in citizens[:12]:
        who = {
            "name": user.full_name,
            "id_number": user.citizen_id or "037090001234",
            "phone": user.phone or "0912345678",
            "email": user.email or "congdan@bench.chinhquyen.local",
            "birth": dt.date(1990, 5, 12),
            "ward": "phường Hoa Lư",
        }
        data = sample_answers(template.form_schema or {}, rng, who)
        if not validate_data(template.form_schema, data):
            out.append(data)
        if len(out) == 3:
            break
    return out


def prepare(
    *,
    clones: list[Any],
    staff: Any,
    citizens: list[Any],
    count: int,
    window_start: dt.date,
    now: dt.datetime,
    rng: random.Random,
    sample_sha256: str,
    sample_size: int,
) -> Plan:
    from chinhquyen.catalog.models import OnlineLevel, ProcedureVersion
    from chinhquyen.core.calendar import VN_TZ, get_calendar
    from chinhquyen.core.text import normalize_search
    from chinhquyen.dossiers import routing
    from chinhquyen.orgs.models import Organisation, OrganisationKind

    templates = {
        v.pk: v
        for v in ProcedureVersion.objects.filter(
            pk__in={c.template_version_id for c in clones}
        ).prefetch_related("competent_organisations", "papers", "fees", "steps")
    }
    centre = Organisation.objects.get(kind=OrganisationKind.SERVICE_CENTRE)
    communes = list(
        Organisation.objects.filter(kind=OrganisationKind.COMMUNE_COMMITTEE)
        .active(now.date())
        .order_by("path")
    )
    all_versions = {
        v.pk: v
        for v in ProcedureVersion.objects.filter(
            procedure_id__in=[c.procedure_id for c in clones]
        ).prefetch_related("steps", "papers", "fees")
    }
    forms = {pk: _form_samples(t, citizens, rng) for pk, t in templates.items()}
    versions: dict[int, list[Version]] = {}
    for clone in clones:
        t = templates[clone.template_version_id]
        rows = []
        for vid, valid_from, valid_to, name in clone.versions:
            v = all_versions[vid]
            steps = sorted(v.steps.all(), key=lambda s: (s.order, s.pk))
            papers = sorted(v.papers.all(), key=lambda p: (p.order, p.pk))
            fees = sorted(v.fees.all(), key=lambda f: (f.order, f.pk))
            # online needs a competent organisation the applicant can name (resolve_competent)
            # and answers that pass the form's schema
            explicit = [o for o in t.competent_organisations.all() if o.valid_to is None]
            online = (
                v.online_level in (OnlineLevel.PARTIAL, OnlineLevel.FULL)
                and (t.competent_all_communes or len(explicit) == 1)
                and bool(forms[t.pk] or not t.form_schema)
            )
            rows.append(
                Version(
                    id=vid,
                    procedure_id=clone.procedure_id,
                    code=clone.code,
                    name=name[:500],
                    norm_name=normalize_search(name[:500]),
                    valid_from=valid_from,
                    valid_to=valid_to,
                    step_ids=[s.pk for s in steps],
                    papers=[(p.pk, p.name, p.required) for p in papers],
                    fee=int(fees[0].amount) if fees else 0,
                    online=online,
                    amount=Decimal(v.processing_time),
                    unit=v.processing_time_unit,
                    forms=forms[t.pk] or [{}],
                    template_id=t.pk,
                    commune_level=t.competent_all_communes,
                )
            )
        versions[clone.procedure_id] = sorted(rows, key=lambda r: r.valid_from)

    # receiving agencies and their procedures
    agencies: dict[int, Agency] = {
        centre.pk: Agency(centre.pk, centre.name, False, None, 1.0, []),
    }
    for c in communes:
        agencies[c.pk] = Agency(c.pk, c.name, True, c.valid_from, 1.9, [])
    routes: dict[tuple[int, int, int], Route] = {}
    online_routes: dict[int, Route] = {}
    for clone in clones:
        t = templates[clone.template_version_id]
        if t.competent_all_communes:
            for c in communes:
                agencies[c.pk].procedures.append((clone.procedure_id, clone.weight))
        else:
            agencies[centre.pk].procedures.append((clone.procedure_id, clone.weight))
    # routes: every (template, competent, receiving) a dossier can take
    for t in templates.values():
        explicit = [o for o in t.competent_organisations.all() if o.valid_to is None]
        if t.competent_all_communes:
            # received at its own commune, or (phi địa giới) at the next commune's desk
            for i, receiving in enumerate(communes):
                for competent in (receiving, communes[(i + 1) % len(communes)]):
                    key = (t.pk, competent.pk, receiving.pk)
                    if key not in routes:
                        routes[key] = _route(t, competent, receiving, staff)
        else:
            competent = explicit[0] if len(explicit) == 1 else centre
            routes[(t.pk, competent.pk, centre.pk)] = _route(t, competent, centre, staff)
            receiving = routing.online_receiving_organisation(t, competent)
            if receiving.pk == centre.pk:
                online_routes[t.pk] = routes[(t.pk, competent.pk, centre.pk)]
            else:  # received online elsewhere than at the centre's desk: counter only here
                for rows in versions.values():
                    for row in rows:
                        if row.template_id == t.pk:
                            row.online = False
    for agency in agencies.values():
        agency.cumulative = list(accumulate(w for _p, w in agency.procedures))

    # the days, their working periods, and the dossiers per (day, agency)
    calendar = get_calendar()
    # every day of the period up to yesterday (Vietnam time): today starts empty
    today = now.astimezone(VN_TZ).date()
    days = [window_start + dt.timedelta(days=i) for i in range((today - window_start).days)]
    working = {d for d in days if calendar.is_working_day(d)}
    periods = {d: calendar.working_periods(d) for d in working}
    total_days = len(days)
    weights: list[tuple[dt.date, int, float]] = []
    for i, day in enumerate(days):
        growth = 0.8 + 0.4 * i / max(1, total_days - 1)
        base = 1.0 if day in working else 0.06  # weekends and holidays: online only
        for agency in agencies.values():
            if agency.active_from and day < agency.active_from:
                continue
            if not agency.procedures:
                continue
            weights.append((day, agency.id, agency.weight * growth * base))
    cells: list[tuple[dt.date, int, int, int]] = []
    counts = common.allocate([w for _d, _a, w in weights], count, rng)
    next_id = 1 + _max_dossier_id()
    for (day, agency_id, _w), n in zip(weights, counts, strict=True):
        if n:
            cells.append((day, agency_id, next_id, n))
            next_id += n

    people = [
        {
            "id": u.pk,
            "name": str(u),
            "id_number": u.citizen_id or u.tax_code,
            "address": u.address,
            "phone": u.phone,
            "email": u.email,
            "organisation": u.organisation_name,
        }
        for u in citizens
    ]
    inbox_people = _inbox_users(routes, staff, centre)
    submit = _submit_meta(communes)
    meta = {
        "centre_id": centre.pk,
        "communes": [c.pk for c in communes],
        "submit": submit,
        "tz": str(VN_TZ),
    }
    return Plan(
        now=now,
        window_start=window_start,
        count=count,
        agencies=agencies,
        versions=versions,
        routes=routes,
        online_routes=online_routes,
        communes=[c.pk for c in communes],
        citizens=people,
        cells=cells,
        sample_sha256=sample_sha256,
        sample_size=sample_size,
        working_days=working,
        periods=periods,
        inbox=inbox_people,
        meta=meta,
    )


def _max_dossier_id() -> int:
    from chinhquyen.dossiers.models import Dossier

    return Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _inbox_users(routes: dict[tuple[int, int, int], Route], staff: Any, centre: Any) -> list[Any]:
    """Sixteen officials whose inbox the inbox scenario reads: desk officers of the provincial
    centre and of the communes, unit heads and specialists of the units on the routes."""
    from chinhquyen.accounts.models import User

    ids: list[int] = []
    for route in routes.values():
        for person in route.desk:
            if person[0] not in ids:
                ids.append(person[0])
    for route in routes.values():
        for step in route.core:
            for person in step.assigners + step.assignees:
                if person[0] not in ids:
                    ids.append(person[0])
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    return [users[i] for i in ids[:16]]


def _submit_meta(communes: list[Any]) -> dict[str, Any]:
    """What the submit scenario posts: demo procedure 1.001193 (birth registration, fully
    online), a valid form, one PDF per required paper, a commune as competent organisation."""
    from bench.forms import sample_answers
    from chinhquyen.catalog.forms_schema import validate_data
    from chinhquyen.catalog.selectors import procedure_version_current

    version = procedure_version_current("1.001193")
    assert version is not None
    who = {
        "name": "Nguyễn Văn Bình",
        "id_number": "037090001234",
        "phone": "0912345678",
        "email": "congdan@bench.chinhquyen.local",
        "birth": dt.date(2026, 1, 15),
        "ward": "phường Hoa Lư",
    }
    rng = random.Random(7)
    form: dict[str, Any] = {}
    for _ in range(20):
        form = sample_answers(version.form_schema, rng, who)
        if not validate_data(version.form_schema, form):
            break
    else:
        raise SystemExit("cannot build a valid form for 1.001193")
    return {
        "procedure": "1.001193",
        "form_data": form,
        "papers": [p.pk for p in version.papers.filter(required=True).order_by("order", "pk")],
        "communes": [c.pk for c in communes],
    }


def inbox_users(plan: Plan) -> list[Any]:
    return plan.inbox


def meta(plan: Plan) -> dict[str, Any]:
    return plan.meta


# --------------------------------------------------------------------------------------------
# Simulation and COPY (worker processes)
# --------------------------------------------------------------------------------------------

_PLAN: Plan | None = None


class Writer:
    """The COPY streams of one worker and the simulation of one dossier at a time."""

    def __init__(self, conn: Any, plan: Plan, rng: random.Random, pairs_every: int) -> None:
        from django.apps import apps

        from bench.copyload import Copier

        self.plan = plan
        self.rng = rng
        self.pairs_every = max(1, pairs_every)
        self.pairs: list[tuple[str, str]] = []
        dossier_model = apps.get_model("dossiers.Dossier")
        self.dossier_columns = [f.column for f in dossier_model._meta.concrete_fields]
        self.copiers = {
            "dossier": Copier(conn, "dossiers_dossier", self.dossier_columns),
            "step": Copier(conn, "dossiers_dossierstep", copy_columns("dossiers.DossierStep")),
            "event": Copier(conn, "dossiers_dossierevent", copy_columns("dossiers.DossierEvent")),
            "pause": Copier(
                conn,
                "dossiers_dossierpause",
                ["id", *copy_columns("dossiers.DossierPause")],
            ),
            "attachment": Copier(
                conn, "dossiers_dossierattachment", copy_columns("dossiers.DossierAttachment")
            ),
            "rating": Copier(
                conn, "dossiers_satisfactionrating", copy_columns("dossiers.SatisfactionRating")
            ),
            "counter": Copier(
                conn, "dossiers_dossiercounter", copy_columns("dossiers.DossierCounter")
            ),
        }
        self.by_receiving = {(k[0], k[2]): r for k, r in plan.routes.items()}
        self.online_routes = plan.online_routes
        self.step_columns = copy_columns("dossiers.DossierStep")
        expected = {
            "dossiers.DossierStep": "dossier_id step_id kind name from_unit_id unit_id "
            "external_name assignee_id started_at allotted_hours due_at finished_at "
            "finished_by_id result",
            "dossiers.DossierEvent": "dossier_id actor_id actor_name at action from_status "
            "to_status reason data",
            "dossiers.DossierPause": "dossier_id kind started_at ended_at reason "
            "requested_papers requested_by_id answer_note working_time",
            "dossiers.DossierAttachment": "dossier_id kind paper_id paper_name copy_kind pause_id "
            "file original_name content_type size sha256 uploaded_by_id uploaded_at",
            "dossiers.SatisfactionRating": "dossier_id score comment rated_by_id rated_at",
            "dossiers.DossierCounter": "organisation_id day last_number",
        }
        for label, columns in expected.items():
            assert copy_columns(label) == columns.split(), (label, copy_columns(label))
        self.event_columns = copy_columns("dossiers.DossierEvent")
        self.checked = 0
        from chinhquyen.core.text import normalize_search

        self.normalize_search = normalize_search
        self.norm: Callable[[str], str] = functools.lru_cache(maxsize=200_000)(normalize_search)

    def __enter__(self) -> Writer:
        for c in self.copiers.values():
            c.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for c in self.copiers.values():
            c.__exit__(*exc)

    def counts(self) -> dict[str, int]:
        return {f"dossiers_{k}": c.rows for k, c in self.copiers.items()}

    # ---- one cell: the dossiers received by one agency on one day ----------------------------

    def cell(self, day: dt.date, agency_id: int, first_id: int, count: int) -> None:
        plan = self.plan
        rng = self.rng
        agency = plan.agencies[agency_id]
        working = day in plan.working_days
        progress = (day - plan.window_start).days / max(
            1, (plan.now.date() - plan.window_start).days
        )
        online_share = 0.3 + 0.3 * progress
        specs = []
        for _ in range(count):
            online = (not working) or rng.random() < online_share
            for _attempt in range(50):
                version = self._pick_version(agency, day, online=online)
                if version is not None:
                    break
                online = not online if working else online
            if version is None:
                continue
            received = self._moment(day, online=online or not working)
            specs.append((received, version, online))
        specs.sort(key=lambda s: s[0])
        coded = None
        for n, (received, version, online) in enumerate(specs, start=1):
            route = self._route_for(version, agency, online)
            coded = route
            self.dossier(first_id + n - 1, n, received, version, route, online)
        if coded is not None and specs:
            self.copiers["counter"].row([coded.code_org_id, day, len(specs)])

    def _pick_version(self, agency: Agency, day: dt.date, *, online: bool) -> Version | None:
        rng = self.rng
        for _ in range(8):
            index = bisect_right(agency.cumulative, rng.random() * agency.cumulative[-1])
            pid = agency.procedures[min(index, len(agency.procedures) - 1)][0]
            for v in self.plan.versions[pid]:
                if v.valid_from <= day and (v.valid_to is None or day <= v.valid_to):
                    if online and not v.online:
                        break
                    return v
        return None

    def _moment(self, day: dt.date, *, online: bool) -> dt.datetime:
        from chinhquyen.core.calendar import VN_TZ

        rng = self.rng
        periods = self.plan.periods.get(day)
        if online or not periods:
            hour = rng.choices(range(24), weights=_ONLINE_HOURS)[0]
            local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
            return local.replace(tzinfo=VN_TZ).astimezone(dt.UTC)
        start, end = periods[rng.randrange(len(periods))]
        span = (end - start).total_seconds()
        return (start + dt.timedelta(seconds=int(rng.random() * span))).astimezone(dt.UTC)

    def _route_for(self, version: Version, agency: Agency, online: bool) -> Route:
        routes = self.plan.routes
        if agency.is_commune:
            competent = agency.id
            if not online and self.rng.random() < 0.05:  # phi địa giới: another commune's case
                competent = self.rng.choice(self.plan.communes)
            route = routes.get((version.template_id, competent, agency.id))
            if route is not None:
                return route
            return routes[(version.template_id, agency.id, agency.id)]
        if online:
            return self.online_routes[version.template_id]
        return self.by_receiving[(version.template_id, agency.id)]

    # ---- one dossier -------------------------------------------------------------------------

    def dossier(
        self,
        dossier_id: int,
        sequence: int,
        received_at: dt.datetime,
        v: Version,
        route: Route,
        online: bool,
    ) -> None:
        from chinhquyen.core.calendar import VN_TZ
        from chinhquyen.dossiers import clock, services
        from chinhquyen.dossiers.pins import pin_digest

        plan, rng, cal, now = self.plan, self.rng, route.calendar, self.plan.now
        code = f"{route.agency_code}-{received_at.astimezone(VN_TZ):%y%m%d}-{sequence:04d}"
        pin = f"{rng.randrange(10**6):06d}"
        counted_from, appointment = clock.appointment_for(
            cal, received_at, amount=v.amount, unit=v.unit
        )
        # applicant
        applicant: dict[str, Any] | None = None
        if online:
            applicant = plan.citizens[rng.randrange(len(plan.citizens))]
            details = {k: applicant[k] for k in ("name", "id_number", "address", "phone", "email")}
            details["organisation"] = applicant["organisation"]
        else:
            details = self._walk_in()
        channel = 2 if online else (3 if rng.random() < 0.04 else 1)
        form = v.forms[rng.randrange(len(v.forms))] if online else {}
        required = [p for p in v.papers if p[2]]
        if online:
            uploads = required + [p for p in v.papers if not p[2] and rng.random() < 0.3]
            papers_received: list[dict[str, Any]] = []
        else:
            uploads = []
            papers_received = [
                {
                    "paper_id": pid,
                    "name": name,
                    "original": 1,
                    "certified_copy": int(rng.random() < 0.3),
                    "photocopy": int(rng.random() < 0.2),
                }
                for pid, name, req in v.papers
                if req or rng.random() < 0.3
            ]
        key = uuid.UUID(int=rng.getrandbits(128)).hex if online else ""
        fingerprint = ""
        if key:
            fingerprint = services._fingerprint(
                SimpleNamespace(pk=v.id),  # type: ignore[arg-type]
                SimpleNamespace(pk=route.competent_id) if v.commune_level else None,  # type: ignore[arg-type]
                form,
                [
                    (SimpleNamespace(paper_id=pid), SimpleNamespace(sha256=plan.sample_sha256))
                    for pid, _n, _r in uploads
                ],  # type: ignore[arg-type]
            )
        desk = route.desk[rng.randrange(len(route.desk))]
        applicant_person: Person | None = (
            (applicant["id"], applicant["name"]) if applicant else None
        )

        state = SimpleNamespace(
            status="received",
            status_before_pause="",
            supplement_count=0,
            paused_total=dt.timedelta(0),
            due_at=appointment,
            appointment_at=appointment,
            received_at=received_at,
            apology_in_time=None,
            new_appointment_at=None,
            apologised_at=None,
            finished_at=None,
            returned_at=None,
            classification="",
            current_step=route.intake.index if route.intake else None,
            current_unit=route.receiving_id,
            current_assignee=None,
            payment_status="unpaid" if v.fee > 0 else "not_required",
            last=received_at,
        )
        steps: list[dict[str, Any]] = []
        pauses: list[SimpleNamespace] = []
        events = self.copiers["event"]

        def iso(value: dt.datetime) -> str:
            return value.astimezone(VN_TZ).isoformat()

        def record(
            action: str,
            actor: Person | None,
            at: dt.datetime,
            before: str,
            after: str,
            reason: str = "",
            data: dict[str, Any] | None = None,
        ) -> None:
            events.row(
                [
                    dossier_id,
                    actor[0] if actor else None,
                    actor[1] if actor else "Hệ thống",
                    at,
                    action,
                    before,
                    after,
                    reason,
                    data or {},
                ]
            )
            state.last = at

        def start_step(
            rstep: RStep | None,
            *,
            kind: str,
            name: str,
            unit: int,
            from_unit: int | None,
            at: dt.datetime,
            assignee: Person | None = None,
            external: str = "",
        ) -> dict[str, Any]:
            allotted = rstep.allotted if rstep is not None else Decimal(0)
            row = {
                "step": v.step_ids[rstep.index] if rstep is not None else None,
                "kind": kind,
                "name": (rstep.name if rstep is not None else name)[:500],
                "from_unit": from_unit,
                "unit": unit,
                "external_name": external,
                "assignee": assignee[0] if assignee else None,
                "started_at": at,
                "allotted": allotted,
                "due_at": clock.step_deadline(cal, at, allotted),
                "finished_at": None,
                "finished_by": None,
                "result": "",
            }
            steps.append(row)
            return row

        def close_step(actor: Person | None, at: dt.datetime) -> None:
            row = next((s for s in reversed(steps) if s["finished_at"] is None), None)
            if row is None:
                return
            open_pauses = [
                (p.started_at, at) for p in pauses if p.ended_at is None and p.started_at < at
            ]
            row["finished_at"] = at
            row["finished_by"] = actor[0] if actor else None
            row["result"] = clock.classify_step(
                SimpleNamespace(due_at=row["due_at"]),  # type: ignore[arg-type]
                at,
                open_pauses=open_pauses,
                calendar=cal,
            )

        def finish(at: dt.datetime) -> None:
            if state.finished_at is not None:
                return
            state.finished_at = at
            state.classification = clock.classify(state, at, pauses=pauses, calendar=cal)  # type: ignore[arg-type]

        def move_to(rstep: RStep, actor: Person, at: dt.datetime) -> dict[str, Any]:
            previous = state.current_unit
            close_step(actor, at)
            row = start_step(
                rstep,
                kind=rstep.kind,
                name=rstep.name,
                unit=rstep.unit_id,
                from_unit=previous,
                at=at,
                external=rstep.external_name,
            )
            state.current_step = rstep.index
            state.current_unit = rstep.unit_id
            state.current_assignee = None
            return row

        def later(at: dt.datetime, hours: float) -> dt.datetime:
            return cal.add_working_time(at, dt.timedelta(seconds=max(60.0, hours * 3600)))

        def request_supplement(actor: Person, at: dt.datetime) -> None:
            before = state.status
            pid = 2 * dossier_id + len(pauses)
            items = []
            if v.papers:
                paper_id, paper_name, _req = v.papers[rng.randrange(len(v.papers))]
                items = [
                    {"paper_id": paper_id, "name": " ".join(paper_name.split())[:1000], "note": ""}
                ]
            reason = vn.SUPPLEMENT_REASONS[rng.randrange(len(vn.SUPPLEMENT_REASONS))]
            pauses.append(
                SimpleNamespace(
                    id=pid,
                    started_at=at,
                    ended_at=None,
                    reason=reason,
                    requested_papers=items,
                    requested_by=actor[0],
                    answer_note="",
                    working_time=None,
                )
            )
            state.status_before_pause = before
            state.status = "supplement_requested"
            state.supplement_count += 1
            record(
                "request_supplement",
                actor,
                at,
                before,
                state.status,
                reason,
                {"pause_id": pid, "requested_papers": items},
            )

        def close_pause(at: dt.datetime, note: str = "") -> tuple[Any, dt.timedelta]:
            pause = next((p for p in reversed(pauses) if p.ended_at is None), None)
            if pause is None:
                return None, dt.timedelta(0)
            paused = cal.working_time_between(pause.started_at, at)
            pause.ended_at = at
            pause.working_time = paused
            pause.answer_note = note
            state.paused_total += paused
            return pause, paused

        def answer_supplement(actor: Person, at: dt.datetime) -> None:
            before = state.status
            note = vn.ANSWER_NOTES[rng.randrange(len(vn.ANSWER_NOTES))]
            pause, paused = close_pause(at, note)
            state.due_at = clock.shift(cal, state.due_at, paused)
            row = next((s for s in reversed(steps) if s["finished_at"] is None), None)
            if row is not None and row["due_at"] is not None and pause is not None:
                moved = cal.working_time_between(max(pause.started_at, row["started_at"]), at)
                row["due_at"] = clock.shift(cal, row["due_at"], moved)
            state.status = state.status_before_pause or "processing"
            state.status_before_pause = ""
            record(
                "supplement_answer",
                actor,
                at,
                before,
                state.status,
                note,
                {
                    "pause_id": pause.id if pause else None,
                    "paused_seconds": int(paused.total_seconds()),
                    "due_at": iso(state.due_at),
                    "files": 0,
                },
            )

        def terminate(
            action: str, actor: Person, at: dt.datetime, reason: str, extra: dict
        ) -> None:
            before = state.status
            close_step(actor, at)
            close_pause(at)
            state.status = "refused" if action == "refuse" else "stopped"
            state.status_before_pause = ""
            state.current_step = None
            state.current_unit = None
            state.current_assignee = None
            finish(at)
            record(
                action,
                actor,
                at,
                before,
                state.status,
                reason,
                {"classification": state.classification, **extra},
            )

        # ---- the life of the dossier --------------------------------------------------------
        start_step(
            route.intake,
            kind="intake",
            name="Tiếp nhận hồ sơ",
            unit=route.receiving_id,
            from_unit=None,
            at=received_at,
            assignee=None if online else desk,
        )
        record(
            "receive",
            applicant_person if online else desk,
            received_at,
            "",
            "received",
            "",
            {
                "channel": channel,
                "appointment_at": iso(appointment),
                "counted_from": iso(counted_from),
                "files": len(uploads),
            },
        )
        self._life(
            state=state,
            v=v,
            route=route,
            rng=rng,
            now=now,
            online=online,
            desk=desk,
            applicant=applicant_person,
            record=record,
            move_to=move_to,
            close_step=close_step,
            start_step=start_step,
            finish=finish,
            later=later,
            request_supplement=request_supplement,
            answer_supplement=answer_supplement,
            terminate=terminate,
            steps=steps,
            dossier_id=dossier_id,
        )

        # ---- rows ---------------------------------------------------------------------------
        for row in steps:
            self.copiers["step"].row(
                [
                    dossier_id,
                    row["step"],
                    row["kind"],
                    row["name"],
                    row["from_unit"],
                    row["unit"],
                    row["external_name"],
                    row["assignee"],
                    row["started_at"],
                    row["allotted"],
                    row["due_at"],
                    row["finished_at"],
                    row["finished_by"],
                    row["result"],
                ]
            )
        for p in pauses:
            self.copiers["pause"].row(
                [
                    p.id,
                    dossier_id,
                    "supplement",
                    p.started_at,
                    p.ended_at,
                    p.reason,
                    p.requested_papers,
                    p.requested_by,
                    p.answer_note,
                    p.working_time,
                ]
            )
        for pid, name, _req in uploads:
            self.copiers["attachment"].row(
                [
                    dossier_id,
                    "paper",
                    pid,
                    name[:1000],
                    "",
                    None,
                    SAMPLE_FILE,
                    "giay-to.pdf",
                    "application/pdf",
                    plan.sample_size,
                    plan.sample_sha256,
                    applicant_person[0] if applicant_person else None,
                    received_at,
                ]
            )
        parts = [
            code,
            code.replace(".", "").replace("-", ""),
            details["name"],
            details["organisation"],
            details["id_number"],
            v.name,
            v.code,
        ]
        search = " ".join(n for n in (self.norm(p) for p in parts if p) if n)[:1000]
        if self.checked < 300:
            self.checked += 1
            exact = self.normalize_search(" ".join(p for p in parts if p))[:1000]
            assert search == exact, (search, exact)
        values = {
            "id": dossier_id,
            "code": code,
            "lookup_pin_hash": pin_digest(code, pin),
            "procedure_id": v.procedure_id,
            "procedure_version_id": v.id,
            "procedure_name": v.name,
            "competent_organisation_id": route.competent_id,
            "receiving_organisation_id": route.receiving_id,
            "channel": channel,
            "applicant_id": applicant_person[0] if applicant_person else None,
            "applicant_name": details["name"],
            "applicant_id_number": details["id_number"],
            "applicant_address": details["address"],
            "applicant_phone": details["phone"],
            "applicant_email": details["email"],
            "applicant_organisation": details["organisation"],
            "form_data": form,
            "papers_received": papers_received,
            "set_count": 1,
            "idempotency_key": key,
            "request_fingerprint": fingerprint,
            "status": state.status,
            "status_before_pause": state.status_before_pause,
            "received_at": received_at,
            "counted_from": counted_from,
            "appointment_at": appointment,
            "new_appointment_at": None,
            "apologised_at": None,
            "apology_in_time": None,
            "due_at": state.due_at,
            "finished_at": state.finished_at,
            "returned_at": state.returned_at,
            "supplement_count": state.supplement_count,
            "paused_total": state.paused_total,
            "current_step_id": (
                v.step_ids[state.current_step] if state.current_step is not None else None
            ),
            "current_unit_id": state.current_unit,
            "current_assignee_id": state.current_assignee,
            "classification": state.classification,
            "fee_total": v.fee,
            "fee_case_id": None,  # the procedure's first (only) fee case: fee_total above
            "result_delivery": "online" if channel == 2 else "counter",  # 2: online channel
            "payment_status": state.payment_status,
            "search_text": search,
            "created_at": received_at,
            "updated_at": state.last,
        }
        self.copiers["dossier"].row([values[c] for c in self.dossier_columns])
        if dossier_id % self.pairs_every == 0:
            self.pairs.append((code, pin))

    def _walk_in(self) -> dict[str, str]:
        rng = self.rng
        name, female = vn.person(rng)
        organisation = vn.business(rng) if rng.random() < 0.08 else ""
        return {
            "name": name,
            "id_number": (
                vn.citizen_id(rng, female=female, birth_year=rng.randint(1950, 2007))
                if rng.random() < 0.92
                else ""
            ),
            "address": vn.address(rng, rng.choice(_WARDS)),
            "phone": vn.phone(rng) if rng.random() < 0.85 else "",
            "email": (
                f"nguoidan{rng.randrange(10**6):06d}@gmail.com" if rng.random() < 0.2 else ""
            ),
            "organisation": organisation,
        }

    def _life(
        self,
        *,
        state: Any,
        v: Version,
        route: Route,
        rng: random.Random,
        now: dt.datetime,
        online: bool,
        desk: Person,
        applicant: Person | None,
        record: Any,
        move_to: Any,
        close_step: Any,
        start_step: Any,
        finish: Any,
        later: Any,
        request_supplement: Any,
        answer_supplement: Any,
        terminate: Any,
        steps: list,
        dossier_id: int,
    ) -> None:
        """The actions after intake, in order, until the dossier ends or "now" comes."""
        at = state.last
        u = rng.random()
        outcome = (
            "refuse"
            if u < 0.02
            else "withdraw"
            if u < 0.035
            else "stop"
            if u < 0.043
            else "complete"
        )
        supplements = 0
        s = rng.random()
        if s < 0.015:
            supplements = 2
        elif s < 0.09:
            supplements = 1
        supplement_at_intake = rng.random() < 0.5

        # payment of the fee (online through the gateway, at the counter in cash)
        if v.fee > 0 and outcome != "refuse" and rng.random() < 0.85:
            t = at + dt.timedelta(minutes=rng.randint(1, 40))
            if t > now:
                return
            reference = (
                f"{t:%y%m%d}{rng.randrange(10**8):08d}" if online else f"BL-{t:%Y}-{dossier_id:07d}"
            )
            record(
                "payment",
                None,
                t,
                state.status,
                state.status,
                "",
                {"from": state.payment_status, "to": "paid", "reference": reference},
            )
            state.payment_status = "paid"
            at = t

        who_answers = applicant if (online and applicant) else desk
        # at the desk
        if supplements and supplement_at_intake:
            t = later(at, rng.uniform(0.2, 3.0))
            if t > now:
                return
            request_supplement(desk, t)
            supplements -= 1
            t2 = later(t, rng.uniform(4, 60))
            if t2 > now:
                return
            answer_supplement(who_answers, t2)
            at = t2
        if outcome == "refuse":
            t = later(at, rng.uniform(0.1, 4))
            if t > now:
                return
            reason = vn.REFUSE_REASONS[rng.randrange(len(vn.REFUSE_REASONS))]
            terminate("refuse", desk, t, reason, {})
            return
        withdraw_step = (
            rng.randrange(len(route.core) + 1) if outcome in ("withdraw", "stop") else -1
        )
        if withdraw_step == 0 and outcome == "withdraw":
            t = later(at, rng.uniform(0.5, 6))
            if t > now:
                return
            reason = (
                vn.WITHDRAW_REASONS[rng.randrange(len(vn.WITHDRAW_REASONS))]
                or "Người nộp rút hồ sơ."
            )
            terminate("withdraw", who_answers, t, reason, {"withdrawn": True})
            return
        intake_hours = float(route.intake.allotted) if route.intake else 0.5
        t = later(at, max(0.05, intake_hours * rng.lognormvariate(-0.9, 0.5)))
        if t > now or not route.core:
            return
        first = route.core[0]
        before = state.status
        row = move_to(first, desk, t)
        state.status = "transferred"
        record(
            "transfer",
            desk,
            t,
            before,
            "transferred",
            "",
            {"unit_id": row["unit"], "step": row["name"]},
        )
        at = t
        for i, rstep in enumerate(route.core):
            factor = min(4.0, rng.lognormvariate(-0.9, 0.5))
            budget = float(rstep.allotted) * factor or rng.uniform(0.25, 2)
            handler = rstep.workers[rng.randrange(len(rstep.workers))]
            if rstep.assigners:
                assigner = rstep.assigners[rng.randrange(len(rstep.assigners))]
                assignee = rstep.assignees[rng.randrange(len(rstep.assignees))]
                t = later(at, budget * rng.uniform(0.03, 0.2))
                if t > now:
                    return
                before = state.status
                steps[-1]["assignee"] = assignee[0]
                state.current_assignee = assignee[0]
                state.status = "processing"
                record(
                    "assign",
                    assigner,
                    t,
                    before,
                    "processing",
                    "",
                    {"assignee_id": assignee[0], "assignee": assignee[1]},
                )
                handler = assignee
                at = t
            if supplements and rstep.kind == "work":
                t = later(at, budget * rng.uniform(0.1, 0.4))
                if t > now:
                    return
                request_supplement(handler, t)
                supplements -= 1
                t2 = later(t, rng.uniform(4, 60))
                if t2 > now:
                    return
                answer_supplement(who_answers, t2)
                at = t2
                if supplements:  # a second request on the same step
                    t = later(at, budget * rng.uniform(0.1, 0.3))
                    if t > now:
                        return
                    request_supplement(handler, t)
                    supplements -= 1
                    t2 = later(t, rng.uniform(4, 40))
                    if t2 > now:
                        return
                    answer_supplement(who_answers, t2)
                    at = t2
            if withdraw_step == i + 1:
                t = later(at, budget * rng.uniform(0.2, 0.6))
                if t > now:
                    return
                if outcome == "withdraw":
                    reason = (
                        vn.WITHDRAW_REASONS[rng.randrange(len(vn.WITHDRAW_REASONS))]
                        or "Người nộp rút hồ sơ."
                    )
                    terminate("withdraw", who_answers, t, reason, {"withdrawn": True})
                else:
                    manager = route.managers[rng.randrange(len(route.managers))]
                    reason = vn.STOP_REASONS[rng.randrange(len(vn.STOP_REASONS))]
                    terminate("stop", manager, t, reason, {"withdrawn": False})
                return
            t = later(at, budget * rng.uniform(0.6, 0.95))
            if t > now:
                return
            before = state.status
            if i == len(route.core) - 1:
                action = "approve" if rstep.kind == "approval" else "finish"
                previous = state.current_unit
                close_step(handler, t)
                start_step(
                    route.ret,
                    kind="return",
                    name="Trả kết quả",
                    unit=route.receiving_id,
                    from_unit=previous,
                    at=t,
                )
                state.current_step = route.ret.index if route.ret else None
                state.current_unit = route.receiving_id
                state.current_assignee = None
                state.status = "result_ready"
                finish(t)
                record(
                    action,
                    handler,
                    t,
                    before,
                    "result_ready",
                    "",
                    {"classification": state.classification},
                )
            else:
                following = route.core[i + 1]
                action = "submit_for_approval" if following.kind == "approval" else "step_complete"
                target = "awaiting_approval" if following.kind == "approval" else "processing"
                row = move_to(following, handler, t)
                state.status = target
                record(
                    action,
                    handler,
                    t,
                    before,
                    target,
                    "",
                    {"unit_id": row["unit"], "step": row["name"]},
                )
            at = t
        # the desk returns the result
        t = later(at, min(60.0, rng.lognormvariate(1.2, 1.0)))
        if t > now:
            return
        returner = desk
        close_step(returner, t)
        finish(t)
        state.returned_at = t
        state.status = "returned"
        state.current_step = None
        state.current_unit = None
        state.current_assignee = None
        record("return_result", returner, t, "result_ready", "returned")
        if online and applicant and rng.random() < 0.25:
            t2 = t + dt.timedelta(minutes=rng.randint(30, 4000))
            if t2 > now:
                return
            score = rng.choices([1, 2, 3], weights=[4, 46, 50])[0]
            comment = vn.RATING_COMMENTS[rng.randrange(len(vn.RATING_COMMENTS))]
            self.copiers["rating"].row([dossier_id, score, comment, applicant[0], t2])
            record("rate", applicant, t2, "returned", "returned", "", {"score": score})


_WARDS = [
    "phường Hoa Lư",
    "phường Nam Hoa Lư",
    "phường Tây Hoa Lư",
    "phường Đông Hoa Lư",
    "phường Tam Điệp",
    "phường Phủ Lý",
    "phường Nam Định",
    "xã Gia Viễn",
    "xã Đại Hoàng",
    "xã Gia Hưng",
    "xã Kim Sơn",
    "xã Phát Diệm",
]
# online submissions by hour of the day (Vietnam time)
_ONLINE_HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 9, 7, 8, 10, 10, 9, 8, 7, 7, 6, 5, 3, 2]


def _work(args: tuple[int, int, str, int]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    import psycopg

    first, last, db_name, pairs_every = args
    plan = _PLAN
    assert plan is not None
    rng = random.Random(1_000_003 * (first + 1))
    conn = psycopg.connect(common.database_url(db_name))
    conn.execute("SET synchronous_commit TO off")
    writer = Writer(conn, plan, rng, pairs_every)
    with writer:
        for day, agency_id, first_id, count in plan.cells[first:last]:
            writer.cell(day, agency_id, first_id, count)
    conn.commit()
    conn.close()
    return writer.counts(), writer.pairs


def load(plan: Plan, *, db_name: str, workers: int, log: Any, pairs: int) -> dict[str, int]:
    """Simulate and COPY every dossier of ``plan`` from ``workers`` processes."""
    import psycopg

    global _PLAN
    _PLAN = plan
    pairs_every = max(1, plan.count // max(1, pairs))
    total = sum(c[3] for c in plan.cells)
    bounds = [0]
    acc = 0
    for i, cell in enumerate(plan.cells):
        acc += cell[3]
        if acc >= total * len(bounds) / workers and len(bounds) < workers:
            bounds.append(i + 1)
    bounds.append(len(plan.cells))
    chunks = [(bounds[i], bounds[i + 1], db_name, pairs_every) for i in range(len(bounds) - 1)]
    began = time.perf_counter()
    if workers <= 1:
        results = [_work(c) for c in chunks]
    else:
        context = multiprocessing.get_context("fork")
        with context.Pool(len(chunks)) as pool:
            results = pool.map(_work, chunks)
    counts: dict[str, int] = {}
    all_pairs: list[tuple[str, str]] = []
    for part, found in results:
        for k, n in part.items():
            counts[k] = counts.get(k, 0) + n
        all_pairs.extend(found)
    state = common.state_dir(db_name)
    with (state / "lookups.tsv").open("w") as out:
        for code, pin in all_pairs:
            out.write(f"{code}\t{pin}\n")
    with psycopg.connect(common.database_url(db_name)) as conn:
        from bench.copyload import set_sequences

        set_sequences(conn, ["dossiers_dossier", "dossiers_dossierpause"])
    log(f"  {total} dossiers simulated in {time.perf_counter() - began:.0f} s")
    return counts
