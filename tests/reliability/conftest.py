"""Fixtures of the reliability and security tests: the dossier and document test provinces,
raw multipart requests (to send the exact hostile file names a browser could send), snapshots
of everything an upload could write, and checks of Vietnamese error answers."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client

# Letters only Vietnamese uses: an answer containing some is written in Vietnamese.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
# Apps whose rows an upload may create: a refused upload must leave all of them untouched.
UPLOAD_APPS = ("dossiers", "documents", "catalog", "orgs", "signing", "notifications", "feedback")

on_postgres = connection.vendor == "postgresql"


def postgres_only(why: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not on_postgres, reason=f"PostgreSQL only (DATABASE_URL=postgres://...): {why}"
    )


@pytest.fixture
def dossier_world(db: None) -> Any:
    from chinhquyen.dossiers.tests.factories import build_world

    return build_world()


@pytest.fixture
def doc_world(db: None) -> Any:
    from chinhquyen.documents.tests.conftest import build_world

    return build_world()


def client_for(user: Any, **defaults: Any) -> Client:
    """A session as the sign-in leaves it (with the TOTP step for officials: the admin lets an
    official in only with it)."""
    from chinhquyen.accounts.testing import force_login_with_mfa

    client = Client(**defaults)
    force_login_with_mfa(client, user)
    return client


# --- raw multipart --------------------------------------------------------------------------

Field = str | tuple[str, bytes]


def multipart(fields: list[tuple[str, Field]]) -> tuple[bytes, str]:
    """A multipart/form-data body exactly as given: file names are sent verbatim (Django's test
    client would strip directories from them before they ever reach the server)."""
    boundary = "cq" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields:
        if isinstance(value, tuple):
            filename, content = value
            quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(f"--{boundary}\r\n".encode() + head.encode("utf-8") + content + b"\r\n")
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"--{boundary}\r\n{head}".encode() + value.encode("utf-8") + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post_multipart(
    client: Client, url: str, fields: list[tuple[str, Field]], **extra: Any
) -> HttpResponse:
    body, content_type = multipart(fields)
    return client.post(url, data=body, content_type=content_type, **extra)  # type: ignore[return-value]


# --- "nothing half-saved" -------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: frozenset[str]

    def changes(self, other: Snapshot) -> list[str]:
        out = [
            f"{label}: {self.rows[label]} -> {other.rows[label]}"
            for label in self.rows
            if self.rows[label] != other.rows[label]
        ]
        if self.files != other.files:
            out.append(f"media files: +{sorted(other.files - self.files)}")
        return out


def snapshot() -> Snapshot:
    rows = {
        model._meta.label: model._default_manager.count()
        for name in UPLOAD_APPS
        for model in apps.get_app_config(name).get_models()
    }
    root = Path(settings.MEDIA_ROOT)
    files = frozenset(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return Snapshot(rows, files)


# --- answers --------------------------------------------------------------------------------


def text_of(response: Any) -> str:
    """The readable text of a response (JSON or HTML), tags removed, entities decoded."""
    import html

    if getattr(response, "streaming", False):
        return ""
    body = response.content.decode("utf-8", errors="replace")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def refusal_problems(response: Any, fragment: str | None) -> list[str]:
    """Why ``response`` is not a clean refusal: a 4xx (or a form shown again with 200), no
    redirect or creation, a Vietnamese message (containing ``fragment`` when given)."""
    problems = []
    status = response.status_code
    if status >= 500:
        problems.append(f"server error {status}")
    elif status in (201, 301, 302, 303):
        problems.append(f"accepted ({status})")
    elif not (400 <= status < 500 or status == 200):
        problems.append(f"unexpected status {status}")
    text = text_of(response)
    if fragment is not None and fragment.lower() not in text.lower():
        problems.append(f"message without «{fragment}»: {text[:300]!r}")
    if not VIETNAMESE.search(text):
        problems.append(f"no Vietnamese message: {text[:200]!r}")
    return problems


def open_procedure(w: Any, *, name: str = "Thủ tục nộp trực tuyến không cần giấy tờ") -> Any:
    """A procedure of the dossier test province open for online submission, whose only paper
    is optional: a submission is a small JSON request (the crash and idempotency tests)."""
    from chinhquyen.accounts.models import Role
    from chinhquyen.catalog.models import OnlineLevel, ProcedureLevel
    from chinhquyen.catalog.tests.factories import SIMPLE_SCHEMA, make_version
    from chinhquyen.dossiers.tests.factories import VALID_FROM, step

    o = w.orgs
    return make_version(
        name,
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.FULL,
        processing_time=2,
        competent=[o["dept"]],
        all_communes=False,
        papers=[{"name": "Giấy tờ khác (nếu có)", "required": False}],
        fees=[],
        form_schema=SIMPLE_SCHEMA,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 1, Role.DESK_OFFICER, unit=o["centre"]),
            step("Chuyên viên xử lý", 8, Role.SPECIALIST, unit=o["dept_unit"]),
            step("Trả kết quả", 1, Role.DESK_OFFICER, unit=o["centre"]),
        ],
    )
