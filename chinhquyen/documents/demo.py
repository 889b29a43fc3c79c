"""Demo official documents for Sở Tư pháp and UBND tỉnh (Ninh Bình demo tree).

``load_demo_documents()`` (also usable as a ``load_demo`` loader: it takes and returns a
context dict) creates, through the services and with dates spread over the last weeks:

* issuer profiles (UBND, STP, ...) and unit abbreviations (VP, HCTP, BTTP);
* ~30 incoming documents of Sở Tư pháp: registered, submitted, assigned, in progress with
  tasks (some overdue), completed, one returned, three secret;
* ~15 outgoing documents: drafts, in review, returned, approved, issued, sent (to UBND tỉnh,
  Sở Xây dựng and an external ministry), one revoked; UBND tỉnh sends documents to Sở Tư pháp
  through the internal exchange, with statuses 01/03/04/05/06 and a take-back.

Idempotent: a document whose summary already exists for its organisation is not created
again. Documents are signed digitally when the demo signing credentials exist
(``signing.demo``), otherwise they are paper documents. UBND tỉnh has no demo clerk in
``accounts.demo``; this loader adds ``vanthu.tinh`` (Văn thư UBND tỉnh) when missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.orgs.models import Organisation

from . import exchange, services
from .models import (
    DocumentType,
    ExchangeMessage,
    IncomingDocument,
    IssuerProfile,
    OutgoingDocument,
    Secrecy,
    UnitAbbreviation,
    Urgency,
)
from .services import RecipientInput

PROVINCE_CLERK = "vanthu.tinh"
PLACE = "Ninh Bình"


@dataclass(frozen=True)
class DemoIncoming:
    days_ago: int
    sender: str
    number_notation: str
    type_name: str
    summary: str
    stage: str  # registered | submitted | assigned | in_progress | overdue | completed | returned
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    sender_key: str = ""


INCOMING: tuple[DemoIncoming, ...] = (
    DemoIncoming(
        40,
        "Bộ Tư pháp",
        "215/BTP-HTQTCT",
        "Công văn",
        "Về việc hướng dẫn nghiệp vụ đăng ký hộ tịch trực tuyến",
        "completed",
    ),
    DemoIncoming(
        38,
        "Cục Hộ tịch, quốc tịch, chứng thực",
        "88/HTQTCT-HT",
        "Công văn",
        "Về việc rà soát dữ liệu hộ tịch điện tử năm 2026",
        "completed",
    ),
    DemoIncoming(
        35,
        "Văn phòng UBND tỉnh Ninh Bình",
        "412/VP-NC",
        "Thông báo",
        "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp giao ban quý I",
        "completed",
        sender_key="office",
    ),
    DemoIncoming(
        33,
        "Sở Nội vụ",
        "301/SNV-TCBC",
        "Công văn",
        "Về việc báo cáo số lượng công chức, viên chức năm 2026",
        "overdue",
        sender_key="dept_home_affairs",
    ),
    DemoIncoming(
        31,
        "Sở Tài chính",
        "77/STC-QLNS",
        "Công văn",
        "Về việc lập dự toán ngân sách năm 2027",
        "overdue",
        Urgency.URGENT,
        sender_key="dept_finance",
    ),
    DemoIncoming(
        29,
        "Thanh tra tỉnh",
        "45/TTr-NV2",
        "Kế hoạch",
        "Kế hoạch thanh tra công tác chứng thực tại các xã, phường",
        "in_progress",
        sender_key="inspectorate",
    ),
    DemoIncoming(
        27,
        "Bộ Tư pháp",
        "1002/BTP-PBGDPL",
        "Công văn",
        "Về việc hưởng ứng Ngày Pháp luật Việt Nam năm 2026",
        "in_progress",
    ),
    DemoIncoming(
        26,
        "Sở Xây dựng",
        "156/SXD-QLXD",
        "Công văn",
        "Về việc góp ý dự thảo quy định phân cấp quản lý công trình",
        "in_progress",
        sender_key="dept_construction",
    ),
    DemoIncoming(
        24,
        "UBND phường Hoa Lư",
        "58/UBND-VP",
        "Báo cáo",
        "Báo cáo kết quả đăng ký khai sinh, kết hôn quý I năm 2026",
        "assigned",
        sender_key="commune",
    ),
    DemoIncoming(
        23,
        "Công an tỉnh Ninh Bình",
        "990/CAT-PC06",
        "Công văn",
        "Về việc phối hợp làm sạch dữ liệu dân cư phục vụ cấp phiếu lý lịch tư pháp",
        "assigned",
        Urgency.URGENT,
    ),
    DemoIncoming(
        21,
        "Hội Luật gia tỉnh",
        "12/HLG",
        "Giấy mời",
        "Mời dự hội thảo góp ý dự án Luật sửa đổi Bộ luật Dân sự",
        "completed",
    ),
    DemoIncoming(
        20,
        "Sở Giáo dục và Đào tạo",
        "233/SGDĐT-VP",
        "Công văn",
        "Về việc phối hợp tuyên truyền pháp luật trong trường học",
        "assigned",
        sender_key="dept_education",
    ),
    DemoIncoming(
        18,
        "Bộ Tư pháp",
        "18/QĐ-BTP",
        "Quyết định",
        "Ban hành kế hoạch kiểm tra công tác thi hành pháp luật về xử lý vi phạm hành chính",
        "submitted",
    ),
    DemoIncoming(
        16,
        "Cục Bổ trợ tư pháp",
        "301/BTTP-LS",
        "Công văn",
        "Về việc thống kê tổ chức hành nghề luật sư, công chứng",
        "submitted",
    ),
    DemoIncoming(
        15,
        "Sở Y tế",
        "502/SYT-NVY",
        "Công văn",
        "Về việc cung cấp thông tin giám định pháp y năm 2026",
        "submitted",
        sender_key="dept_health",
    ),
    DemoIncoming(
        13,
        "Công ty Luật TNHH Tràng An",
        "05/2026/CV-TA",
        "Công văn",
        "Về việc đề nghị hướng dẫn thủ tục đăng ký hoạt động chi nhánh",
        "returned",
    ),
    DemoIncoming(
        12,
        "Sở Nông nghiệp và Môi trường",
        "611/SNNMT-QLĐĐ",
        "Công văn",
        "Về việc thẩm định dự thảo quyết định bảng giá đất",
        "in_progress",
        Urgency.VERY_URGENT,
        sender_key="dept_agriculture_environment",
    ),
    DemoIncoming(
        10,
        "UBND phường Nam Hoa Lư",
        "31/UBND-TP",
        "Tờ trình",
        "Đề nghị công nhận xã đạt chuẩn tiếp cận pháp luật năm 2026",
        "registered",
        sender_key="ward_nam_hoa_lu",
    ),
    DemoIncoming(
        8,
        "Bộ Tư pháp",
        "1250/BTP-VP",
        "Công văn",
        "Về việc báo cáo công tác tư pháp 6 tháng đầu năm 2026",
        "registered",
        Urgency.URGENT,
    ),
    DemoIncoming(
        6,
        "Sở Khoa học và Công nghệ",
        "188/SKHCN-CĐS",
        "Hướng dẫn",
        "Hướng dẫn kết nối hệ thống quản lý văn bản với trục liên thông",
        "registered",
        sender_key="dept_science",
    ),
    DemoIncoming(
        4,
        "Sở Du lịch",
        "94/SDL-QLDL",
        "Công văn",
        "Về việc phổ biến pháp luật cho doanh nghiệp lữ hành",
        "registered",
        sender_key="dept_tourism",
    ),
    DemoIncoming(
        2,
        "Viện kiểm sát nhân dân tỉnh",
        "77/VKS-P10",
        "Công văn",
        "Về việc yêu cầu cung cấp hồ sơ lý lịch tư pháp",
        "registered",
        Urgency.FLASH,
    ),
    DemoIncoming(
        1,
        "Bộ Tư pháp",
        "1301/BTP-TCCB",
        "Công văn",
        "Về việc cử công chức tham dự lớp bồi dưỡng nghiệp vụ",
        "registered",
    ),
    # secret documents: visible only to those named on them
    DemoIncoming(
        22,
        "Công an tỉnh Ninh Bình",
        "15/CAT-PA01",
        "Công văn",
        "Về việc cung cấp thông tin phục vụ điều tra vụ án",
        "in_progress",
        secrecy=Secrecy.CONFIDENTIAL,
    ),
    DemoIncoming(
        14,
        "Bộ Tư pháp",
        "09/BTP-VP",
        "Thông báo",
        "Thông báo nội bộ về công tác bảo vệ bí mật nhà nước",
        "assigned",
        secrecy=Secrecy.SECRET,
    ),
    DemoIncoming(
        5,
        "Tòa án nhân dân tỉnh",
        "21/TA-VP",
        "Công văn",
        "Về việc xác minh thông tin đương sự",
        "submitted",
        Urgency.URGENT,
        secrecy=Secrecy.CONFIDENTIAL,
    ),
)


@dataclass(frozen=True)
class DemoOutgoing:
    days_ago: int
    type_name: str
    summary: str
    body: str
    stage: str  # draft | in_review | returned | approved | issued | sent | revoked
    recipients: tuple[str, ...] = ()  # organisation keys, or "ext:<name>|<code>"
    secrecy: str = Secrecy.NORMAL


OUTGOING: tuple[DemoOutgoing, ...] = (
    DemoOutgoing(
        36,
        "Báo cáo",
        "Báo cáo công tác tư pháp quý I năm 2026",
        "Sở Tư pháp báo cáo kết quả công tác tư pháp quý I năm 2026.\n"
        "Về đăng ký hộ tịch: đã tiếp nhận và giải quyết đúng hạn 100% hồ sơ.",
        "sent",
        ("province", "ext:Bộ Tư pháp|000.00.00.G12"),
    ),
    DemoOutgoing(
        32,
        "Công văn",
        "Về việc trả lời kiến nghị của Sở Xây dựng",
        "Sở Tư pháp có ý kiến về dự thảo quy định phân cấp quản lý công trình như sau.",
        "sent",
        ("dept_construction",),
    ),
    DemoOutgoing(
        28,
        "Tờ trình",
        "Đề nghị ban hành Kế hoạch phổ biến, giáo dục pháp luật năm 2026",
        "Sở Tư pháp kính trình UBND tỉnh xem xét, ban hành kế hoạch.",
        "sent",
        ("province",),
    ),
    DemoOutgoing(
        25,
        "Công văn",
        "Về việc cung cấp thông tin lý lịch tư pháp",
        "Sở Tư pháp cung cấp thông tin theo đề nghị.",
        "revoked",
        ("dept_home_affairs",),
    ),
    DemoOutgoing(
        19,
        "Kế hoạch",
        "Kế hoạch kiểm tra công tác chứng thực năm 2026",
        "Kiểm tra công tác chứng thực tại UBND các xã, phường trên địa bàn tỉnh.",
        "issued",
        ("commune", "ward_nam_hoa_lu"),
    ),
    DemoOutgoing(
        15,
        "Quyết định",
        "Về việc thành lập Đoàn kiểm tra công tác hộ tịch",
        "Thành lập Đoàn kiểm tra công tác hộ tịch năm 2026.",
        "approved",
        ("commune",),
    ),
    DemoOutgoing(
        12,
        "Thông báo",
        "Thông báo lịch tiếp công dân tháng 6 năm 2026",
        "Lãnh đạo Sở tiếp công dân vào ngày 15 hằng tháng.",
        "approved",
    ),
    DemoOutgoing(
        9,
        "Công văn",
        "Về việc đôn đốc báo cáo thống kê hộ tịch",
        "Đề nghị UBND các xã, phường gửi báo cáo đúng hạn.",
        "in_review",
        ("commune", "ward_nam_hoa_lu"),
    ),
    DemoOutgoing(
        7,
        "Báo cáo",
        "Báo cáo kết quả thực hiện Đề án 06 tháng 5 năm 2026",
        "Kết quả triển khai các nhiệm vụ của Đề án 06.",
        "in_review",
        ("province",),
    ),
    DemoOutgoing(
        6,
        "Công văn",
        "Về việc góp ý dự thảo Nghị quyết của HĐND tỉnh",
        "Sở Tư pháp góp ý như sau.",
        "returned",
        ("office",),
    ),
    DemoOutgoing(
        3,
        "Công văn",
        "Về việc cử cán bộ tham gia tổ công tác liên ngành",
        "Cử ông Vũ Đức Minh, chuyên viên Phòng Hành chính tư pháp.",
        "draft",
        ("dept_construction",),
    ),
    DemoOutgoing(
        2,
        "Kế hoạch",
        "Kế hoạch bồi dưỡng nghiệp vụ hộ tịch cho công chức cấp xã",
        "Tổ chức 02 lớp bồi dưỡng trong quý III năm 2026.",
        "draft",
    ),
    DemoOutgoing(
        1,
        "Công văn",
        "Về việc cung cấp hồ sơ theo yêu cầu của cơ quan điều tra",
        "Sở Tư pháp cung cấp hồ sơ có liên quan.",
        "draft",
        secrecy=Secrecy.CONFIDENTIAL,
    ),
)


@dataclass(frozen=True)
class DemoProvinceDocument:
    days_ago: int
    type_name: str
    summary: str
    body: str
    recipient_stage: str  # received | accepted | assigned | in_progress | completed | taken_back


PROVINCE_OUTGOING: tuple[DemoProvinceDocument, ...] = (
    DemoProvinceDocument(
        30,
        "Quyết định",
        "Về việc ban hành Kế hoạch phổ biến, giáo dục pháp luật năm 2026",
        "Ban hành kèm theo Quyết định này Kế hoạch phổ biến, giáo dục pháp luật.",
        "completed",
    ),
    DemoProvinceDocument(
        17,
        "Công văn",
        "Về việc triển khai Luật Thủ đô sửa đổi",
        "Giao Sở Tư pháp chủ trì tham mưu triển khai.",
        "in_progress",
    ),
    DemoProvinceDocument(
        11,
        "Chỉ thị",
        "Về tăng cường công tác chứng thực điện tử",
        "Yêu cầu các sở, ngành, địa phương thực hiện chứng thực điện tử.",
        "assigned",
    ),
    DemoProvinceDocument(
        6,
        "Công văn",
        "Về việc rà soát thủ tục hành chính lĩnh vực tư pháp",
        "Đề nghị Sở Tư pháp rà soát, báo cáo trước ngày 30.",
        "accepted",
    ),
    DemoProvinceDocument(
        3,
        "Thông báo",
        "Thông báo ý kiến chỉ đạo về cải cách hành chính",
        "Thông báo ý kiến chỉ đạo của Phó Chủ tịch UBND tỉnh.",
        "received",
    ),
    DemoProvinceDocument(
        2,
        "Công văn",
        "Về việc báo cáo tình hình thi hành án hành chính",
        "Gửi nhầm phụ lục, đề nghị lấy lại.",
        "taken_back",
    ),
)

ISSUERS: dict[str, tuple[str, str]] = {
    # organisation key: (abbreviation, parent name printed above it)
    "province": ("UBND", ""),
    "office": ("VP", "UBND TỈNH NINH BÌNH"),
    "dept_justice": ("STP", "UBND TỈNH NINH BÌNH"),
    "dept_construction": ("SXD", "UBND TỈNH NINH BÌNH"),
    "dept_home_affairs": ("SNV", "UBND TỈNH NINH BÌNH"),
}
UNIT_ABBREVIATIONS = {
    # UBND tỉnh's own drafts are prepared by its office: công văn 12/UBND-VP
    "province": "VP",
    "dept_justice_office": "VP",
    "dept_justice_admin": "HCTP",
    "dept_justice_support": "BTTP",
}


def _demo_pin() -> str:
    """The demo officials' key files are protected by the demo passphrase."""
    from chinhquyen.signing.pki import demo_passphrase

    return demo_passphrase()


