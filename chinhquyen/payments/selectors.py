"""Reads of the payments app, already scoped to what the user may see (``permissions``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from .models import Payment, PaymentStatus
from .permissions import can_browse_payments, can_view_payment, official_scope


def payments_visible_to(user: object) -> QuerySet[Payment]:
    """Payments an official with a reconciliation role sees (newest first); PermissionDenied
    for anyone else."""
    if not can_browse_payments(user):
        raise PermissionDenied("Chỉ lãnh đạo và quản trị hệ thống được xem đối soát thanh toán.")
    return (
        Payment.objects.filter(official_scope(user))
        .select_related("organisation", "payer")
        .order_by("-created_at", "-id")
    )


def payments_of_payer(user: object) -> QuerySet[Payment]:
    """The user's own payments, newest first."""
    user_id = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or user_id is None:
        return Payment.objects.none()
    return (
        Payment.objects.filter(payer_id=user_id)
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


def payment_for(user: object, reference: str) -> Payment:
    """The payment ``reference`` if ``user`` may see it: Http404 when it does not exist or is
    not theirs to see (no hint that it exists)."""
    payment = (
        Payment.objects.select_related("organisation", "payer").filter(reference=reference).first()
    )
    if payment is None or not can_view_payment(user, payment):
        raise Http404("Không tìm thấy khoản thanh toán.")
    return payment


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True)
class Totals:
    count: int
    amount: int
    paid_count: int
    paid_amount: int
    by_status: list[StatusTotal]

    def as_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "amount": self.amount,
            "paid_count": self.paid_count,
            "paid_amount": self.paid_amount,
            "by_status": [
                {
                    "status": t.status,
                    "status_label": t.label,
                    "count": t.count,
                    "amount": t.amount,
                }
                for t in self.by_status
            ],
        }


def payment_totals(qs: QuerySet[Payment]) -> Totals:
    """Counts and sums of a (filtered) payment list, overall and per status."""
    rows = {
        row["status"]: row
        for row in qs.order_by().values("status").annotate(n=Count("id"), total=Sum("amount"))
    }
    by_status = [
        StatusTotal(
            status=status.value,
            label=status.label,
            count=int(rows.get(status.value, {}).get("n") or 0),
            amount=int(rows.get(status.value, {}).get("total") or 0),
        )
        for status in PaymentStatus
    ]
    paid = rows.get(PaymentStatus.PAID.value, {})
    return Totals(
        count=sum(t.count for t in by_status),
        amount=sum(t.amount for t in by_status),
        paid_count=int(paid.get("n") or 0),
        paid_amount=int(paid.get("total") or 0),
        by_status=by_status,
    )
