"""Test data for dossiers: a small province with desks, units, officials and procedures.

    province (UBND tỉnh)                          governor, it_admin
    ├── centre (Trung tâm PVHCC, service centre)  desk_centre
    ├── dept (Sở Tư pháp)                         leader, clerk, it_admin_dept
    │   ├── dept_unit (Phòng HCTP)                head, spec, spec2
    │   └── dept_unit2 (Phòng BTTP)               spec_other
    ├── dept2 (Sở Xây dựng)                       leader2, clerk_dept2, it_admin_dept2
    │   ├── dept2_desk (one-stop desk)            desk_dept2
    │   ├── dept2_unit                            head_dept2, spec_dept2
    │   └── dept2_unit2
    ├── commune (UBND phường A)                   commune_leader
    │   ├── commune_desk (one-stop desk)          desk_commune
    │   └── commune_culture (unit)                spec_commune
    └── commune2 (UBND xã B)
        ├── commune2_desk                         desk_commune2
        └── commune2_culture                      spec_commune2

Procedures: ``province`` (Sở Tư pháp, 10 working days: desk → specialist → unit head → leader
→ desk), ``commune`` (every commune, 3 working days, steps by unit kind), ``external`` (with an
inter-agency step outside the directory), ``vertical`` (no organisation in the directory, no
approval step). Both departments register documents (issuer profiles STP and SXD, their
divisions' abbreviations). The security tests (``tests/security/world.py``) play the two
departments against each other: every role exists in each. Times are fixed: ``T0`` is Monday
2 March 2026, 09:00 in Vietnam.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.accounts.models import Position, Role, User, UserKind
from chinhquyen.accounts.tests.factories import PASSWORD, enable_totp
from chinhquyen.catalog.models import OnlineLevel, ProcedureLevel, ProcedureVersion
from chinhquyen.catalog.tests.factories import SIMPLE_SCHEMA, make_version
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.documents.models import IssuerProfile, UnitAbbreviation
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.services import organisation_create

K = OrganisationKind
_org_seq = itertools.count(1)


def make_user(kind: str = UserKind.CITIZEN, *, username: str, **fields: Any) -> User:
    """A user built here (not with the accounts factory, whose sequence other tests rely on)."""
    fields.setdefault("email", f"{username}@example.vn")
    fields.setdefault("full_name", f"Người dùng {username}")
    user = User(kind=kind, username=username, **fields)
    user.set_password(PASSWORD)
    user.refresh_search_text()
    user.save()
    return user


def make_official(unit: Organisation, role: str, *, username: str) -> User:
    """An official with one position in ``unit`` and TOTP (the API demands it)."""
    user = make_user(UserKind.OFFICIAL, username=username)
    Position.objects.create(user=user, unit=unit, role=role)
    enable_totp(user)
    return user


def make_org(
    name: str, *, parent: Organisation | None = None, kind: str = K.DEPARTMENT
) -> Organisation:
    """An organisation with an agency code of this module's own series (…H97), so that the
    dossier tests never consume the orgs factory's code sequence."""
    n = next(_org_seq)
    return organisation_create(
        actor=None,
        name=name,
        kind=kind,
        parent=parent,
        agency_code=f"000.{n // 100 % 100:02d}.{n % 100:02d}.H97",
    )


