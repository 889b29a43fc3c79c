"""Every write to dossiers. Keyword-only, typed, one transaction, attributed to the actor.

Each workflow action has its own service (``dossier_transfer``, ``dossier_approve`` ...). A
service locks the dossier row (``select_for_update``), checks the transition table and the
actor's right (``workflow.check``) and the step preconditions, updates the position and the
clocks, appends a ``DossierEvent`` and schedules the hooks (``hooks.emit``, run on commit).
``dossier_transition(action=...)`` dispatches to them (the API's action endpoints).

Lock order, everywhere: the applicant's user row (intake of an applicant), the daily code
counter, then dossier rows in ascending id, then their open step and pause rows.

The services live by use case, each in its own module: ``intake`` (online submission, counter
reception, code, PIN, fee), ``processing`` (transfer, assignment, steps, submission for
approval, sending back), ``results`` (approval and its seal, attaching, cancelling and returning
results, rating) and ``supplements`` (supplement requests, refusal, stop, withdrawal, apology);
``recording`` holds what they share (the lock, the event, the steps of the control sheet). This
module re-exports them all: callers import from ``services``.

Every service takes ``at`` (the moment of the action, default now) for imports, the demo and
tests; the API never passes it.

Dossier code: ``<agency code>-<YYMMDD>-<NNNN>`` of the **receiving** agency (the organisation
owning the one-stop desk that received it: a commune People's Committee for its desk, the
Public Administration Service Centre for the provincial desk). Production systems print the
code of the agency where the dossier was received (e.g. ``000.17.22.H56-...``, a commune code),
and a daily sequence per receiving agency is what keeps the receipt numbers of one desk
consecutive. When that organisation has no agency code, its nearest ancestor's is used."""

from __future__ import annotations

from typing import Any

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError

from .intake import (
    _assign_code,
    _fingerprint,
    can_attach_file,
    dossier_attach_file,
    dossier_code_prefix,
    dossier_receive_at_counter,
    dossier_reset_pin,
    dossier_set_payment_status,
    dossier_submit_online,
    fee_case_for,
)
from .models import Dossier
from .processing import (
    dossier_assign,
    dossier_bulk_transfer,
    dossier_send_back,
    dossier_step_complete,
    dossier_submit_for_approval,
    dossier_transfer,
)
from .recording import IDEMPOTENCY_KEY_MAX, MAX_REASON_LENGTH, IntakeResult, PaperCount, S, Upload
from .results import (
    dossier_approve,
    dossier_attach_result,
    dossier_cancel_result,
    dossier_finish,
    dossier_rate,
    dossier_result_set_signed,
    dossier_return_result,
)
from .supplements import (
    dossier_apologise,
    dossier_refuse,
    dossier_request_supplement,
    dossier_stop,
    dossier_supplement_answer,
    dossier_withdraw,
)
from .workflow import Action

# The dossier services, by use case (``services`` is where callers import them from).
__all__ = [
    "IDEMPOTENCY_KEY_MAX",
    "MAX_REASON_LENGTH",
    "IntakeResult",
    "PaperCount",
    "S",
    "Upload",
    "_assign_code",
    "_fingerprint",
    "can_attach_file",
    "dossier_apologise",
    "dossier_approve",
    "dossier_assign",
    "dossier_attach_file",
    "dossier_attach_result",
    "dossier_bulk_transfer",
    "dossier_cancel_result",
    "dossier_code_prefix",
    "dossier_finish",
    "dossier_rate",
    "dossier_receive_at_counter",
    "dossier_refuse",
    "dossier_request_supplement",
    "dossier_reset_pin",
    "dossier_result_set_signed",
    "dossier_return_result",
    "dossier_send_back",
    "dossier_set_payment_status",
    "dossier_step_complete",
    "dossier_stop",
    "dossier_submit_for_approval",
    "dossier_submit_online",
    "dossier_supplement_answer",
    "dossier_transfer",
    "dossier_transition",
    "dossier_withdraw",
    "fee_case_for",
]


def dossier_transition(*, actor: User, dossier: Dossier | int, action: str, **params: Any) -> Any:
    """Perform workflow ``action`` with its parameters (see each action's service)."""
    services: dict[str, Any] = {
        Action.TRANSFER: dossier_transfer,
        Action.ASSIGN: dossier_assign,
        Action.STEP_COMPLETE: dossier_step_complete,
        Action.SUBMIT_FOR_APPROVAL: dossier_submit_for_approval,
        Action.APPROVE: dossier_approve,
        Action.SEND_BACK: dossier_send_back,
        Action.FINISH: dossier_finish,
        Action.ATTACH_RESULT: dossier_attach_result,
        Action.CANCEL_RESULT: dossier_cancel_result,
        Action.RETURN_RESULT: dossier_return_result,
        Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
        Action.SUPPLEMENT_ANSWER: dossier_supplement_answer,
        Action.REFUSE: dossier_refuse,
        Action.STOP: dossier_stop,
        Action.WITHDRAW: dossier_withdraw,
        Action.APOLOGISE: dossier_apologise,
        Action.RATE: dossier_rate,
    }
    service = services.get(action)
    if service is None:
        raise DomainError("Thao tác không tồn tại.", code="unknown_action")
    return service(actor=actor, dossier=dossier, **params)
