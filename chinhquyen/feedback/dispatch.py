"""One entry point for the officer actions of the pages and the API: picks the service."""

from __future__ import annotations

from typing import Any

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.dossiers import lookup as lookup_limits
from chinhquyen.orgs.models import Organisation

from . import permissions as perms
from . import selectors, services
from .models import FeedbackItem


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def feedback_action(
    *, actor: User, item: FeedbackItem, action: str, data: Any, files: list[Any]
) -> None:
    """Run one officer action from parsed form or JSON data (pages and API alike)."""
    user, post = actor, data
    reason = post.get("reason", "")
    if action == "reject":
        services.feedback_reject(actor=user, item=item, reason=reason)
    elif action == "request_info":
        services.feedback_request_info(actor=user, item=item, request=reason)
    elif action == "supplement":
        perms.require(perms.can_classify(user, item))
        services.feedback_supplement(actor=user, item=item, text=reason)
    elif action == "forward":
        unit = Organisation.objects.filter(pk=_int(post.get("unit")) or 0).first()
        services.feedback_forward(actor=user, item=item, unit=unit, note=reason)
    elif action == "return":
        services.feedback_return(actor=user, item=item, reason=reason)
    elif action == "assign":
        assignee = User.objects.filter(pk=_int(post.get("assignee")) or 0).first()
        if assignee is None:
            raise DomainError("Vui lòng chọn cán bộ.", code="assignee_required")
        services.feedback_assign(actor=user, item=item, assignee=assignee)
    elif action == "answer":
        services.feedback_answer(actor=user, item=item, text=post.get("text", ""), files=files)
    elif action == "send_back":
        services.feedback_send_back(actor=user, item=item, reason=reason)
    elif action == "approve":
        services.feedback_approve(actor=user, item=item)
    elif action == "publish":
        services.feedback_publish(
            actor=user,
            item=item,
            public_title=post.get("public_title", ""),
            public_text=post.get("public_text", ""),
            no_identity_confirmed=post.get("no_identity") == "on",
        )
    elif action == "merge":
        into = selectors.item_for(user, _int(post.get("into_pk")) or 0)
        if into is None:
            into_code = lookup_limits.normalise_code(post.get("into", ""))
            found = FeedbackItem.objects.filter(code=into_code).first()
            into = selectors.item_for(user, found.pk) if found else None
        if into is None:
            raise DomainError("Không tìm thấy phản ánh cần gộp vào.", code="not_found")
        services.feedback_merge(actor=user, duplicate=item, into=into)
