"""One province for the security tests, built once per module through the services.

The province, its units, officials and document registers are the shared test world
(``chinhquyen.dossiers.tests.factories.build_world``); this module names the callers in it and
adds the objects each app's endpoints address. Two departments play "own unit" and "other unit":

    province (UBND tỉnh)                      it_admin@province (staff, demo admin group)
    ├── centre (Trung tâm PVHCC)              desk_officer@own
    ├── dept  = X (Sở Tư pháp)                leader@own, clerk@own, it_admin@own
    │   ├── dept_unit (Phòng HCTP)            unit_head@own, specialist@own
    │   └── dept_unit2 (Phòng BTTP)
    └── dept2 = Y (Sở Xây dựng)               leader@other, clerk@other, it_admin@other
        ├── dept2_desk (Bộ phận một cửa)      desk_officer@other
        ├── dept2_unit                        unit_head@other, specialist@other
        └── dept2_unit2

Objects of X belong to citizen A (``citizen``) and objects of Y to citizen B
(``citizen_other``); ``business`` owns nothing. Every object carries a short ASCII marker (a
dossier code, a payment reference, a word in a summary) so that a test can check that a list,
a search or an export does not show it to somebody who may not see it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from chinhquyen.accounts import services as account_services
from chinhquyen.accounts.models import Role, User
from chinhquyen.catalog.models import OnlineLevel, ProcedureLevel, RequiredPaper
from chinhquyen.catalog.tests.factories import SIMPLE_SCHEMA, make_version
from chinhquyen.demo import admin_group
from chinhquyen.documents import exchange
from chinhquyen.documents import services as document_services
from chinhquyen.documents.models import (
    DocumentType,
    ExchangeMessage,
    IncomingDocument,
    OutgoingDocument,
    Task,
)
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.tests.conftest import World as DocumentsWorld
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.dossiers.integrations import dossier_fee_payment
from chinhquyen.dossiers.models import Dossier, DossierAttachment, DossierResult, NoticeKind
from chinhquyen.dossiers.notices import issue_notice
from chinhquyen.dossiers.tests.factories import (
    PDF,
    VALID_FROM,
    World,
    build_world,
    make_official,
    pdf,
    receive,
    step,
)
from chinhquyen.payments import services as payment_services
from chinhquyen.payments.models import Payment
from chinhquyen.payments.tests.factories import gateway_result
from chinhquyen.signing.models import CredentialKind, RemoteSigningRequest, SigningCredential

# Who calls. Officials hold one position: "@own" in X (or the centre, for the desk), "@other"
# in Y; the province's IT administrator sits at the root, like the demo's "quantri".
ANON = "anonymous"
CITIZEN = "citizen"
CITIZEN_OTHER = "citizen_other"
BUSINESS = "business"
API_CLIENT = "api_client"
OFFICIAL_ROLES = (
    Role.DESK_OFFICER.value,
    Role.SPECIALIST.value,
    Role.UNIT_HEAD.value,
    Role.LEADER.value,
    Role.CLERK.value,
    Role.IT_ADMIN.value,
)
OWN = tuple(f"{role}@own" for role in OFFICIAL_ROLES)
OTHER = tuple(f"{role}@other" for role in OFFICIAL_ROLES)
ROOT_ADMIN = "it_admin@province"
OFFICIALS = (*OWN, *OTHER, ROOT_ADMIN)
APPLICANTS = (CITIZEN, CITIZEN_OTHER, BUSINESS)
CALLERS = (ANON, *APPLICANTS, API_CLIENT, *OFFICIALS)


def valid_pdf() -> bytes:
    """A real one-page PDF (the document services open uploaded PDFs to count pages)."""
    from chinhquyen.core.pdf import blank_pdf

    return blank_pdf()


@dataclass
class SecurityWorld:
    """Everything the security tests address: the callers, and objects by name."""

    base: World
    callers: dict[str, User | None] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # caller -> raw bearer token
    objects: dict[str, Any] = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=dict)  # object name -> text it shows
    sessions: dict[str, str] = field(default_factory=dict)  # caller -> signed-in session key
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent building each part

    def obj(self, name: str) -> Any:
        return self.objects[name]

    def pk(self, name: str) -> int:
        return int(self.objects[name].pk)

    def user(self, caller: str) -> User:
        user = self.callers[caller]
        assert user is not None, caller
        return user


def _give_admin_group(user: User) -> None:
    """Staff with the demo's "Quản trị hệ thống tỉnh" group, like the demo's "quantri"."""
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.is_staff = True
    user.groups.add(admin_group())


def _documents_world(
    w: World, *, org: str, unit: str, unit2: str, users: dict[str, User]
) -> DocumentsWorld:
    """The documents tests' world shape over this province (their helpers take it)."""
    o = w.orgs
    return DocumentsWorld(
        province=o["province"],
        justice=o[org],
        office=o[org],
        admin_unit=o[unit],
        support_unit=o[unit2],
        construction=o["dept2"] if org == "dept" else o["dept"],
        construction_unit=o["dept2_unit"] if org == "dept" else o["dept_unit"],
        users=users,
    )