def _at(days_ago: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=VN_TZ)


def _orgs() -> dict[str, Organisation]:
    from chinhquyen.orgs.demo import load_demo_organisations

    return load_demo_organisations()


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _ensure_province_clerk(province: Organisation) -> User:
    user = User.objects.filter(username=PROVINCE_CLERK).first()
    if user is None:
        from chinhquyen.accounts import services as account_services
        from chinhquyen.accounts.demo import DEMO_PASSWORD, demo_email

        user = account_services.official_create(
            actor=None,
            username=PROVINCE_CLERK,
            full_name="Lương Thị Huyền",
            email=demo_email(PROVINCE_CLERK),
            phone="",
            password=DEMO_PASSWORD,
            positions=[
                account_services.PositionSpec(
                    unit=province, role=Role.CLERK, title="Văn thư UBND tỉnh"
                )
            ],
        )
    elif not Position.objects.filter(user=user, unit=province, role=Role.CLERK).exists():
        Position.objects.create(user=user, unit=province, role=Role.CLERK, title="Văn thư")
    from chinhquyen.accounts.demo import ensure_demo_mfa

    ensure_demo_mfa(user)
    return user


def _has_signing(user: User, organisation: Organisation) -> bool:
    from chinhquyen.signing.models import CredentialKind, SigningCredential

    active = SigningCredential.objects.filter(is_active=True).exclude(kind=CredentialKind.REMOTE)
    return active.filter(owner=user).exists() and active.filter(organisation=organisation).exists()


