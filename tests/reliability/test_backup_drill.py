"""The backup and restore drill (scripts/backup-restore-drill.py) against a database with real
rows and uploaded files: a clean drill passes, a corrupted file, a missing file or a missing row
in the restored copy is detected (exit status 1, the mismatch named)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from .conftest import postgres_only

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup-restore-drill.py"

needs_postgres = postgres_only("the drill dumps and restores with pg_dump/pg_restore")


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _status(media: Path) -> Path:
    """The drill's status file of a test (next to its media folder, never the project's)."""
    return media.parent / "drill-status.json"


def _drill(media: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), "--database-url", _database_url()]
    return subprocess.run(
        [*command, "--media-root", str(media), "--status-file", str(_status(media)), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _province_with_files() -> Any:
    """The dossier test province with dossiers that hold uploaded files and a result."""
    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.tests import scenarios
    from chinhquyen.dossiers.tests.factories import build_world, pdf, submit

    from . import payloads as p

    w = build_world()
    for _ in range(3):
        submit(w)
    d = scenarios.processing(w)
    services.dossier_attach_file(
        actor=w.users["spec"], dossier=d, upload=services.Upload(file=pdf("anh.png", p.png()))
    )
    services.dossier_attach_result(actor=w.users["spec"], dossier=d, file=pdf("kq.pdf"))
    return w


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_clean_drill_passes(settings, tmp_path: Path) -> None:
    _province_with_files()
    media = Path(settings.MEDIA_ROOT)
    assert len([p for p in media.rglob("*") if p.is_file()]) >= 5
    done = _drill(media, "drill", "--work", str(tmp_path / "drill"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verify: OK" in done.stdout
    # recorded for the security evidence report
    status = json.loads(_status(media).read_text(encoding="utf-8"))
    assert status["drill"]["ok"] is True and status["backup"]["ok"] is True
    assert "files match" in status["drill"]["summary"]
    # the drill dropped the database it restored into
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME']}_drill_%"],
        )
        assert cursor.fetchone()[0] == 0


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_drill_detects_a_corrupted_file_and_a_missing_row(settings, tmp_path: Path) -> None:
    import psycopg

    _province_with_files()
    media = Path(settings.MEDIA_ROOT)
    backup, restored = tmp_path / "backup", tmp_path / "restored"
    target = f"{connection.settings_dict['NAME']}_drill_neg"[:63]
    assert _drill(media, "backup", "--out", str(backup)).returncode == 0
    try:
        restore = ["--backup", str(backup), "--target-database", target]
        done = _drill(media, "restore", *restore, "--target-media", str(restored))
        assert done.returncode == 0, done.stderr
        verify = ["verify", *restore, "--target-media", str(restored)]
        assert _drill(media, *verify).returncode == 0

        files = sorted(p for p in restored.rglob("*") if p.is_file())
        corrupted, lost = files[0], files[1]
        corrupted.write_bytes(corrupted.read_bytes() + b"\x00")
        lost.unlink()
        s = connection.settings_dict
        with psycopg.connect(
            host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=target
        ) as conn:
            conn.execute(
                "DELETE FROM dossiers_dossierevent WHERE id = "
                "(SELECT max(id) FROM dossiers_dossierevent)"
            )
        done = _drill(media, *verify)
        assert done.returncode == 1, done.stdout
        report = done.stdout
        assert "table public.dossiers_dossierevent" in report
        assert f"file {corrupted.relative_to(restored).as_posix()}: SHA-256 differs" in report
        assert f"file {lost.relative_to(restored).as_posix()}: missing after restore" in report
        assert "verify: FAILED, 3 mismatch(es)" in report
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_the_drill_fails_cleanly_without_postgresql(tmp_path: Path) -> None:
    status = tmp_path / "status.json"
    command = [sys.executable, str(SCRIPT), "--database-url", "sqlite:///x.db"]
    done = subprocess.run(
        [*command, "--status-file", str(status), "drill"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "not a PostgreSQL URL" in done.stderr
    # a drill that could not run is recorded as failed (the evidence report shows "chưa đạt")
    recorded = json.loads(status.read_text(encoding="utf-8"))["drill"]
    assert recorded["ok"] is False and "not a PostgreSQL URL" in recorded["summary"]