def _incoming(dw: DocumentsWorld, marker: str, *, uploads: list[Any]) -> IncomingDocument:
    """Registered by the clerk, assigned by the leader to the unit, a task for the specialist."""
    document = document_services.incoming_register(
        actor=dw.clerk,
        organisation=dw.justice,
        summary=f"Về việc {marker} tập huấn nghiệp vụ",
        sender_name="Bộ Tư pháp",
        number_notation="07/BTP-HCTP",
        document_type=DocumentType.objects.get(name="Công văn"),
        uploads=uploads,
    )
    document = document_services.incoming_assign(
        actor=dw.leader,
        document=document,
        lead_unit=dw.admin_unit,
        coordinate_units=[dw.support_unit],
        deadline=timezone.localdate() + dt.timedelta(days=5),
        instructions="Chủ trì tham mưu trả lời.",
    )
    document_services.task_create(actor=dw.head, document=document, assignee=dw.specialist)
    return document


def _draft(
    dw: DocumentsWorld,
    marker: str,
    *,
    recipients: list[RecipientInput] | None = None,
    electronic: bool = False,
) -> OutgoingDocument:
    return document_services.outgoing_create(
        actor=dw.specialist,
        drafting_unit=dw.admin_unit,
        document_type=DocumentType.objects.get(name="Quyết định"),
        summary=f"Về việc {marker} cử cán bộ",
        body="Cử cán bộ tham dự tập huấn.",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="Phó Giám đốc",
        is_electronic=electronic,
        recipients=recipients or [RecipientInput(name="Bộ Tư pháp")],
        # an uploaded PDF draft: issuing it needs no rendering (fast)
        upload=ContentFile(valid_pdf(), name="du-thao.pdf"),
    )


def _outgoing(
    dw: DocumentsWorld, marker: str, *, recipients: list[RecipientInput], electronic: bool
) -> OutgoingDocument:
    """Drafted by the specialist, reviewed by the head and the leader, numbered by the clerk."""
    document = _draft(dw, marker, recipients=recipients, electronic=electronic)
    document_services.outgoing_submit(
        actor=dw.specialist, document=document, reviewers=[dw.head, dw.leader]
    )
    document_services.outgoing_review(actor=dw.head, document=document, approve=True)
    document_services.outgoing_review(actor=dw.leader, document=document, approve=True)
    document = document_services.outgoing_issue(actor=dw.clerk, document=document)
    return document


