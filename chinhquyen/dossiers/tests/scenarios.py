"""Dossiers brought to a given point of their workflow through the services (real history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier

from .factories import World, receive, reload


def received(w: World, version: str = "province") -> Dossier:
    return receive(w, version=version).dossier


def _desk(w: World, version: str) -> Any:
    return w.users["desk_commune"] if version == "commune" else w.users["desk_centre"]


def transferred(w: World, version: str = "province") -> Dossier:
    d = received(w, version)
    return services.dossier_transfer(actor=_desk(w, version), dossier=d)


def processing(w: World, version: str = "province") -> Dossier:
    """At the specialist step, assigned to ``spec`` (``spec_commune`` for the commune)."""
    d = transferred(w, version)
    if version == "commune":
        return services.dossier_assign(
            actor=w.users["commune_leader"], dossier=d, assignee=w.users["spec_commune"]
        )
    return services.dossier_assign(actor=w.users["head"], dossier=d, assignee=w.users["spec"])


def processing_at_head(w: World) -> Dossier:
    """Province procedure at the unit head's step (next: the leader's approval)."""
    d = processing(w)
    return services.dossier_step_complete(actor=w.users["spec"], dossier=d)


def awaiting_approval(w: World) -> Dossier:
    d = processing_at_head(w)
    return services.dossier_submit_for_approval(actor=w.users["head"], dossier=d)


def multi_first_approval(w: World) -> Dossier:
    """Two approval levels: at the department leader's step (next: the province leader)."""
    d = processing(w, "multi")
    return services.dossier_submit_for_approval(actor=w.users["spec"], dossier=d)


def multi_second_approval(w: World) -> Dossier:
    """At the province leader's step (next: the clerk's work step)."""
    d = multi_first_approval(w)
    return services.dossier_submit_for_approval(actor=w.users["leader"], dossier=d)


def multi_clerk(w: World) -> Dossier:
    """Processing at the clerk's step after both approvals (no core step follows)."""
    d = multi_second_approval(w)
    return services.dossier_step_complete(actor=w.users["governor"], dossier=d)


def result_ready(w: World) -> Dossier:
    d = awaiting_approval(w)
    return services.dossier_approve(actor=w.users["leader"], dossier=d)


def returned(w: World) -> Dossier:
    d = result_ready(w)
    return services.dossier_return_result(actor=w.users["desk_centre"], dossier=d)


def supplement_requested(w: World) -> Dossier:
    d = received(w)
    services.dossier_request_supplement(
        actor=w.users["desk_centre"], dossier=d, reason="Thiếu bản sao giấy tờ tùy thân."
    )
    return reload(d)


def refused(w: World) -> Dossier:
    d = received(w)
    return services.dossier_refuse(actor=w.users["desk_centre"], dossier=d, reason="Sai thủ tục.")


def stopped(w: World) -> Dossier:
    d = processing(w)
    return services.dossier_stop(actor=w.users["head"], dossier=d, reason="Không đủ điều kiện.")


def with_result(builder: Callable[[World], Dossier], actor: str) -> Callable[[World], Dossier]:
    def build(w: World) -> Dossier:
        d = builder(w)
        services.dossier_attach_result(actor=w.users[actor], dossier=d, name="Kết quả thử")
        return reload(d)

    return build


def result_ready_with_result(w: World) -> Dossier:
    d = awaiting_approval(w)
    services.dossier_attach_result(actor=w.users["leader"], dossier=d, name="Phiếu LLTP")
    return services.dossier_approve(actor=w.users["leader"], dossier=d)


def returned_with_result(w: World) -> Dossier:
    d = result_ready_with_result(w)
    return services.dossier_return_result(actor=w.users["desk_centre"], dossier=d)


def later(days: int = 30) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


# One representative dossier per status (the starting point of forbidden transitions).
BY_STATUS: dict[str, Callable[[World], Dossier]] = {
    "received": received,
    "transferred": transferred,
    "processing": processing,
    "awaiting_approval": awaiting_approval,
    "result_ready": result_ready,
    "returned": returned,
    "supplement_requested": supplement_requested,
    "refused": refused,
    "stopped": stopped,
}