def _type(name: str) -> DocumentType:
    return DocumentType.objects.get(name=name)


def _recipients(keys: tuple[str, ...], orgs: dict[str, Organisation]) -> list[RecipientInput]:
    rows = []
    for key in keys:
        if key.startswith("ext:"):
            name, _, code = key[4:].partition("|")
            rows.append(RecipientInput(name=name, agency_code=code))
        elif key in orgs:
            rows.append(RecipientInput(organisation=orgs[key]))
    return rows


def _incoming(spec: DemoIncoming, people: dict[str, User], orgs: dict[str, Organisation]) -> None:
    justice = orgs["dept_justice"]
    if IncomingDocument.objects.filter(organisation=justice, summary=spec.summary).exists():
        return
    at = _at(spec.days_ago)
    clerk, leader, head, specialist = (
        people["vanthu"],
        people["lanhdao"],
        people["truongphong"],
        people["chuyenvien"],
    )
    document = services.incoming_register(
        actor=clerk,
        organisation=justice,
        summary=spec.summary,
        sender_name=spec.sender,
        sender_organisation=orgs.get(spec.sender_key) if spec.sender_key else None,
        number_notation=spec.number_notation,
        document_date=(at - dt.timedelta(days=2)).date(),
        document_type=_type(spec.type_name),
        urgency=spec.urgency,
        secrecy=spec.secrecy,
        pages=2,
        received_at=at,
        at=at,
    )
    if spec.stage == "registered":
        return
    if spec.stage == "returned":
        services.incoming_return(
            actor=clerk,
            document=document,
            reason="Văn bản gửi nhầm cơ quan: đề nghị gửi Sở Tư pháp thành phố Hà Nội.",
            at=at + dt.timedelta(hours=2),
        )
        return
    document = services.incoming_submit(
        actor=clerk, document=document, leader=leader, at=at + dt.timedelta(hours=1)
    )
    if spec.stage == "submitted":
        return
    assign_at = at + dt.timedelta(hours=3)
    deadline_days = 3 if spec.stage == "overdue" else 15
    document = services.incoming_assign(
        actor=leader,
        document=document,
        lead_unit=orgs["dept_justice_admin"],
        coordinate_units=[orgs["dept_justice_support"]] if spec.days_ago % 2 else [],
        inform_units=[orgs["dept_justice_office"]] if spec.days_ago % 3 == 0 else [],
        deadline=assign_at.date() + dt.timedelta(days=deadline_days),
        instructions="Giao Phòng Hành chính tư pháp chủ trì, tham mưu văn bản trả lời.",
        at=assign_at,
    )
    if spec.stage == "assigned":
        return
    task_at = assign_at + dt.timedelta(days=1)
    task = services.task_create(
        actor=head,
        document=document,
        assignee=specialist,
        due=task_at.date() + dt.timedelta(days=deadline_days - 1),
        instructions="Nghiên cứu, dự thảo văn bản trả lời trình lãnh đạo.",
        at=task_at,
    )
    if spec.stage in ("in_progress", "overdue"):
        return
    services.task_complete(
        actor=specialist,
        task=task,
        result="Đã dự thảo văn bản trả lời.",
        at=task_at + dt.timedelta(days=2),
    )
    services.incoming_complete(
        actor=head,
        document=document,
        note="Đã tham mưu trả lời, lưu hồ sơ.",
        at=task_at + dt.timedelta(days=3),
    )


