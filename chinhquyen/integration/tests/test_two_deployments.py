"""Two deployments on loopback, each with its own database and its own server (runserver
subprocesses, waited for on /healthz): A issues → B registers the incoming document → B
processes it → A sees 01, 03, 04, 05, 06; B sends to A the other way; take-back and revoke
travel too. Each step runs in a subprocess against its deployment's database (``e2e_steps``);
the outbox is delivered by an explicit step instead of a worker."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

ROOT = Path(__file__).resolve().parents[3]
CODES = {"a_sender": "000.00.01.A01", "a_recipient": "000.00.01.A02"}
CODES |= {"b_sender": "000.00.02.B01", "b_recipient": "000.00.02.B02"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Deployment:
    def __init__(self, name: str, base: Path) -> None:
        self.name = name
        self.var = base / name
        self.var.mkdir(parents=True)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "chinhquyen.settings.dev",
            "CHINHQUYEN_VAR_DIR": str(self.var),
            "DATABASE_URL": f"sqlite:///{self.var / 'db.sqlite3'}",
            "PYTHONPATH": str(ROOT),
            "DJANGO_DEBUG": "0",
        }
        self.server: subprocess.Popen[bytes] | None = None

    def step(self, name: str, **kwargs: Any) -> dict[str, Any]:
        code = (
            "import sys; from chinhquyen.integration.tests.e2e_steps import run; "
            "run(sys.argv[1], sys.argv[2])"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, name, json.dumps(kwargs)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"{self.name}.{name}: {done.stderr[-3000:]}"
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.var / "server.log", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.server.poll() is None, (self.var / "server.log").read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answers (the worker check may fail: no worker runs here)
            except (urllib.error.URLError, OSError):
                # not listening yet: wait for the process to die or a short while
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.server.wait(timeout=0.2)
        raise AssertionError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()


def _pairs() -> dict[str, Any]:
    from chinhquyen.signing import pki

    ca = pki.make_ca("CA liên thông hai hệ thống")

    def dump(pair: Any) -> dict[str, str]:
        key = pair.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return {"key": key, "cert": pair.certificate_pem}

    out = {"ca": dump(ca)}
    for name in CODES:
        out[name] = dump(pki.issue_certificate(ca, common_name=name))
    return out


@pytest.fixture
def deployments(tmp_path: Path) -> Iterator[tuple[Deployment, Deployment]]:
    a, b = Deployment("a", tmp_path), Deployment("b", tmp_path)
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=a.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shutil.copy(a.var / "db.sqlite3", b.var / "db.sqlite3")
    pairs = _pairs()
    endpoint = "/api/v1/integration/edxml/"

    def setup(me: Deployment, other: Deployment, mine: str, theirs: str) -> None:
        me.step(
            "setup",
            sender_code=CODES[f"{mine}_sender"],
            recipient_code=CODES[f"{mine}_recipient"],
            pairs={
                "ca": pairs["ca"],
                "sender": pairs[f"{mine}_sender"],
                "recipient": pairs[f"{mine}_recipient"],
            },
            peers=[
                (
                    CODES[f"{theirs}_{role}"],
                    f"{theirs} {role}",
                    other.url + endpoint,
                    pairs[f"{theirs}_{role}"]["cert"],
                )
                for role in ("sender", "recipient")
            ],
        )

    setup(a, b, "a", "b")
    setup(b, a, "b", "a")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_documents_and_statuses_travel_between_two_deployments(deployments):
    a, b = deployments
    # A issues to B's Sở Xây dựng
    sent = a.step("send", to_code=CODES["b_recipient"], to_name="Sở Xây dựng tỉnh B")
    assert a.step("deliver") == {"counts": {"sent": 1}, "errors": []}
    got = b.step("received", document_id=sent["document_id"])
    assert got["found"] and got["status"] == "received" and got["files"] == 1
    assert got["sender_code"] == CODES["a_sender"]
    assert b.step("deliver") == {"counts": {"sent": 1}, "errors": []}  # 01
    assert a.step("statuses", outgoing=sent["outgoing"])["codes"] == ["01"]
    # B registers, assigns, works on and completes it: A sees every status
    b.step("process", incoming=got["incoming"])
    assert b.step("deliver") == {"counts": {"sent": 4}, "errors": []}
    assert a.step("statuses", outgoing=sent["outgoing"])["codes"] == [
        "01",
        "03",
        "04",
        "05",
        "06",
    ]
    # a second delivery of the same document registers nothing new
    # take-back: A asks (13), B agrees (15)
    a.step("take_back", outgoing=sent["outgoing"])
    assert a.step("deliver")["counts"] == {"sent": 1}
    b.step("answer_take_back", document_id=sent["document_id"])
    assert b.step("deliver")["counts"] == {"sent": 1}
    assert a.step("statuses", outgoing=sent["outgoing"])["codes"][-2:] == ["13", "15"]
    assert b.step("received", document_id=sent["document_id"])["status"] == "withdrawn"

    # the other way: B issues to A, then revokes it
    back = b.step("send", to_code=CODES["a_recipient"], to_name="Sở Xây dựng tỉnh A")
    assert b.step("deliver")["counts"] == {"sent": 1}
    arrived = a.step("received", document_id=back["document_id"])
    assert arrived["found"] and arrived["status"] == "received"
    assert a.step("deliver")["counts"] == {"sent": 1}
    assert b.step("statuses", outgoing=back["outgoing"])["codes"] == ["01"]
    b.step("revoke", outgoing=back["outgoing"])
    assert b.step("deliver")["counts"] == {"sent": 1}
    assert a.step("received", document_id=back["document_id"])["status"] == "withdrawn"
