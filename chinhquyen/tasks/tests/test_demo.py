"""The demo loader: every status category present, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.accounts.demo import load_demo_accounts, load_orgs
from chinhquyen.tasks.deadlines import category_expression
from chinhquyen.tasks.demo import COUNT, load_demo_tasks
from chinhquyen.tasks.models import Category, Directive, ExtensionRequest, Task

pytestmark = pytest.mark.django_db


def test_demo_tasks_cover_every_status_and_load_once():
    context: dict = {}
    context.update(load_orgs(context) or {})
    context.update(load_demo_accounts(context) or {})
    load_demo_tasks(context)
    assert Directive.objects.count() == COUNT
    tasks = Task.objects.count()
    categories = set(
        Task.objects.annotate(c=category_expression(timezone.localdate())).values_list(
            "c", flat=True
        )
    )
    assert categories == set(Category.values)
    assert Task.objects.filter(parent__isnull=False, assignee__isnull=False).exists()
    assert Task.objects.filter(confidential=True).exists()
    assert Task.objects.exclude(recurrence="").exists()
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) >= {"accepted"}
    load_demo_tasks(context)
    assert Task.objects.count() == tasks


def test_demo_calendars_publish_this_week_once():
    from chinhquyen.tasks import calendar
    from chinhquyen.tasks.demo import load_calendar
    from chinhquyen.tasks.models import CalendarEvent

    context: dict = {}
    context.update(load_orgs(context) or {})
    context.update(load_demo_accounts(context) or {})
    orgs = context["orgs"]
    created = load_calendar(orgs)
    assert created == CalendarEvent.objects.count() == 9
    monday = calendar.week_start(timezone.localdate())
    for key in ("province", "dept_justice", "dept_justice_admin"):
        assert calendar.published_week(orgs[key], monday).exists(), key
    assert calendar.published_week(orgs["province"], monday).filter(online=True).count() == 1
    # one event changed after publishing, and the weekly series with next week's cancelled
    assert CalendarEvent.objects.filter(sequence=1).count() == 2
    series = CalendarEvent.objects.exclude(recurrence="").get()
    nxt = calendar.week_occurrences([series], monday + dt.timedelta(days=7))
    assert [o.cancelled for o in nxt] == [True]
    assert len(calendar.occurrences(series)) == 8
    assert CalendarEvent.objects.exclude(status="published").count() == 0
    assert load_calendar(orgs) == 0
    assert CalendarEvent.objects.count() == 9
