#!/usr/bin/env python3
"""Backup and restore drill: prove that a backup of the database and of the uploaded files can
be restored, completely.

    .venv/bin/python scripts/backup-restore-drill.py drill \\
        [--database-url postgres://user@host:5432/name] [--media-root /srv/media] \\
        [--work /var/backups/drill] [--keep]

``drill`` runs the three steps below, then drops the database it restored into (unless
``--keep``). Each step can also be run on its own:

``backup --out DIR``
    ``pg_dump -Fc`` of the database into ``DIR/database.dump``, taken in the same snapshot
    (``pg_export_snapshot``) as the row count of every table (``DIR/row-counts.json``), so the
    counts match the dump even on a live database; a tar of MEDIA_ROOT (``DIR/media.tar``)
    with a SHA-256 manifest of every file (``DIR/media.sha256``, ``sha256sum -c`` format).

``restore --backup DIR --target-database NAME --target-media DIR``
    Creates the (new, empty) database NAME on the same server and ``pg_restore``s the dump
    into it; unpacks the tar into the (new, empty) folder.

``verify --backup DIR --target-database NAME --target-media DIR``
    Counts the rows of every table of the restored database and compares them with
    ``row-counts.json``; checks the SHA-256 of every restored file against the manifest (and
    that no file is missing or extra). Prints every mismatch.

Each ``backup`` and ``drill`` run records its outcome (time, ok or not, one-line summary) in a
small JSON status file, ``--status-file`` (default: ``BACKUP_DRILL_STATUS_FILE``, else
``$CHINHQUYEN_VAR_DIR/backup-drill/status.json``): the security evidence report
(``/an-ninh/bang-chung/``, setting ``BACKUP_DRILL_STATUS_FILE``) reads it, and says "không xác
định" when there is none. Put it where the web nodes can read it.

Exit status: 0 when everything matches, 1 on any mismatch, 2 when a step cannot run (tool
missing, database unreachable ...). Defaults come from the application's own environment:
``DATABASE_URL`` (PostgreSQL only) and ``MEDIA_ROOT`` (else ``$CHINHQUYEN_VAR_DIR/media``, else
``var/media``). Needs ``pg_dump``/``pg_restore`` of the server's major version (Debian package
postgresql-client, see scripts/install-system-deps.sh) and the project's virtualenv (psycopg).
The role needs CREATEDB to restore; passwords come from the URL or ~/.pgpass.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DUMP, COUNTS, TAR, MANIFEST = "database.dump", "row-counts.json", "media.tar", "media.sha256"


class DrillError(Exception):
    """A step could not run (exit status 2)."""


# --- connections ----------------------------------------------------------------------------


def _parse(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise DrillError(f"not a PostgreSQL URL: {parts.scheme}://…")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "") or None,
        "password": unquote(parts.password or "") or None,
        "dbname": unquote(parts.path.lstrip("/")),
    }


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
    params = {k: v for k, v in _parse(url).items() if v is not None}
    try:
        return psycopg.connect(**params, **kwargs)
    except psycopg.OperationalError as exc:
        raise DrillError(f"cannot connect to {params.get('dbname')}: {exc}") from exc


def _libpq_env(url: str) -> dict[str, str]:
    """pg_dump/pg_restore get their connection from the environment (no password on argv)."""
    p = _parse(url)
    env = dict(os.environ, PGHOST=str(p["host"]), PGPORT=str(p["port"]), PGDATABASE=p["dbname"])
    if p["user"]:
        env["PGUSER"] = p["user"]
    if p["password"]:
        env["PGPASSWORD"] = p["password"]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise DrillError(f"{command[0]} not found (install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise DrillError(f"{' '.join(command)} failed:\n{done.stderr.strip()}")


def _tables(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    rows = conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' "
        "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
        "AND table_schema NOT LIKE 'pg_toast%' ORDER BY 1, 2"
    ).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def _row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    counts = {}
    for schema, table in _tables(conn):
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        row = conn.execute(query).fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


# --- files ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _read_manifest(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split("  ", 1)
            entries[name] = digest
    return entries


# --- steps ----------------------------------------------------------------------------------


def backup(database_url: str, media_root: Path, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    with _connect(database_url) as conn:
        # One snapshot for the counts and the dump: they agree even while users keep writing.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = str(row[0]) if row else ""
        counts = _row_counts(conn)
        _run(
            ["pg_dump", "-Fc", f"--snapshot={snapshot}", "--no-password", "-f", str(out / DUMP)],
            _libpq_env(database_url),
        )
        conn.execute("COMMIT")
    (out / COUNTS).write_text(json.dumps(counts, indent=1, sort_keys=True), encoding="utf-8")

    lines = []
    with tarfile.open(out / TAR, "w") as tar:
        if media_root.is_dir():
            for path in _files(media_root):
                name = path.relative_to(media_root).as_posix()
                lines.append(f"{_sha256(path)}  {name}")
                tar.add(path, arcname=name, recursive=False)
    (out / MANIFEST).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    summary = f"{len(counts)} tables, {sum(counts.values())} rows, {len(lines)} files"
    print(f"backup: {summary} -> {out}")
    return summary


def restore(database_url: str, backup_dir: Path, target_database: str, target_media: Path) -> None:
    with _connect(_with_database(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target_database)))
    target_url = _with_database(database_url, target_database)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--no-password",
            "-d",
            target_database,
            str(backup_dir / DUMP),
        ],
        _libpq_env(target_url),
    )
    if target_media.exists() and any(target_media.iterdir()):
        raise DrillError(f"{target_media} is not empty")
    target_media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup_dir / TAR) as tar:
        tar.extractall(target_media, filter="data")  # refuses absolute paths, "..", devices
    print(f"restore: database {target_database}, files in {target_media}")


def verify(
    database_url: str, backup_dir: Path, target_database: str, target_media: Path
) -> tuple[int, str]:
    """(exit status, one-line summary) of comparing the restored copy with the backup."""
    problems: list[str] = []
    expected: dict[str, int] = json.loads((backup_dir / COUNTS).read_text(encoding="utf-8"))
    with _connect(_with_database(database_url, target_database)) as conn:
        actual = _row_counts(conn)
    for table in sorted(set(expected) | set(actual)):
        if expected.get(table) != actual.get(table):
            problems.append(
                f"table {table}: {expected.get(table, 'missing')} rows in the backup, "
                f"{actual.get(table, 'missing')} restored"
            )
    manifest = _read_manifest(backup_dir / MANIFEST)
    restored = {p.relative_to(target_media).as_posix(): p for p in _files(target_media)}
    for name in sorted(set(manifest) | set(restored)):
        if name not in restored:
            problems.append(f"file {name}: missing after restore")
        elif name not in manifest:
            problems.append(f"file {name}: restored but not in the manifest")
        elif _sha256(restored[name]) != manifest[name]:
            problems.append(f"file {name}: SHA-256 differs from the manifest")
    for problem in problems:
        print(f"MISMATCH {problem}")
    tables, rows = len(expected), sum(expected.values())
    if problems:
        summary = f"FAILED, {len(problems)} mismatch(es): {problems[0]}"
        print(f"verify: FAILED, {len(problems)} mismatch(es)")
        return 1, summary
    summary = f"OK, {tables} tables ({rows} rows) and {len(manifest)} files match"
    print(f"verify: {summary}")
    return 0, summary


def drop_database(database_url: str, name: str) -> None:
    with _connect(_with_database(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- status file (read by the security evidence report) ---------------------------------------


def record_status(path: Path, step: str, *, ok: bool, summary: str) -> None:
    """Write the outcome of ``step`` ("backup" or "drill") into the JSON status file, keeping
    the other step's last outcome; written to a temporary file and renamed (never half)."""
    status: dict[str, Any] = {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            status = loaded
    except (OSError, ValueError):
        pass
    status[step] = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "ok": ok,
        "summary": summary[:500],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temporary.write_text(json.dumps(status, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def _default_status_file() -> str:
    if os.environ.get("BACKUP_DRILL_STATUS_FILE"):
        return os.environ["BACKUP_DRILL_STATUS_FILE"]
    var = Path(os.environ.get("CHINHQUYEN_VAR_DIR", ROOT / "var"))
    return str(var / "backup-drill" / "status.json")


# --- command line ---------------------------------------------------------------------------


def _default_media() -> str:
    if os.environ.get("MEDIA_ROOT"):
        return os.environ["MEDIA_ROOT"]
    return str(Path(os.environ.get("CHINHQUYEN_VAR_DIR", ROOT / "var")) / "media")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--media-root", type=Path, default=Path(_default_media()))
    parser.add_argument(
        "--status-file",
        type=Path,
        default=Path(_default_status_file()),
        help="JSON file recording the last backup and drill (read by the evidence report)",
    )
    steps = parser.add_subparsers(dest="step", required=True)
    drill = steps.add_parser("drill", help="backup, restore into a new database, verify")
    drill.add_argument("--work", type=Path, help="folder for the backup and the restored files")
    drill.add_argument("--keep", action="store_true", help="keep the restored database")
    step_backup = steps.add_parser("backup")
    step_backup.add_argument("--out", type=Path, required=True)
    for name in ("restore", "verify"):
        step = steps.add_parser(name)
        step.add_argument("--backup", type=Path, required=True)
        step.add_argument("--target-database", required=True)
        step.add_argument("--target-media", type=Path, required=True)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    step = "drill" if args.step == "drill" else "backup"
    try:
        if args.step == "backup":
            summary = backup(args.database_url, args.media_root, args.out)
            record_status(args.status_file, "backup", ok=True, summary=summary)
            return 0
        if args.step == "restore":
            restore(args.database_url, args.backup, args.target_database, args.target_media)
            return 0
        if args.step == "verify":
            code, _summary = verify(
                args.database_url, args.backup, args.target_database, args.target_media
            )
            return code
        stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
        work = args.work or ROOT / "var" / "backup-drill" / stamp
        source = _parse(args.database_url)["dbname"]
        target = f"{source}_drill_{stamp}_{secrets.token_hex(3)}"[:63]
        summary = backup(args.database_url, args.media_root, work / "backup")
        record_status(args.status_file, "backup", ok=True, summary=summary)
        try:
            restore(args.database_url, work / "backup", target, work / "restored-media")
            code, summary = verify(
                args.database_url, work / "backup", target, work / "restored-media"
            )
        finally:
            if not args.keep:
                drop_database(args.database_url, target)
        record_status(args.status_file, "drill", ok=code == 0, summary=summary)
        return code
    except DrillError as exc:
        if args.step in ("backup", "drill"):
            record_status(args.status_file, step, ok=False, summary=f"error: {exc}")
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
