"""The officer's pages for remote signing (SmartCA-style, the official confirms on his phone).

"Ký số từ xa (xác nhận trên điện thoại)" on a page that signs with the official's own device
(the outgoing document page) posts to ``remote_start``: the targets are prepared with the
official's approved remote certificate (``deferred.prepare_targets``) and their digests sent
in **one** request (``remote_http.remote_request``: one confirmation on the phone for a
batch). The status page (``remote_status``) shows the transaction; its "Kiểm tra lại" button
asks the service (``remote_http.remote_poll``), which completes every item once the official
confirmed. The same views answer JSON when asked (``Accept: application/json``): the page's
script (``static/signing/remote.js``) polls without leaving the page. Without JavaScript the
forms work on their own (post, redirect, read).

``sandbox_remote_confirm`` is the sandbox's stand-in for the phone (``SIGNING_SANDBOX``): the
official confirms or refuses a transaction of the HTTP sandbox service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError

from .models import PreparedSignature, PreparedStatus

MAX_TARGETS = 100

WAITING = "Đang chờ đồng chí xác nhận trên điện thoại…"
SUCCESS = "Đã ký số thành công; chữ ký đã được kiểm tra hợp lệ."
REJECTED = "Đồng chí đã từ chối yêu cầu ký trên điện thoại; văn bản chưa được ký."
EXPIRED = (
    "Hết thời gian chờ xác nhận trên điện thoại; văn bản chưa được ký. "
    "Đồng chí có thể gửi lại yêu cầu ký."
)


def _official(request: HttpRequest) -> User:
    from chinhquyen.accounts.permissions import is_official

    if not is_official(request.user):
        raise PermissionDenied
    return cast(User, request.user)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _status_url(transaction_id: str, next_url: str) -> str:
    from urllib.parse import urlencode

    url = reverse("signing:remote_status", args=[transaction_id])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _confirm_url(transaction_id: str) -> str:
    """The sandbox "phone" page of the transaction, when the sandbox service holds it."""
    from .models import SandboxTransaction
    from .services import sandbox_enabled

    if (
        sandbox_enabled()
        and SandboxTransaction.objects.filter(transaction_id=transaction_id).exists()
    ):
        return reverse("signing:sandbox_remote_confirm", args=[transaction_id])
    return ""


# --- The state shown to the official --------------------------------------------------------


@dataclass
class RemoteState:
    """What the page says about a transaction: ``state`` is pending, done, rejected, expired,
    failed or unavailable (the service did not answer: still pending, ask again later)."""

    state: str
    message: str
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.state not in ("pending", "unavailable")

    def as_json(self, **extra: Any) -> dict[str, Any]:
        return {
            "state": self.state,
            "final": self.final,
            "message": self.message,
            "items": self.items,
            **extra,
        }


def _item_rows(prepared: list[PreparedSignature]) -> list[dict[str, Any]]:
    rows = []
    for p in prepared:
        p.refresh_from_db(fields=["status", "error"])
        rows.append(
            {
                "id": p.pk,
                "description": p.description,
                "status": p.status,
                "status_label": p.get_status_display(),
                "ok": p.status == PreparedStatus.COMPLETED,
                "message": p.error or ("Đã ký." if p.status == PreparedStatus.COMPLETED else ""),
            }
        )
    return rows


def state_of(prepared: list[PreparedSignature], *, message: str = "") -> RemoteState:
    """The transaction's state from its preparations (what the database says)."""
    items = _item_rows(prepared)
    statuses = {row["status"] for row in items}
    if PreparedStatus.PENDING in statuses:
        if all(p.expires_at <= timezone.now() for p in prepared if p.status == "pending"):
            return RemoteState("expired", EXPIRED, items)
        return RemoteState("pending", message or WAITING, items)
    if statuses == {PreparedStatus.COMPLETED}:
        text = SUCCESS if len(items) == 1 else f"Đã ký số thành công {len(items)} văn bản."
        return RemoteState("done", text, items)
    if PreparedStatus.COMPLETED in statuses:
        done = sum(row["ok"] for row in items)
        return RemoteState(
            "failed",
            f"Đã ký {done}/{len(items)} văn bản; các văn bản còn lại chưa được ký (xem từng dòng).",
            items,
        )
    if statuses == {PreparedStatus.EXPIRED}:
        return RemoteState("expired", EXPIRED, items)
    reason = " ".join(sorted({row["message"] for row in items if row["message"]}))
    if PreparedStatus.REFUSED in statuses and "từ chối ký trên điện thoại" in reason:
        return RemoteState("rejected", REJECTED, items)
    return RemoteState("failed", f"Văn bản chưa được ký: {reason}".strip(), items)


def _transaction(user: User, transaction_id: str) -> list[PreparedSignature]:
    """The official's preparations in the transaction (another official's: 404)."""
    prepared = list(
        PreparedSignature.objects.filter(
            remote_transaction_id=transaction_id[:150], official=user
        ).order_by("pk")
    )
    if not transaction_id or not prepared:
        raise Http404
    return prepared


def poll(user: User, transaction_id: str, request: HttpRequest) -> RemoteState:
    """Ask the service once (``remote_http.remote_poll``) and say where the transaction is."""
    from . import remote_http

    prepared = _transaction(user, transaction_id)
    try:
        outcome = remote_http.remote_poll(
            actor=user, transaction_id=transaction_id, request=request
        )
    except DomainError as exc:
        if exc.error_code == "not_found":
            raise Http404 from exc
        state = state_of(prepared)
        if state.final:
            return state
        return RemoteState("unavailable", str(exc.detail), state.items)
    if outcome.status == "failed":
        return RemoteState("failed", outcome.message, _item_rows(prepared))
    if outcome.status == "rejected":
        return RemoteState("rejected", REJECTED, _item_rows(prepared))
    if outcome.status == "expired":
        return RemoteState("expired", EXPIRED, _item_rows(prepared))
    return state_of(prepared)


