"""Benchmark data generator: a dedicated PostgreSQL database with realistic volumes.

    .venv/bin/python bench/generate.py --scale full|smoke [--database cq_bench] [--force]

1. Creates the database (``cq_bench`` for ``full``, ``cq_bench_smoke`` for ``smoke``) when
   missing, migrates it with ``manage.py migrate`` under production settings
   (``bench.settings``) and loads the demo province with the project's demo loader
   (``manage.py load_demo``: organisations, demo accounts, 31 procedures, signing, payments).
2. Adds the staff the generated history needs (officials at every desk and unit a process
   goes through, made with ``accounts.services.official_create``), citizen accounts
   (``citizen_register``) and API tokens (``api_token_issue``) for the HTTP scenarios.
3. Loads with COPY: the catalogue grown to ``--scale`` procedures (clones of the demo
   procedures with their versions, fees, papers and steps), the dossiers with their control
   sheet, history, pauses, attachments, ratings and daily code counters
   (``bench/gen_dossiers.py``), the incoming and outgoing documents with registers, history,
   assignments, tasks, approval steps and recipients (``bench/gen_documents.py``). Secondary
   indexes and constraints are dropped before and rebuilt after (``bench/copyload.py``).
4. VACUUM (ANALYZE), and a ``bench_state`` row: a later run with the same scale and generator
   version reuses the database (``--force`` reloads it).

Full scale: 1,500 procedures, 1,000,000 dossiers, 1,000,000 documents; smoke: a few thousand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

SEED = 20260305
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

STATE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_state (
    id integer PRIMARY KEY, scale text NOT NULL, version integer NOT NULL, seed integer NOT NULL,
    complete boolean NOT NULL DEFAULT false, loaded_at timestamptz, generated_now timestamptz,
    counts jsonb NOT NULL DEFAULT '{}', timings jsonb NOT NULL DEFAULT '{}'
)
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------


def _admin_connect() -> Any:
    import psycopg

    return psycopg.connect(common.database_url("postgres"), autocommit=True)


def database_state(db_name: str) -> dict[str, Any] | None:
    """The ``bench_state`` row of ``db_name`` (None: no database, or not loaded)."""
    import psycopg

    with _admin_connect() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
    if not exists:
        return None
    with psycopg.connect(common.database_url(db_name)) as conn:
        table = conn.execute("SELECT to_regclass('bench_state')").fetchone()
        if not table or table[0] is None:
            return None
        row = conn.execute(
            "SELECT scale, version, seed, complete, loaded_at, generated_now, counts, timings "
            "FROM bench_state WHERE id = 1"
        ).fetchone()
    if row is None:
        return None
    keys = ["scale", "version", "seed", "complete", "loaded_at", "generated_now", "counts"]
    return {**dict(zip(keys, row[:7], strict=True)), "timings": row[7]}


def _loaded_fingerprint(db_name: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(common.database_url(db_name)) as conn:
            row = conn.execute("SELECT fingerprint FROM bench_template").fetchone()
    except psycopg.Error:
        return None
    return str(row[0]) if row else None


def is_ready(db_name: str, scale: common.Scale) -> dict[str, Any] | None:
    """The state of ``db_name`` when it is loaded at ``scale`` by this generator version from
    the current migrations and demo loaders (else None: it must be reloaded)."""
    state = database_state(db_name)
    if (
        state
        and state["complete"]
        and state["scale"] == scale.name
        and state["version"] == common.GENERATOR_VERSION
        and state["seed"] == SEED
    ):
        return state
    return None


def migrate_if_needed(db_name: str) -> None:
    """A loaded database whose migrations are behind the code is migrated in place (as a
    production database would be) instead of being reloaded."""
    import psycopg

    if _loaded_fingerprint(db_name) == _demo_fingerprint():
        return
    log(f"{db_name}: new migrations, running manage.py migrate on the loaded data")
    manage(db_name, "migrate", "--noinput")
    with psycopg.connect(common.database_url(db_name), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_template (fingerprint text NOT NULL)")
        conn.execute("DELETE FROM bench_template")
        conn.execute("INSERT INTO bench_template VALUES (%s)", [_demo_fingerprint()])


def recreate_database(db_name: str) -> None:
    if not db_name.startswith("cq_bench"):
        raise SystemExit(f"refusing to recreate {db_name!r}: bench databases start with cq_bench")
    with _admin_connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db_name}"')
    state = common.state_dir(db_name)
    for name in ("lookups.tsv", "tokens.json", "meta.json"):
        (state / name).unlink(missing_ok=True)


def _demo_fingerprint() -> str:
    """A digest of the migrations and the demo loaders (the schema and the data loaded)."""
    digest = hashlib.sha256()
    app = common.ROOT / "chinhquyen"
    files = sorted(
        [
            *app.glob("*/migrations/*.py"),
            *app.glob("*/demo.py"),
            app / "demo.py",
            app / "accounts" / "management" / "commands" / "load_demo.py",
        ]
    )
    for path in files:
        digest.update(str(path.relative_to(common.ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _template_name(db_name: str) -> str:
    return f"{db_name}_demo"


def create_from_template(db_name: str) -> bool:
    """Create ``db_name`` as a copy of its migrated demo template when that is current."""
    import psycopg

    template = _template_name(db_name)
    with _admin_connect() as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            return False
    try:
        with psycopg.connect(common.database_url(template)) as conn:
            row = conn.execute("SELECT fingerprint FROM bench_template").fetchone()
    except psycopg.Error:
        row = None
    if not row or row[0] != _demo_fingerprint():
        return False
    with _admin_connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db_name}" TEMPLATE "{template}"')
    return True


def save_template(db_name: str) -> None:
    """Keep the migrated demo database as a template for the next reload."""
    import psycopg

    template = _template_name(db_name)
    with psycopg.connect(common.database_url(db_name), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_template (fingerprint text NOT NULL)")
        conn.execute("DELETE FROM bench_template")
        conn.execute("INSERT INTO bench_template VALUES (%s)", [_demo_fingerprint()])
    with _admin_connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{db_name}"')


def manage(db_name: str, *args: str) -> None:
    """``manage.py <args>`` under the bench (production) settings."""
    began = time.perf_counter()
    proc = subprocess.run(
        [common.PYTHON, str(common.ROOT / "manage.py"), *args],
        cwd=common.ROOT,
        env=common.bench_env(db_name),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode})")
    log(f"  manage.py {' '.join(args)}: {time.perf_counter() - began:.0f} s")


def collectstatic(db_name: str) -> None:
    static = common.ROOT / "var" / "bench" / "static"
    if (static / "staticfiles.json").exists():
        return
    manage(db_name, "collectstatic", "--noinput", "-v", "0")


# --------------------------------------------------------------------------------------------
# Staff, citizens, tokens (through the account services)
# --------------------------------------------------------------------------------------------


@dataclass
class Staff:
    """Officials by (unit id, role); bench officials are created on first use."""

    rng: random.Random
    by_unit_role: dict[tuple[int, str], list[Any]] = field(default_factory=dict)
    created: int = 0

    def load(self) -> None:
        from chinhquyen.accounts.models import Position

        for p in Position.objects.active().select_related("user", "unit"):
            if p.user.is_active:
                self.by_unit_role.setdefault((p.unit_id, p.role), []).append(p.user)

    def get(self, unit: Any, role: str, *, count: int = 1) -> list[Any]:
        """Officials holding ``role`` in ``unit`` (at least ``count``, creating bench ones)."""
        from bench import vn
        from chinhquyen.accounts import services
        from chinhquyen.accounts.services import PositionSpec

        users = self.by_unit_role.setdefault((unit.pk, role), [])
        while len(users) < count:
            self.created += 1
            name, _female = vn.person(self.rng)
            username = f"bench.{role.replace('_', '')}.{unit.pk}.{len(users) + 1}"
            user = services.official_create(
                actor=None,
                username=username,
                full_name=name,
                email=f"{username}@bench.chinhquyen.local",
                phone=vn.phone(self.rng),
                positions=[PositionSpec(unit=unit, role=role, title=_title(role))],
            )
            users.append(user)
        return users


def _title(role: str) -> str:
    return {
        "desk_officer": "Công chức một cửa",
        "specialist": "Chuyên viên",
        "unit_head": "Trưởng phòng",
        "leader": "Chủ tịch",
        "clerk": "Văn thư",
    }.get(role, "")


def make_citizens(count: int, rng: random.Random) -> list[Any]:
    from bench import vn
    from chinhquyen.accounts import services
    from chinhquyen.accounts.models import User, UserKind

    existing = list(User.objects.filter(kind=UserKind.CITIZEN, username__startswith="bench.cd"))
    users = existing[:count]
    taken = set(User.objects.exclude(citizen_id="").values_list("citizen_id", flat=True))
    wards = ["phường Hoa Lư", "phường Nam Định", "phường Phủ Lý", "xã Gia Viễn", "xã Kim Sơn"]
    while len(users) < count:
        name, female = vn.person(rng)
        year = rng.randint(1950, 2006)
        cccd = vn.citizen_id(rng, female=female, birth_year=year)
        if cccd in taken:
            continue
        taken.add(cccd)
        n = len(users) + 1
        users.append(
            services.citizen_register(
                username=f"bench.cd{n:05d}",
                full_name=name,
                citizen_id=cccd,
                email=f"congdan{n:05d}@bench.chinhquyen.local",
                phone=vn.phone(rng),
                address=vn.address(rng, rng.choice(wards)),
            )
        )
    return users


def issue_tokens(users: list[Any], name: str) -> list[str]:
    from chinhquyen.accounts import services

    return [services.api_token_issue(actor=None, user=u, name=name)[1] for u in users]


# --------------------------------------------------------------------------------------------
# The catalogue: clones of the demo procedures
# --------------------------------------------------------------------------------------------

QUALIFIERS = [
    "",
    "trường hợp cấp lại",
    "trường hợp có yếu tố nước ngoài",
    "đối với tổ chức",
    "đối với hộ gia đình, cá nhân",
    "trường hợp điều chỉnh, bổ sung",
    "trường hợp gia hạn",
    "trường hợp bị mất, hư hỏng",
    "lần đầu",
    "trường hợp thay đổi thông tin",
    "tại khu công nghiệp",
    "đối với người nước ngoài",
    "cho người từ đủ 14 tuổi trở lên",
    "trường hợp chuyển đổi",
    "trường hợp đề nghị cấp bản sao",
]
REFORM_DAY = dt.date(2025, 7, 1)  # Nghị định 118/2025 and the two-level local government


def _columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _row(model: Any, values: dict[str, Any]) -> list[Any]:
    return [
        values[f.attname] if f.attname in values else _default(f)
        for f in model._meta.concrete_fields
    ]


def _default(f: Any) -> Any:
    if f.has_default():
        value = f.get_default()
        return value
    if f.null:
        return None
    if f.get_internal_type() in ("CharField", "TextField", "EmailField"):
        return ""
    raise KeyError(f"no value for {f.model.__name__}.{f.attname}")


@dataclass
class CatalogClone:
    procedure_id: int
    code: str
    template_version_id: int
    versions: list[tuple[int, dt.date, dt.date | None, str]]  # (id, valid_from, valid_to, name)
    weight: float
    level: str


def load_catalog(
    conn: Any, target: int, rng: random.Random, window_start: dt.date
) -> list[CatalogClone]:
    """Grow the catalogue to ``target`` procedures; returns every procedure (demo ones too)."""
    from bench.copyload import Copier, set_sequences
    from chinhquyen.catalog.models import (
        Fee,
        Procedure,
        ProcedureVersion,
        ProcessStep,
        RequiredPaper,
    )
    from chinhquyen.core.text import normalize_search

    templates = list(
        ProcedureVersion.objects.filter(status="published")
        .select_related("procedure")
        .prefetch_related("fees", "papers", "steps", "competent_organisations")
        .order_by("procedure__code")
    )
    out = [
        CatalogClone(
            procedure_id=t.procedure_id,
            code=t.procedure.code,
            template_version_id=t.pk,
            versions=[(t.pk, t.valid_from, t.valid_to, t.name)],
            weight=0.0,
            level=t.procedure.level,
        )
        for t in templates
    ]
    codes = set(Procedure.objects.values_list("code", flat=True))
    next_id = {
        m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for m in (Procedure, ProcedureVersion, Fee, RequiredPaper, ProcessStep)
    }
    m2m = ProcedureVersion.competent_organisations.through
    now = dt.datetime.now(dt.UTC)
    tables = {m: Copier(conn, m._meta.db_table, _columns(m)) for m in next_id}
    m2m_copier = Copier(conn, m2m._meta.db_table, ["procedureversion_id", "organisation_id"])
    with (
        tables[Procedure],
        tables[ProcedureVersion],
        tables[Fee],
        tables[RequiredPaper],
        tables[ProcessStep],
        m2m_copier,
    ):
        for i in range(max(0, target - len(templates))):
            t = templates[i % len(templates)]
            qualifier = QUALIFIERS[(i // len(templates)) % len(QUALIFIERS)]
            suffix = f" ({qualifier})" if qualifier else ""
            serial = i // (len(templates) * len(QUALIFIERS))
            if serial:
                suffix += f" - mẫu {serial + 1}"
            name = (t.name + suffix)[:500]
            code = f"{t.procedure.code[0]}.{100001 + i:06d}"
            while code in codes:
                code = f"{t.procedure.code[0]}.{rng.randrange(200000, 999999):06d}"
            codes.add(code)
            pid = next_id[Procedure]
            next_id[Procedure] += 1
            # Province-level procedures existed before the 2025 reform (a version 1 under the old
            # decree, superseded by version 2 on 1 July 2025); commune ones start with the
            # communes on 1 July 2025, some amended once since.
            if t.procedure.level == "commune":
                first = REFORM_DAY
                second = (
                    REFORM_DAY + dt.timedelta(days=rng.randint(60, 400))
                    if rng.random() < 0.2
                    else None
                )
            else:
                first = window_start - dt.timedelta(days=rng.randint(30, 900))
                second = REFORM_DAY
            spans: list[tuple[dt.date, dt.date | None]] = []
            if second is not None and second < now.date():
                spans = [(first, second - dt.timedelta(days=1)), (second, None)]
            else:
                spans = [(first, None)]
            versions = []
            for number, (valid_from, valid_to) in enumerate(spans, start=1):
                vid = next_id[ProcedureVersion]
                next_id[ProcedureVersion] += 1
                published = dt.datetime.combine(
                    valid_from - dt.timedelta(days=rng.randint(5, 30)), dt.time(9), tzinfo=dt.UTC
                )
                values = {
                    f.attname: getattr(t, f.attname) for f in ProcedureVersion._meta.concrete_fields
                }
                values.update(
                    id=vid,
                    procedure_id=pid,
                    number=number,
                    status="published",
                    valid_from=valid_from,
                    valid_to=valid_to,
                    name=name,
                    search_text=normalize_search(f"{name} {code}")[:700],
                    created_by_id=None,
                    created_at=published,
                    updated_at=published,
                    published_at=published,
                    retired_at=None,
                )
                tables[ProcedureVersion].row(_row(ProcedureVersion, values))
                for org in t.competent_organisations.all():
                    m2m_copier.row([vid, org.pk])
                for fee in t.fees.all():
                    fv = {f.attname: getattr(fee, f.attname) for f in Fee._meta.concrete_fields}
                    fv.update(id=next_id[Fee], version_id=vid)
                    next_id[Fee] += 1
                    tables[Fee].row(_row(Fee, fv))
                for paper in t.papers.all():
                    pv = {
                        f.attname: getattr(paper, f.attname)
                        for f in RequiredPaper._meta.concrete_fields
                    }
                    pv.update(id=next_id[RequiredPaper], version_id=vid)
                    pv["template"] = paper.template.name or ""
                    next_id[RequiredPaper] += 1
                    tables[RequiredPaper].row(_row(RequiredPaper, pv))
                for step in t.steps.all():
                    sv = {
                        f.attname: getattr(step, f.attname)
                        for f in ProcessStep._meta.concrete_fields
                    }
                    sv.update(id=next_id[ProcessStep], version_id=vid)
                    next_id[ProcessStep] += 1
                    tables[ProcessStep].row(_row(ProcessStep, sv))
                versions.append((vid, valid_from, valid_to, name))
                if number == 1:
                    first_published = published
            # names of the two latest versions (none is retired): the procedure's search text
            names = [v[3] for v in reversed(versions)][:2]
            tables[Procedure].row(
                _row(
                    Procedure,
                    {
                        "id": pid,
                        "code": code,
                        "field_id": t.procedure.field_id,
                        "level": t.procedure.level,
                        "search_text": normalize_search(" ".join([code, *names]))[:700],
                        "created_at": first_published,
                        "updated_at": published,
                    },
                )
            )
            out.append(
                CatalogClone(
                    procedure_id=pid,
                    code=code,
                    template_version_id=t.pk,
                    versions=versions,
                    weight=0.0,
                    level=t.procedure.level,
                )
            )
    conn.commit()
    set_sequences(conn, [m._meta.db_table for m in next_id])
    # popularity: a few procedures take most dossiers (Zipf-like over a random order)
    order = list(range(len(out)))
    rng.shuffle(order)
    for rank, index in enumerate(order, start=1):
        out[index].weight = 1.0 / rank**0.9
    return out


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


def write_sample_files(db_name: str) -> str:
    media = common.state_dir(db_name) / "media"
    path = media / "ho-so" / "bench" / "giay-to-mau.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SAMPLE_PDF)
    return hashlib.sha256(SAMPLE_PDF).hexdigest()


def generate(db_name: str, scale: common.Scale, *, workers: int) -> dict[str, Any]:
    import psycopg

    common.setup_django(db_name)
    import logging

    logging.disable(logging.WARNING)
    from django.db import connections

    from bench import gen_documents, gen_dossiers
    from bench.copyload import drop_secondary, restore_secondary

    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    window_start = (now - dt.timedelta(days=round(365 * scale.years))).date()
    conn = psycopg.connect(common.database_url(db_name))
    conn.execute(STATE_TABLE)
    conn.execute(
        "INSERT INTO bench_state (id, scale, version, seed, generated_now) "
        "VALUES (1, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET scale = EXCLUDED.scale, "
        "version = EXCLUDED.version, seed = EXCLUDED.seed, complete = false, "
        "generated_now = EXCLUDED.generated_now",
        [scale.name, common.GENERATOR_VERSION, SEED, now],
    )
    conn.commit()

    began = time.perf_counter()
    staff = Staff(random.Random(SEED + 1))
    staff.load()
    citizens = make_citizens(scale.citizens, random.Random(SEED + 2))
    timings["accounts"] = time.perf_counter() - began
    log(f"accounts: {len(citizens)} citizens ({timings['accounts']:.0f} s)")

    began = time.perf_counter()
    clones = load_catalog(conn, scale.procedures, rng, window_start)
    timings["catalog"] = time.perf_counter() - began
    counts["procedures"] = len(clones)
    log(f"catalogue: {len(clones)} procedures ({timings['catalog']:.1f} s)")

    sha = write_sample_files(db_name)
    began = time.perf_counter()
    plan = gen_dossiers.prepare(
        clones=clones,
        staff=staff,
        citizens=citizens,
        count=scale.dossiers,
        window_start=window_start,
        now=now,
        rng=random.Random(SEED + 3),
        sample_sha256=sha,
        sample_size=len(SAMPLE_PDF),
    )
    doc_plan = gen_documents.prepare(
        staff=staff,
        count=scale.documents,
        incoming_share=scale.incoming_share,
        window_start=window_start,
        now=now,
        rng=random.Random(SEED + 4),
    )
    timings["routes"] = time.perf_counter() - began
    log(f"routes and staff: {staff.created} bench officials created ({timings['routes']:.0f} s)")
    connections.close_all()

    began = time.perf_counter()
    dropped = drop_secondary(conn, gen_dossiers.TABLES + gen_documents.TABLES)
    log(f"dropped {dropped} secondary indexes and constraints")
    dossier_counts = gen_dossiers.load(
        plan, db_name=db_name, workers=workers, log=log, pairs=scale.lookup_pairs
    )
    counts.update(dossier_counts)
    timings["dossiers"] = time.perf_counter() - began
    log(f"dossiers: {dossier_counts} ({timings['dossiers']:.0f} s)")

    began = time.perf_counter()
    doc_counts = gen_documents.load(doc_plan, db_name=db_name, workers=workers, log=log)
    counts.update(doc_counts)
    timings["documents"] = time.perf_counter() - began
    log(f"documents: {doc_counts} ({timings['documents']:.0f} s)")

    began = time.perf_counter()
    log("rebuilding indexes and constraints")
    restore_secondary(conn, log=log)
    timings["indexes"] = time.perf_counter() - began
    log(f"indexes and constraints: {timings['indexes']:.0f} s")

    began = time.perf_counter()
    conn.autocommit = True
    # VACUUM, not only ANALYZE: COPY leaves every page out of the visibility map and without
    # hint bits, so index-only scans would visit the heap and the first reads would write
    log("VACUUM (ANALYZE)")
    conn.execute("VACUUM (ANALYZE)")
    timings["analyze"] = time.perf_counter() - began
    conn.autocommit = False

    # what the scenarios need
    tokens = {
        "citizens": issue_tokens(citizens[: min(64, len(citizens))], "Đo hiệu năng"),
        "inbox": issue_tokens(gen_dossiers.inbox_users(plan), "Đo hiệu năng"),
        "search": issue_tokens(gen_documents.search_users(doc_plan), "Đo hiệu năng"),
    }
    state = common.state_dir(db_name)
    common.dump_json(state / "tokens.json", tokens)
    common.dump_json(state / "meta.json", {**gen_dossiers.meta(plan), "generated_now": now})
    conn.execute(
        "UPDATE bench_state SET complete = true, loaded_at = now(), counts = %s, timings = %s "
        "WHERE id = 1",
        [json.dumps(counts), json.dumps({k: round(v, 1) for k, v in timings.items()})],
    )
    conn.commit()
    conn.close()
    return {"counts": counts, "timings": timings}


def ensure(db_name: str, scale: common.Scale, *, force: bool = False, workers: int = 2) -> dict:
    """Load ``db_name`` at ``scale`` unless it already is; returns its state."""
    if not (common.ROOT / "var" / "bench" / db_name / "secret_key").exists():
        # the database was loaded from another checkout: its PIN digests and certificates
        # belong to that checkout's secret key and PKI (var/bench/<db>/), so load it again
        # here, template included
        log(f"{db_name}: no local state in var/bench/{db_name}/, loading from scratch")
        with _admin_connect() as admin:
            for name in (db_name, _template_name(db_name)):
                if name.startswith("cq_bench"):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        force = True
    if not force:
        state = is_ready(db_name, scale)
        if state is not None:
            log(f"{db_name}: already loaded at scale {scale.name} ({state['counts']})")
            migrate_if_needed(db_name)
            collectstatic(db_name)
            ensure_facts(db_name)
            return state
    began = time.perf_counter()
    if create_from_template(db_name):
        log(f"{db_name}: created from the migrated demo database {_template_name(db_name)}")
        for name in ("lookups.tsv", "tokens.json", "meta.json"):
            (common.state_dir(db_name) / name).unlink(missing_ok=True)
    else:
        log(f"{db_name}: creating, migrating and loading the demo province")
        recreate_database(db_name)
        manage(db_name, "migrate", "--noinput")
        manage(db_name, "load_demo", "--without-activity")
        save_template(db_name)
    collectstatic(db_name)
    # the generator runs in a child process: a clean Django setup on the fresh database
    proc = subprocess.run(
        [
            common.PYTHON,
            str(Path(__file__).resolve()),
            "--scale",
            scale.name,
            "--database",
            db_name,
            "--workers",
            str(workers),
            "--inner",
        ],
        cwd=common.ROOT,
        env=common.bench_env(db_name),
    )
    if proc.returncode != 0:
        raise SystemExit(f"data generation failed ({proc.returncode})")
    state = is_ready(db_name, scale)
    if state is None:
        raise SystemExit("data generation did not complete")
    log(f"{db_name}: loaded in {time.perf_counter() - began:.0f} s")
    ensure_facts(db_name)
    return state


def ensure_facts(db_name: str) -> None:
    """The COPY load bypasses the services, so no fact events were written: compute the daily
    facts of the statistics (dashboard, QĐ 766 index, on-time report) from the source tables
    once, when they are empty."""
    import psycopg

    with psycopg.connect(common.database_url(db_name), autocommit=True) as conn:
        row = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM stats_dossierdailyfact)").fetchone()
        if not (row and row[0]):
            return
        began = time.perf_counter()
        log(f"{db_name}: rebuilding the daily facts (manage.py rebuild_facts)")
        manage(db_name, "rebuild_facts")
        conn.execute("VACUUM (ANALYZE) stats_dossierdailyfact")
        conn.execute("VACUUM (ANALYZE) stats_documentdailyfact")
        conn.execute("VACUUM (ANALYZE) stats_factstate")
        log(f"{db_name}: facts rebuilt in {time.perf_counter() - began:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(common.SCALES), default="smoke")
    parser.add_argument("--database", default=None)
    parser.add_argument("--force", action="store_true", help="drop and reload the database")
    parser.add_argument("--workers", type=int, default=2, help="generator processes")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = common.SCALES[args.scale]
    db_name = args.database or common.DEFAULT_DATABASES[scale.name]
    if args.inner:
        result = generate(db_name, scale, workers=args.workers)
        log(f"generated: {result['counts']}")
        return
    ensure(db_name, scale, force=args.force, workers=args.workers)


if __name__ == "__main__":
    main()
