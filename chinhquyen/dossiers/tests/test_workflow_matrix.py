"""The whole transition matrix: every (status, action) pair.

Allowed pairs succeed (with an actor the table's predicate accepts), end in the table's target
status and append one history row; the same pair by an outsider is refused (403). Every other
pair is refused with a Vietnamese ``DomainError`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from chinhquyen.core.api import DomainError
from chinhquyen.dossiers import services, workflow
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.workflow import ACTIONS, RESUME, STATUSES, TRANSITIONS, Action

from . import scenarios as sc
from .factories import World, reload

A = Action
S = DossierStatus

Builder = Callable[[World], Dossier]


def _kwargs(action: str, w: World, dossier: Dossier) -> dict[str, Any]:
    if action == A.ASSIGN:
        assignee = w.users["spec2"] if dossier.current_assignee_id else w.users["spec"]
        if dossier.procedure_version_id == w.versions["commune"].pk:
            assignee = w.users["spec_commune"]
        return {"assignee": assignee}
    if action in (A.SEND_BACK, A.REFUSE, A.STOP, A.REQUEST_SUPPLEMENT):
        return {"reason": "Lý do thử nghiệm."}
    if action == A.WITHDRAW:
        return {"reason": "Tôi không còn nhu cầu."}
    if action == A.ATTACH_RESULT:
        return {"name": "Kết quả thử nghiệm"}
    if action == A.CANCEL_RESULT:
        first = dossier.results.order_by("number").first()
        return {"result": first.pk if first else 0, "reason": "Sai thông tin."}
    if action == A.SUPPLEMENT_ANSWER:
        return {"note": "Đã nộp bổ sung bản sao giấy tờ tùy thân."}
    if action == A.APOLOGISE:
        return {"reason": "Chờ kết quả xác minh.", "new_appointment_at": sc.later(60)}
    if action == A.RATE:
        return {"score": 3, "comment": "Nhanh chóng."}
    return {}


# (status, action) -> (how to build the dossier, who acts)
ALLOWED: dict[tuple[str, str], tuple[Builder, str]] = {
    (S.RECEIVED, A.TRANSFER): (sc.received, "desk_centre"),
    (S.RECEIVED, A.REFUSE): (sc.received, "desk_centre"),
    (S.RECEIVED, A.REQUEST_SUPPLEMENT): (sc.received, "desk_centre"),
    (S.RECEIVED, A.WITHDRAW): (sc.received, "citizen"),
    (S.TRANSFERRED, A.ASSIGN): (sc.transferred, "head"),
    (S.TRANSFERRED, A.STEP_COMPLETE): (sc.transferred, "spec"),
    (S.TRANSFERRED, A.SUBMIT_FOR_APPROVAL): (
        lambda w: sc.transferred(w, "commune"),
        "spec_commune",
    ),
    (S.TRANSFERRED, A.FINISH): (lambda w: sc.transferred(w, "simple"), "spec"),
    (S.TRANSFERRED, A.ATTACH_RESULT): (sc.transferred, "spec"),
    (S.TRANSFERRED, A.REQUEST_SUPPLEMENT): (sc.transferred, "spec"),
    (S.TRANSFERRED, A.APOLOGISE): (sc.transferred, "head"),
    (S.TRANSFERRED, A.STOP): (sc.transferred, "head"),
    (S.TRANSFERRED, A.WITHDRAW): (sc.transferred, "citizen"),
    (S.PROCESSING, A.ASSIGN): (sc.processing, "head"),
    (S.PROCESSING, A.STEP_COMPLETE): (sc.processing, "spec"),
    (S.PROCESSING, A.SUBMIT_FOR_APPROVAL): (sc.processing_at_head, "head"),
    (S.PROCESSING, A.FINISH): (sc.multi_clerk, "clerk"),
    (S.PROCESSING, A.ATTACH_RESULT): (sc.processing, "spec"),
    (S.PROCESSING, A.CANCEL_RESULT): (sc.with_result(sc.processing, "spec"), "spec"),
    (S.PROCESSING, A.REQUEST_SUPPLEMENT): (sc.processing, "spec"),
    (S.PROCESSING, A.APOLOGISE): (sc.processing, "head"),
    (S.PROCESSING, A.STOP): (sc.processing, "head"),
    (S.PROCESSING, A.WITHDRAW): (sc.processing, "citizen"),
    (S.AWAITING_APPROVAL, A.APPROVE): (sc.awaiting_approval, "leader"),
    (S.AWAITING_APPROVAL, A.SEND_BACK): (sc.awaiting_approval, "leader"),
    (S.AWAITING_APPROVAL, A.STEP_COMPLETE): (sc.multi_second_approval, "governor"),
    (S.AWAITING_APPROVAL, A.SUBMIT_FOR_APPROVAL): (sc.multi_first_approval, "leader"),
    (S.AWAITING_APPROVAL, A.ATTACH_RESULT): (sc.awaiting_approval, "leader"),
    (S.AWAITING_APPROVAL, A.CANCEL_RESULT): (
        sc.with_result(sc.awaiting_approval, "leader"),
        "leader",
    ),
    (S.AWAITING_APPROVAL, A.APOLOGISE): (sc.awaiting_approval, "leader"),
    (S.AWAITING_APPROVAL, A.STOP): (sc.awaiting_approval, "leader"),
    (S.AWAITING_APPROVAL, A.WITHDRAW): (sc.awaiting_approval, "citizen"),
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT_ANSWER): (sc.supplement_requested, "citizen"),
    (S.SUPPLEMENT_REQUESTED, A.STOP): (sc.supplement_requested, "leader"),
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAW): (sc.supplement_requested, "citizen"),
    (S.RESULT_READY, A.RETURN_RESULT): (sc.result_ready, "desk_centre"),
    (S.RESULT_READY, A.ATTACH_RESULT): (sc.result_ready, "desk_centre"),
    (S.RESULT_READY, A.APPROVE): (sc.with_result(sc.result_ready, "desk_centre"), "leader"),
    (S.RESULT_READY, A.CANCEL_RESULT): (sc.result_ready_with_result, "leader"),
    (S.RETURNED, A.CANCEL_RESULT): (sc.returned_with_result, "leader"),
    (S.RETURNED, A.RATE): (sc.returned, "citizen"),
}


def test_every_allowed_pair_has_a_scenario() -> None:
    assert set(ALLOWED) == set(TRANSITIONS)
    assert {a for _s, a in TRANSITIONS} <= set(ACTIONS)
    assert {s for s, _a in TRANSITIONS} <= set(STATUSES)


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("id"))


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.django_db
def test_transition_matrix(world: World, status: str) -> None:
    checked = 0
    for action in ACTIONS:
        with transaction.atomic():
            if (status, action) in TRANSITIONS:
                builder, actor_key = ALLOWED[(status, action)]
                dossier = reload(builder(world))
                assert dossier.status == status, (status, action)
                before = _events(dossier)
                expected = TRANSITIONS[(status, action)]
                if expected == RESUME:
                    expected = dossier.status_before_pause

                # an outsider (an official of another department) may not do it
                with pytest.raises(DomainError) as denied:
                    services.dossier_transition(
                        actor=world.users["spec_dept2"],
                        dossier=dossier,
                        action=action,
                        **_kwargs(action, world, dossier),
                    )
                assert denied.value.error_code == "action_forbidden", (status, action)
                assert denied.value.status_code == 403
                assert "không có quyền" in str(denied.value.detail)

                services.dossier_transition(
                    actor=world.users[actor_key],
                    dossier=dossier,
                    action=action,
                    **_kwargs(action, world, dossier),
                )
                after = reload(dossier)
                assert after.status == expected, (status, action)
                new_events = _events(dossier)[len(before) :]
                assert [e.action for e in new_events] == [action], (status, action)
                assert new_events[0].from_status == status
                assert new_events[0].to_status == expected
                assert new_events[0].actor_id == world.users[actor_key].pk
            else:
                dossier = reload(sc.BY_STATUS[status](world))
                before = _events(dossier)
                with pytest.raises(DomainError) as refused:
                    services.dossier_transition(
                        actor=world.users["desk_centre"],
                        dossier=dossier,
                        action=action,
                        **_kwargs(action, world, dossier),
                    )
                assert refused.value.error_code == "transition_not_allowed", (status, action)
                assert refused.value.status_code == 400
                message = str(refused.value.detail)
                assert message.startswith("Không thể thực hiện «"), message
                assert workflow.action_label(action) in message
                assert workflow.status_label(status) in message
                assert reload(dossier).status == status
                assert len(_events(dossier)) == len(before)
            checked += 1
            transaction.set_rollback(True)
    assert checked == len(ACTIONS)


@pytest.mark.django_db
def test_unknown_action_is_refused(world: World) -> None:
    dossier = sc.received(world)
    with pytest.raises(DomainError) as exc:
        services.dossier_transition(actor=world.users["desk_centre"], dossier=dossier, action="x")
    assert exc.value.error_code == "unknown_action"
    assert "không tồn tại" in str(exc.value.detail)
