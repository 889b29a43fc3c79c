"""Generated official documents: what ``chinhquyen.documents.services`` would have written.

Incoming documents (văn bản đến) are registered by the organisation's clerk (a number per
register, year and sequence, consecutive in registration order), submitted to a leader,
assigned to a lead unit, given as a task to a specialist and completed; a few are returned to
their sender. Outgoing documents (văn bản đi) are drafted in a unit, reviewed by the unit head
and approved by the leader (approval steps), numbered by the clerk with the notation of
``numbering.build_notation``, signed (electronic ones) and dispatched to their recipients. Every
transition writes its ``DocumentEvent`` with the services' notes; the search text is
``history.incoming_search_text`` / ``outgoing_search_text`` (checked on a sample). As for the
dossiers, actions later than "now" do not happen, so recent documents are still open.

Not generated: files (documents registered on paper carry none; issued outgoing documents
point at one shared sample PDF, so ``extracted_text`` is empty), exchange messages between
organisations of the deployment (recipients are external), audit-log entries.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import random
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from bench import common, vn
from bench.copyload import Person, people
from bench.copyload import columns as copy_columns

TABLES = [
    "documents_incomingdocument",
    "documents_outgoingdocument",
    "documents_documentevent",
    "documents_assignment",
    "documents_task",
    "documents_approvalstep",
    "documents_outgoingrecipient",
    "documents_register",
    "documents_registercounter",
]
SAMPLE_PDF_NAME = "ho-so/bench/giay-to-mau.pdf"
REFORM_DAY = dt.date(2025, 7, 1)


# (type name, weight for incoming, weight for outgoing)
TYPE_WEIGHTS = {
    "Công văn": (50, 45),
    "Quyết định": (12, 15),
    "Kế hoạch": (8, 9),
    "Báo cáo": (8, 10),
    "Thông báo": (6, 6),
    "Giấy mời": (6, 6),
    "Hướng dẫn": (3, 2),
    "Tờ trình": (2, 3),
    "Chỉ thị": (1, 0.5),
    "Nghị quyết": (1, 0.3),
    "Công điện": (1, 0.2),
    "Chương trình": (1, 1),
    "Biên bản": (1, 2),
}


@dataclass
class Issuer:
    id: int
    name: str
    active_from: dt.date | None
    weight: float
    clerks: list[Person]
    leaders: list[tuple[int, str, str]]  # (id, name, title)
    units: list[tuple[int, str, list[Person], list[Person]]]  # (unit, name, heads, specialists)
    notations: dict[tuple[int, int], str]  # (type id, unit id) -> notation


@dataclass
class DocPlan:
    now: dt.datetime
    window_start: dt.date
    issuers: dict[int, Issuer]
    types: list[tuple[int, str, str, float, float]]  # (id, name, abbreviation, w_in, w_out)
    cells: list[tuple[dt.date, int, str, int, int]]  # (day, issuer, kind, first id, count)
    registers: dict[tuple[int, int, str, str], int]  # (org, year, kind, sequence) -> id
    periods: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]
    working_days: list[dt.date]
    search: list[Any]


def prepare(
    *,
    staff: Any,
    count: int,
    incoming_share: float,
    window_start: dt.date,
    now: dt.datetime,
    rng: random.Random,
) -> DocPlan:
    from chinhquyen.accounts.models import Role, User
    from chinhquyen.core.calendar import VN_TZ, get_calendar
    from chinhquyen.documents import numbering
    from chinhquyen.documents.models import (
        DocumentType,
        IncomingDocument,
        OutgoingDocument,
        Register,
    )
    from chinhquyen.orgs.models import Organisation, OrganisationKind

    kinds = [
        OrganisationKind.PROVINCIAL_COMMITTEE,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.COMMUNE_COMMITTEE,
    ]
    orgs = list(Organisation.objects.filter(kind__in=kinds, valid_to__isnull=True).order_by("path"))
    types = []
    for t in DocumentType.objects.filter(name__in=TYPE_WEIGHTS):
        w_in, w_out = TYPE_WEIGHTS[t.name]
        types.append((t.pk, t.name, t.abbreviation, w_in, w_out))
    issuers: dict[int, Issuer] = {}
    for org in orgs:
        children = list(
            Organisation.objects.filter(parent=org, kind=OrganisationKind.UNIT).order_by("path")
        )
        office = next((c for c in children if c.name.startswith("Văn phòng")), None)
        clerk_unit = office or org
        clerks = people(staff.get(clerk_unit, Role.CLERK))
        leaders = [(u.pk, str(u), "") for u in staff.get(org, Role.LEADER)]
        units = []
        for unit in [c for c in children if c is not office][:3] or [org]:
            heads = people(staff.get(unit, Role.UNIT_HEAD))
            specialists = people(staff.get(unit, Role.SPECIALIST))
            units.append((unit.pk, unit.name, heads, specialists))
        notations: dict[tuple[int, int], str] = {}
        doc_types = {t.pk: t for t in DocumentType.objects.filter(pk__in=[t[0] for t in types])}
        unit_orgs = {u.pk: u for u in Organisation.objects.filter(pk__in=[u[0] for u in units])}
        for type_id, doc_type in doc_types.items():
            for unit_id, unit in unit_orgs.items():
                notations[(type_id, unit_id)] = numbering.build_notation(
                    document_type=doc_type, issuer=org, drafting_unit=unit
                )
        weight = {
            OrganisationKind.PROVINCIAL_COMMITTEE: 4.0,
            OrganisationKind.DEPARTMENT: 1.0,
        }.get(org.kind, 0.5)
        titles = {
            p.user_id: p.title
            for p in org.positions.filter(role=Role.LEADER).exclude(title="")  # type: ignore[attr-defined]
        }
        leaders = [(pk, name, titles.get(pk, "")) for pk, name, _t in leaders]
        issuers[org.pk] = Issuer(
            org.pk, org.name, org.valid_from, weight, clerks, leaders, units, notations
        )

    # Organisations that already keep registers (the demo's month of documents) are left out:
    # the generator numbers from 1 in registers it creates itself, and would collide with them.
    with_registers = set(Register.objects.values_list("organisation_id", flat=True))
    issuers = {pk: issuer for pk, issuer in issuers.items() if pk not in with_registers}
    calendar = get_calendar()
    today = now.astimezone(VN_TZ).date()
    days = [window_start + dt.timedelta(days=i) for i in range((today - window_start).days)]
    working = [d for d in days if calendar.is_working_day(d)]
    periods = {d: calendar.working_periods(d) for d in working}
    weights: list[tuple[dt.date, int, str, float]] = []
    for i, day in enumerate(working):
        growth = 0.85 + 0.3 * i / max(1, len(working) - 1)
        for issuer in issuers.values():
            if issuer.active_from and day < issuer.active_from:
                continue
            weights.append((day, issuer.id, "in", issuer.weight * growth * incoming_share))
            weights.append((day, issuer.id, "out", issuer.weight * growth * (1 - incoming_share)))
    counts = common.allocate([w[3] for w in weights], count, rng)
    next_in = 1 + (
        IncomingDocument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    next_out = 1 + (
        OutgoingDocument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    cells = []
    for (day, issuer_id, kind, _w), n in zip(weights, counts, strict=True):
        if not n:
            continue
        if kind == "in":
            cells.append((day, issuer_id, kind, next_in, n))
            next_in += n
        else:
            cells.append((day, issuer_id, kind, next_out, n))
            next_out += n
    registers: dict[tuple[int, int, str, str], int] = {}
    next_register = 1 + (Register.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    existing = {(r.organisation_id, r.year, r.kind, r.sequence) for r in Register.objects.all()}
    for issuer in issuers.values():
        for year in range(window_start.year, today.year + 1):
            for kind in ("incoming", "outgoing"):
                for sequence in ("regular", "legal_normative", "secret"):
                    key = (issuer.id, year, kind, sequence)
                    if key in existing:
                        continue
                    registers[key] = next_register
                    next_register += 1
    search = list(User.objects.filter(username="lanhdao.tinh"))
    return DocPlan(
        now=now,
        window_start=window_start,
        issuers=issuers,
        types=types,
        cells=cells,
        registers=registers,
        periods=periods,
        working_days=working,
        search=search,
    )


def search_users(plan: DocPlan) -> list[Any]:
    return plan.search


# --------------------------------------------------------------------------------------------
# Workers
# --------------------------------------------------------------------------------------------

_PLAN: DocPlan | None = None


class DocWriter:
    def __init__(self, conn: Any, plan: DocPlan, rng: random.Random) -> None:
        from bench.copyload import Copier
        from chinhquyen.core.text import normalize_search

        self.plan = plan
        self.rng = rng
        self.in_columns = copy_columns("documents.IncomingDocument", with_id=True)
        self.out_columns = copy_columns("documents.OutgoingDocument", with_id=True)
        self.copiers = {
            "incoming": Copier(conn, "documents_incomingdocument", self.in_columns),
            "outgoing": Copier(conn, "documents_outgoingdocument", self.out_columns),
            "event": Copier(
                conn, "documents_documentevent", copy_columns("documents.DocumentEvent")
            ),
            "assignment": Copier(
                conn, "documents_assignment", copy_columns("documents.Assignment", with_id=True)
            ),
            "task": Copier(conn, "documents_task", copy_columns("documents.Task")),
            "approval": Copier(
                conn, "documents_approvalstep", copy_columns("documents.ApprovalStep")
            ),
            "recipient": Copier(
                conn, "documents_outgoingrecipient", copy_columns("documents.OutgoingRecipient")
            ),
        }
        self.numbers: dict[int, int] = {}  # register id -> last number
        self.norm = functools.lru_cache(maxsize=100_000)(normalize_search)
        self.normalize_search = normalize_search
        self.checked = 0
        self.type_names = {t[0]: t[1] for t in plan.types}
        self.pending: list[Any] = []
        self.day: dt.date | None = None
        self.last_registered: dict[int, dt.datetime] = {}

    def __enter__(self) -> DocWriter:
        for c in self.copiers.values():
            c.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for c in self.copiers.values():
            c.__exit__(*exc)

    def counts(self) -> dict[str, int]:
        return {f"documents_{k}": c.rows for k, c in self.copiers.items()}

    def _join(self, parts: list[str]) -> str:
        text = " ".join(n for n in (self.norm(p) for p in parts if p) if n)
        if self.checked < 300:
            self.checked += 1
            exact = self.normalize_search(" ".join(p for p in parts if p))
            assert text == exact, (text, exact)
        return text

    def _moment(self, day: dt.date) -> dt.datetime:
        periods = self.plan.periods[day]
        start, end = periods[self.rng.randrange(len(periods))]
        return (
            start + dt.timedelta(seconds=int(self.rng.random() * (end - start).total_seconds()))
        ).astimezone(dt.UTC)

    def _next_number(self, org: int, on: dt.date, kind: str, sequence: str) -> tuple[int, int]:
        register = self.plan.registers[(org, on.year, kind, sequence)]
        number = self.numbers.get(register, 0) + 1
        self.numbers[register] = number
        return register, number

    def _type(self, outgoing: bool) -> tuple[int, str, str]:
        types = self.plan.types
        chosen = self.rng.choices(types, weights=[t[4] if outgoing else t[3] for t in types])[0]
        return chosen[0], chosen[1], chosen[2]

    def event(
        self,
        *,
        incoming: int | None = None,
        outgoing: int | None = None,
        action: str,
        before: str,
        after: str,
        actor: Person | None,
        at: dt.datetime,
        note: str,
    ) -> None:
        self.copiers["event"].row(
            [incoming, outgoing, action, before, after, actor[0] if actor else None, at, note]
        )

    # ---- incoming --------------------------------------------------------------------------

    def incoming(self, doc_id: int, issuer: Issuer, day: dt.date, received: dt.datetime) -> None:
        from chinhquyen.core.calendar import VN_TZ

        rng, now = self.rng, self.plan.now
        cal_day = received.astimezone(VN_TZ).date()
        type_id, type_name, abbreviation = self._type(outgoing=False)
        sender, sender_abbr = vn.EXTERNAL_SENDERS[rng.randrange(len(vn.EXTERNAL_SENDERS))]
        if abbreviation:
            notation = f"{rng.randint(1, 2500)}/{abbreviation}-{sender_abbr}"
        else:
            notation = f"{rng.randint(1, 4000)}/{sender_abbr}-{rng.choice(['VP', 'TH', 'KHTC'])}"
        summary = " ".join(vn.summary_parts(rng))
        signer, _f = vn.person(rng)
        secrecy = "confidential" if rng.random() < 0.015 else "normal"
        urgency = rng.choices(["normal", "urgent", "very_urgent", "flash"], [85, 10, 4, 1])[0]
        clerk = issuer.clerks[rng.randrange(len(issuer.clerks))]
        registered = received + dt.timedelta(minutes=rng.randint(2, 120))
        last = self.last_registered.get(issuer.id)
        if last is not None and registered <= last:
            registered = last + dt.timedelta(seconds=rng.randint(5, 300))
        if registered > now:
            registered = max(received, last or received)
        self.last_registered[issuer.id] = registered
        register, number = self._next_number(
            issuer.id,
            registered.astimezone(VN_TZ).date(),
            "incoming",
            "secret" if secrecy != "normal" else "regular",
        )
        doc: dict[str, Any] = {
            "id": doc_id,
            "organisation_id": issuer.id,
            "register_id": register,
            "incoming_number": number,
            "received_at": received,
            "registered_at": registered,
            "registered_by_id": clerk[0],
            "sender_organisation_id": None,
            "sender_name": sender,
            "sender_code": "",
            "number_notation": notation,
            "document_date": cal_day - dt.timedelta(days=rng.randint(0, 6)),
            "document_type_id": type_id,
            "summary": summary,
            "urgency": urgency,
            "secrecy": secrecy,
            "pages": rng.randint(1, 12),
            "signer_name": signer,
            "is_electronic": False,
            "signature_check": {},
            "extracted_text": "",
            "status": "registered",
            "deadline": None,
            "instructions": "",
            "submitted_to_id": None,
            "submitted_at": None,
            "assigned_by_id": None,
            "assigned_at": None,
            "completed_at": None,
            "completed_by_id": None,
            "completion_note": "",
            "reply_id": None,
            "return_reason": "",
            "note": "",
            "created_at": registered,
            "updated_at": registered,
        }
        self.event(
            incoming=doc_id,
            action="register",
            before="",
            after="registered",
            actor=clerk,
            at=registered,
            note=f"Số đến {number:02d}.",
        )
        self._incoming_life(doc, issuer, clerk)
        doc["search_text"] = self._join(
            [f"{number:02d}", notation, sender, type_name, summary, signer, ""]
        )
        self.copiers["incoming"].row([doc[c] for c in self.in_columns])

    def _incoming_life(self, doc: dict[str, Any], issuer: Issuer, clerk: Person) -> None:
        from chinhquyen.core.calendar import VN_TZ

        rng, now = self.rng, self.plan.now
        doc_id = doc["id"]
        at = doc["registered_at"]

        def step(hours: float) -> dt.datetime:
            return at + dt.timedelta(hours=hours)

        def move(action: str, after: str, actor: Person, when: dt.datetime, note: str) -> None:
            self.event(
                incoming=doc_id,
                action=action,
                before=doc["status"],
                after=after,
                actor=actor,
                at=when,
                note=note,
            )
            doc["status"] = after
            doc["updated_at"] = when

        if rng.random() < 0.02:
            t = step(rng.uniform(0.2, 20))
            if t > now:
                return
            doc["return_reason"] = "Văn bản gửi không đúng cơ quan nhận."
            move("return", "returned", clerk, t, doc["return_reason"])
            return
        leader = issuer.leaders[rng.randrange(len(issuer.leaders))]
        t = step(rng.uniform(0.5, 20))
        if t > now:
            return
        doc["submitted_to_id"] = leader[0]
        doc["submitted_at"] = t
        move("submit", "submitted", clerk, t, f"Trình {leader[1]}.")
        at = t
        unit_id, unit_name, heads, specialists = issuer.units[rng.randrange(len(issuer.units))]
        t = step(rng.uniform(1, 40))
        if t > now:
            return
        deadline = (
            t.astimezone(VN_TZ).date() + dt.timedelta(days=rng.randint(5, 20))
            if rng.random() < 0.4
            else None
        )
        instructions = rng.choice(["", "Đề nghị tham mưu xử lý.", "Giao đơn vị chủ trì thực hiện."])
        assignment_id = 4 * doc_id
        self.copiers["assignment"].row(
            [assignment_id, doc_id, unit_id, "lead", deadline, instructions, leader[0], t, True]
        )
        doc.update(
            deadline=deadline,
            instructions=instructions,
            assigned_by_id=leader[0],
            assigned_at=t,
        )
        move("assign", "assigned", leader, t, f"Xử lý chính: {unit_name}")
        at = t
        head = heads[rng.randrange(len(heads))]
        specialist = specialists[rng.randrange(len(specialists))]
        t = step(rng.uniform(0.5, 24))
        if t > now:
            return
        note = f"Giao {specialist[1]} xử lý" + (f", hạn {deadline:%d/%m/%Y}." if deadline else ".")
        task = [
            doc_id,
            assignment_id,
            unit_id,
            specialist[0],
            head[0],
            deadline,
            "",
            "open",
            "",
            t,
            None,
        ]
        move("start", "in_progress", head, t, note)
        at = t
        t = step(rng.uniform(4, 200))
        if t > now:
            self.copiers["task"].row(task)
            return
        result = vn.COMPLETION_NOTES[rng.randrange(len(vn.COMPLETION_NOTES))]
        task[7], task[8], task[10] = "done", result, t
        self.copiers["task"].row(task)
        self.event(
            incoming=doc_id,
            action="task_done",
            before="",
            after="",
            actor=specialist,
            at=t,
            note=result or "Đã xử lý xong phần việc được giao.",
        )
        doc["updated_at"] = t
        at = t
        t = step(rng.uniform(1, 48))
        if t > now:
            return
        completer = head if rng.random() < 0.7 else leader
        completion = vn.COMPLETION_NOTES[rng.randrange(len(vn.COMPLETION_NOTES))]
        doc.update(completed_at=t, completed_by_id=completer[0], completion_note=completion)
        move("complete", "completed", completer, t, completion or "Kết thúc xử lý.")

    # ---- outgoing --------------------------------------------------------------------------

    def outgoing(self, doc_id: int, issuer: Issuer, created: dt.datetime) -> None:
        """Simulate one outgoing document; it is written by ``flush`` once every document
        issued before it has its number (numbers follow the issue order of each register)."""
        rng = self.rng
        type_id, type_name, _abbr = self._type(outgoing=True)
        unit_id, _unit_name, heads, specialists = issuer.units[rng.randrange(len(issuer.units))]
        drafter = specialists[rng.randrange(len(specialists))]
        head = heads[rng.randrange(len(heads))]
        leader = issuer.leaders[rng.randrange(len(issuer.leaders))]
        summary = " ".join(vn.summary_parts(rng))
        body = (
            f"Căn cứ tình hình thực tế, {issuer.name} đề nghị các cơ quan, đơn vị "
            f"{rng.choice(vn.DOC_VERBS)} {rng.choice(vn.DOC_OBJECTS)}."
        )
        secrecy = "confidential" if rng.random() < 0.01 else "normal"
        legal = type_name == "Quyết định" and rng.random() < 0.05
        electronic = rng.random() < 0.85
        doc: dict[str, Any] = {
            "id": doc_id,
            "organisation_id": issuer.id,
            "drafting_unit_id": unit_id,
            "drafted_by_id": drafter[0],
            "document_type_id": type_id,
            "summary": summary,
            "body": body,
            "is_legal_normative": legal,
            "urgency": rng.choices(["normal", "urgent", "very_urgent", "flash"], [88, 9, 2, 1])[0],
            "secrecy": secrecy,
            "is_electronic": electronic,
            "pages": None,
            "due_date": None,
            "file": "",
            "file_name": "",
            "file_type": "",
            "pdf_file": "",
            "status": "draft",
            "review_round": 0,
            "register_id": None,
            "number": None,
            "notation": "",
            "issued_on": None,
            "issued_at": None,
            "issued_by_id": None,
            "signer_id": None,
            "signer_authority": "",
            "signer_title": "",
            "signed_at": None,
            "sealed_at": None,
            "sent_at": None,
            "revoked_at": None,
            "revoke_reason": "",
            "in_reply_to_id": None,
            "extracted_text": "",
            "created_at": created,
            "updated_at": created,
        }
        pending = SimpleNamespace(
            doc=doc,
            events=[],
            approvals=[],
            recipients=rng.sample(vn.EXTERNAL_RECIPIENTS, rng.randint(1, 3)),
            issue=None,  # (event index, sequence) once issued
            type_name=type_name,
        )

        def move(action: str, after: str, actor: Person, when: dt.datetime, note: str) -> None:
            pending.events.append(
                [None, doc_id, action, doc["status"], after, actor[0], when, note]
            )
            doc["status"] = after
            doc["updated_at"] = when

        pending.events.append(
            [None, doc_id, "draft", "", "draft", drafter[0], created, "Tạo dự thảo."]
        )
        self._outgoing_life(
            doc,
            pending,
            move,
            issuer,
            created,
            (drafter, head, leader),
            unit_id,
            type_id,
            secrecy,
            legal,
            electronic,
        )
        self.pending.append(pending)

    def _outgoing_life(
        self,
        doc: dict[str, Any],
        pending: Any,
        move: Any,
        issuer: Issuer,
        created: dt.datetime,
        people: tuple[Person, Person, Any],
        unit_id: int,
        type_id: int,
        secrecy: str,
        legal: bool,
        electronic: bool,
    ) -> None:
        from chinhquyen.core.calendar import VN_TZ

        rng, now = self.rng, self.plan.now
        drafter, head, leader = people
        at = created
        if rng.random() < 0.03:
            t = at + dt.timedelta(hours=rng.uniform(1, 100))
            if t <= now:
                move("cancel", "cancelled", drafter, t, "Hủy dự thảo.")
            return
        t = at + dt.timedelta(hours=rng.uniform(1, 48))
        if t > now:
            return
        doc["review_round"] = 1
        doc["signer_id"] = leader[0]
        steps = [
            [doc["id"], 1, 1, head[0], "pending", "", None],
            [doc["id"], 1, 2, leader[0], "pending", "", None],
        ]
        pending.approvals = steps
        move("submit", "in_review", drafter, t, f"Trình: {head[1]}, {leader[1]}")
        at = t
        t = at + dt.timedelta(hours=rng.uniform(0.5, 24))
        if t > now:
            return
        steps[0][4], steps[0][6] = "approved", t
        move("forward", "in_review", head, t, "")
        at = t
        t = at + dt.timedelta(hours=rng.uniform(0.5, 24))
        if t > now:
            return
        steps[1][4], steps[1][6] = "approved", t
        doc["signer_title"] = leader[2]
        move("approve", "approved", leader, t, "")
        at = t
        t = at + dt.timedelta(hours=rng.uniform(0.2, 8))
        if t > now:
            return
        clerk = issuer.clerks[rng.randrange(len(issuer.clerks))]
        on = t.astimezone(VN_TZ).date()
        sequence = "secret" if secrecy != "normal" else "legal_normative" if legal else "regular"
        doc.update(
            notation=issuer.notations[(type_id, unit_id)],
            issued_on=on,
            issued_at=t,
            issued_by_id=clerk[0],
            pdf_file=SAMPLE_PDF_NAME,
            pages=rng.randint(1, 6),
        )
        pending.issue = (len(pending.events), sequence)
        move("issue", "issued", clerk, t, "")  # the note gets the number in ``flush``
        at = t
        if electronic:
            t = at + dt.timedelta(hours=rng.uniform(0.1, 8))
            if t > now:
                return
            doc["signed_at"] = t
            move("sign", "signed", leader, t, "Ký số cá nhân.")
            at = t
        t = at + dt.timedelta(hours=rng.uniform(0.1, 4))
        if t > now:
            return
        if electronic:
            doc["sealed_at"] = t
        doc["sent_at"] = t
        names = ", ".join(r[0] for r in pending.recipients)
        move("dispatch", "sent", clerk, t, "Phát hành đến " + names)

    def flush(self, before: dt.datetime | None) -> None:
        """Number and write the pending outgoing documents issued before ``before`` (all when
        None), in issue order; unissued ones are written as they are."""
        ready = [
            p
            for p in self.pending
            if before is None or p.doc["issued_at"] is None or p.doc["issued_at"] < before
        ]
        if not ready:
            return
        keep = {id(p) for p in ready}
        self.pending = [p for p in self.pending if id(p) not in keep]
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        ready.sort(key=lambda p: (p.doc["issued_at"] or far, p.doc["id"]))
        for p in ready:
            doc = p.doc
            if p.issue is not None:
                index, sequence = p.issue
                register, number = self._next_number(
                    doc["organisation_id"], doc["issued_on"], "outgoing", sequence
                )
                doc["register_id"], doc["number"] = register, number
                p.events[index][7] = (
                    f"Số {number:02d}/{doc['notation']}, ngày {doc['issued_on']:%d/%m/%Y}."
                )
            number_notation = f"{doc['number']:02d}/{doc['notation']}" if doc["number"] else ""
            doc["search_text"] = self._join(
                [number_notation, p.type_name, doc["summary"], doc["body"], doc["extracted_text"]]
            )
            self.copiers["outgoing"].row([doc[c] for c in self.out_columns])
            for name, code in p.recipients:
                self.copiers["recipient"].row([doc["id"], None, name, code])
            for row in p.approvals:
                self.copiers["approval"].row(row)
            for row in p.events:
                self.copiers["event"].row(row)

    def cell(self, day: dt.date, issuer_id: int, kind: str, first_id: int, count: int) -> None:
        issuer = self.plan.issuers[issuer_id]
        if day != self.day:
            self.day = day
            self.flush(dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC))
        moments = sorted(self._moment(day) for _ in range(count))
        for n, moment in enumerate(moments):
            if kind == "in":
                self.incoming(first_id + n, issuer, day, moment)
            else:
                self.outgoing(first_id + n, issuer, moment)


def _work(args: tuple[int, int, str]) -> tuple[dict[str, int], dict[int, int]]:
    import psycopg

    first, last, db_name = args
    plan = _PLAN
    assert plan is not None
    conn = psycopg.connect(common.database_url(db_name))
    conn.execute("SET synchronous_commit TO off")
    writer = DocWriter(conn, plan, random.Random(7_000_003 * (first + 1)))
    with writer:
        for cell in plan.cells[first:last]:
            writer.cell(*cell)
        writer.flush(None)
    conn.commit()
    conn.close()
    return writer.counts(), writer.numbers


def load(plan: DocPlan, *, db_name: str, workers: int, log: Any) -> dict[str, int]:
    """Simulate and COPY every document; registers and counters last (their numbers)."""
    import psycopg

    from bench.copyload import Copier, set_sequences

    global _PLAN
    _PLAN = plan
    # a register's numbers must come from one worker: split the cells by issuer
    issuers = sorted(plan.issuers)
    groups = [issuers[i::workers] for i in range(max(1, workers))]
    cells_by_group = []
    for group in groups:
        members = set(group)
        cells_by_group.append([c for c in plan.cells if c[1] in members])
    began = time.perf_counter()
    # each worker gets its own cell list through the plan: reorder cells group by group
    ordered: list[tuple[dt.date, int, str, int, int]] = []
    bounds = []
    for cells in cells_by_group:
        bounds.append((len(ordered), len(ordered) + len(cells)))
        ordered.extend(cells)
    plan.cells = ordered
    chunks = [(a, b, db_name) for a, b in bounds if b > a]
    if workers <= 1:
        results = [_work(c) for c in chunks]
    else:
        context = multiprocessing.get_context("fork")
        with context.Pool(len(chunks)) as pool:
            results = pool.map(_work, chunks)
    counts: dict[str, int] = {}
    numbers: dict[int, int] = {}
    for part, used in results:
        for k, n in part.items():
            counts[k] = counts.get(k, 0) + n
        numbers.update(used)
    by_id = {rid: key for key, rid in plan.registers.items()}
    with psycopg.connect(common.database_url(db_name)) as conn:
        created = dt.datetime(plan.window_start.year, 1, 1, tzinfo=dt.UTC)
        with (
            Copier(
                conn, "documents_register", copy_columns("documents.Register", with_id=True)
            ) as reg,
            Copier(
                conn, "documents_registercounter", copy_columns("documents.RegisterCounter")
            ) as ctr,
        ):
            for rid in sorted(numbers):
                org, year, kind, sequence = by_id[rid]
                reg.row(
                    [
                        rid,
                        org,
                        year,
                        kind,
                        sequence,
                        max(created, dt.datetime(year, 1, 1, tzinfo=dt.UTC)),
                    ]
                )
                ctr.row([rid, numbers[rid]])
        conn.commit()
        counts["documents_register"] = len(numbers)
        set_sequences(
            conn,
            [
                "documents_incomingdocument",
                "documents_outgoingdocument",
                "documents_register",
                "documents_assignment",
            ],
        )
    log(f"  documents simulated in {time.perf_counter() - began:.0f} s")
    return counts