T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)  # Monday, no holiday around
VALID_FROM = dt.date(2025, 7, 1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def pdf(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def at(days: int = 0, hours: float = 0) -> dt.datetime:
    """``T0`` plus calendar days and hours (not working time)."""
    return T0 + dt.timedelta(days=days, hours=hours)


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    versions: dict[str, ProcedureVersion] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        for bucket in ("orgs", "users", "versions"):
            values = self.__dict__.get(bucket, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


def build_world() -> World:
    w = World()
    o = w.orgs
    o["province"] = make_org("UBND tỉnh Thử Nghiệm", kind=K.PROVINCIAL_COMMITTEE)
    o["centre"] = make_org(
        "Trung tâm Phục vụ hành chính công tỉnh", parent=o["province"], kind=K.SERVICE_CENTRE
    )
    o["dept"] = make_org("Sở Tư pháp", parent=o["province"], kind=K.DEPARTMENT)
    o["dept_unit"] = make_org("Phòng Hành chính tư pháp", parent=o["dept"], kind=K.UNIT)
    o["dept_unit2"] = make_org("Phòng Bổ trợ tư pháp", parent=o["dept"], kind=K.UNIT)
    o["dept2"] = make_org("Sở Xây dựng", parent=o["province"], kind=K.DEPARTMENT)
    o["dept2_unit"] = make_org("Phòng Quản lý xây dựng", parent=o["dept2"], kind=K.UNIT)
    for key, name in (("commune", "UBND phường A"), ("commune2", "UBND xã B")):
        o[key] = make_org(name, parent=o["province"], kind=K.COMMUNE_COMMITTEE)
        o[f"{key}_office"] = make_org("Văn phòng HĐND và UBND", parent=o[key], kind=K.UNIT)
        o[f"{key}_culture"] = make_org("Phòng Văn hóa - Xã hội", parent=o[key], kind=K.UNIT)
        o[f"{key}_desk"] = make_org("Bộ phận một cửa", parent=o[key], kind=K.ONE_STOP_DESK)

    u = w.users
    officials = {
        "desk_centre": ("centre", Role.DESK_OFFICER),
        "leader": ("dept", Role.LEADER),
        "head": ("dept_unit", Role.UNIT_HEAD),
        "spec": ("dept_unit", Role.SPECIALIST),
        "spec2": ("dept_unit", Role.SPECIALIST),
        "spec_other": ("dept_unit2", Role.SPECIALIST),
        "leader2": ("dept2", Role.LEADER),
        "spec_dept2": ("dept2_unit", Role.SPECIALIST),
        "commune_leader": ("commune", Role.LEADER),
        "desk_commune": ("commune_desk", Role.DESK_OFFICER),
        "spec_commune": ("commune_culture", Role.SPECIALIST),
        "desk_commune2": ("commune2_desk", Role.DESK_OFFICER),
        "spec_commune2": ("commune2_culture", Role.SPECIALIST),
        "clerk": ("dept", Role.CLERK),
        "governor": ("province", Role.LEADER),
        "it_admin": ("province", Role.IT_ADMIN),
    }
    for username, (unit_key, role) in officials.items():
        u[username] = make_official(o[unit_key], role, username=username)
    u["citizen"] = make_user(
        UserKind.CITIZEN,
        username="citizen",
        full_name="Nguyễn Văn An",
        citizen_id="037090001234",
        phone="0987654321",
        address="Phường A",
    )
    u["citizen2"] = make_user(
        UserKind.CITIZEN, username="citizen2", full_name="Trần Thị Bình", citizen_id="001190000002"
    )
    u["business"] = make_user(
        UserKind.BUSINESS,
        username="business",
        full_name="Lê Văn Cường",
        organisation_name="Công ty TNHH Thử Nghiệm",
        tax_code="2700123456",
    )
    # the second department's desk and division, and the roles it lacked (the security tests
    # need every role on both sides); created last, so the ids above do not move
    o["dept2_desk"] = make_org(
        "Bộ phận một cửa Sở Xây dựng", parent=o["dept2"], kind=K.ONE_STOP_DESK
    )
    o["dept2_unit2"] = make_org("Phòng Kinh tế xây dựng", parent=o["dept2"], kind=K.UNIT)
    for username, (unit_key, role) in {
        "desk_dept2": ("dept2_desk", Role.DESK_OFFICER),
        "head_dept2": ("dept2_unit", Role.UNIT_HEAD),
        "clerk_dept2": ("dept2", Role.CLERK),
        "it_admin_dept": ("dept", Role.IT_ADMIN),
        "it_admin_dept2": ("dept2", Role.IT_ADMIN),
    }.items():
        u[username] = make_official(o[unit_key], role, username=username)
    for org, abbreviation, divisions in (
        ("dept", "STP", {"dept_unit": "HCTP", "dept_unit2": "BTTP"}),
        ("dept2", "SXD", {"dept2_unit": "QLXD", "dept2_unit2": "KTXD"}),
    ):
        IssuerProfile.objects.create(
            organisation=o[org],
            abbreviation=abbreviation,
            parent_name="UBND TỈNH THỬ NGHIỆM",
            place_name="Thử Nghiệm",
        )
        for unit_key, short in divisions.items():
            UnitAbbreviation.objects.create(unit=o[unit_key], abbreviation=short)

    papers = [
        {"name": "Tờ khai", "original_count": 1},
        {"name": "Bản sao giấy tờ tùy thân", "photocopy_count": 1, "required": False},
    ]
    w.versions["province"] = make_version(
        "Cấp phiếu lý lịch tư pháp",
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.FULL,
        processing_time=10,
        competent=[o["dept"]],
        all_communes=False,
        papers=papers,
        fees=[{"kind": "fee", "amount": 200000}],
        form_schema=SIMPLE_SCHEMA,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 2, Role.DESK_OFFICER, unit=o["centre"]),
            step("Chuyên viên thẩm định", 40, Role.SPECIALIST, unit=o["dept_unit"]),
            step("Lãnh đạo phòng xem xét", 8, Role.UNIT_HEAD, unit=o["dept_unit"]),
            step("Lãnh đạo Sở ký duyệt", 8, Role.LEADER, unit=o["dept"]),
            step("Trả kết quả", 2, Role.DESK_OFFICER, unit=o["centre"]),
        ],
    )
    w.versions["commune"] = make_version(
        "Đăng ký khai sinh",
        level=ProcedureLevel.COMMUNE,
        online_level=OnlineLevel.FULL,
        processing_time=3,
        all_communes=True,
        papers=[{"name": "Tờ khai đăng ký khai sinh", "original_count": 1}],
        fees=[],
        form_schema=SIMPLE_SCHEMA,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 1, Role.DESK_OFFICER, kind=K.ONE_STOP_DESK),
            step("Thẩm định", 12, Role.SPECIALIST, kind=K.UNIT),
            step("Lãnh đạo UBND xã ký", 4, Role.LEADER, kind=K.COMMUNE_COMMITTEE),
            step("Trả kết quả", 1, Role.DESK_OFFICER, kind=K.ONE_STOP_DESK),
        ],
    )
    w.versions["external"] = make_version(
        "Thủ tục có bước liên thông",
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.PARTIAL,
        processing_time=5,
        competent=[o["dept"]],
        all_communes=False,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 1, Role.DESK_OFFICER, unit=o["centre"]),
            step("Chuyên viên thẩm định", 8, Role.SPECIALIST, unit=o["dept_unit"]),
            {
                "name": "Công an tỉnh xác minh",
                "allotted_hours": Decimal(16),
                "is_external": True,
                "external_organisation_name": "Công an tỉnh",
            },
            step("Lãnh đạo Sở ký duyệt", 4, Role.LEADER, unit=o["dept"]),
            step("Trả kết quả", 1, Role.DESK_OFFICER, unit=o["centre"]),
        ],
    )
    w.versions["vertical"] = _vertical(o)
    w.versions["simple"] = make_version(
        "Thủ tục không có bước phê duyệt",
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.PARTIAL,
        processing_time=2,
        competent=[o["dept"]],
        all_communes=False,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 1, Role.DESK_OFFICER, unit=o["centre"]),
            step("Chuyên viên xử lý", 8, Role.SPECIALIST, unit=o["dept_unit"]),
            step("Trả kết quả", 1, Role.DESK_OFFICER, unit=o["centre"]),
        ],
    )
    w.versions["multi"] = make_version(
        "Thủ tục hai cấp phê duyệt",
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.PARTIAL,
        processing_time=15,
        competent=[o["dept"]],
        all_communes=False,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 2, Role.DESK_OFFICER, unit=o["centre"]),
            step("Chuyên viên thẩm định", 40, Role.SPECIALIST, unit=o["dept_unit"]),
            step("Lãnh đạo Sở trình", 8, Role.LEADER, unit=o["dept"]),
            step("Lãnh đạo UBND tỉnh phê duyệt", 16, Role.LEADER, unit=o["province"]),
            step("Văn thư vào sổ, đóng dấu", 4, Role.CLERK, unit=o["dept"]),
            step("Trả kết quả", 2, Role.DESK_OFFICER, unit=o["centre"]),
        ],
    )
    return w


