"""The transition table of a citizen report: action -> (statuses it starts from, status after).

Every state change goes through ``check`` (services.py), and every pair is walked by the tests.
"""

from __future__ import annotations

from chinhquyen.core.api import DomainError

from .models import Status

S = Status
OPEN_FOR_CLASSIFICATION = frozenset({S.NEW, S.RETURNED})
AT_UNIT = frozenset({S.FORWARDED, S.IN_PROGRESS})

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "reject": (OPEN_FOR_CLASSIFICATION | {S.INFO_REQUESTED}, S.REJECTED),
    "request_info": (OPEN_FOR_CLASSIFICATION, S.INFO_REQUESTED),
    "supplement": (frozenset({S.INFO_REQUESTED}), S.NEW),
    "forward": (OPEN_FOR_CLASSIFICATION, S.FORWARDED),
    "return": (AT_UNIT, S.RETURNED),
    "assign": (AT_UNIT, S.IN_PROGRESS),
    "answer": (AT_UNIT, S.AWAITING_APPROVAL),
    "send_back": (frozenset({S.AWAITING_APPROVAL}), S.IN_PROGRESS),
    "approve": (frozenset({S.AWAITING_APPROVAL}), S.ANSWERED),
    "publish": (frozenset({S.ANSWERED}), S.PUBLISHED),
    "reopen": (frozenset({S.ANSWERED, S.PUBLISHED}), S.IN_PROGRESS),
    "merge": (
        OPEN_FOR_CLASSIFICATION | AT_UNIT | {S.INFO_REQUESTED},
        S.MERGED,
    ),
}

ACTION_LABELS = {
    "submit": "Tiếp nhận",
    "reject": "Không tiếp nhận",
    "request_info": "Đề nghị bổ sung thông tin",
    "supplement": "Bổ sung thông tin",
    "forward": "Chuyển đơn vị có thẩm quyền",
    "return": "Trả lại (không thuộc thẩm quyền)",
    "assign": "Giao cán bộ xử lý",
    "answer": "Dự thảo trả lời",
    "send_back": "Lãnh đạo trả lại dự thảo",
    "approve": "Lãnh đạo duyệt trả lời",
    "publish": "Công khai",
    "rate": "Đánh giá",
    "reopen": "Mở lại",
    "merge": "Gộp phản ánh trùng",
}

# Statuses during which the item is still to be handled (reminders, inbox, on-time ratios)
OPEN_STATUSES = frozenset(
    {S.NEW, S.INFO_REQUESTED, S.FORWARDED, S.RETURNED, S.IN_PROGRESS, S.AWAITING_APPROVAL}
)


def target(action: str, status: str) -> str:
    allowed, after = TRANSITIONS[action]
    if status not in allowed:
        raise DomainError(
            f"Không thể «{ACTION_LABELS[action]}» khi phản ánh đang ở trạng thái "
            f"«{Status(status).label}».",
            code="invalid_transition",
            status_code=409,
        )
    return after