def _outgoing(spec: DemoOutgoing, people: dict[str, User], orgs: dict[str, Organisation]) -> None:
    justice = orgs["dept_justice"]
    if OutgoingDocument.objects.filter(organisation=justice, summary=spec.summary).exists():
        return
    at = _at(spec.days_ago, hour=8)
    drafter, head, leader, clerk = (
        people["chuyenvien"],
        people["truongphong"],
        people["lanhdao"],
        people["vanthu"],
    )
    electronic = _has_signing(leader, justice)
    document = services.outgoing_create(
        actor=drafter,
        drafting_unit=orgs["dept_justice_admin"],
        document_type=_type(spec.type_name),
        summary=spec.summary,
        body=spec.body,
        secrecy=spec.secrecy,
        is_electronic=electronic,
        recipients=_recipients(spec.recipients, orgs),
        signer_authority="",
        at=at,
    )
    if spec.stage == "draft":
        return
    services.outgoing_submit(
        actor=drafter, document=document, reviewers=[head, leader], at=at + dt.timedelta(hours=1)
    )
    if spec.stage == "in_review":
        return
    if spec.stage == "returned":
        services.outgoing_review(
            actor=head,
            document=document,
            approve=False,
            comment="Bổ sung căn cứ pháp lý và số liệu cụ thể.",
            at=at + dt.timedelta(hours=3),
        )
        return
    services.outgoing_review(
        actor=head, document=document, approve=True, at=at + dt.timedelta(hours=2)
    )
    services.outgoing_review(
        actor=leader,
        document=document,
        approve=True,
        comment="Đồng ý ban hành.",
        at=at + dt.timedelta(hours=4),
    )
    if spec.stage == "approved":
        return
    services.outgoing_issue(actor=clerk, document=document, at=at + dt.timedelta(hours=5))
    if spec.stage == "issued":
        return
    if electronic:
        services.outgoing_sign(
            actor=leader, document=document, pin=_demo_pin(), at=at + dt.timedelta(hours=6)
        )
    document = services.outgoing_dispatch(
        actor=clerk, document=document, at=at + dt.timedelta(hours=7)
    )
    province_clerk = people.get(PROVINCE_CLERK)
    for message in ExchangeMessage.objects.filter(outgoing=document, to_organisation__isnull=False):
        incoming = message.incoming
        if incoming is None:
            continue
        if message.to_organisation == orgs["province"] and province_clerk is not None:
            services.incoming_accept(
                actor=province_clerk, document=incoming, at=at + dt.timedelta(days=1)
            )
    if spec.stage == "revoked":
        services.outgoing_revoke(
            actor=clerk,
            document=document,
            reason="Văn bản có sai sót về số liệu, sẽ ban hành văn bản thay thế.",
            at=at + dt.timedelta(days=1, hours=2),
        )


