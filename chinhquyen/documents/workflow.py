"""The document workflows: ONE table of allowed transitions per document kind.

``INCOMING`` and ``OUTGOING`` map ``(from_status, action)`` to the status the document ends in;
anything not in a table is refused with a Vietnamese ``DomainError`` (HTTP 409). Services call
``incoming_target`` / ``outgoing_target`` with the row locked, before changing anything, and
write a ``DocumentEvent`` for the change. Who may perform an action is decided in
``permissions``; preconditions that depend on more than the status (a PDF to sign, the last
reviewer) are checked by the services.
"""

from __future__ import annotations

from django.db import models

from chinhquyen.core.api import DomainError

from .models import IncomingStatus, OutgoingStatus

I = IncomingStatus  # noqa: E741
O = OutgoingStatus  # noqa: E741


class IncomingAction(models.TextChoices):
    REGISTER = "register", "Vào sổ văn bản đến"
    SUBMIT = "submit", "Trình lãnh đạo"
    ASSIGN = "assign", "Phân công xử lý"
    START = "start", "Bắt đầu xử lý"
    COMPLETE = "complete", "Kết thúc xử lý"
    RETURN = "return", "Trả lại nơi gửi"
    WITHDRAW = "withdraw", "Nơi gửi thu hồi"


class OutgoingAction(models.TextChoices):
    SUBMIT = "submit", "Trình duyệt"
    FORWARD = "forward", "Đồng ý, trình tiếp"
    APPROVE = "approve", "Phê duyệt"
    REJECT = "reject", "Trả lại để sửa"
    CANCEL = "cancel", "Hủy dự thảo"
    ISSUE = "issue", "Cấp số, ngày ban hành"
    SIGN = "sign", "Ký số"
    DISPATCH = "dispatch", "Phát hành"
    REVOKE = "revoke", "Thu hồi"


IA = IncomingAction
OA = OutgoingAction

INCOMING: dict[tuple[str, str], str] = {
    # arrived electronically, waiting for the clerk
    (I.RECEIVED, IA.REGISTER): I.REGISTERED,
    (I.RECEIVED, IA.RETURN): I.RETURNED,
    (I.RECEIVED, IA.WITHDRAW): I.WITHDRAWN,
    # in the register
    (I.REGISTERED, IA.SUBMIT): I.SUBMITTED,
    (I.REGISTERED, IA.ASSIGN): I.ASSIGNED,
    (I.REGISTERED, IA.RETURN): I.RETURNED,
    (I.REGISTERED, IA.WITHDRAW): I.WITHDRAWN,
    # with the leader
    (I.SUBMITTED, IA.ASSIGN): I.ASSIGNED,
    (I.SUBMITTED, IA.RETURN): I.RETURNED,
    (I.SUBMITTED, IA.WITHDRAW): I.WITHDRAWN,
    # assigned to units
    (I.ASSIGNED, IA.ASSIGN): I.ASSIGNED,
    (I.ASSIGNED, IA.START): I.IN_PROGRESS,
    (I.ASSIGNED, IA.COMPLETE): I.COMPLETED,
    (I.ASSIGNED, IA.WITHDRAW): I.WITHDRAWN,
    # officials working on it
    (I.IN_PROGRESS, IA.ASSIGN): I.IN_PROGRESS,
    (I.IN_PROGRESS, IA.COMPLETE): I.COMPLETED,
    (I.IN_PROGRESS, IA.WITHDRAW): I.WITHDRAWN,
    # a completed document the sender revokes is marked as revoked too
    (I.COMPLETED, IA.WITHDRAW): I.WITHDRAWN,
}

OUTGOING: dict[tuple[str, str], str] = {
    (O.DRAFT, OA.SUBMIT): O.IN_REVIEW,
    (O.DRAFT, OA.CANCEL): O.CANCELLED,
    (O.IN_REVIEW, OA.FORWARD): O.IN_REVIEW,
    (O.IN_REVIEW, OA.APPROVE): O.APPROVED,
    (O.IN_REVIEW, OA.REJECT): O.RETURNED,
    (O.RETURNED, OA.SUBMIT): O.IN_REVIEW,
    (O.RETURNED, OA.CANCEL): O.CANCELLED,
    (O.APPROVED, OA.ISSUE): O.ISSUED,
    (O.ISSUED, OA.SIGN): O.SIGNED,
    # paper documents (signed by hand, scanned) are dispatched without a digital signature
    (O.ISSUED, OA.DISPATCH): O.SENT,
    (O.SIGNED, OA.DISPATCH): O.SENT,
    (O.SENT, OA.REVOKE): O.REVOKED,
}


def _target(table: dict[tuple[str, str], str], status: str, action: str, labels: type) -> str:
    target = table.get((status, action))
    if target is None:
        try:
            action_label = labels(action).label
        except ValueError:
            action_label = action
        raise DomainError(
            f"Không thể «{action_label}» khi văn bản đang ở trạng thái này.",
            code="invalid_transition",
            status_code=409,
        )
    return target


def incoming_target(status: str, action: str) -> str:
    return _target(INCOMING, status, action, IncomingAction)


def outgoing_target(status: str, action: str) -> str:
    return _target(OUTGOING, status, action, OutgoingAction)


def incoming_actions(status: str) -> list[str]:
    return [action for (source, action) in INCOMING if source == status]


def outgoing_actions(status: str) -> list[str]:
    return [action for (source, action) in OUTGOING if source == status]
