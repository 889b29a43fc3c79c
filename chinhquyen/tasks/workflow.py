"""The task workflow: ONE table of allowed transitions, checked before anything changes.

``TRANSITIONS`` maps ``(from_status, action)`` to the status the task ends in. Actions that do
not change the status (a progress report, a delegation, an extension request or decision) are
listed with the same status on both sides, so that they too are refused on a closed task.
Who may act is decided in ``permissions``; the tests walk every pair.
"""

from __future__ import annotations

from django.db import models

from chinhquyen.core.api import DomainError

from .models import TaskStatus

S = TaskStatus


class Action(models.TextChoices):
    CREATE = "create", "Giao nhiệm vụ"
    DELEGATE = "delegate", "Giao tiếp cho cấp dưới"
    REPORT = "report", "Báo cáo tiến độ"
    COMPLETE = "complete", "Báo cáo hoàn thành"
    ACCEPT = "accept", "Xác nhận hoàn thành"
    RETURN = "return", "Trả lại, yêu cầu tiếp tục"
    REQUEST_EXTENSION = "request_extension", "Xin gia hạn"
    DECIDE_EXTENSION = "decide_extension", "Quyết định gia hạn"
    CANCEL = "cancel", "Hủy nhiệm vụ"


A = Action

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.ASSIGNED, A.DELEGATE): S.ASSIGNED,
    (S.ASSIGNED, A.REPORT): S.IN_PROGRESS,
    (S.ASSIGNED, A.COMPLETE): S.SUBMITTED,
    (S.ASSIGNED, A.REQUEST_EXTENSION): S.ASSIGNED,
    (S.ASSIGNED, A.DECIDE_EXTENSION): S.ASSIGNED,
    (S.ASSIGNED, A.CANCEL): S.CANCELLED,
    (S.IN_PROGRESS, A.DELEGATE): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REPORT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.COMPLETE): S.SUBMITTED,
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.DECIDE_EXTENSION): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.CANCEL): S.CANCELLED,
    (S.SUBMITTED, A.ACCEPT): S.COMPLETED,
    (S.SUBMITTED, A.RETURN): S.IN_PROGRESS,
    (S.SUBMITTED, A.DECIDE_EXTENSION): S.SUBMITTED,
}


def target(status: str, action: str) -> str:
    result = TRANSITIONS.get((status, action))
    if result is None:
        try:
            label = Action(action).label
        except ValueError:
            label = action
        raise DomainError(
            f"Không thể «{label}» khi nhiệm vụ đang ở trạng thái «{TaskStatus(status).label}».",
            code="invalid_transition",
            status_code=409,
        )
    return result


def allowed_actions(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]
