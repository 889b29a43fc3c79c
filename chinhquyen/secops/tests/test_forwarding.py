"""SIEM forwarding: RFC 5424 over TCP with octet-counting framing, JSON lines, buffering."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from chinhquyen.audit.models import SecurityEventKind
from chinhquyen.audit.services import security_event_record
from chinhquyen.secops.forwarding import forward_pending
from chinhquyen.secops.models import ForwardItem
from chinhquyen.secops.tasks import forward

pytestmark = pytest.mark.django_db

RFC5424 = re.compile(
    rb"^<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+) "
    rb"(?P<msgid>\S+) (?P<sd>\[.*?(?<!\\)\]) \xef\xbb\xbf(?P<msg>.*)$",
    re.S,
)


class Listener:
    """A TCP syslog receiver: splits octet-counted frames (RFC 6587 §3.4.1)."""

    def __init__(self, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self._closed = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.frames: list[bytes] = []
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
                if self.tls is not None:
                    conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:
                if self._closed.is_set():
                    return
                continue  # a failed TLS handshake: wait for the next connection
            with conn:
                buffer = b""
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    buffer += chunk
                    while b" " in buffer:
                        length, _, rest = buffer.partition(b" ")
                        if len(rest) < int(length):
                            break
                        with self._lock:
                            self.frames.append(rest[: int(length)])
                            self._lock.notify_all()
                        buffer = rest[int(length) :]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[bytes]:
        with self._lock:
            if self._lock.wait_for(lambda: len(self.frames) >= count, timeout=timeout):
                return list(self.frames)
            raise AssertionError(f"expected {count} frames, got {len(self.frames)}")

    def close(self) -> None:
        """Stop listening for real: shutdown wakes the thread blocked in accept()."""
        self._closed.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._thread.join(timeout=5)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _parse(frame: bytes) -> dict[str, object]:
    match = RFC5424.match(frame)
    assert match, frame
    return {
        "pri": int(match["pri"]),
        "host": match["host"].decode(),
        "app": match["app"].decode(),
        "msgid": match["msgid"].decode(),
        "sd": match["sd"].decode(),
        "msg": json.loads(match["msg"].decode("utf-8")),
    }


def _events(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        security_event_record(
            kind=SecurityEventKind.LOGIN_FAILED, username=f'người "{i}"]', detail={"i": i}
        )


def test_syslog_frames_are_rfc5424_and_in_order(listener: Listener) -> None:
    _events(3)
    with override_settings(
        SECOPS_SYSLOG_HOST="127.0.0.1", SECOPS_SYSLOG_PORT=listener.port, SECOPS_JSONL_PATH=""
    ):
        assert forward.call() == {"syslog": 3}
    frames = [_parse(f) for f in listener.wait_for(3)]
    assert [f["msg"]["detail"]["i"] for f in frames] == [0, 1, 2]  # type: ignore[index]
    first = frames[0]
    assert first["pri"] == 10 * 8 + 5  # authpriv.notice
    assert first["app"] == "chinhquyen" and first["msgid"] == "login_failed"
    assert 'user="người \\"0\\"\\]"' in str(first["sd"])
    assert first["msg"]["username"] == 'người "0"]'  # type: ignore[index]
    assert not ForwardItem.objects.filter(syslog_sent_at__isnull=True).exists()
    # nothing is sent twice
    with override_settings(SECOPS_SYSLOG_HOST="127.0.0.1", SECOPS_SYSLOG_PORT=listener.port):
        assert forward_pending()["syslog"] == 0


def test_target_down_buffers_then_delivers_everything_in_order() -> None:
    probe = Listener()
    port = probe.port
    probe.close()  # nobody listens on the port now
    _events(4)
    with override_settings(SECOPS_SYSLOG_HOST="127.0.0.1", SECOPS_SYSLOG_PORT=port):
        assert forward_pending() == {"syslog": 0}
        assert forward_pending() == {"syslog": 0}
        pending = ForwardItem.objects.filter(syslog_sent_at__isnull=True)
        assert pending.count() == 4
        assert pending.order_by("id").first().attempts == 2  # type: ignore[union-attr]
        _events(2, start=4)  # more arrive while the target is down

        server = Listener(port)
        try:
            assert forward_pending() == {"syslog": 6}
            frames = [_parse(f) for f in server.wait_for(6)]
        finally:
            server.close()
    assert [f["msg"]["detail"]["i"] for f in frames] == list(range(6))  # type: ignore[index]


def test_json_lines_are_appended(tmp_path: Path) -> None:
    target = tmp_path / "siem.jsonl"
    _events(2)
    with override_settings(SECOPS_SYSLOG_HOST="", SECOPS_JSONL_PATH=str(target)):
        assert forward_pending() == {"jsonl": 2}
        _events(1, start=2)
        assert forward_pending() == {"jsonl": 1}
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["detail"]["i"] for line in lines] == [0, 1, 2]
    assert {line["type"] for line in lines} == {"security_event"}
    assert lines[0]["kind"] == "login_failed"


def test_unwritable_json_lines_target_keeps_rows(tmp_path: Path) -> None:
    _events(1)
    with override_settings(SECOPS_JSONL_PATH=str(tmp_path / "missing-dir" / "siem.jsonl")):
        assert forward_pending() == {"jsonl": 0}
    item = ForwardItem.objects.get()
    assert item.jsonl_sent_at is None and item.attempts == 1 and "jsonl" in item.last_error


def test_recording_an_event_does_not_touch_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a request must never connect to the SIEM")

    monkeypatch.setattr(socket, "create_connection", refuse)
    with override_settings(SECOPS_SYSLOG_HOST="192.0.2.1", SECOPS_SYSLOG_PORT=6514):
        _events(1)
    assert ForwardItem.objects.count() == 1


def test_the_scheduler_runs_forwarding_every_minute_and_prunes_old_rows(settings: Any) -> None:
    from chinhquyen.jobs import registry
    from chinhquyen.secops.tasks import prune_outbox

    names = {spec.name: spec for spec in registry.autodiscover()}
    assert names["secops.forward"].every == dt.timedelta(minutes=1)
    assert "secops.prune_outbox" in names

    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    _events(2)
    old = timezone.now() - dt.timedelta(days=31)
    ForwardItem.objects.filter(pk=ForwardItem.objects.order_by("id").first().pk).update(  # type: ignore[union-attr]
        created_at=old
    )
    assert prune_outbox.call() == 1
    assert ForwardItem.objects.count() == 1


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "siem.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "siem.pem", tmp_path / "siem.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_syslog_over_tls_checks_the_server_certificate(tmp_path: Path) -> None:
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server = Listener(tls=context)
    try:
        _events(2)
        tls = {"SECOPS_SYSLOG_HOST": "127.0.0.1", "SECOPS_SYSLOG_PORT": server.port}
        # not trusted (the system's CAs): nothing is sent, rows stay
        with override_settings(**tls, SECOPS_SYSLOG_TLS=True, SECOPS_SYSLOG_CA_FILE=""):
            assert forward_pending() == {"syslog": 0}
        assert ForwardItem.objects.filter(syslog_sent_at__isnull=True).count() == 2
        with override_settings(**tls, SECOPS_SYSLOG_TLS=True, SECOPS_SYSLOG_CA_FILE=str(cert_path)):
            assert forward_pending() == {"syslog": 2}
        frames = [_parse(f) for f in server.wait_for(2)]
    finally:
        server.close()
    assert [f["msg"]["detail"]["i"] for f in frames] == [0, 1]  # type: ignore[index]
