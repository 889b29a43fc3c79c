"""Wagtail hooks of the editorial side: the log action of an automatic restore."""

from __future__ import annotations

from typing import Any

from wagtail import hooks

from .integrity import RESTORE_ACTION


@hooks.register("register_log_actions")
def register_restore_action(actions: Any) -> None:
    actions.register_action(
        RESTORE_ACTION,
        "Khôi phục tự động",
        "Khôi phục tự động từ phiên bản đã duyệt (trang bị thay đổi ngoài quy trình)",
    )