def _vertical(o: dict[str, Organisation]) -> ProcedureVersion:
    version = make_version(
        "Đổi giấy phép lái xe",
        level=ProcedureLevel.PROVINCE,
        online_level=OnlineLevel.NONE,
        processing_time=5,
        all_communes=False,
        valid_from=VALID_FROM,
        publish=False,
        steps=[
            step("Tiếp nhận", 2, Role.DESK_OFFICER, unit=o["centre"]),
            {
                "name": "Công an tỉnh in giấy phép",
                "allotted_hours": Decimal(24),
                "is_external": True,
                "external_organisation_name": "Phòng CSGT Công an tỉnh",
            },
            step("Trả kết quả", 2, Role.DESK_OFFICER, unit=o["centre"]),
        ],
    )
    from chinhquyen.catalog.services import version_publish, version_save_draft

    version_save_draft(
        actor=None, version=version, data={"competent_description": "Phòng CSGT Công an tỉnh"}
    )
    version_publish(actor=None, version=version, valid_from=VALID_FROM)
    version.refresh_from_db()
    return version


def step(
    name: str,
    hours: float,
    role: str,
    *,
    unit: Organisation | None = None,
    kind: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "allotted_hours": Decimal(str(hours)),
        "responsible_role": role,
        "responsible_unit": unit,
        "responsible_unit_kind": kind,
    }


