"""The IT administrator's operations page of the exchange: peers and certificate expiry,
messages per day, failing and dead-letter messages (retry)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.core.api import DomainError

from . import selectors, services
from .models import OutboxMessage


def _check(request: HttpRequest) -> None:
    if not selectors.can_operate(request.user):
        raise PermissionDenied("Chỉ quản trị hệ thống của tỉnh được xem liên thông.")


@require_GET
@login_required
def operations(request: HttpRequest) -> HttpResponse:
    _check(request)
    return render(request, "integration/operations.html", {"o": selectors.overview()})


@require_POST
@login_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request)
    row = get_object_or_404(OutboxMessage, pk=pk)
    try:
        services.outbox_retry(actor=request.user, row=row)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, "Đã đưa thông điệp vào hàng đợi gửi lại.")
    return redirect("integration:operations")
