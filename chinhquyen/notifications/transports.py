"""Delivery transports: plugins behind a small interface, registered by channel and name.

The transport used for a channel is chosen by a setting read at delivery time:

- ``NOTIFY_EMAIL_TRANSPORT`` (default ``"django"``): Django's mail, i.e. ``EMAIL_BACKEND``
  (console or file in development, SMTP in production, locmem in tests).
- ``NOTIFY_SMS_TRANSPORT`` (default ``"console"``):
  ``console`` logs the message; ``file`` appends a JSON line to ``NOTIFY_SMS_FILE_PATH``
  (default ``VAR_DIR/sms/outbox.jsonl``) for the demo; ``http_json`` posts to an SMS brandname
  gateway (see ``HttpJsonSmsTransport``), whose local sandbox is ``views.sms_sandbox``.

A transport returns the provider's message id, or raises ``DeliveryError`` (any other
exception counts as a transient failure too). ``DeliveryError(permanent=True)`` means retrying
cannot help (the gateway rejected the message itself): the notification goes straight to dead.
Other integrations register their own transport with ``register_transport``.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from .models import Channel

logger = logging.getLogger(__name__)

DEFAULT_EMAIL_TRANSPORT = "django"
DEFAULT_SMS_TRANSPORT = "console"
DEFAULT_SMS_BRANDNAME = "CHINHQUYEN"
DEFAULT_SMS_API_KEY_HEADER = "X-API-Key"
DEFAULT_SMS_TIMEOUT = 10.0
RESPONSE_MAX_BYTES = 64 * 1024
# HTTP statuses meaning "this message will never be accepted": do not retry.
PERMANENT_HTTP_STATUSES = frozenset({400, 413, 422})


@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: int
    channel: str
    recipient: str
    subject: str
    body: str
    body_html: str = ""

    @property
    def idempotency_key(self) -> str:
        """Stable for every attempt of one notification, so a gateway can drop repeats."""
        host = urlparse(str(getattr(settings, "SITE_URL", ""))).hostname or "chinhquyen"
        return f"{host}:notification:{self.notification_id}"


class DeliveryError(Exception):
    """A delivery attempt failed; ``message`` is shown to administrators (Vietnamese)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    name: str
    channel: str

    def send(self, message: OutgoingMessage) -> str:
        """Deliver ``message``; returns the provider's message id (may be empty)."""
        ...


_REGISTRY: dict[tuple[str, str], Transport] = {}


def register_transport(transport: Transport) -> None:
    _REGISTRY[(transport.channel, transport.name)] = transport


def unregister_transport(*, channel: str, name: str) -> None:
    _REGISTRY.pop((channel, name), None)


def transport_names(channel: str) -> list[str]:
    return sorted(name for (ch, name) in _REGISTRY if ch == channel)


def configured_transport_name(channel: str) -> str:
    if channel == Channel.EMAIL:
        return str(getattr(settings, "NOTIFY_EMAIL_TRANSPORT", DEFAULT_EMAIL_TRANSPORT))
    return str(getattr(settings, "NOTIFY_SMS_TRANSPORT", DEFAULT_SMS_TRANSPORT))


def get_transport(channel: str) -> Transport:
    name = configured_transport_name(channel)
    transport = _REGISTRY.get((channel, name))
    if transport is None:
        raise DeliveryError(
            f"Chưa có cổng gửi «{name}» cho kênh {channel} (kiểm tra cấu hình "
            f"NOTIFY_{channel.upper()}_TRANSPORT)."
        )
    return transport


# --- e-mail -------------------------------------------------------------------------------


class DjangoMailTransport:
    """Django's mail framework: whatever ``EMAIL_BACKEND`` is configured."""

    name = "django"
    channel = Channel.EMAIL.value

    def send(self, message: OutgoingMessage) -> str:
        domain = urlparse(str(getattr(settings, "SITE_URL", ""))).hostname or "localhost"
        message_id = make_msgid(domain=domain)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        if email.send(fail_silently=False) != 1:
            raise DeliveryError("Máy chủ thư không nhận thư.")
        return message_id


# --- SMS ----------------------------------------------------------------------------------


def sms_brandname() -> str:
    return str(getattr(settings, "NOTIFY_SMS_BRANDNAME", DEFAULT_SMS_BRANDNAME))