# --------------------------------------------------------------------------------------------
# Dossiers in a given state
# --------------------------------------------------------------------------------------------


def receive(
    w: World,
    *,
    version: str = "province",
    when: dt.datetime = T0,
    applicant: User | None = None,
    desk: User | None = None,
    competent: Organisation | None = None,
) -> services.IntakeResult:
    """A dossier received at the counter (the centre's desk unless ``desk`` is given)."""
    v = w.versions[version]
    desk = desk or (w.users["desk_commune"] if version == "commune" else w.users["desk_centre"])
    papers = [services.PaperCount(paper_id=p.pk, original=1) for p in v.papers.all() if p.required]
    applicant = applicant if applicant is not None else w.users["citizen"]
    return services.dossier_receive_at_counter(
        actor=desk,
        procedure=v,
        applicant=applicant,
        applicant_details={
            "phone": "0912345678",
            "id_number": applicant.citizen_id or applicant.tax_code,
        },
        papers=papers,
        competent_organisation=competent,
        at=when,
    )


def submit(
    w: World,
    *,
    version: str = "province",
    when: dt.datetime = T0,
    applicant: User | None = None,
    key: str = "",
    competent: Organisation | None = None,
) -> services.IntakeResult:
    v = w.versions[version]
    uploads = [services.Upload(file=pdf(), paper_id=p.pk) for p in v.papers.all() if p.required]
    return services.dossier_submit_online(
        actor=applicant or w.users["citizen"],
        procedure=v,
        form_data={"ho_ten": "Nguyễn Văn An", "so_luong": 1},
        uploads=uploads,
        competent_organisation=competent,
        idempotency_key=key,
        at=when,
    )


def reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(
        "procedure_version",
        "competent_organisation",
        "receiving_organisation",
        "current_step",
        "current_unit",
    ).get(pk=dossier.pk)


def io_bytes(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)
