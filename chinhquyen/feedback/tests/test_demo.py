"""The demo loader: a year of reports, every status present, idempotent."""

from __future__ import annotations

import pytest

from chinhquyen.accounts.demo import load_demo_accounts, load_orgs

from ..demo import COUNT, load_demo_feedback
from ..models import FeedbackItem, FeedbackRating, Status

pytestmark = pytest.mark.django_db


def test_demo_feedback_covers_every_status_and_loads_once() -> None:
    context: dict = {}
    context.update(load_orgs(context) or {})
    context.update(load_demo_accounts(context) or {})
    load_demo_feedback(context)
    assert FeedbackItem.objects.count() == COUNT
    assert set(FeedbackItem.objects.values_list("status", flat=True)) == set(Status.values)
    assert FeedbackItem.objects.filter(reopened=True).exists()
    assert FeedbackRating.objects.filter(satisfied=False).exists()
    assert FeedbackItem.objects.values("commune").distinct().count() >= 10
    load_demo_feedback(context)
    assert FeedbackItem.objects.count() == COUNT
