"""The reference signing agent against a SoftHSM2 token, at the protocol level: the agent runs
in a thread on a free port and is spoken to over HTTP as the browser does; the signature it
returns completes a prepared document that verifies with verify_pdf and pdfsig."""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from chinhquyen.signing import deferred
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.models import PreparedStatus
from chinhquyen.signing.tests.conftest import MODULE, PIN, softhsm_available
from chinhquyen.signing.verification import verify_pdf
from chinhquyen_agent.server import make_server, serve_in_thread
from chinhquyen_agent.token import Pkcs11Backend

pytestmark = [
    pytest.mark.skipif(not softhsm_available(), reason="softhsm2 and opensc are needed"),
    pytest.mark.django_db,
]

ORIGIN = "http://testserver.example"
CODE = "246810"


class Agent:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = ""

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, origin: str = ORIGIN
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        if origin:
            headers["Origin"] = origin
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def agent(token) -> Iterator[Agent]:
    assert MODULE is not None
    # the agent is another program: no server-side signer of this process may hold the token
    signer_cache.invalidate()
    server, _state = make_server(
        Pkcs11Backend(MODULE), port=0, allowed_origins=[ORIGIN], pairing_code=CODE
    )
    serve_in_thread(server)
    try:
        yield Agent(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def approved(official, org, person_pair):
    from chinhquyen.accounts.models import Role
    from chinhquyen.accounts.tests.factories import make_official

    admin = make_official(org, Role.IT_ADMIN, full_name="Quản trị")
    cert = deferred.certificate_register(
        actor=official, official=official, certificate_pem=person_pair.certificate_pem
    )
    return deferred.certificate_decide(actor=admin, certificate_id=cert.pk, approve=True)


def _pair(agent: Agent) -> None:
    status, body = agent.call("POST", "/pair", {"code": CODE})
    assert status == 200
    agent.token = body["token"]


def test_origin_check_and_pairing(agent):
    status, body = agent.call("GET", "/status", origin="")
    assert (status, body["error"]["code"]) == (403, "origin_forbidden")
    status, body = agent.call("GET", "/status", origin="http://evil.example")
    assert (status, body["error"]["code"]) == (403, "origin_forbidden")
    status, body = agent.call("GET", "/status")
    assert status == 200 and body["protocol"] == 1

    status, body = agent.call("GET", "/certificates")
    assert (status, body["error"]["code"]) == (401, "not_paired")
    status, body = agent.call("POST", "/pair", {"code": "000000"})
    assert (status, body["error"]["code"]) == (403, "pairing_code_invalid")
    _pair(agent)
    status, body = agent.call("GET", "/certificates")
    assert status == 200
    [cert] = body["certificates"]
    assert "Nguyễn Văn An" in cert["subject"]
    assert len(cert["id"]) == 64


def test_sign_errors(agent):
    _pair(agent)
    _status, body = agent.call("GET", "/certificates")
    cert_id = body["certificates"][0]["id"]
    digest = base64.b64encode(b"\x01" * 32).decode()
    cases = [
        ({"certificate_id": cert_id, "digest": digest, "pin": "999999"}, 403, "pin_incorrect"),
        ({"certificate_id": "f" * 64, "digest": digest, "pin": PIN}, 404, "unknown_certificate"),
        ({"certificate_id": cert_id, "digest": "!!", "pin": PIN}, 400, "bad_request"),
        (
            {"certificate_id": cert_id, "digest": digest, "pin": PIN, "algorithm": "md5"},
            400,
            "unsupported_algorithm",
        ),
        (
            {"certificate_id": cert_id, "digest": base64.b64encode(b"x").decode(), "pin": PIN},
            400,
            "bad_digest",
        ),
    ]
    for request, code, error in cases:
        status, body = agent.call("POST", "/sign", request)
        assert (status, body["error"]["code"]) == (code, error), request
        assert body["error"]["message"]


def test_agent_signs_a_prepared_document_end_to_end(
    agent, approved, official, sample_pdf, tmp_path
):
    prepared = deferred.prepare(
        actor=official, pdf=sample_pdf, official=official, description="QĐ 15/QĐ-STP"
    )
    _pair(agent)
    _status, body = agent.call("GET", "/certificates")
    cert = body["certificates"][0]
    status, signed = agent.call(
        "POST",
        "/sign",
        {
            "certificate_id": cert["id"],
            "algorithm": prepared.md_algorithm,
            "digest": base64.b64encode(bytes(prepared.digest)).decode(),
            "pin": PIN,
        },
    )
    assert status == 200, signed
    done = deferred.complete(
        actor=official,
        prepared_id=prepared.pk,
        signature=base64.b64decode(signed["signature"]),
        certificates=signed["certificate_chain"],
    )
    assert done.status == PreparedStatus.COMPLETED
    pdf = bytes(done.signed_pdf)
    result = verify_pdf(pdf)
    assert result.valid, result.reason
    assert result.signatures[0].signer == "Nguyễn Văn An"
    path = tmp_path / "agent-signed.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature Validation: Signature is Valid." in out.stdout, out.stdout


def test_batch_one_pin_one_failing_item(agent, approved, official, sample_pdf):
    prepared = [
        deferred.prepare(actor=official, pdf=sample_pdf, official=official, description=f"VB {i}")
        for i in range(3)
    ]
    _pair(agent)
    _status, body = agent.call("GET", "/certificates")
    digests = [base64.b64encode(bytes(p.digest)).decode() for p in prepared]
    digests[2] = base64.b64encode(bytes(prepared[0].digest)).decode()  # the wrong digest
    status, signed = agent.call(
        "POST",
        "/sign",
        {"certificate_id": body["certificates"][0]["id"], "digests": digests, "pin": PIN},
    )
    assert status == 200 and len(signed["signatures"]) == 3
    outcomes = deferred.complete_batch(
        actor=official,
        items=[
            (p.pk, base64.b64decode(s)) for p, s in zip(prepared, signed["signatures"], strict=True)
        ],
        certificates=signed["certificate_chain"],
    )
    assert [(o.ok, o.code) for o in outcomes] == [
        (True, ""),
        (True, ""),
        (False, "digest_mismatch"),
    ]
