"""Fixtures of the notifications tests: throw-away transports and a private SMS file."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from chinhquyen.notifications.transports import (
    DeliveryError,
    OutgoingMessage,
    register_transport,
    unregister_transport,
)


class RecordingTransport:
    """Records what it is asked to send; raises ``error`` instead when set."""

    def __init__(self, name: str, channel: str) -> None:
        self.name = name
        self.channel = channel
        self.sent: list[OutgoingMessage] = []
        self.error: Exception | None = None
        self.calls = 0

    def send(self, message: OutgoingMessage) -> str:
        self.calls += 1
        if self.error is not None:
            raise self.error
        self.sent.append(message)
        return f"rec-{len(self.sent)}"


@pytest.fixture
def email_transport(settings: Any) -> Iterator[RecordingTransport]:
    transport = RecordingTransport("test_recording", "email")
    register_transport(transport)
    settings.NOTIFY_EMAIL_TRANSPORT = transport.name
    yield transport
    unregister_transport(channel="email", name=transport.name)


@pytest.fixture
def broken_email_transport(email_transport: RecordingTransport) -> RecordingTransport:
    email_transport.error = DeliveryError("Máy chủ thư tạm thời không trả lời.")
    return email_transport


@pytest.fixture
def sms_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "sms" / "outbox.jsonl"
    settings.NOTIFY_SMS_TRANSPORT = "file"
    settings.NOTIFY_SMS_FILE_PATH = str(path)
    return path


@pytest.fixture
def templates(db: None) -> None:
    """The seeded templates, also after a transactional test flushed the database."""
    seed = import_module("chinhquyen.notifications.migrations.0002_seed_templates")
    seed.seed_templates(apps, None)