def build_security_world() -> SecurityWorld:
    w = build_world()
    o, u = w.orgs, w.users
    sw = SecurityWorld(base=w)
    sw.callers = {
        ANON: None,
        CITIZEN: u["citizen"],
        CITIZEN_OTHER: u["citizen2"],
        BUSINESS: u["business"],
        "desk_officer@own": u["desk_centre"],
        "specialist@own": u["spec"],
        "unit_head@own": u["head"],
        "leader@own": u["leader"],
        "clerk@own": u["clerk"],
        "it_admin@own": u["it_admin_dept"],
        "desk_officer@other": u["desk_dept2"],
        "specialist@other": u["spec_dept2"],
        "unit_head@other": u["head_dept2"],
        "leader@other": u["leader2"],
        "clerk@other": u["clerk_dept2"],
        "it_admin@other": u["it_admin_dept2"],
        ROOT_ADMIN: u["it_admin"],
    }
    _give_admin_group(u["it_admin"])
    machine = account_services.api_client_create(
        actor=None, name="Cổng dịch vụ công quốc gia", unit=o["dept"]
    )
    sw.callers[API_CLIENT] = machine
    _token, raw = account_services.api_token_issue(actor=None, user=machine, name="matran")
    sw.tokens[API_CLIENT] = raw

    steps = (
        _accounts,
        _catalog,
        _dossiers,
        _payments,
        _documents,
        _signing,
        _tasks,
        _calendar,
        _feedback,
        _floor,
        _secops,
    )
    for part in steps:
        started = time.perf_counter()
        part(sw)
        sw.timings[part.__name__] = time.perf_counter() - started
    return sw


def _secops(sw: SecurityWorld) -> None:
    """A security alert about an account of X (seen by X's and the root's IT administrators),
    and an official without 2FA in X and in Y (named by the evidence report to the IT
    administrators over them)."""
    from allauth.mfa.models import Authenticator

    from chinhquyen.secops.models import Alert, AlertRule

    o = sw.base.orgs
    for side, unit in (("x", o["dept_unit2"]), ("y", o["dept2_unit2"])):
        lacking = make_official(unit, Role.SPECIALIST, username=f"chua2fa.{side}")
        Authenticator.objects.filter(user=lacking).delete()
        sw.objects[f"no2fa_{side}"] = lacking
        sw.markers[f"no2fa_{side}"] = f"chua2fa.{side}"

    rule = AlertRule.objects.get(kind="mass_export")
    sw.objects["alert_x"] = Alert.objects.create(
        rule=rule,
        kind=rule.kind,
        severity=rule.severity,
        group_by=rule.group_by,
        group_value="canhbao.x",
        count=3,
        window_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        unit_path=sw.base.orgs["dept_unit"].path,
    )
    sw.markers["alert_x"] = "canhbao.x"


def _accounts(sw: SecurityWorld) -> None:
    """Officials, positions, API clients and tokens to manage, one set in X and one in Y."""
    o = sw.base.orgs
    for side, unit in (("x", o["dept_unit"]), ("y", o["dept2_unit"])):
        target = make_official(unit, Role.SPECIALIST, username=f"muctieu.{side}")
        sw.objects[f"official_{side}"] = target
        sw.markers[f"official_{side}"] = f"muctieu.{side}"
        sw.objects[f"position_{side}"] = target.positions.get()
        client = account_services.api_client_create(actor=None, name=f"Ket noi {side}", unit=unit)
        token, _raw = account_services.api_token_issue(actor=None, user=client, name=f"k{side}")
        sw.objects[f"api_client_{side}"] = client
        sw.markers[f"api_client_{side}"] = f"Ket noi {side}"
        sw.objects[f"token_{side}"] = token
    sw.objects["org_x"] = o["dept_unit"]
    sw.objects["org_y"] = o["dept2_unit"]
    for key in ("dept", "dept2"):
        sw.objects[key] = o[key]
        sw.markers[key] = o[key].agency_code


def _catalog(sw: SecurityWorld) -> None:
    w = sw.base
    o = w.orgs
    w.versions["province2"] = make_version(
        "Cấp giấy phép xây dựng",
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.FULL,
        processing_time=10,
        competent=[o["dept2"]],
        all_communes=False,
        papers=[{"name": "Đơn đề nghị", "original_count": 1}],
        fees=[{"kind": "fee", "amount": 150000}],
        form_schema=SIMPLE_SCHEMA,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 2, Role.DESK_OFFICER, unit=o["dept2_desk"]),
            step("Chuyên viên thẩm định", 40, Role.SPECIALIST, unit=o["dept2_unit"]),
            step("Lãnh đạo phòng xem xét", 8, Role.UNIT_HEAD, unit=o["dept2_unit"]),
            step("Lãnh đạo Sở ký duyệt", 8, Role.LEADER, unit=o["dept2"]),
            step("Trả kết quả", 2, Role.DESK_OFFICER, unit=o["dept2_desk"]),
        ],
    )
    draft = make_version("Thủ tục đang soạn thảo", competent=[o["dept"]], publish=False)
    sw.objects["draft_procedure"] = draft.procedure
    version = w.versions["province"]
    sw.objects["procedure"] = version.procedure
    paper = RequiredPaper.objects.filter(version=version, required=True).first()
    assert paper is not None
    paper.template.save("to-khai.pdf", ContentFile(PDF), save=True)
    sw.objects["paper"] = paper