class ConsoleSmsTransport:
    """Logs the message (development)."""

    name = "console"
    channel = Channel.SMS.value

    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"console-{uuid.uuid4().hex}"
        logger.info(
            "notifications.sms_console",
            extra={
                "notification_id": message.notification_id,
                "to": message.recipient,
                "text": message.body,
                "provider_message_id": provider_id,
            },
        )
        return provider_id


def sms_file_path() -> Path:
    configured = getattr(settings, "NOTIFY_SMS_FILE_PATH", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "sms" / "outbox.jsonl"


class FileSmsTransport:
    """Appends one JSON line per message to ``NOTIFY_SMS_FILE_PATH`` (the demo's "phone")."""

    name = "file"
    channel = Channel.SMS.value

    def send(self, message: OutgoingMessage) -> str:
        provider_id = f"file-{uuid.uuid4().hex}"
        line = json.dumps(
            {
                "id": provider_id,
                "notification_id": message.notification_id,
                "to": message.recipient,
                "brandname": sms_brandname(),
                "message": message.body,
                "at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        path = sms_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        # One write() on an O_APPEND descriptor: lines from concurrent workers never interleave.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        return provider_id


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A gateway answers, it does not redirect: a 3xx is a failure, not a new POST target."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpJsonSmsTransport:
    """An SMS brandname gateway speaking JSON over HTTP(S).

    ``POST NOTIFY_SMS_URL`` with ``{"to": "84...", "message": "...", "brandname": "..."}``, the
    API key in the ``NOTIFY_SMS_API_KEY_HEADER`` header (default ``X-API-Key``) and an
    ``Idempotency-Key`` header that is the same for every attempt of one notification. Any 2xx
    is success; the provider's id is read from ``id`` / ``message_id`` / ``messageId`` in the
    JSON answer. Anything else (network error, timeout ``NOTIFY_SMS_TIMEOUT`` seconds, non-2xx)
    is a failure; 400, 413 and 422 are permanent (the message itself was rejected).
    """

    name = "http_json"
    channel = Channel.SMS.value

    def send(self, message: OutgoingMessage) -> str:
        url = str(getattr(settings, "NOTIFY_SMS_URL", "") or "")
        if urlparse(url).scheme not in ("http", "https"):
            raise DeliveryError("Chưa cấu hình NOTIFY_SMS_URL (địa chỉ http/https của cổng SMS).")
        api_key = str(getattr(settings, "NOTIFY_SMS_API_KEY", "") or "")
        header = str(getattr(settings, "NOTIFY_SMS_API_KEY_HEADER", DEFAULT_SMS_API_KEY_HEADER))
        timeout = float(getattr(settings, "NOTIFY_SMS_TIMEOUT", DEFAULT_SMS_TIMEOUT))
        payload = {"to": message.recipient, "message": message.body, "brandname": sms_brandname()}
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": message.idempotency_key,
        }
        if api_key:
            headers[header] = api_key
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST"
        )
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
                raw = response.read(RESPONSE_MAX_BYTES)
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc.read(RESPONSE_MAX_BYTES) if exc.fp else b"")
            raise DeliveryError(
                f"Cổng SMS trả lời HTTP {exc.code}: {detail}".strip(),
                permanent=exc.code in PERMANENT_HTTP_STATUSES,
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"Không kết nối được cổng SMS: {reason}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"Cổng SMS trả lời HTTP {status}.")
        return _provider_id(raw)


def _error_detail(raw: bytes) -> str:
    """A readable reason from an error answer: its JSON message when there is one."""
    text = raw.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300]
    if isinstance(data, dict):
        error = data.get("error")
        for candidate in (
            error.get("message") if isinstance(error, dict) else error,
            data.get("message"),
        ):
            if isinstance(candidate, str) and candidate.strip():
                return candidate.strip()[:300]
    return " ".join(text.split())[:300]


def _provider_id(raw: bytes) -> str:
    try:
        data = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    for key in ("id", "message_id", "messageId"):
        value = data.get(key)
        if isinstance(value, str | int) and str(value):
            return str(value)
    return ""


for _transport in (
    DjangoMailTransport(),
    ConsoleSmsTransport(),
    FileSmsTransport(),
    HttpJsonSmsTransport(),
):
    register_transport(_transport)
