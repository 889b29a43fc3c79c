"""schemathesis against the committed openapi.yaml, in-process (no network).

Every operation gets generated valid and invalid inputs (positive and negative modes), sent to
Django's WSGI handler built under the test settings, as an anonymous caller, as a citizen and
as two officials (bearer tokens). Every response must be a non-5xx answer the file documents:
its status code, content type and body schema. The database is watched as well: a GET changes
no domain table, and neither does a write that was refused (4xx).

Bounded for speed and reproducibility: a few examples per operation (``MAX_EXAMPLES``),
``derandomize`` (a seed derived from each operation), no example database, no shrinking.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chinhquyen.accounts import services as account_services

from .harness import resolve
from .snapshot import changed, row_counts
from .test_endpoint_matrix import API, operations
from .world import ANON, CITIZEN, ROOT_ADMIN, SecurityWorld
from .world import CALLERS as MATRIX_CALLERS

ROOT = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = 10
CALLERS = (ANON, CITIZEN, "leader@own", ROOT_ADMIN)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml")
schema.app = WSGIHandler()  # the test settings are loaded: not chinhquyen.wsgi (production)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    database="none",
    no_shrink=True,
)
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module")
def tokens(world: SecurityWorld, django_db_blocker) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A bearer token for each signed-in caller of the world (officials and citizens may hold
    tokens), made inside the module's world transaction."""
    out = dict(world.tokens)
    with django_db_blocker.unblock():
        for caller, user in world.callers.items():
            if user is None or caller in out:
                continue
            _token, raw = account_services.api_token_issue(
                actor=None, user=user, name="schemathesis"
            )
            out[caller] = raw
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
@schema.parametrize()
# the database (one transaction per operation and caller) and the tokens are meant to be shared
# by the generated examples of one test
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_openapi(case, caller, tokens, world) -> None:  # type: ignore[no-untyped-def]
    cache.clear()  # throttling counters: every example starts with a fresh budget
    headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}
    before = row_counts()
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    refused_write = case.method.upper() != "GET" and 400 <= response.status_code < 500
    if case.method.upper() == "GET" or refused_write:
        touched = changed(before, row_counts())  # type: ignore[arg-type]
        assert not touched, (
            f"{case.method} {case.formatted_path} ({response.status_code}) changed {touched}"
        )


# --- the documented success answers, with real objects -----------------------------------------
#
# Generated ids rarely name an object, so the generated runs above mostly see errors. Here every
# request of the authorization matrix (test_endpoint_matrix.API: real objects, valid bodies) is
# made once more, by the first caller allowed to make it, and its answer checked against the
# schema: the success bodies, the downloads' content types.


def _api_cases() -> list[tuple[str, int]]:
    # a request shape nobody may make (e.g. an unsigned edXML message) has no success answer
    # to check: the generated runs above cover its refusals
    return [
        (op_id, i)
        for op_id, cases in sorted(API.items())
        for i, case in enumerate(cases)
        if any(c in case.allow for c in MATRIX_CALLERS)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("op_id", "index"), _api_cases())
def test_real_requests_conform_to_openapi(op_id, index, tokens, world) -> None:  # type: ignore[no-untyped-def]
    method, path = operations()[op_id]
    matrix_case = API[op_id][index]
    caller = next(c for c in MATRIX_CALLERS if c in matrix_case.allow)
    operation = schema[path][method]
    body = resolve(matrix_case.body, world) if matrix_case.writes else None
    kwargs: dict[str, object] = {
        "path_parameters": {k: str(v) for k, v in resolve(matrix_case.kwargs, world).items()},
        "query": resolve(matrix_case.query, world),
    }
    if body is not None:
        kwargs["body"] = _wire(body) if matrix_case.fmt == "multipart" else body
        kwargs["media_type"] = (
            "multipart/form-data" if matrix_case.fmt == "multipart" else "application/json"
        )
    case = operation.Case(**kwargs)
    headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}
    cache.clear()
    with override_settings(**matrix_case.settings), transaction.atomic():
        response = case.call(headers=headers)
        assert response.status_code < 500, response.text[:300]
        case.validate_response(response, checks=CHECKS, headers=headers)
        transaction.set_rollback(True)


def _wire(body: dict[str, object]) -> dict[str, object]:
    """Multipart values as schemathesis sends them: uploaded files as bytes."""
    out: dict[str, object] = {}
    for key, value in body.items():
        out[key] = value.read() if hasattr(value, "read") else value
    return out
