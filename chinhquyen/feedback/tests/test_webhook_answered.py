"""An approved answer to a citizen report is announced to webhook endpoints
(``feedback.answered``, chinhquyen.integration.webhook_events), once, without personal data."""

from __future__ import annotations

import pytest

from chinhquyen.integration import webhooks
from chinhquyen.integration.models import WebhookDelivery, WebhookEndpoint

from .conftest import FW
from .test_workflow import _walk_to_answered

pytestmark = pytest.mark.django_db


def test_the_approved_answer_is_announced(fw: FW) -> None:
    hook = WebhookEndpoint(
        name="Cổng PAKN quốc gia (thử)",
        url="https://pakn.example.vn/hook",
        event_types=["feedback.answered"],
    )
    webhooks.endpoint_save(actor=None, endpoint=hook)
    item, _pin = fw.submit()
    assert not WebhookDelivery.objects.exists()  # received, not answered

    item = _walk_to_answered(fw, item)

    row = WebhookDelivery.objects.get(endpoint=hook)
    assert row.event_type == "feedback.answered"
    assert row.payload["data"]["code"] == item.code
    assert row.payload["data"]["status"] == item.status
    assert set(row.payload["data"]) == {"code", "status", "answered_at"}
