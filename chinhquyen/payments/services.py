"""Writes of the payments app. Keyword-only, typed, one transaction each, audited, and every
state change writes a ``PaymentEvent`` (the workflow table is in ``workflow.py``).

The IPN is authoritative. The browser's return page never marks a payment paid: the return
URL can be replayed, bookmarked or arrive before the IPN; ``payment_apply_return`` only checks
the signature, remembers the first return it saw (one ``return`` event, no status change) and
says what to show. When the return says "paid" but the IPN has not arrived yet, the page shows
"đang xử lý" and refreshes itself; if the IPN never arrives, ``payment_reconcile`` (an official,
or ``payment_expire_stale`` before expiring a pending payment) asks the gateway (``querydr``).

Public API for other apps (the dossier app):

- ``payment_create(*, actor, payable_type, payable_id, amount, description, payer=None,
  payer_name="", payer_phone="", payer_email="", organisation=None, idempotency_key=None,
  provider=None, expires_at=None) -> Payment`` (same idempotency key -> same payment);
- ``payment_start(*, actor, payment, client_ip, return_url=None) -> str`` (redirect URL);
- ``payment_cancel(*, actor, payment, reason="", source="app") -> Payment``;
- paid notifications through ``hooks.on_payment_paid(payable_type)``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.orgs.models import Organisation

from .hooks import paid_hook_callback, paid_hooks
from .models import EventSource, Payment, PaymentCounter, PaymentEvent, PaymentStatus
from .permissions import can_reconcile_payment
from .providers import PaymentProvider, ProviderError, VerifiedResult, get_provider
from .workflow import OPEN_STATUSES, check_transition

logger = logging.getLogger(__name__)

S = PaymentStatus
DEFAULT_CREATED_TTL_HOURS = 72
DEFAULT_GATEWAY_TIMEOUT_MINUTES = 15
DEFAULT_EXPIRY_GRACE_MINUTES = 15
#: vnp_Amount is Numeric[1,12] and carries the amount ×100.
MAX_AMOUNT = 9_999_999_999
PAYABLE_TYPE_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,49}$")
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _minutes(name: str, default: int) -> dt.timedelta:
    try:
        value = int(getattr(settings, name, default))
    except (TypeError, ValueError):
        value = default
    return dt.timedelta(minutes=max(value, 1))


def created_ttl() -> dt.timedelta:
    """How long a created (never started) payment stays payable: PAYMENT_CREATED_TTL_HOURS."""
    try:
        hours = int(getattr(settings, "PAYMENT_CREATED_TTL_HOURS", DEFAULT_CREATED_TTL_HOURS))
    except (TypeError, ValueError):
        hours = DEFAULT_CREATED_TTL_HOURS
    return dt.timedelta(hours=max(hours, 1))


def gateway_timeout() -> dt.timedelta:
    """How long the payer has at the gateway (vnp_ExpireDate): PAYMENT_GATEWAY_TIMEOUT_MINUTES."""
    return _minutes("PAYMENT_GATEWAY_TIMEOUT_MINUTES", DEFAULT_GATEWAY_TIMEOUT_MINUTES)


def expiry_grace() -> dt.timedelta:
    """Extra wait for a late IPN before a pending payment expires: PAYMENT_EXPIRY_GRACE_MINUTES."""
    return _minutes("PAYMENT_EXPIRY_GRACE_MINUTES", DEFAULT_EXPIRY_GRACE_MINUTES)


# --- numbers ---------------------------------------------------------------------------------


def _next_value(name: str, period: str) -> int:
    """The next number of sequence (name, period); the caller's transaction holds the row lock."""
    counter, _ = PaymentCounter.objects.get_or_create(name=name, period=period)
    counter = PaymentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def new_reference(now: dt.datetime | None = None) -> str:
    """``YYMMDD`` + daily sequence (5+ digits) + 4 random characters, e.g. ``26010500012K7QX``:
    unique (sequence), not guessable (random), alphanumeric (vnp_TxnRef)."""
    day = timezone.localtime(now or timezone.now()).strftime("%y%m%d")
    sequence = _next_value("reference", day)
    suffix = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
    return f"{day}{sequence:05d}{suffix}"