def _dossiers(sw: SecurityWorld) -> None:
    w = sw.base
    o, u = w.orgs, w.users
    province = w.versions["province"]

    # A: citizen A's dossier at the specialist step of Phòng HCTP, with a paper and a result.
    intake = receive(w)
    dossier = intake.dossier
    dossier_services.dossier_attach_file(
        actor=u["desk_centre"],
        dossier=dossier,
        upload=dossier_services.Upload(
            file=pdf("to-khai.pdf"), paper_id=province.papers.get(required=True).pk
        ),
    )
    dossier = dossier_services.dossier_transfer(actor=u["desk_centre"], dossier=dossier)
    dossier = dossier_services.dossier_assign(actor=u["head"], dossier=dossier, assignee=u["spec"])
    dossier_services.dossier_attach_result(
        actor=u["spec"], dossier=dossier, name="Dự thảo kết quả", file=pdf("ket-qua.pdf")
    )
    _dossier_objects(sw, "dossier_a", dossier)
    # citizen A's CCCD is not verified: the dossier page offers its desk the counter check
    sw.markers["cccd_counter_action"] = 'id="xac-thuc-cccd"'

    # A2: another dossier of citizen A, returned with a signed-off result (rating, lookup).
    intake2 = receive(w)
    done = dossier_services.dossier_transfer(actor=u["desk_centre"], dossier=intake2.dossier)
    done = dossier_services.dossier_assign(actor=u["head"], dossier=done, assignee=u["spec"])
    done = dossier_services.dossier_step_complete(actor=u["spec"], dossier=done)
    done = dossier_services.dossier_submit_for_approval(actor=u["head"], dossier=done)
    dossier_services.dossier_attach_result(
        actor=u["leader"], dossier=done, name="Phiếu lý lịch tư pháp", file=pdf("phieu.pdf")
    )
    done = dossier_services.dossier_approve(actor=u["leader"], dossier=done)
    done = dossier_services.dossier_return_result(actor=u["desk_centre"], dossier=done)
    _dossier_objects(sw, "dossier_a_done", done)
    sw.objects["dossier_a_done_pin"] = intake2.pin

    # Dossiers of citizen A in the other states a workflow action starts from.
    sw.objects["dossier_a_received_pin"] = _state_dossiers(sw)

    # B: citizen B's dossier at Sở Xây dựng, received at its own desk.
    version2 = w.versions["province2"]
    intake_b = receive(
        w,
        version="province2",
        applicant=u["citizen2"],
        desk=u["desk_dept2"],
    )
    other = intake_b.dossier
    dossier_services.dossier_attach_file(
        actor=u["desk_dept2"],
        dossier=other,
        upload=dossier_services.Upload(file=pdf("don.pdf"), paper_id=version2.papers.get().pk),
    )
    other = dossier_services.dossier_transfer(actor=u["desk_dept2"], dossier=other)
    assert other.current_unit == o["dept2_unit"]
    dossier_services.dossier_attach_result(
        actor=u["spec_dept2"], dossier=other, name="Dự thảo giấy phép", file=pdf("gp.pdf")
    )
    _dossier_objects(sw, "dossier_b", other)


