"""SIEM forwarding: the outbox (``ForwardItem``) delivered as RFC 5424 syslog and JSON lines.

- syslog over TCP with octet-counting framing (RFC 6587 §3.4.1: ``<length> SP <message>``),
  optionally over TLS (RFC 5425), to ``SECOPS_SYSLOG_HOST``:``SECOPS_SYSLOG_PORT``;
- JSON lines appended to ``SECOPS_JSONL_PATH``.

Requests only insert outbox rows; the periodic job :func:`forward_pending` sends them in id
order. A target that fails stops its batch at the failing row: the rows from there on stay
queued and are sent, still in order, on a later run. Delivery is at least once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import ForwardItem

logger = logging.getLogger(__name__)

FACILITY_AUTHPRIV = 10
APP_NAME = "chinhquyen"
SD_ID = "cq@32473"  # structured data id under the IANA example enterprise number
BATCH_SIZE = 500
ERROR_MAX_LENGTH = 500


def _setting(name: str, default: object) -> object:
    return getattr(settings, name, default)


def _printable(value: str, limit: int) -> str:
    text = "".join(ch for ch in value if 33 <= ord(ch) <= 126)
    return (text or "-")[:limit]


def _sd_escape(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def syslog_message(item: ForwardItem, *, hostname: str | None = None) -> bytes:
    """One RFC 5424 message (without framing) for an outbox row."""
    payload = item.payload
    pri = FACILITY_AUTHPRIV * 8 + int(item.severity)
    stamp = item.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    stamp = stamp.replace("+00:00", "Z")
    configured = str(_setting("SECOPS_SYSLOG_HOSTNAME", "") or "")
    host = _printable(hostname or configured or socket.gethostname(), 255)
    params = {
        "type": payload.get("type"),
        "id": payload.get("id"),
        "kind": payload.get("kind"),
        "user": payload.get("username") or payload.get("group_value") or "",
        "ip": payload.get("ip") or "",
    }
    sd = "[" + SD_ID + "".join(f' {k}="{_sd_escape(v)}"' for k, v in params.items()) + "]"
    msg = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    header = f"<{pri}>1 {stamp} {host} {APP_NAME} - {_printable(item.msgid, 32)} {sd} "
    return header.encode("utf-8") + b"\xef\xbb\xbf" + msg.encode("utf-8")


def frame(message: bytes) -> bytes:
    """Octet-counting framing (RFC 6587 §3.4.1)."""
    return str(len(message)).encode("ascii") + b" " + message


@dataclass(frozen=True)
class SyslogTarget:
    host: str
    port: int
    tls: bool
    ca_file: str
    timeout: float

    @classmethod
    def configured(cls) -> SyslogTarget | None:
        host = str(_setting("SECOPS_SYSLOG_HOST", "") or "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(str(_setting("SECOPS_SYSLOG_PORT", 6514) or 6514)),
            tls=str(_setting("SECOPS_SYSLOG_TLS", False)).lower() in {"1", "true", "yes", "on"},
            ca_file=str(_setting("SECOPS_SYSLOG_CA_FILE", "") or ""),
            timeout=float(str(_setting("SECOPS_SYSLOG_TIMEOUT", 5) or 5)),
        )

    def connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        if not self.tls:
            return sock
        context = ssl.create_default_context(cafile=self.ca_file or None)
        return context.wrap_socket(sock, server_hostname=self.host)


def _pending(field: str) -> list[ForwardItem]:
    pending = ForwardItem.objects.filter(**{f"{field}__isnull": True}).order_by("id")
    return list(pending[:BATCH_SIZE])


def _failed(item: ForwardItem, exc: Exception, target: str) -> None:
    ForwardItem.objects.filter(pk=item.pk).update(
        attempts=F("attempts") + 1, last_error=f"{target}: {exc}"[:ERROR_MAX_LENGTH]
    )
    logger.warning("secops.forward_failed", extra={"target": target, "item_id": item.pk})


def forward_syslog(target: SyslogTarget) -> int:
    items = _pending("syslog_sent_at")
    if not items:
        return 0
    sent = 0
    try:
        with target.connect() as sock:
            for item in items:
                sock.sendall(frame(syslog_message(item)))
                ForwardItem.objects.filter(pk=item.pk).update(syslog_sent_at=timezone.now())
                sent += 1
    except OSError as exc:
        _failed(items[min(sent, len(items) - 1)], exc, "syslog")
    return sent


def forward_jsonl(path: Path) -> int:
    items = _pending("jsonl_sent_at")
    if not items:
        return 0
    sent = 0
    try:
        with path.open("a", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item.payload, ensure_ascii=False, default=str) + "\n")
                handle.flush()
                ForwardItem.objects.filter(pk=item.pk).update(jsonl_sent_at=timezone.now())
                sent += 1
    except OSError as exc:
        _failed(items[min(sent, len(items) - 1)], exc, "jsonl")
    return sent


def forward_pending() -> dict[str, int]:
    """Send what is queued to every configured target; returns the rows sent per target."""
    result: dict[str, int] = {}
    target = SyslogTarget.configured()
    if target is not None:
        result["syslog"] = forward_syslog(target)
    raw_path = str(_setting("SECOPS_JSONL_PATH", "") or "").strip()
    if raw_path:
        result["jsonl"] = forward_jsonl(Path(raw_path))
    return result