def new_receipt_number(paid_at: dt.datetime) -> str:
    """``BL-<year>-<6-digit sequence of the year>``, e.g. ``BL-2026-000123``."""
    year = timezone.localtime(paid_at).year
    return f"BL-{year}-{_next_value('receipt', str(year)):06d}"


# --- history ---------------------------------------------------------------------------------


def _actor_user(actor: object | None) -> User | None:
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None


def _record(
    payment: Payment,
    *,
    to: str,
    source: str,
    actor: object | None = None,
    note: str = "",
    payload: Mapping[str, Any] | None = None,
) -> PaymentEvent:
    """Write the history row and move ``payment.status`` (the caller saves the payment)."""
    from_status = payment.status
    if to != from_status:
        check_transition(from_status, to, source)
    event = PaymentEvent.objects.create(
        payment=payment,
        actor=_actor_user(actor),
        source=source,
        from_status=from_status,
        to_status=to,
        note=note[:500],
        payload=dict(payload or {}),
    )
    payment.status = to
    return event


# --- create, start, cancel -------------------------------------------------------------------


def _invalid(message: str) -> DomainError:
    return DomainError(message, code="invalid_payment")


def _validate(
    *, payable_type: str, payable_id: str, amount: int, description: str, payer_email: str
) -> None:
    if not isinstance(payable_type, str) or not PAYABLE_TYPE_RE.fullmatch(payable_type):
        raise _invalid("Loại khoản cần thanh toán không hợp lệ.")
    if not isinstance(payable_id, str) or not payable_id.strip() or len(payable_id) > 64:
        raise _invalid("Mã khoản cần thanh toán không hợp lệ.")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise _invalid("Số tiền phải là số nguyên dương (đồng).")
    if amount > MAX_AMOUNT:
        raise _invalid("Số tiền vượt quá mức cổng thanh toán cho phép.")
    if not isinstance(description, str) or not description.strip():
        raise _invalid("Cần ghi nội dung thanh toán.")
    if len(description) > 255:
        raise _invalid("Nội dung thanh toán dài quá 255 ký tự.")
    if payer_email:
        try:
            validate_email(payer_email)
        except ValidationError as exc:
            raise _invalid("Thư điện tử của người nộp không hợp lệ.") from exc


def _same_request(payment: Payment, *, payable_type: str, payable_id: str, amount: int) -> Payment:
    if (payment.payable_type, payment.payable_id, payment.amount) != (
        payable_type,
        payable_id,
        amount,
    ):
        raise DomainError(
            "Khóa chống trùng đã được dùng cho một khoản thanh toán khác.",
            code="idempotency_conflict",
            status_code=409,
        )
    return payment


@transaction.atomic
def payment_create(
    *,
    actor: object | None,
    payable_type: str,
    payable_id: str,
    amount: int,
    description: str,
    payer: User | None = None,
    payer_name: str = "",
    payer_phone: str = "",
    payer_email: str = "",
    organisation: Organisation | None = None,
    idempotency_key: str | None = None,
    provider: str | None = None,
    expires_at: dt.datetime | None = None,
) -> Payment:
    """Create a payment for the payable (type, id). With ``idempotency_key``, a second call
    with the same key returns the first payment (409 if it was for another payable/amount)."""
    payable_id = str(payable_id).strip() if payable_id is not None else ""
    description = (description or "").strip()
    if payer is not None:
        payer_name = payer_name or payer.full_name or str(payer)
        payer_phone = payer_phone or payer.phone
        payer_email = payer_email or payer.email
    _validate(
        payable_type=payable_type,
        payable_id=payable_id,
        amount=amount,
        description=description,
        payer_email=payer_email,
    )
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 100:
        raise _invalid("Khóa chống trùng dài quá 100 ký tự.")
    same = partial(_same_request, payable_type=payable_type, payable_id=payable_id, amount=amount)
    if key is not None:
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return same(existing)
    gateway = get_provider(provider)
    now = timezone.now()
    with audit_actor(actor):
        try:
            with transaction.atomic():  # a concurrent call with the same key loses here
                payment = Payment.objects.create(
                    reference=new_reference(now),
                    payable_type=payable_type,
                    payable_id=payable_id,
                    description=description,
                    amount=amount,
                    organisation=organisation,
                    provider=gateway.name,
                    payer=payer,
                    payer_name=payer_name[:150],
                    payer_phone=payer_phone[:20],
                    payer_email=payer_email,
                    idempotency_key=key,
                    expires_at=expires_at or now + created_ttl(),
                )
        except IntegrityError:
            existing = Payment.objects.filter(idempotency_key=key).first() if key else None
            if existing is None:
                raise
            return same(existing)
        PaymentEvent.objects.create(
            payment=payment,
            actor=_actor_user(actor),
            source=EventSource.APP,
            from_status="",
            to_status=S.CREATED,
            note="Tạo khoản thanh toán.",
        )
    logger.info("payments.created", extra={"payment": payment.reference, "amount": amount})
    return payment