def _state_dossiers(sw: SecurityWorld) -> str | None:
    """received, supplement requested, at the unit head's step, awaiting approval, result
    ready, and a procedure without approval step at the specialist's (to finish)."""
    w = sw.base
    u = w.users
    received = receive(w)
    _dossier_objects(sw, "dossier_a_received", received.dossier)
    supplement = receive(w).dossier
    dossier_services.dossier_request_supplement(
        actor=u["desk_centre"], dossier=supplement, reason="Thiếu bản sao giấy tờ tùy thân."
    )
    _dossier_objects(sw, "dossier_a_supplement", supplement)
    # the supplement request form, as issued after the commit (hooks do not run here)
    sw.objects["dossier_a_supplement_notice"] = issue_notice(
        dossier_id=supplement.pk,
        kind=NoticeKind.SUPPLEMENT_REQUEST,
        event_id=supplement.events.get(action="request_supplement").pk,
        pause_id=supplement.pauses.get().pk,
    )
    head = dossier_services.dossier_transfer(actor=u["desk_centre"], dossier=receive(w).dossier)
    head = dossier_services.dossier_assign(actor=u["head"], dossier=head, assignee=u["spec"])
    head = dossier_services.dossier_step_complete(actor=u["spec"], dossier=head)
    _dossier_objects(sw, "dossier_a_head", head)
    approval = dossier_services.dossier_transfer(actor=u["desk_centre"], dossier=receive(w).dossier)
    approval = dossier_services.dossier_assign(
        actor=u["head"], dossier=approval, assignee=u["spec"]
    )
    approval = dossier_services.dossier_step_complete(actor=u["spec"], dossier=approval)
    approval = dossier_services.dossier_submit_for_approval(actor=u["head"], dossier=approval)
    _dossier_objects(sw, "dossier_a_approval", approval)
    ready = dossier_services.dossier_transfer(actor=u["desk_centre"], dossier=receive(w).dossier)
    ready = dossier_services.dossier_assign(actor=u["head"], dossier=ready, assignee=u["spec"])
    ready = dossier_services.dossier_step_complete(actor=u["spec"], dossier=ready)
    ready = dossier_services.dossier_submit_for_approval(actor=u["head"], dossier=ready)
    ready = dossier_services.dossier_approve(actor=u["leader"], dossier=ready)
    _dossier_objects(sw, "dossier_a_ready", ready)
    simple = receive(w, version="simple").dossier
    simple = dossier_services.dossier_transfer(actor=u["desk_centre"], dossier=simple)
    simple = dossier_services.dossier_assign(actor=u["head"], dossier=simple, assignee=u["spec"])
    _dossier_objects(sw, "dossier_a_simple", simple)
    return received.pin


def _dossier_objects(sw: SecurityWorld, name: str, dossier: Dossier) -> None:
    dossier = Dossier.objects.get(pk=dossier.pk)
    sw.objects[name] = dossier
    sw.markers[name] = dossier.code
    attachment = DossierAttachment.objects.filter(dossier=dossier).order_by("pk").first()
    if attachment is not None:
        sw.objects[f"{name}_file"] = attachment
    result = DossierResult.objects.filter(dossier=dossier).exclude(file="").order_by("pk").first()
    if result is not None:
        sw.objects[f"{name}_result"] = result


def _payments(sw: SecurityWorld) -> None:
    """The fees of A and B (open), and a paid one of A2 with its receipt."""
    u = sw.base.users
    for name, payer in (("a", u["citizen"]), ("b", u["citizen2"])):
        dossier = sw.obj(f"dossier_{name}")
        payment = dossier_fee_payment(actor=payer, dossier=dossier)
        sw.objects[f"payment_{name}"] = payment
        sw.markers[f"payment_{name}"] = payment.reference
    paid = payment_services.payment_create(
        actor=u["citizen"],
        payable_type="test",
        payable_id="security-matrix",
        amount=50_000,
        description="Lệ phí cấp bản sao",
        payer=u["citizen"],
        organisation=sw.base.orgs["dept"],
    )
    payment_services.payment_apply_ipn(params=gateway_result(paid))
    paid = Payment.objects.get(pk=paid.pk)
    assert paid.receipt_number, "the paid payment must have a receipt"
    sw.objects["payment_paid"] = paid
    sw.markers["payment_paid"] = paid.reference


