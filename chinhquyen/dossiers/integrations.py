"""Wiring of dossier events to notifications, payments and result signing.

Importing this module registers the handlers (once; ``hooks.register`` ignores a second
registration): ``DossiersConfig.ready()`` does ``from . import integrations``.

- ``received``, ``supplement_requested``, ``result_ready``, ``apologised``, ``refused``: the
  applicant gets an e-mail and an SMS (when the dossier has an address / phone number) from the
  ``dossier.*`` notification templates; each (event, channel) is queued at most once
  (dedupe keys ``dossier:<id>:<event>:<channel>``; a second supplement request or result gets
  its own key through the pause / history event id).
- the applicant pays a dossier's fee online: ``dossier_fee_payment`` makes (or reuses) the
  payment of payable type ``dossier``; once paid → ``dossier_set_payment_status(paid)`` and
  the ``dossier.payment_received`` notification.
- ``results_approved`` (the competent person's approval) → each approved electronic PDF result
  not yet signed is sealed with the competent organisation's active credential
  (``sign_result_pdf``) when it has one; with ``DOSSIER_SEAL_RESULTS_AT = "return"`` this
  happens on ``returned`` instead. A result is never sealed before its approval.

Notification handlers run inside the dossier's transaction (``in_transaction`` hooks): the
outbox rows commit with the change, and delivery is scheduled for after the commit. Sealing a
result runs after the commit.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import find_signature_box
from chinhquyen.notifications.services import notify
from chinhquyen.orgs.models import Organisation
from chinhquyen.payments import services as payment_services
from chinhquyen.payments.hooks import on_payment_paid, register_payable_url
from chinhquyen.payments.models import Payment

from . import conf, hooks, notices, services
from .models import Dossier, DossierResult, DossierStatus, PaymentStatus, ResultDelivery
from .pdf import appointment_text, lookup_url, money_text
from .workflow import is_applicant_of

logger = logging.getLogger(__name__)

PAYABLE_TYPE = "dossier"


# --- Notifications --------------------------------------------------------------------------


def _load(dossier_id: int) -> Dossier | None:
    return (
        Dossier.objects.select_related(
            "receiving_organisation", "competent_organisation", "applicant"
        )
        .filter(pk=dossier_id)
        .first()
    )


def _base_context(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure_name": dossier.procedure_name,
        "lookup_url": lookup_url(dossier),
        "pin": "",
    }


def notify_applicant(
    dossier: Dossier, *, template: str, context: Mapping[str, Any], key: str
) -> list[Any]:
    """Queue ``template`` to the applicant by e-mail and SMS (each when the dossier has the
    address); dedupe key ``dossier:<id>:<key>:<channel>``. Returns the outbox rows."""
    queued: list[Any] = []
    recipients = (("email", dossier.applicant_email), ("sms", dossier.applicant_phone))
    for channel, recipient in recipients:
        if not recipient:
            continue
        try:
            row = notify(
                channel=channel,
                recipient=recipient,
                template=template,
                context={**_base_context(dossier), **context},
                user=dossier.applicant,
                dedupe_key=f"dossier:{dossier.pk}:{key}:{channel}",
            )
        except DomainError:
            # a bad address typed at the counter must not stop the other channel
            logger.warning(
                "dossiers.notify_failed",
                extra={"dossier_id": dossier.pk, "template": template, "channel": channel},
                exc_info=True,
            )
            continue
        if row is not None:
            queued.append(row)
    return queued


def on_received(event: hooks.HookEvent) -> None:
    dossier = _load(event.dossier_id)
    if dossier is None:
        return
    notify_applicant(
        dossier,
        template="dossier.received",
        context={
            "appointment": appointment_text(dossier.appointment_at),
            "pin": event.payload.get("pin") or "",
            "organisation": dossier.receiving_organisation.name,
        },
        key="received",
    )


def _sentence(value: object) -> str:
    """A reason without its final full stop (the templates add one)."""
    return str(value or "").strip().rstrip(".").rstrip()


def _contact(dossier: Dossier) -> str:
    org = dossier.receiving_organisation
    return ", ".join(p for p in (org.name, org.address, org.phone) if p)


def on_supplement_requested(event: hooks.HookEvent) -> None:
    dossier = _load(event.dossier_id)
    if dossier is None:
        return
    papers = [p.get("name", "") for p in event.payload.get("requested_papers") or []]
    reason = _sentence(event.payload.get("reason"))
    if papers:
        reason = f"{reason} ({'; '.join(p for p in papers if p)})"
    notify_applicant(
        dossier,
        template="dossier.supplement_requested",
        context={"reason": reason, "contact": _contact(dossier)},
        key=f"supplement_requested:{event.payload.get('pause_id') or event.event_id}",
    )


def on_result_ready(event: hooks.HookEvent) -> None:
    dossier = _load(event.dossier_id)
    if dossier is None:
        return
    org = dossier.receiving_organisation
    place = ", ".join(p for p in (org.name, org.address) if p)
    electronic = dossier.results.filter(cancelled_at__isnull=True).exclude(file="").exists()
    if electronic and dossier.result_delivery == ResultDelivery.ONLINE:
        # the result is online: say so instead of asking the applicant to come in
        place = "Cổng dịch vụ công trực tuyến (kết quả điện tử, tải về tại trang hồ sơ)"
    notify_applicant(
        dossier,
        template="dossier.result_ready",
        context={"place": place},
        key=f"result_ready:{event.event_id}",
    )


def on_apologised(event: hooks.HookEvent) -> None:
    dossier = _load(event.dossier_id)
    if dossier is None:
        return
    notify_applicant(
        dossier,
        template="dossier.late_apology",
        context={
            "appointment": appointment_text(dossier.appointment_at),
            "new_appointment": appointment_text(dossier.new_appointment_at),
            "reason": _sentence(event.payload.get("reason")),
            "organisation": dossier.competent_organisation.name,
        },
        key="apologised",
    )


def on_refused(event: hooks.HookEvent) -> None:
    dossier = _load(event.dossier_id)
    if dossier is None:
        return
    notify_applicant(
        dossier,
        template="dossier.refused",
        context={"reason": _sentence(event.payload.get("reason"))},
        key="refused",
    )


# --- Payments -------------------------------------------------------------------------------


@on_payment_paid(PAYABLE_TYPE)
def on_dossier_fee_paid(payment: Payment) -> None:
    """A dossier's fee was paid: record it on the dossier and tell the applicant (idempotent:
    a dossier already marked paid is left alone)."""
    try:
        dossier_id = int(payment.payable_id)
    except (TypeError, ValueError):
        logger.warning("dossiers.payment_bad_payable_id", extra={"payment": payment.reference})
        return
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if dossier is None or dossier.payment_status == PaymentStatus.PAID:
            return
        dossier = services.dossier_set_payment_status(
            actor=None,
            dossier=dossier,
            status=PaymentStatus.PAID,
            reference=payment.reference,
        )
        notify_applicant(
            dossier,
            template="dossier.payment_received",
            context={
                "amount": money_text(payment.amount),
                "paid_at": appointment_text(payment.paid_at),
            },
            key=f"payment_received:{payment.pk}",
        )


#: Dossier statuses in which the applicant may still pay the fee online.
PAYABLE_DOSSIER_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.TRANSFERRED,
        DossierStatus.PROCESSING,
        DossierStatus.AWAITING_APPROVAL,
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
        DossierStatus.SUPPLEMENT_REQUESTED,
    }
)


def can_pay_fee_online(user: object, dossier: Dossier) -> bool:
    """The applicant may pay the dossier's fee online: there is a fee, it is not paid yet and
    the dossier was neither refused nor stopped."""
    return (
        is_applicant_of(user, dossier)
        and dossier.fee_total > 0
        and dossier.payment_status == PaymentStatus.UNPAID
        and dossier.status in PAYABLE_DOSSIER_STATUSES
    )


def dossier_fee_payment(*, actor: User, dossier: Dossier) -> Payment:
    """The open payment of the dossier's fee (``PAYABLE_TYPE``), created on first use.

    An open payment (created or at the gateway) is reused; after a failed, cancelled or
    expired attempt a new one is made (one idempotency key per attempt, so a double click
    makes one payment). Raises ``DomainError`` (Vietnamese) when there is nothing to pay.
    """
    if not can_pay_fee_online(actor, dossier):
        raise DomainError(
            "Hồ sơ này không có khoản phí, lệ phí cần thanh toán trực tuyến.",
            code="nothing_to_pay",
            status_code=409,
        )
    attempts = Payment.objects.filter(payable_type=PAYABLE_TYPE, payable_id=str(dossier.pk))
    now = timezone.now()
    for payment in attempts.order_by("-created_at", "-pk"):
        if payment.is_open and (payment.expires_at is None or payment.expires_at > now):
            return payment
    return payment_services.payment_create(
        actor=actor,
        payable_type=PAYABLE_TYPE,
        payable_id=str(dossier.pk),
        amount=int(dossier.fee_total),
        description=f"Phí, lệ phí hồ sơ {dossier.code}: {dossier.procedure_name}"[:255],
        payer=actor,
        payer_name=dossier.applicant_name,
        payer_phone=dossier.applicant_phone,
        payer_email=dossier.applicant_email,
        organisation=dossier.competent_organisation,
        idempotency_key=f"dossier:{dossier.pk}:fee:{attempts.count() + 1}",
    )


# --- Signed results -------------------------------------------------------------------------


def sign_result_pdf(
    dossier: Dossier,
    pdf_bytes: bytes,
    *,
    result_code: str = "",
    organisation: Organisation | None = None,
) -> bytes:
    """Sign a result PDF with the competent organisation's active credential (ND 45/2020: an
    electronic result signed by the competent agency).

    Organisation mode (the seal image over the signature placeholder or the last visible
    signature) when the PDF has one; otherwise the organisation's attachment stamp (top right
    of page 1, no image) carrying the result code. Raises ``DomainError`` when the
    organisation has no active credential or the signature cannot be made.
    """
    from chinhquyen.signing.services import active_credential_for_organisation, sign_pdf

    issuer = organisation or dossier.competent_organisation
    credential = active_credential_for_organisation(issuer)
    reason = f"Kết quả giải quyết hồ sơ {dossier.code}"
    location = issuer.name
    if _has_signature_anchor(pdf_bytes) and credential.seal_image:
        return sign_pdf(
            pdf=pdf_bytes,
            credential=credential,
            mode="organisation",
            reason=reason,
            location=location,
        )
    return sign_pdf(
        pdf=pdf_bytes,
        credential=credential,
        mode="attachment",
        reason=reason,
        location=location,
        number_notation=result_code or dossier.code,
    )


def _has_signature_anchor(pdf_bytes: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    if find_signature_box(pdf_bytes, "signer") is not None:
        return True
    try:
        return bool(PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures)
    except Exception:
        return False


def has_seal(organisation: Organisation) -> bool:
    """The organisation has an active credential the server can seal with (not remote)."""
    from chinhquyen.signing.models import CredentialKind, SigningCredential

    return (
        SigningCredential.objects.filter(organisation=organisation, is_active=True)
        .exclude(kind=CredentialKind.REMOTE)
        .exists()
    )


def seal_result(result_id: int) -> bool:
    """Seal an approved electronic PDF result with the competent organisation's active
    credential (when it has one; otherwise it stays unsigned, to be signed by an official).
    Returns whether it was sealed. A result not approved is never sealed."""
    result = (
        DossierResult.objects.select_related("dossier__competent_organisation")
        .filter(pk=result_id)
        .first()
    )
    if result is None or result.signed or not result.file or result.is_cancelled:
        return False
    if result.approved_at is None:
        return False
    if result.content_type != "application/pdf" and not result.file.name.endswith(".pdf"):
        return False
    dossier = result.dossier
    if not has_seal(dossier.competent_organisation):
        return False
    with result.file.open("rb") as handle:
        original = handle.read()
    signed = sign_result_pdf(dossier, original, result_code=result.code)
    services.dossier_result_set_signed(
        actor=None,
        result=result,
        signed_file=ContentFile(signed, name=result.original_name or "ket-qua.pdf"),
    )
    return True


def on_results_approved(event: hooks.HookEvent) -> None:
    """The competent person approved results: seal them now (unless the province seals at
    the desk's return step)."""
    if conf.seal_results_at() != conf.SEAL_AT_APPROVAL:
        return
    for result_id in event.payload.get("result_ids") or []:
        if isinstance(result_id, int):
            seal_result(result_id)


def on_returned(event: hooks.HookEvent) -> None:
    """The desk returned the result: seal the approved results when the province seals at
    return."""
    if conf.seal_results_at() != conf.SEAL_AT_RETURN:
        return
    ids = DossierResult.objects.filter(
        dossier_id=event.dossier_id, approved_at__isnull=False, signed=False
    ).values_list("pk", flat=True)
    for result_id in list(ids):
        seal_result(result_id)


# Notifications write their outbox rows inside the dossier's transaction (in_transaction): a
# crash right after the commit cannot lose them; delivery itself happens after the commit.
NOTIFICATION_HANDLERS: dict[str, hooks.Callback] = {
    "received": on_received,
    "supplement_requested": on_supplement_requested,
    "result_ready": on_result_ready,
    "apologised": on_apologised,
    "refused": on_refused,
}
# Sealing a result reads keys and rewrites a PDF: after the commit, never inside it.
AFTER_COMMIT_HANDLERS: dict[str, hooks.Callback] = {
    "results_approved": on_results_approved,
    "returned": on_returned,
    # the one-stop form of each action (rendered and sealed after the commit)
    **{name: notices.issue_for_hook for name in notices.HOOK_KINDS},
}


def register() -> None:
    """Register the handlers (idempotent; done on import)."""
    for name, handler in NOTIFICATION_HANDLERS.items():
        hooks.register(name, handler, in_transaction=True)
    for name, handler in AFTER_COMMIT_HANDLERS.items():
        hooks.register(name, handler)
    on_payment_paid(PAYABLE_TYPE)(on_dossier_fee_paid)
    register_payable_url(PAYABLE_TYPE, _dossier_page)


def _dossier_page(payment: Payment) -> str:
    """The applicant's dossier page (its pay button starts a new attempt)."""
    return reverse("dossiers:my_detail", args=[int(payment.payable_id)])


register()
