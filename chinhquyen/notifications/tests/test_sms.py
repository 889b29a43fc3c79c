"""SMS transports: console, file, and the http_json adapter against the local sandbox gateway."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.notifications.models import Notification, NotificationStatus, SandboxSms
from chinhquyen.notifications.services import notify

URLS = "chinhquyen.notifications.tests.urls"
API_KEY = "khoa-thu-nghiem-123"
CONTEXT = {
    "code": "000.17.22.H56-260302-0007",
    "appointment": "09:00 ngày 06/03/2026",
    "lookup_url": "https://dvc.example.vn/tra-cuu",
    "pin": "120934",
}
EXPECTED_TEXT = (
    "Ho so 000.17.22.H56-260302-0007 da duoc tiep nhan, hen tra ket qua 09:00 ngay 06/03/2026. "
    "Tra cuu tai https://dvc.example.vn/tra-cuu voi ma PIN 120934."
)


def send_sms(recipient: str = "0912345678", **kwargs: Any) -> Notification:
    notification = notify(
        channel="sms",
        recipient=recipient,
        template="dossier.received",
        context=kwargs.pop("context", CONTEXT),
        **kwargs,
    )
    assert notification is not None
    return notification


def test_file_transport_appends_a_json_line(
    templates: None, sms_file: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = send_sms()
        second = send_sms("+84 387 654 321")
    lines = sms_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["to"] == "84912345678"
    assert record["message"] == EXPECTED_TEXT
    assert record["brandname"] == "CHINHQUYEN"
    assert record["notification_id"] == first.pk
    first.refresh_from_db()
    assert first.status == NotificationStatus.SENT
    assert first.transport == "file"
    assert first.provider_message_id == record["id"]
    assert json.loads(lines[1])["to"] == "84387654321"
    assert json.loads(lines[1])["notification_id"] == second.pk


def test_file_transport_keeps_diacritics_when_ascii_is_off(
    templates: None, sms_file: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_SMS_ASCII = False
    with django_capture_on_commit_callbacks(execute=True):
        send_sms()
    record = json.loads(sms_file.read_text(encoding="utf-8"))
    assert record["message"].startswith("Hồ sơ 000.17.22.H56-260302-0007 đã được tiếp nhận")


def test_console_transport_logs_the_message(
    templates: None, settings: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_SMS_TRANSPORT = "console"
    with (
        caplog.at_level(logging.INFO, logger="chinhquyen.notifications.transports"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = send_sms()
    records = [r for r in caplog.records if r.getMessage() == "notifications.sms_console"]
    assert len(records) == 1
    assert records[0].to == "84912345678"  # type: ignore[attr-defined]
    assert records[0].text == EXPECTED_TEXT  # type: ignore[attr-defined]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.provider_message_id == records[0].provider_message_id  # type: ignore[attr-defined]


# --- http_json against the sandbox gateway served by live_server ---------------------------


@pytest.fixture
def gateway(settings: Any, live_server: Any) -> str:
    url = live_server.url + reverse("notifications:sms_sandbox")
    settings.NOTIFY_SMS_TRANSPORT = "http_json"
    settings.NOTIFY_SMS_URL = url
    settings.NOTIFY_SMS_API_KEY = API_KEY
    settings.NOTIFY_SMS_SANDBOX_API_KEY = API_KEY
    settings.NOTIFY_SMS_SANDBOX = True
    settings.NOTIFY_SMS_BRANDNAME = "UBND-NB"
    settings.NOTIFY_SMS_TIMEOUT = 60  # the live server of a loaded machine may be slow
    return url


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_http_json_delivers_to_the_sandbox_gateway(templates: None, gateway: str) -> None:
    notification = send_sms(dedupe_key="dossier:7:received:sms")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT, notification.last_error
    received = SandboxSms.objects.get()
    assert received.to == "84912345678"
    assert received.message == EXPECTED_TEXT
    assert received.brandname == "UBND-NB"
    assert received.idempotency_key is not None
    assert received.idempotency_key.endswith(f":notification:{notification.pk}")
    assert notification.provider_message_id == received.message_id
    assert notification.transport == "http_json"


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_http_json_wrong_api_key_is_a_retried_failure(
    templates: None, gateway: str, settings: Any
) -> None:
    settings.NOTIFY_SMS_API_KEY = "sai-khoa"
    notification = send_sms()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error.startswith("Cổng SMS trả lời HTTP 401")
    assert "Khóa API của cổng SMS không đúng." in notification.last_error
    assert SandboxSms.objects.count() == 0


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_http_json_rejected_message_is_dead_at_once(
    templates: None, gateway: str, settings: Any
) -> None:
    settings.NOTIFY_SMS_BRANDNAME = "TEN-THUONG-HIEU-QUA-DAI-25"
    notification = send_sms()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DEAD
    assert notification.attempts == 1
    assert notification.last_error.startswith("Cổng SMS trả lời HTTP 400")
    assert SandboxSms.objects.count() == 0


@pytest.mark.urls(URLS)
@pytest.mark.django_db(transaction=True)
def test_http_json_disabled_sandbox_answers_404_and_is_retried(
    templates: None, gateway: str, settings: Any
) -> None:
    settings.NOTIFY_SMS_SANDBOX = False
    notification = send_sms()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error.startswith("Cổng SMS trả lời HTTP 404")


def test_http_json_without_url_or_unreachable_fails_cleanly(
    templates: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_SMS_TRANSPORT = "http_json"
    settings.NOTIFY_SMS_URL = "file:///etc/passwd"
    with django_capture_on_commit_callbacks(execute=True):
        bad_scheme = send_sms()
    bad_scheme.refresh_from_db()
    assert bad_scheme.status == NotificationStatus.FAILED
    assert "Chưa cấu hình NOTIFY_SMS_URL" in bad_scheme.last_error

    settings.NOTIFY_SMS_URL = "http://127.0.0.1:9/sms"  # nothing listens on the discard port
    settings.NOTIFY_SMS_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        unreachable = send_sms()
    unreachable.refresh_from_db()
    assert unreachable.status == NotificationStatus.FAILED
    assert unreachable.last_error.startswith("Không kết nối được cổng SMS")


# --- the sandbox view itself -----------------------------------------------------------------


def post_json(client: Client, payload: Any, key: str = API_KEY, **headers: str) -> Any:
    return client.post(
        reverse("notifications:sms_sandbox"),
        data=payload if isinstance(payload, str) else json.dumps(payload),
        content_type="application/json",
        headers={"X-API-Key": key, **headers},
    )


@pytest.fixture
def sandbox(settings: Any) -> None:
    settings.NOTIFY_SMS_SANDBOX = True
    settings.NOTIFY_SMS_SANDBOX_API_KEY = API_KEY


GOOD = {"to": "84912345678", "message": "Ho so da duoc tiep nhan", "brandname": "UBND-NB"}


@pytest.mark.urls(URLS)
def test_sandbox_view_accepts_stores_and_deduplicates(
    db: None, client: Client, sandbox: None
) -> None:
    response = post_json(client, GOOD, **{"Idempotency-Key": "k-1"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    sms = SandboxSms.objects.get()
    assert body["id"] == sms.message_id
    assert (sms.to, sms.message, sms.brandname) == ("84912345678", GOOD["message"], "UBND-NB")
    again = post_json(client, GOOD, **{"Idempotency-Key": "k-1"})
    assert again.json()["id"] == body["id"]
    assert SandboxSms.objects.count() == 1
    assert post_json(client, GOOD).status_code == 200  # no key: stored again
    assert SandboxSms.objects.count() == 2


@pytest.mark.urls(URLS)
def test_sandbox_view_rejects_bad_requests_with_structured_errors(
    db: None, client: Client, sandbox: None
) -> None:
    wrong_key = post_json(client, GOOD, key="sai")
    assert wrong_key.status_code == 401
    assert wrong_key.json()["error"]["code"] == "authentication_failed"

    not_json = post_json(client, "{khong phai json")
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "parse_error"

    invalid = post_json(client, {"to": "0912345678", "message": " ", "brandname": ""})
    assert invalid.status_code == 400
    error = invalid.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"to", "message", "brandname"}
    assert error["fields"]["to"] == ["Số nhận phải có dạng 84xxxxxxxxx."]

    too_long = post_json(client, {**GOOD, "message": "x" * 307})
    assert too_long.status_code == 400
    assert "306" in too_long.json()["error"]["fields"]["message"][0]

    assert post_json(client, ["not", "an", "object"]).status_code == 400
    assert client.get(reverse("notifications:sms_sandbox")).status_code == 405
    assert SandboxSms.objects.count() == 0


@pytest.mark.urls(URLS)
def test_sandbox_view_is_404_unless_enabled(db: None, client: Client, settings: Any) -> None:
    settings.NOTIFY_SMS_SANDBOX = False
    assert post_json(client, GOOD, key="sandbox-sms-key").status_code == 404
    assert SandboxSms.objects.count() == 0