def _documents(sw: SecurityWorld) -> None:
    w = sw.base
    o, u = w.orgs, w.users
    dx = _documents_world(
        w,
        org="dept",
        unit="dept_unit",
        unit2="dept_unit2",
        users={
            "clerk": u["clerk"],
            "leader": u["leader"],
            "head": u["head"],
            "specialist": u["spec"],
        },
    )
    dy = _documents_world(
        w,
        org="dept2",
        unit="dept2_unit",
        unit2="dept2_unit2",
        users={
            "clerk": u["clerk_dept2"],
            "leader": u["leader2"],
            "head": u["head_dept2"],
            "specialist": u["spec_dept2"],
        },
    )
    for side, dw in (("x", dx), ("y", dy)):
        marker = f"mkvbden{side}"
        incoming = _incoming(dw, marker, uploads=[ContentFile(valid_pdf(), name="cong-van.pdf")])
        sw.objects[f"incoming_{side}"] = incoming
        sw.markers[f"incoming_{side}"] = marker
        sw.objects[f"incoming_{side}_file"] = incoming.files.get()
        sw.objects[f"task_{side}"] = Task.objects.get(document=incoming)
        marker = f"mkvbdi{side}"
        outgoing = _outgoing(
            dw, marker, recipients=[RecipientInput(name="Bộ Xây dựng")], electronic=False
        )
        outgoing = document_services.outgoing_dispatch(actor=dw.clerk, document=outgoing)
        sw.objects[f"outgoing_{side}"] = outgoing
        sw.markers[f"outgoing_{side}"] = marker
    # X sends a document to Y through the exchange: a message and an arrived incoming in Y.
    sent = _outgoing(
        dx,
        "mkvblienthong",
        recipients=[RecipientInput(organisation=o["dept2_unit"])],
        electronic=False,
    )
    sent = document_services.outgoing_dispatch(actor=dx.clerk, document=sent)
    message = ExchangeMessage.objects.get(outgoing=sent)
    sw.objects["exchange_sent"] = sent
    sw.objects["exchange_message"] = message
    sw.objects["exchange_arrived"] = message.incoming
    sw.markers["exchange_arrived"] = "mkvblienthong"
    # A second message to Y whose sender asked to take it back (Y's answer is pending), and an
    # electronic one to an agency outside the directory (the sender records its feedback).
    again = _outgoing(
        dx, "mkvblayve", recipients=[RecipientInput(organisation=o["dept2_unit"])], electronic=False
    )
    again = document_services.outgoing_dispatch(actor=dx.clerk, document=again)
    pending = ExchangeMessage.objects.get(outgoing=again)
    exchange.exchange_request_take_back(actor=dx.clerk, message=pending, reason="Gửi nhầm.")
    sw.objects["exchange_takeback"] = ExchangeMessage.objects.get(pk=pending.pk)
    external = _outgoing(
        dx,
        "mkvbngoai",
        recipients=[RecipientInput(name="Bộ Xây dựng", agency_code="000.00.00.G11")],
        electronic=False,
    )
    external = document_services.outgoing_dispatch(actor=dx.clerk, document=external)
    sw.objects["exchange_external"] = ExchangeMessage.objects.get(outgoing=external)
    # Outgoing documents of X waiting at each step: in review (the head's turn), approved (the
    # clerk's turn to number), issued (to sign, to upload a PDF, to dispatch).
    review = _draft(dx, "mkvbduyet")
    document_services.outgoing_submit(
        actor=dx.specialist, document=review, reviewers=[dx.head, dx.leader]
    )
    sw.objects["review_x"] = OutgoingDocument.objects.get(pk=review.pk)
    approved = _draft(dx, "mkvbdaduyet")
    document_services.outgoing_submit(actor=dx.specialist, document=approved, reviewers=[dx.leader])
    document_services.outgoing_review(actor=dx.leader, document=approved, approve=True)
    sw.objects["approved_x"] = OutgoingDocument.objects.get(pk=approved.pk)
    issued = _outgoing(
        dx, "mkvbcapso", recipients=[RecipientInput(name="Bộ Tư pháp")], electronic=False
    )
    sw.objects["issued_x"] = OutgoingDocument.objects.get(pk=issued.pk)
    # A draft of X: only its drafter and the heads of its unit see it.
    draft = document_services.outgoing_create(
        actor=u["spec"],
        drafting_unit=o["dept_unit"],
        document_type=DocumentType.objects.get(name="Tờ trình"),
        summary="Về việc mkduthaox đề xuất",
        body="Dự thảo.",
    )
    sw.objects["draft_x"] = draft
    sw.markers["draft_x"] = "mkduthaox"


