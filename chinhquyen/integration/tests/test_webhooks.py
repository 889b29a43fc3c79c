"""Outgoing webhooks: events written with the change, signed per Standard Webhooks (verified with
the reference ``standardwebhooks`` library), delivered in order per endpoint to a real HTTP
receiver on loopback, retried with backoff until success, dead letters replayed, secrets
rotated with an overlap, scoped to an organisation subtree."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from chinhquyen.core.api import DomainError
from chinhquyen.documents.models import Secrecy
from chinhquyen.documents.tests.conftest import World
from chinhquyen.documents.tests.helpers import register
from chinhquyen.dossiers.tests.factories import build_world as build_dossier_world
from chinhquyen.dossiers.tests.factories import submit
from chinhquyen.integration import webhook_events, webhooks
from chinhquyen.integration.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookState,
)
from chinhquyen.tasks.tests.helpers import MONDAY, first_task

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP receiver on loopback that records each POST and answers ``status``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(
                    {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def verified(self, secret: str) -> list[Any]:
        hook = Webhook(secret)
        return [hook.verify(r["body"], r["headers"]) for r in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def endpoint(url: str, types: list[str], **fields: Any) -> tuple[WebhookEndpoint, str]:
    row = WebhookEndpoint(name="Hệ thống nhận thử", url=url, event_types=types, **fields)
    secret = webhooks.endpoint_save(actor=None, endpoint=row)
    assert secret is not None and secret.startswith("whsec_")
    return row, secret


def test_dossier_events_are_signed_and_delivered_once(receiver: Receiver) -> None:
    hook, secret = endpoint(receiver.url, ["dossier.status_changed"])
    w = build_dossier_world()
    dossier = submit(w, key="webhook-1").dossier

    rows = list(WebhookDelivery.objects.filter(endpoint=hook))
    assert [r.payload["data"]["dossier_code"] for r in rows] == [dossier.code]
    assert webhooks.deliver_pending() == {WebhookState.DELIVERED: 1}

    (payload,) = receiver.verified(secret)  # the reference library accepts the signature
    assert payload["type"] == "dossier.status_changed"
    assert payload["data"]["dossier_code"] == dossier.code
    assert payload["data"]["status"] == dossier.status
    assert payload["data"]["step"] == "received"
    assert receiver.received[0]["headers"]["webhook-id"] == rows[0].msg_id
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(
            receiver.received[0]["body"], receiver.received[0]["headers"]
        )

    assert webhooks.deliver_pending() == {}  # retries stop after success
    assert len(receiver.received) == 1
    row = WebhookDelivery.objects.get(pk=rows[0].pk)
    assert row.state == WebhookState.DELIVERED and row.last_status == 204
    assert WebhookAttempt.objects.filter(delivery=row).count() == 1


def test_a_receiver_that_is_down_gets_the_events_later_in_order(
    world: World, receiver: Receiver
) -> None:
    hook, secret = endpoint(receiver.url, ["document.received"])
    documents = [register(world, number_notation=f"{n}/SXD-QLXD") for n in range(1, 4)]
    queued = list(WebhookDelivery.objects.filter(endpoint=hook).order_by("pk"))
    assert [r.payload["data"]["id"] for r in queued] == [d.pk for d in documents]

    receiver.status = 503
    now = timezone.now()
    assert webhooks.deliver_pending(now=now) == {WebhookState.PENDING: 1}
    assert len(receiver.received) == 1  # the head failed: the later events wait behind it
    assert webhooks.deliver_pending(now=now) == {}  # not due again before its backoff

    receiver.status = 200
    receiver.received.clear()
    later = now + dt.timedelta(minutes=5)
    assert webhooks.deliver_pending(now=later) == {WebhookState.DELIVERED: 3}
    delivered = receiver.verified(secret)
    assert [p["data"]["id"] for p in delivered] == [d.pk for d in documents]
    head = WebhookDelivery.objects.get(pk=queued[0].pk)
    assert head.attempts == 2
    assert list(head.attempt_log.values_list("status", flat=True)) == [503, 200]


def test_dead_letters_are_replayed(world: World, receiver: Receiver, settings: Any) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook, secret = endpoint(receiver.url, ["document.received"])
    register(world)
    receiver.status = 500
    now = timezone.now()
    webhooks.deliver_pending(now=now)
    webhooks.deliver_pending(now=now + dt.timedelta(hours=2))
    row = WebhookDelivery.objects.get(endpoint=hook)
    assert row.state == WebhookState.DEAD and row.attempts == 2 and row.last_status == 500

    receiver.status = 200
    webhooks.replay(actor=world.clerk, delivery=row)
    with pytest.raises(DomainError):
        webhooks.replay(actor=None, delivery=row)  # already waiting
    webhooks.deliver_pending(now=timezone.now() + dt.timedelta(seconds=1))
    row.refresh_from_db()
    assert row.state == WebhookState.DELIVERED
    assert len(receiver.verified(secret)) == 3
    assert len({r["headers"]["webhook-id"] for r in receiver.received}) == 1  # same message


def test_a_rotated_secret_overlaps_then_expires(world: World, receiver: Receiver) -> None:
    hook, old = endpoint(receiver.url, ["document.received"])
    new = webhooks.endpoint_rotate_secret(actor=None, endpoint=hook)
    hook.refresh_from_db()
    register(world)
    webhooks.deliver_pending()
    assert receiver.verified(old) and receiver.verified(new)  # both verify during the overlap

    after = hook.previous_secret_until + dt.timedelta(seconds=1)
    header = webhooks.signature_header(hook, msg_id="msg_x", at=after, body=b"{}")
    assert len(header.split(" ")) == 1
    assert header == Webhook(new).sign("msg_x", after, b"{}")  # only the new secret signs


def test_events_stay_inside_the_endpoints_scope_and_confidential_ones_never_go(
    world: World, receiver: Receiver
) -> None:
    scoped, _ = endpoint(receiver.url, ["document.received"], organisation=world.construction)
    everywhere, _ = endpoint(receiver.url, ["document.received"])
    register(world)  # at the justice department
    assert not WebhookDelivery.objects.filter(endpoint=scoped).exists()
    assert WebhookDelivery.objects.filter(endpoint=everywhere).count() == 1
    register(world, organisation=world.construction, actor=world.clerk_other)
    assert WebhookDelivery.objects.filter(endpoint=scoped).count() == 1
    assert WebhookDelivery.objects.filter(endpoint=everywhere).count() == 2
    register(world, secrecy=Secrecy.SECRET, number_notation="09/SXD-MAT")
    assert WebhookDelivery.objects.filter(endpoint=everywhere).count() == 2  # never announced


def test_overdue_tasks_are_announced_once_per_due_date(world: World, receiver: Receiver) -> None:
    hook, secret = endpoint(receiver.url, ["task.overdue"])
    task = first_task(world, today=MONDAY, deadline=MONDAY + dt.timedelta(days=7))
    assert task.due is not None
    assert webhook_events.announce_overdue_tasks(today=task.due) == 0  # due today: not late
    late = task.due + dt.timedelta(days=3)
    webhook_events.announce_overdue_tasks(today=late)
    webhook_events.announce_overdue_tasks(today=late + dt.timedelta(days=1))
    rows = WebhookDelivery.objects.filter(endpoint=hook)
    assert rows.count() == 1
    assert rows.get().payload["data"] == {
        "id": task.pk,
        "lead_unit": task.lead_unit.name,
        "due": task.due.isoformat(),
        "status": task.status,
        "days_late": 3,
    }
    webhooks.deliver_pending()
    (payload,) = receiver.verified(secret)
    assert payload["type"] == "task.overdue"


def test_bad_endpoints_are_refused_in_vietnamese() -> None:
    for url, types, code in (
        ("http://he-thong.example.vn/hook", ["task.overdue"], "https_required"),
        ("ftp://he-thong.example.vn/hook", ["task.overdue"], "invalid_url"),
        ("https://he-thong.example.vn/hook", [], "no_event_types"),
        ("https://he-thong.example.vn/hook", ["dossier.deleted"], "unknown_event_type"),
    ):
        with pytest.raises(DomainError) as err:
            endpoint(url, types)
        assert err.value.error_code == code
    assert not WebhookEndpoint.objects.exists()


def test_the_payload_is_json_with_the_standard_envelope(world: World, receiver: Receiver) -> None:
    endpoint(receiver.url, ["document.received"])
    document = register(world)
    webhooks.deliver_pending()
    body = json.loads(receiver.received[0]["body"])
    assert set(body) == {"type", "timestamp", "data"}
    assert body["data"]["number_notation"] == document.number_notation
    assert "phone" not in json.dumps(body) and "email" not in json.dumps(body)