# --- Views ----------------------------------------------------------------------------------


def _error(request: HttpRequest, exc: DomainError, next_url: str) -> HttpResponse:
    status = int(exc.status_code) if exc.status_code else 400
    if _wants_json(request):
        return JsonResponse(
            {"error": {"code": exc.error_code, "message": str(exc.detail)}}, status=status
        )
    return render(
        request,
        "signing/remote_status.html",
        {"error": str(exc.detail), "next": next_url},
        status=status,
    )


@login_required
@require_POST
def remote_start(request: HttpRequest) -> HttpResponse:
    """Prepare the targets (one or a batch) and send one request to the remote service."""
    from . import deferred, remote_http

    user = _official(request)
    next_url = _safe_next(request)
    purpose = request.POST.get("purpose", "")[:50]
    targets = [t.strip()[:64] for t in request.POST.get("targets", "").split(",") if t.strip()]
    try:
        if not targets or len(targets) > MAX_TARGETS:
            raise DomainError("Chưa chọn văn bản để ký (tối đa 100 văn bản).", code="bad_request")
        outcomes = deferred.prepare_targets(
            actor=user, purpose=purpose, target_ids=targets, remote=True
        )
        prepared = [o.prepared for o in outcomes if o.prepared is not None]
        refused = [o for o in outcomes if o.prepared is None]
        if not prepared:
            codes = sorted({o.code for o in refused})
            raise DomainError(
                " ".join(dict.fromkeys(o.message for o in refused)),
                code=codes[0] if len(codes) == 1 else "not_prepared",
                status_code=403 if codes == ["permission_denied"] else 400,
            )
        description = (
            prepared[0].description
            if len(prepared) == 1
            else f"Lô {len(prepared)} văn bản: " + "; ".join(p.description for p in prepared)
        )
        transaction_id = remote_http.remote_request(
            actor=user, prepared_ids=[p.pk for p in prepared], description=description[:500]
        )
    except DomainError as exc:
        return _error(request, exc, next_url)
    skipped = [{"target_id": o.target_id, "code": o.code, "message": o.message} for o in refused]
    if _wants_json(request):
        return JsonResponse(
            state_of(prepared).as_json(
                transaction_id=transaction_id,
                poll_url=reverse("signing:remote_status", args=[transaction_id]),
                status_url=_status_url(transaction_id, next_url),
                confirm_url=_confirm_url(transaction_id),
                skipped=skipped,
            )
        )
    for row in skipped:
        messages.warning(request, f"Không gửi ký văn bản {row['target_id']}: {row['message']}")
    return redirect(_status_url(transaction_id, next_url))


@login_required
@require_http_methods(["GET", "POST"])
def remote_status(request: HttpRequest, transaction_id: str) -> HttpResponse:
    """GET: where the transaction stands (from the database, the service is not asked).
    POST ("Kiểm tra lại", or the page's script): ask the service; complete when confirmed."""
    user = _official(request)
    next_url = _safe_next(request)
    if request.method == "POST":
        state = poll(user, transaction_id, request)
        if _wants_json(request):
            return JsonResponse(state.as_json(transaction_id=transaction_id))
        # what the database does not say (the status page reads it): the service's answer
        service_failed = state.state == "failed" and any(
            item["status"] == PreparedStatus.PENDING for item in state.items
        )
        if state.state == "unavailable" or service_failed:
            messages.error(request, state.message)
        return redirect(_status_url(transaction_id, next_url))
    prepared = _transaction(user, transaction_id)
    state = state_of(prepared)
    if _wants_json(request):
        return JsonResponse(state.as_json(transaction_id=transaction_id))
    return render(
        request,
        "signing/remote_status.html",
        {
            "transaction_id": transaction_id,
            "state": state,
            "next": next_url,
            "confirm_url": _confirm_url(transaction_id) if not state.final else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_remote_confirm(request: HttpRequest, transaction_id: str) -> HttpResponse:
    """The sandbox stand-in for the remote signing app on the official's phone: only the owner
    of the remote account the transaction is for may see it and confirm or refuse it."""
    from . import remote_http
    from .models import CredentialKind, SandboxTransaction, SigningCredential
    from .services import sandbox_enabled

    if not sandbox_enabled():
        raise Http404
    tx = get_object_or_404(SandboxTransaction, transaction_id=transaction_id[:150])
    if not SigningCredential.objects.filter(
        kind=CredentialKind.REMOTE,
        remote_user_id=tx.user_id,
        owner_id=request.user.pk,
        is_active=True,
    ).exists():
        raise PermissionDenied
    error = ""
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            if decision not in ("approve", "reject"):
                raise DomainError("Vui lòng chọn Đồng ý ký hoặc Từ chối.", code="bad_request")
            remote_http.sandbox_transaction_decide(
                actor=cast(User, request.user),
                transaction_id=tx.transaction_id,
                approve=decision == "approve",
            )
        except DomainError as exc:
            error = str(exc.detail)
            status = int(exc.status_code or 400)
        else:
            messages.success(
                request,
                "Đã xác nhận ký số." if decision == "approve" else "Đã từ chối yêu cầu ký số.",
            )
            return redirect("signing:sandbox_remote_confirm", transaction_id=tx.transaction_id)
        tx.refresh_from_db()
    view = remote_http.sandbox_view(tx)
    return render(
        request,
        "signing/sandbox_remote_confirm.html",
        {"tx": tx, "view": view, "error": error, "count": len(tx.digests or [])},
        status=status,
    )