def _signing(sw: SecurityWorld) -> None:
    """A remote-signing request waiting for X's leader (the sandbox confirmation page)."""
    leader = sw.base.users["leader"]
    credential = SigningCredential.objects.create(
        owner=leader,
        kind=CredentialKind.REMOTE,
        label="Chữ ký số từ xa",
        certificate_pem="",
        remote_provider="sandbox",
        remote_user_id=leader.username,
    )
    remote = RemoteSigningRequest.objects.create(
        credential=credential,
        requested_by=leader,
        provider="sandbox",
        provider_request_id="matran-1",
        description="Ký văn bản mkkyso",
        digest=b"\x00" * 32,
        prepared_pdf=PDF,
        reserved_region_start=0,
        reserved_region_end=1,
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    sw.objects["remote_request"] = remote


def _tasks(sw: SecurityWorld) -> None:
    """Directives of X's and Y's leaders to a division of their own department (markers in the
    content), a confidential one in X, one of X reported complete (waiting for its assigner) and
    one of X with an extension request pending."""
    from chinhquyen.tasks import services as task_services
    from chinhquyen.tasks.models import SourceKind

    o, u = sw.base.orgs, sw.base.users
    deadline = timezone.localdate() + dt.timedelta(days=30)

    def make(leader: str, unit: str, marker: str, **spec: Any) -> Any:
        directive = task_services.directive_create(
            actor=u[leader],
            title=f"Chỉ đạo {marker}",
            source_kind=SourceKind.INSTRUCTION,
            tasks=[
                task_services.TaskSpec(
                    content=f"Nhiệm vụ {marker}", lead_unit=o[unit], deadline=deadline, **spec
                )
            ],
        )
        return directive.tasks.get()

    sw.objects["nv_x"] = make("leader", "dept_unit", "mknvx")
    sw.markers["nv_x"] = "mknvx"
    sw.objects["nv_y"] = make("leader2", "dept2_unit", "mknvy")
    sw.markers["nv_y"] = "mknvy"
    sw.objects["nv_secret"] = make("leader", "dept_unit", "mknvmat", confidential=True)
    sw.markers["nv_secret"] = "mknvmat"
    done = make("leader", "dept_unit", "mkxongnv")
    report = task_services.task_report(actor=u["head"], task=done, percent=100, text="Xong.")
    task_services.task_complete(actor=u["head"], task=done, report=report)
    sw.objects["nv_submitted"] = done
    asking = make("leader", "dept_unit", "mkgiahannv")
    sw.objects["nv_extension"] = task_services.extension_request(
        actor=u["head"],
        task=asking,
        requested_deadline=deadline + dt.timedelta(days=30),
        reason="Chờ số liệu.",
    )
    sw.objects["nv_asking"] = asking


def _calendar(sw: SecurityWorld) -> None:
    """X's work calendar: a published online meeting (chaired by X's leader, X's division head
    invited) and a draft; Y's calendar: a published event. Two days ahead, so "my meetings"
    and the iCalendar feed list them."""
    from chinhquyen.tasks import calendar

    o, u = sw.base.orgs, sw.base.users
    day = timezone.localdate() + dt.timedelta(days=2)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(9), tzinfo=tz)
    sw.objects["calendar_day"] = day

    def make(clerk: str, leader: str, org: str, marker: str, publish: bool, **kw: Any) -> Any:
        event = calendar.event_create(
            actor=u[clerk],
            organisation=o[org],
            spec=calendar.EventSpec(
                title=f"Lịch {marker}",
                start=start,
                end=start + dt.timedelta(hours=2),
                place="Phòng họp",
                **kw,
            ),
        )
        if publish:
            for actor, action in ((clerk, "submit"), (leader, "approve"), (leader, "publish")):
                calendar.event_transition(actor=u[actor], event=event, action=action)
            event.refresh_from_db()
        sw.objects[f"cal_{marker}"] = event
        sw.markers[f"cal_{marker}"] = marker
        return event

    make(
        "clerk",
        "leader",
        "dept",
        "mklichx",
        True,
        chair=u["leader"],
        participants=[u["head"]],
        online=True,
    )
    make("clerk", "leader", "dept", "mklichnhap", False)
    make("clerk_dept2", "leader2", "dept2", "mklichy", True, chair=u["leader2"])
    # a weekly series on X's calendar: one of its occurrences is cancelled or moved
    make("clerk", "leader", "dept", "mklichlap", True, recurrence="weekly", recurrence_count=3)


