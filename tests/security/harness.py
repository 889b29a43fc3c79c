"""Making the matrix's requests and reading their outcome.

A request is *denied* when it answers 401, 403 or 404, or redirects to a sign-in page (the
site's or the admin's); it is *allowed* when it is not denied and not a server error. For lists,
searches and exports the body is turned into text (JSON, HTML, the cells of a workbook) so that
a test can look for the markers of objects the caller must not see.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from .world import SecurityWorld

Value = Any
Builder = Callable[[SecurityWorld], Any]


@dataclass(frozen=True)
class Case:
    """One request shape of an endpoint and who may make it.

    ``allow`` lists the callers who may use it; every other caller must be denied. ``shows``
    maps an object name of the world to the callers whose answer shows that object (its
    marker); for every allowed caller the marker must be in the body exactly when the caller
    is in that set. ``kwargs``/``query``/``body`` are values or functions of the world.
    """

    allow: frozenset[str]
    method: str = "GET"
    kwargs: Mapping[str, Value] | Builder | None = None
    query: Mapping[str, Value] | Builder | None = None
    body: Mapping[str, Value] | Builder | None = None
    fmt: str = "json"  # json | multipart | form | raw
    content_type: str = ""  # for fmt="raw"
    headers: Mapping[str, str] = field(default_factory=dict)
    shows: Mapping[str, frozenset[str]] = field(default_factory=dict)
    acts: frozenset[str] | None = None  # allowed callers whose write may change the database
    settings: Mapping[str, Any] = field(default_factory=dict)
    prepare: Callable[[Client, SecurityWorld, str], None] | None = None
    # the admin's history page of an object that does not exist sends staff to the admin index
    # before it checks their rights: counted as a refusal there
    index_redirect_refuses: bool = False
    # tables a read may add rows to (third-party bookkeeping, named per entry with the reason)
    reads_may_add: frozenset[str] = frozenset()
    label: str = ""

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    @property
    def actors(self) -> frozenset[str]:
        return self.allow if self.acts is None else self.acts


def resolve(value: Mapping[str, Value] | Builder | None, world: SecurityWorld) -> Any:
    if value is None:
        return {}
    if callable(value):
        return value(world)
    return dict(value)


SIGN_IN_NAMES = ("account_login", "admin:login")


def sign_in_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in SIGN_IN_NAMES)


def is_denied(response: HttpResponseBase, case: Case | None = None) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303, 307):
        target = urlsplit(response["Location"]).path
        if case is not None and case.index_redirect_refuses and target == reverse("admin:index"):
            return True
        return target in sign_in_paths()
    return False


def outcome(response: HttpResponseBase) -> str:
    where = ""
    if response.status_code in (301, 302, 303, 307):
        where = " -> " + response["Location"]
    return f"{response.status_code}{where}"


def send(client: Client, case: Case, url: str, world: SecurityWorld) -> HttpResponseBase:
    method = case.method.upper()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in case.headers.items()}
    query = resolve(case.query, world)
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query, doseq=True)}"
    if method == "GET":
        return client.get(url, **headers)
    body = resolve(case.body, world)
    if case.fmt == "json":
        return client.generic(
            method, url, json.dumps(body), content_type="application/json", **headers
        )
    if case.fmt == "multipart":
        assert method == "POST", "multipart bodies are POSTed"
        return client.post(url, body, **headers)
    if case.fmt == "form":
        from urllib.parse import urlencode

        return client.generic(
            method,
            url,
            urlencode(body, doseq=True),
            content_type="application/x-www-form-urlencoded",
            **headers,
        )
    raw = body.get("raw", b"") if isinstance(body, dict) else body
    return client.generic(method, url, raw, content_type=case.content_type, **headers)


def finish(response: HttpResponseBase) -> None:
    """Read a streamed answer to its end: the test client's wrapper then closes it (and its
    file) without firing ``close_old_connections``, which would close the test's connection."""
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:  # type: ignore[attr-defined]
            pass


def body_text(response: HttpResponseBase) -> str:
    """The answer as text: decoded HTML/JSON, or the cell values of an Excel workbook."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content  # type: ignore[attr-defined]
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells: list[str] = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells.extend(str(v) for v in row if v is not None)
        return "\n".join(cells)
    return content.decode("utf-8", "replace")