def _client_ip(value: str | None) -> str:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return "127.0.0.1"


@transaction.atomic
def payment_start(
    *, actor: object | None, payment: Payment, client_ip: str, return_url: str | None = None
) -> str:
    """Send the payer to the gateway: returns the signed URL to redirect the browser to.

    A created payment becomes pending (the gateway window starts: ``expires_at`` = now +
    PAYMENT_GATEWAY_TIMEOUT_MINUTES, sent as vnp_ExpireDate); a pending one gets the same URL
    again (same vnp_TxnRef and dates) while its window is open.
    """
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    now = timezone.now()
    if locked.status == S.PAID:
        raise DomainError("Khoản này đã được thanh toán.", code="payment_paid", status_code=409)
    if locked.status not in OPEN_STATUSES or (
        locked.expires_at is not None and locked.expires_at <= now
    ):
        raise DomainError(
            "Khoản thanh toán đã hết hạn hoặc đã hủy; hãy tạo yêu cầu thanh toán mới.",
            code="payment_closed",
            status_code=409,
        )
    ip = _client_ip(client_ip)
    gateway = get_provider(locked.provider)
    with audit_actor(actor):
        if locked.status == S.CREATED:
            locked.started_at = now
            locked.expires_at = now + gateway_timeout()
            locked.client_ip = ip
            _record(
                locked,
                to=S.PENDING,
                source=EventSource.APP,
                actor=actor,
                note="Chuyển người nộp sang cổng thanh toán.",
            )
            locked.save()
        url = gateway.create_payment_url(locked, return_url=return_url or "", client_ip=ip)
    payment.refresh_from_db()
    return url


@transaction.atomic
def payment_cancel(
    *,
    actor: object | None,
    payment: Payment,
    reason: str = "",
    source: str = EventSource.APP,
) -> Payment:
    """Cancel an open payment (the payable was withdrawn, the payer gave up)."""
    if source not in (EventSource.APP, EventSource.ADMIN):
        raise ValueError("payment_cancel: source must be app or admin")
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status not in OPEN_STATUSES:
        raise DomainError(
            "Chỉ hủy được khoản đang chờ thanh toán.", code="payment_not_open", status_code=409
        )
    with audit_actor(actor):
        _record(
            locked,
            to=S.CANCELLED,
            source=source,
            actor=actor,
            note=(reason or "Hủy khoản thanh toán.").strip(),
        )
        locked.save()
    payment.refresh_from_db()
    return locked


# --- gateway results -------------------------------------------------------------------------

Applied = Literal["applied", "final", "ignored"]