def _feedback(sw: SecurityWorld) -> None:
    """Citizen reports: the centre coordinates; citizen A's report is at X's division (Phòng
    HCTP), citizen B's at Y's division, and one of citizen A's is answered and published. The
    sender's name carries its own marker, which no public answer may show."""
    from chinhquyen.feedback import services as fb
    from chinhquyen.feedback.models import FeedbackCategory, FeedbackClocks, Kind
    from chinhquyen.feedback.tests.conftest import photo

    o, u = sw.base.orgs, sw.base.users
    FeedbackClocks.objects.update_or_create(pk=1, defaults={"coordinating_unit": o["centre"]})
    category = FeedbackCategory.objects.get(code="moi-truong")

    def report(citizen: str, marker: str, unit: str, **extra: Any) -> tuple[Any, str]:
        item, pin = fb.feedback_submit(
            actor=u[citizen],
            kind=Kind.FIELD,
            category=category,
            title=f"Phản ánh {marker}",
            text=f"Nội dung {marker}",
            sender_name="Nguyễn mkbimat",
            sender_contact="0912345678",
            consent_publish=True,
            photos=[photo()],
            **extra,
        )
        fb.feedback_forward(actor=u["desk_centre"], item=item, unit=o[unit])
        return item, pin

    sw.objects["pa_x"], sw.objects["pa_x_pin"] = report("citizen", "mkpax", "dept_unit")
    sw.markers["pa_x"] = "mkpax"
    sw.objects["pa_y"], _pin = report("citizen2", "mkpay", "dept2_unit")
    sw.markers["pa_y"] = "mkpay"
    published, pin = report("citizen", "mkpariengtu", "dept_unit")
    fb.feedback_answer(actor=u["spec"], item=published, text="Đã xử lý.")
    fb.feedback_approve(actor=u["head"], item=published)
    sw.objects["pa_pub"] = fb.feedback_publish(
        actor=u["desk_centre"],
        item=published,
        public_title="Phản ánh mkpacong",
        public_text="Đã được xử lý.",
        no_identity_confirmed=True,
    )
    sw.objects["pa_pub_pin"] = pin
    sw.markers["pa_pub"] = "mkpacong"
    # the sender's identity and own words
    sw.objects["pa_name"] = published
    sw.markers["pa_name"] = "mkbimat"
    sw.objects["pa_words"] = published
    sw.markers["pa_words"] = "mkpariengtu"


def _floor(sw: SecurityWorld) -> None:
    """The centre's floor (desk_officer@own works there): an area, two counters, a waiting
    ticket, and a counter whose last ticket is finished (for its rating tablet)."""
    from chinhquyen.floor import services as floor
    from chinhquyen.floor.models import Counter, ServiceArea

    o, u = sw.base.orgs, sw.base.users
    area = ServiceArea.objects.create(desk=o["centre"], name="Khu mkkhuvuc", prefix="A")
    counters = []
    for number in (1, 2):
        counter = Counter.objects.create(desk=o["centre"], number=number)
        counter.areas.set([area])
        counters.append(counter)
    served = floor.ticket_take(area=area)
    floor.ticket_call_next(actor=u["desk_centre"], counter=counters[1])
    floor.ticket_finish(actor=u["desk_centre"], counter=counters[1])
    sw.objects["floor_area"] = area
    sw.objects["floor_desk"] = o["centre"]
    sw.objects["floor_counter"] = counters[0]
    sw.objects["floor_rated_counter"] = counters[1]
    sw.objects["floor_served"] = served
    sw.objects["floor_ticket"] = floor.ticket_take(area=area)