def _province(
    spec: DemoProvinceDocument, people: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    province, justice = orgs["province"], orgs["dept_justice"]
    if OutgoingDocument.objects.filter(organisation=province, summary=spec.summary).exists():
        return
    at = _at(spec.days_ago, hour=8)
    clerk, leader = people[PROVINCE_CLERK], people["lanhdao.tinh"]
    electronic = _has_signing(leader, province)
    document = services.outgoing_create(
        actor=clerk,
        drafting_unit=province,
        document_type=_type(spec.type_name),
        summary=spec.summary,
        body=spec.body,
        is_electronic=electronic,
        recipients=[
            RecipientInput(organisation=justice),
            RecipientInput(organisation=orgs["dept_construction"]),
        ],
        signer_authority="KT. CHỦ TỊCH",
        signer_title="Phó Chủ tịch",
        at=at,
    )
    services.outgoing_submit(
        actor=clerk, document=document, reviewers=[leader], at=at + dt.timedelta(hours=1)
    )
    services.outgoing_review(
        actor=leader, document=document, approve=True, at=at + dt.timedelta(hours=2)
    )
    services.outgoing_issue(actor=clerk, document=document, at=at + dt.timedelta(hours=3))
    if electronic:
        services.outgoing_sign(
            actor=leader, document=document, pin=_demo_pin(), at=at + dt.timedelta(hours=4)
        )
    document = services.outgoing_dispatch(
        actor=clerk, document=document, at=at + dt.timedelta(hours=5)
    )
    message = ExchangeMessage.objects.get(outgoing=document, to_organisation=justice)
    incoming = message.incoming
    assert incoming is not None
    stage = spec.recipient_stage
    when = at + dt.timedelta(hours=6)
    if stage == "taken_back":
        exchange.exchange_request_take_back(
            actor=clerk, message=message, reason="Gửi nhầm phụ lục, đề nghị trả lại.", at=when
        )
        exchange.exchange_answer_take_back(
            actor=people["vanthu"], message=message, agree=True, at=when + dt.timedelta(hours=1)
        )
        return
    if stage == "received":
        return
    incoming = services.incoming_accept(actor=people["vanthu"], document=incoming, at=when)
    if stage == "accepted":
        return
    incoming = services.incoming_assign(
        actor=people["lanhdao"],
        document=incoming,
        lead_unit=orgs["dept_justice_admin"],
        deadline=when.date() + dt.timedelta(days=10),
        instructions="Phòng HCTP chủ trì, báo cáo kết quả.",
        at=when + dt.timedelta(hours=1),
    )
    if stage == "assigned":
        return
    task = services.task_create(
        actor=people["truongphong"],
        document=incoming,
        assignee=people["chuyenvien"],
        due=when.date() + dt.timedelta(days=8),
        at=when + dt.timedelta(hours=2),
    )
    if stage == "in_progress":
        return
    services.task_complete(
        actor=people["chuyenvien"],
        task=task,
        result="Đã triển khai.",
        at=when + dt.timedelta(days=2),
    )
    services.incoming_complete(
        actor=people["lanhdao"],
        document=incoming,
        note="Đã triển khai thực hiện.",
        at=when + dt.timedelta(days=3),
    )


@transaction.atomic
def load_demo_documents(context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create the demo documents (idempotent); returns counts for the demo summary."""
    orgs = (context or {}).get("orgs") or _orgs()
    for key, (abbreviation, parent) in ISSUERS.items():
        if key in orgs:
            IssuerProfile.objects.update_or_create(
                organisation=orgs[key],
                defaults={"abbreviation": abbreviation, "parent_name": parent, "place_name": PLACE},
            )
    for key, abbreviation in UNIT_ABBREVIATIONS.items():
        if key in orgs:
            UnitAbbreviation.objects.update_or_create(
                unit=orgs[key], defaults={"abbreviation": abbreviation}
            )
    usernames = ("vanthu", "lanhdao", "truongphong", "chuyenvien", "lanhdao.tinh")
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = sorted(set(usernames) - set(people))
    if missing:
        raise RuntimeError(
            "Chưa có tài khoản mẫu: " + ", ".join(missing) + " (chạy load_demo_accounts trước)."
        )
    people[PROVINCE_CLERK] = _ensure_province_clerk(orgs["province"])
    for spec in sorted(INCOMING, key=lambda s: -s.days_ago):
        _incoming(spec, people, orgs)
    for draft in sorted(OUTGOING, key=lambda s: -s.days_ago):
        _outgoing(draft, people, orgs)
    for item in sorted(PROVINCE_OUTGOING, key=lambda s: -s.days_ago):
        _province(item, people, orgs)
    justice = orgs["dept_justice"]
    return {
        "documents": {
            "incoming": IncomingDocument.objects.filter(organisation=justice).count(),
            "outgoing": OutgoingDocument.objects.filter(
                organisation__in=[justice, orgs["province"]]
            ).count(),
            "exchange_messages": ExchangeMessage.objects.count(),
        }
    }
