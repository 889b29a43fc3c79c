"""Payment pages, mounted at /thanh-toan/: the return page after the gateway, a payment's page
(pay, receipt, history, reconcile), the payer's list and the officials' reconciliation list
with its Excel export.

Views only parse, check permission (``permissions``), call a service or a selector and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.audit.services import security_event_export
from chinhquyen.core.api import DomainError

from . import responses, selectors, services
from .filters import PaymentFilter
from .hooks import payable_url
from .models import Payment
from .permissions import can_browse_payments, can_pay, can_reconcile_payment, can_view_payment
from .providers import provider_label
from .words import format_vnd, vnd_in_words

PAGE_SIZE = 50
#: Seconds before the "đang xử lý" return page reloads itself (meta refresh, no script).
PROCESSING_REFRESH_SECONDS = 3


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "127.0.0.1")


@require_GET
@never_cache
def payment_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the browser back. Shows the result; never marks paid (the IPN
    does: see ``services.payment_apply_return``)."""
    params = {str(k): str(v) for k, v in request.GET.items()}
    outcome = services.payment_apply_return(params=params, actor=request.user)
    payment = outcome.payment
    context: dict[str, Any] = {
        "outcome": outcome,
        "payment": payment,
        "amount": format_vnd(payment.amount) if payment else "",
        "amount_words": vnd_in_words(payment.amount) if payment else "",
        "refresh_seconds": PROCESSING_REFRESH_SECONDS if outcome.state == "processing" else 0,
        "can_view": bool(payment and can_view_payment(request.user, payment)),
        "payable_url": payable_url(payment) if payment else "",
        "can_retry": outcome.state in ("failed", "cancelled", "expired"),
    }
    status = 400 if outcome.state in ("invalid", "not_found") else 200
    return render(request, "payments/return.html", context, status=status)


@require_GET
@login_required
def payment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    payment = selectors.payment_for(request.user, reference)
    context = {
        "payment": payment,
        "amount": format_vnd(payment.amount),
        "amount_words": vnd_in_words(payment.amount),
        "provider_label": provider_label(payment.provider),
        "can_pay": can_pay(request.user, payment),
        "can_reconcile": can_reconcile_payment(request.user, payment),
        "events": list(payment.events.select_related("actor")),
    }
    return render(request, "payments/detail.html", context)


@require_POST
@login_required
def payment_pay(request: HttpRequest, reference: str) -> HttpResponse:
    """The payer's "Thanh toán" button: off to the gateway."""
    payment = selectors.payment_for(request.user, reference)
    if not can_pay(request.user, payment):
        raise PermissionDenied("Chỉ người nộp được thanh toán khoản này.")
    try:
        url = services.payment_start(
            actor=request.user, payment=payment, client_ip=_client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("payments:detail", reference=reference)
    return HttpResponseRedirect(url)


@require_POST
@login_required
def payment_reconcile(request: HttpRequest, reference: str) -> HttpResponse:
    payment = selectors.payment_for(request.user, reference)
    if not can_reconcile_payment(request.user, payment):
        raise PermissionDenied("Bạn không có quyền đối soát khoản thanh toán này.")
    try:
        payment = services.payment_reconcile(actor=request.user, payment=payment)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(
            request, f"Đã đối soát với cổng thanh toán: {payment.get_status_display().lower()}."
        )
    return redirect("payments:detail", reference=reference)


@require_GET
@login_required
def payment_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    payment = selectors.payment_for(request.user, reference)
    if not payment.is_paid:
        raise Http404("Khoản thanh toán chưa có biên lai.")
    return responses.receipt_response(payment)


@require_GET
@login_required
def my_payments(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.payments_of_payer(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "payments/mine.html", {"page": page})


def _reconciliation_filter(request: HttpRequest) -> PaymentFilter:
    if not can_browse_payments(request.user):
        raise PermissionDenied("Chỉ lãnh đạo và quản trị hệ thống được xem đối soát thanh toán.")
    return PaymentFilter(request.GET, queryset=selectors.payments_visible_to(request.user))


def _reconciliation_page(request: HttpRequest, filterset: PaymentFilter) -> HttpResponse:
    valid = filterset.is_valid()
    qs = filterset.qs if valid else Payment.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "totals": selectors.payment_totals(qs),
        "query": query.urlencode(),
    }
    return render(request, "payments/reconciliation.html", context, status=200 if valid else 400)


@require_GET
@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    return _reconciliation_page(request, _reconciliation_filter(request))


@require_GET
@login_required
def reconciliation_export(request: HttpRequest) -> HttpResponse:
    filterset = _reconciliation_filter(request)
    if not filterset.is_valid():
        return _reconciliation_page(request, filterset)
    security_event_export(request=request, export="payment_reconciliation")
    return responses.reconciliation_export(filterset)