def _mark_paid(
    payment: Payment, result: VerifiedResult, *, source: str, actor: object | None
) -> None:
    from_status = payment.status
    payment.paid_at = result.paid_at or timezone.now()
    payment.provider_transaction_no = result.transaction_no[:64]
    payment.bank_code = result.bank_code[:20]
    payment.response_code = result.response_code[:8]
    payment.receipt_number = new_receipt_number(payment.paid_at)
    payment.needs_review = False
    note = "Thanh toán thành công."
    if from_status not in OPEN_STATUSES:
        note = (
            "Cổng thanh toán xác nhận đã thu tiền sau khi khoản ở trạng thái "
            f"“{S(from_status).label}” (thanh toán muộn)."
        )
    _record(payment, to=S.PAID, source=source, actor=actor, note=note, payload=result.raw)
    payment.save()
    for hook in paid_hooks(payment.payable_type):
        transaction.on_commit(paid_hook_callback(hook, payment.pk), robust=True)
    logger.info(
        "payments.paid",
        extra={"payment": payment.reference, "source": source, "receipt": payment.receipt_number},
    )


def _apply_result(
    payment: Payment, result: VerifiedResult, *, source: str, actor: object | None = None
) -> Applied:
    """Apply a verified gateway result to a locked payment whose amount was checked."""
    if payment.status == S.PAID:
        return "final"
    if source == EventSource.IPN:
        payment.ipn_payload = dict(result.raw)
    if result.outcome == "paid":
        _mark_paid(payment, result, source=source, actor=actor)
        return "applied"
    if result.outcome in ("failed", "cancelled"):
        if payment.status not in OPEN_STATUSES:
            return "final"
        payment.response_code = result.response_code[:8]
        payment.bank_code = result.bank_code[:20]
        to = S.CANCELLED if result.outcome == "cancelled" else S.FAILED
        _record(payment, to=to, source=source, actor=actor, note=result.message, payload=result.raw)
        payment.save()
        return "applied"
    if result.outcome == "review":
        if payment.needs_review:
            return "final"
        payment.response_code = result.response_code[:8]
        payment.needs_review = True
        _record(
            payment,
            to=payment.status,
            source=source,
            actor=actor,
            note="Cổng báo giao dịch bị nghi ngờ (đã trừ tiền); cần đối soát với cổng thanh toán.",
            payload=result.raw,
        )
        payment.save()
        return "applied"
    return "ignored"


@dataclass(frozen=True)
class IpnAnswer:
    """What the IPN endpoint answers the gateway (VNPay's RspCode/Message)."""

    rsp_code: str
    message: str
    payment_id: int | None = None

    def as_json(self) -> dict[str, str]:
        return {"RspCode": self.rsp_code, "Message": self.message}


IPN_CONFIRMED = ("00", "Confirm Success")
IPN_NOT_FOUND = ("01", "Order not found")
IPN_ALREADY_CONFIRMED = ("02", "Order already confirmed")
IPN_INVALID_AMOUNT = ("04", "Invalid amount")
IPN_INVALID_SIGNATURE = ("97", "Invalid signature")
IPN_UNKNOWN_ERROR = ("99", "Unknown error")


def payment_apply_ipn(
    *, params: Mapping[str, str], provider: PaymentProvider | None = None
) -> IpnAnswer:
    """Apply a gateway notification; idempotent. Answers (VNPay RspCode):

    ``97`` bad signature · ``01`` unknown reference · ``04`` amount differs · ``02`` the
    payment is already final (paid; or failed/cancelled/expired and this is not a payment) —
    nothing changes · ``00`` applied (state change + event + receipt number in one
    transaction, paid hooks after commit) · ``99`` a result the gateway should send again.
    """
    gateway = provider or get_provider()
    result = gateway.handle_ipn(params)
    if not result.valid_signature:
        logger.warning("payments.ipn_invalid_signature", extra={"provider": gateway.name})
        return IpnAnswer(*IPN_INVALID_SIGNATURE)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(reference=result.reference, provider=gateway.name)
            .first()
        )
        if payment is None:
            logger.warning("payments.ipn_unknown_reference", extra={"ref": result.reference})
            return IpnAnswer(*IPN_NOT_FOUND)
        if result.amount != payment.amount:
            logger.warning(
                "payments.ipn_invalid_amount",
                extra={"payment": payment.reference, "amount": result.amount},
            )
            return IpnAnswer(*IPN_INVALID_AMOUNT, payment_id=payment.pk)
        applied = _apply_result(payment, result, source=EventSource.IPN)
    if applied == "applied":
        return IpnAnswer(*IPN_CONFIRMED, payment_id=payment.pk)
    if applied == "final":
        return IpnAnswer(*IPN_ALREADY_CONFIRMED, payment_id=payment.pk)
    return IpnAnswer(*IPN_UNKNOWN_ERROR, payment_id=payment.pk)


