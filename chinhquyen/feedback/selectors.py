"""Reads of citizen reports, already scoped to what the caller may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from chinhquyen.accounts.models import User
from chinhquyen.accounts.permissions import is_official
from chinhquyen.core.search import phrase_filter, words_filter
from chinhquyen.dossiers import lookup as lookup_limits
from chinhquyen.dossiers.pins import pin_matches

from . import permissions as perms
from .models import FeedbackAnswer, FeedbackItem, Status
from .workflow import OPEN_STATUSES


def _base() -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.select_related("category", "commune", "unit", "coordinating_unit")


def scope_filter(user: object) -> Q:
    """The items an official may see: all of them for the coordinating unit; for another unit,
    those routed to it now, or that it answered or returned before."""
    if not is_official(user):
        return Q(pk__in=[])
    if perms.coordinates(user):
        return Q()
    cond = Q(pk__in=[])
    for unit in perms.official_units(user):
        cond |= Q(unit__path__startswith=unit.path)
        cond |= Q(answers__unit__path__startswith=unit.path)
    return cond


def inbox(user: object, *, group: str = "open", q: str = "") -> QuerySet[FeedbackItem]:
    qs = _base().filter(scope_filter(user))
    if group == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif group == "done":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if q:
        words = q.strip()
        qs = qs.filter(Q(code__icontains=words) | Q(title__icontains=words))
    return qs.distinct().order_by("due_at", "-received_at", "-pk")


def item_for(user: object, pk: int) -> FeedbackItem | None:
    item = _base().filter(pk=pk).first()
    if item is None:
        return None
    if perms.can_see(user, item):
        return item
    if is_official(user) and _base().filter(scope_filter(user), pk=pk).exists():
        return item
    return None


def my_items(user: User) -> QuerySet[FeedbackItem]:
    return _base().filter(citizen=user).order_by("-received_at", "-pk")


def find_by_pin(code: str, pin: str) -> FeedbackItem | None:
    """The item of ``code`` when ``pin`` is its PIN, else None (same work either way)."""
    normalised = lookup_limits.normalise_code(code)
    item = _base().filter(code=normalised).first() if normalised else None
    if not pin_matches(item, str(pin or "").strip()[:16]):
        return None
    return item


def public_board(q: str = "") -> QuerySet[FeedbackItem]:
    """Published items only; the columns of the board (never the sender)."""
    qs = (
        FeedbackItem.objects.filter(status=Status.PUBLISHED)
        .select_related("category", "commune", "unit")
        .only(
            "code",
            "kind",
            "public_title",
            "public_text",
            "latitude",
            "longitude",
            "received_at",
            "answered_at",
            "published_at",
            "category__name",
            "commune__name",
            "unit__name",
            "status",
        )
    )
    if q:
        qs = qs.filter(words_filter(q))
        phrase = phrase_filter(q)
        if phrase is not None:
            rank = Case(When(phrase, then=Value(0)), default=Value(1), output_field=IntegerField())
            return qs.order_by(rank, "-published_at", "-pk")
    return qs.order_by("-published_at", "-pk")


def public_item(code: str) -> FeedbackItem | None:
    return public_board().filter(code=lookup_limits.normalise_code(code)).first()


def latest_answer(item: FeedbackItem) -> FeedbackAnswer | None:
    return item.answers.filter(approved_at__isnull=False).order_by("-pk").first()


@dataclass(frozen=True)
class SenderView:
    """What the sender sees of their item (lookup by code and PIN, or their own list)."""

    code: str
    title: str
    status: str
    status_label: str
    received_at: dt.datetime
    unit: str
    answer: str
    answered_at: dt.datetime | None
    info_request: str
    can_rate: bool
    can_reopen: bool
    published: bool


def sender_view(item: FeedbackItem) -> SenderView:
    answer = latest_answer(item)
    answered = item.status in (Status.ANSWERED, Status.PUBLISHED) and answer is not None
    rated = answered and answer is not None and hasattr(answer, "rating")
    return SenderView(
        code=item.code,
        title=item.title,
        status=item.status,
        status_label=str(Status(item.status).label),
        received_at=item.received_at,
        unit=item.unit.name if item.unit else item.coordinating_unit.name,
        answer=answer.text if answered and answer else "",
        answered_at=item.answered_at if answered else None,
        info_request=item.info_request if item.status == Status.INFO_REQUESTED else "",
        can_rate=bool(answered and not rated),
        can_reopen=bool(answered and not item.reopened),
        published=item.status == Status.PUBLISHED,
    )