ReturnState = Literal[
    "paid", "processing", "failed", "cancelled", "expired", "invalid", "not_found"
]


@dataclass(frozen=True)
class ReturnOutcome:
    state: ReturnState
    message: str
    payment: Payment | None = None
    result: VerifiedResult | None = None


_CLOSED_STATE: dict[str, ReturnState] = {
    S.PAID: "paid",
    S.FAILED: "failed",
    S.CANCELLED: "cancelled",
    S.EXPIRED: "expired",
}


@transaction.atomic
def payment_apply_return(
    *,
    params: Mapping[str, str],
    actor: object | None = None,
    provider: PaymentProvider | None = None,
) -> ReturnOutcome:
    """Check the browser's return from the gateway and say what to show; never marks paid."""
    gateway = provider or get_provider()
    result = gateway.verify_return(params)
    if not result.valid_signature:
        return ReturnOutcome(
            "invalid", "Dữ liệu trả về từ cổng thanh toán không hợp lệ (sai chữ ký).", None, result
        )
    payment = (
        Payment.objects.select_for_update()
        .filter(reference=result.reference, provider=gateway.name)
        .first()
    )
    if payment is None:
        return ReturnOutcome("not_found", "Không tìm thấy khoản thanh toán.", None, result)
    if result.amount != payment.amount:
        return ReturnOutcome(
            "invalid", "Số tiền trả về từ cổng không khớp với khoản thanh toán.", payment, result
        )
    if not payment.return_payload:
        with audit_actor(actor):
            payment.return_payload = dict(result.raw)
            _record(
                payment,
                to=payment.status,
                source=EventSource.RETURN,
                actor=actor,
                note=f"Người nộp quay lại từ cổng thanh toán: {result.message}",
                payload=result.raw,
            )
            payment.save(update_fields=["return_payload", "updated_at"])
    if payment.status == S.PAID:
        return ReturnOutcome("paid", "Thanh toán thành công.", payment, result)
    if result.outcome in ("paid", "review"):
        return ReturnOutcome(
            "processing",
            "Cổng thanh toán báo đã thu tiền; hệ thống đang chờ xác nhận chính thức từ cổng. "
            "Trang sẽ tự cập nhật sau ít giây.",
            payment,
            result,
        )
    if payment.status in _CLOSED_STATE:
        state = _CLOSED_STATE[payment.status]
        return ReturnOutcome(state, result.message, payment, result)
    if result.outcome == "cancelled":
        return ReturnOutcome("cancelled", result.message, payment, result)
    if result.outcome in ("failed",):
        return ReturnOutcome("failed", result.message, payment, result)
    return ReturnOutcome(
        "processing", "Giao dịch đang được cổng thanh toán xử lý.", payment, result
    )


# --- reconciliation and expiry ---------------------------------------------------------------


def _query(payment: Payment) -> VerifiedResult | None:
    gateway = get_provider(payment.provider)
    return gateway.query(payment)


def payment_reconcile(*, actor: object | None, payment: Payment) -> Payment:
    """Ask the gateway about the payment (``query``) and apply what it says (source
    ``reconcile``): the cure for a lost IPN. Officials who see the payment may do it.

    The gateway is called before the transaction opens (no row lock held over the network);
    the result is then applied under the row lock like an IPN.
    """
    if actor is not None and not can_reconcile_payment(actor, payment):
        raise DomainError(
            "Bạn không có quyền đối soát khoản thanh toán này.",
            code="permission_denied",
            status_code=403,
        )
    try:
        result = _query(payment)
    except ProviderError as exc:
        logger.warning("payments.query_failed", extra={"payment": payment.reference})
        raise DomainError(
            "Không kết nối được cổng thanh toán; vui lòng thử lại sau.",
            code="provider_unavailable",
            status_code=503,
        ) from exc
    if result is None:
        raise DomainError(
            "Cổng thanh toán này không hỗ trợ tra cứu giao dịch.", code="query_unsupported"
        )
    if not result.valid_signature:
        raise DomainError(
            "Phản hồi của cổng thanh toán có chữ ký không hợp lệ.",
            code="invalid_signature",
            status_code=502,
        )
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if result.outcome in ("paid", "review") and result.amount != locked.amount:
            raise DomainError(
                "Số tiền cổng thanh toán báo không khớp với khoản thanh toán; cần kiểm tra thủ "
                "công.",
                code="amount_mismatch",
                status_code=409,
            )
        with audit_actor(actor):
            applied = _apply_result(locked, result, source=EventSource.RECONCILE, actor=actor)
            if applied != "applied":
                _record(
                    locked,
                    to=locked.status,
                    source=EventSource.RECONCILE,
                    actor=actor,
                    note=_query_note(result),
                    payload=result.raw,
                )
                locked.save()
    payment.refresh_from_db()
    return locked


def _query_note(result: VerifiedResult) -> str:
    if result.outcome == "paid":
        return "Đối soát: cổng xác nhận giao dịch thành công (đã ghi nhận trước đó)."
    if result.outcome == "not_found":
        return "Đối soát: cổng thanh toán không có giao dịch này (người nộp chưa thanh toán)."
    if result.outcome == "pending":
        return "Đối soát: giao dịch chưa hoàn tất tại cổng thanh toán."
    return f"Đối soát: cổng trả lời mã {result.response_code or 'không rõ'}."


def _expire(pk: int, *, statuses: tuple[str, ...], before: dt.datetime) -> bool:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=pk).first()
        if (
            payment is None
            or payment.status not in statuses
            or payment.needs_review
            or payment.expires_at is None
            or payment.expires_at > before
        ):
            return False
        _record(
            payment,
            to=S.EXPIRED,
            source=EventSource.SCHEDULER,
            note="Quá thời hạn thanh toán.",
        )
        payment.save()
    return True


def _reconcile_before_expiry(pk: int) -> None:
    """Before a pending payment expires, ask the gateway whether it was paid after all."""
    payment = Payment.objects.filter(pk=pk).first()
    if payment is None:
        return
    try:
        result = _query(payment)
    except Exception as exc:  # a gateway or configuration problem must not stop the job
        logger.warning(
            "payments.query_failed", extra={"payment": payment.reference, "error": str(exc)}
        )
        return
    if result is None or not result.valid_signature:
        return
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=pk)
        if result.outcome in ("paid", "review") and result.amount != locked.amount:
            logger.warning("payments.query_amount_mismatch", extra={"payment": locked.reference})
            return
        _apply_result(locked, result, source=EventSource.RECONCILE)


def payment_expire_stale(*, now: dt.datetime | None = None) -> int:
    """Expire payments past their deadline; returns how many expired. Idempotent.

    Created payments expire at ``expires_at``. Pending ones get PAYMENT_EXPIRY_GRACE_MINUTES
    more (a late IPN), then the gateway is asked (``query``) and only a payment still open
    (and not flagged for review) expires.
    """
    now = now or timezone.now()
    expired = 0
    created = list(
        Payment.objects.filter(status=S.CREATED, expires_at__lte=now).values_list("pk", flat=True)
    )
    for pk in created:
        expired += _expire(pk, statuses=(S.CREATED,), before=now)
    cutoff = now - expiry_grace()
    pending = list(
        Payment.objects.filter(
            status=S.PENDING, expires_at__lte=cutoff, needs_review=False
        ).values_list("pk", flat=True)
    )
    for pk in pending:
        _reconcile_before_expiry(pk)
        expired += _expire(pk, statuses=(S.PENDING,), before=cutoff)
    if expired:
        logger.info("payments.expired", extra={"count": expired})
    return expired
