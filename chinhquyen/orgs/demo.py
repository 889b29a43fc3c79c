"""Demo organisation tree: Ninh Bình province on the two-level structure in force since
1 July 2025 (the new Ninh Bình merges the former Ninh Bình, Hà Nam and Nam Định provinces).

``load_demo_organisations()`` upserts by agency code, so running it again changes nothing.

Agency codes (QCVN 102:2016, written level-4.level-3.level-2.level-1):
- Level 1 ``H42`` for Ninh Bình **(unconfirmed)**: QĐ 20/2020/QĐ-TTg's list was not available
  to check. It follows the alphabetical order of the 63 former provinces that the published
  codes show (Quảng Ninh is H49 per QĐ 3739/QĐ-UBND 2016 of Quảng Ninh, Thanh Hóa H56), which
  also gives Hà Nam ``H23`` and Nam Định ``H40`` (both **unconfirmed**). An administrator
  corrects codes as data (admin, import), not code.
- ``000.00.00.H42`` the provincial People's Committee; ``000.00.NN.H42`` the bodies directly
  under it (office 01, departments 02-16, centre 20, communes 41-52, former districts 81-83);
  ``000.UU.NN.H42`` unit UU inside body NN. These level-2/3 numbers are demo values.

Communes and wards come from the ``vietnam_provinces`` package (province code 37); their
administrative code is the ward code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward, WardCode

from .models import Organisation, OrganisationKind
from .services import organisation_create, organisation_set_predecessors, organisation_update

K = OrganisationKind
PROVINCE_CODE = 37
LEVEL1 = "H42"  # (unconfirmed) see module docstring
MERGER_DAY = dt.date(2025, 7, 1)
LAST_DAY_BEFORE_MERGER = MERGER_DAY - dt.timedelta(days=1)


def code(level2: int, level3: int = 0, level1: str = LEVEL1) -> str:
    return f"000.{level3:02d}.{level2:02d}.{level1}"


@dataclass(frozen=True)
class Spec:
    key: str
    name: str
    kind: str
    level2: int
    short_name: str = ""
    units: tuple[tuple[str, str, str], ...] = ()  # (key or "", name, kind)
    fields: dict[str, Any] = field(default_factory=dict)


# Departments and other bodies under the provincial People's Committee (post-2025 names).
# Ninh Bình keeps a Sở Du lịch next to a Sở Văn hóa và Thể thao (QĐ 168/2025/QĐ-UBND of
# Ninh Bình is issued "theo đề nghị của Giám đốc Sở Du lịch").
DEPARTMENTS: tuple[Spec, ...] = (
    Spec("office", "Văn phòng UBND tỉnh Ninh Bình", K.DEPARTMENT, 1, "VP UBND tỉnh"),
    Spec(
        "dept_home_affairs",
        "Sở Nội vụ",
        K.DEPARTMENT,
        2,
        "SNV",
        (("", "Văn phòng Sở", K.UNIT), ("", "Phòng Tổ chức, biên chế", K.UNIT)),
    ),
    Spec(
        "dept_finance",
        "Sở Tài chính",
        K.DEPARTMENT,
        3,
        "STC",
        (("", "Văn phòng Sở", K.UNIT), ("", "Phòng Đăng ký kinh doanh", K.UNIT)),
    ),
    Spec(
        "dept_justice",
        "Sở Tư pháp",
        K.DEPARTMENT,
        4,
        "STP",
        (
            ("dept_justice_office", "Văn phòng Sở", K.UNIT),
            ("dept_justice_admin", "Phòng Hành chính tư pháp", K.UNIT),
            ("dept_justice_support", "Phòng Bổ trợ tư pháp", K.UNIT),
        ),
    ),
    Spec(
        "dept_construction",
        "Sở Xây dựng",
        K.DEPARTMENT,
        5,
        "SXD",
        (
            ("", "Văn phòng Sở", K.UNIT),
            ("dept_construction_mgmt", "Phòng Quản lý xây dựng", K.UNIT),
            ("", "Phòng Quy hoạch - Kiến trúc", K.UNIT),
            ("", "Phòng Quản lý nhà và Thị trường bất động sản", K.UNIT),
        ),
    ),
    Spec("dept_industry_trade", "Sở Công Thương", K.DEPARTMENT, 6, "SCT"),
    Spec(
        "dept_agriculture_environment",
        "Sở Nông nghiệp và Môi trường",
        K.DEPARTMENT,
        7,
        "SNNMT",
        (
            ("", "Văn phòng Sở", K.UNIT),
            ("", "Phòng Quản lý đất đai", K.UNIT),
            ("", "Văn phòng Đăng ký đất đai", K.UNIT),
        ),
    ),
    Spec("dept_education", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, 8, "SGDĐT"),
    Spec("dept_health", "Sở Y tế", K.DEPARTMENT, 9, "SYT"),
    Spec(
        "dept_science",
        "Sở Khoa học và Công nghệ",
        K.DEPARTMENT,
        10,
        "SKHCN",
        (
            ("", "Văn phòng Sở", K.UNIT),
            ("", "Phòng Quản lý khoa học", K.UNIT),
            ("digital_centre", "Trung tâm Chuyển đổi số", K.UNIT),
        ),
    ),
    Spec("dept_culture_sports", "Sở Văn hóa và Thể thao", K.DEPARTMENT, 11, "SVHTT"),
    Spec("dept_tourism", "Sở Du lịch", K.DEPARTMENT, 12, "SDL"),
    Spec("dept_ethnic_religion", "Sở Dân tộc và Tôn giáo", K.DEPARTMENT, 13, "SDTTG"),
    Spec("inspectorate", "Thanh tra tỉnh", K.DEPARTMENT, 14, "TTT"),
    Spec(
        "industrial_zones",
        "Ban Quản lý các khu công nghiệp tỉnh Ninh Bình",
        K.DEPARTMENT,
        15,
        "BQL KCN",
    ),
    Spec(
        "trang_an",
        "Ban Quản lý Quần thể danh thắng Tràng An",
        K.DEPARTMENT,
        16,
        "BQL Tràng An",
    ),
)

# (key, ward code in vietnam_provinces, level-2 code number)
COMMUNES: tuple[tuple[str, int, int], ...] = (
    ("commune", 14329, 41),  # Phường Hoa Lư
    ("ward_nam_hoa_lu", 14359, 42),
    ("ward_tay_hoa_lu", 14533, 43),
    ("ward_dong_hoa_lu", 14566, 44),
    ("ward_tam_diep", 14362, 45),
    ("ward_phu_ly", 13291, 46),
    ("ward_nam_dinh", 13666, 47),
    ("commune2", 14464, 48),  # Xã Gia Viễn
    ("commune_dai_hoang", 14500, 49),
    ("commune_gia_hung", 14482, 50),
    ("commune_kim_son", 14638, 51),
    ("commune_phat_diem", 14620, 52),
)

# Districts abolished on 1 July 2025 and the communes/wards that succeeded them.
FORMER_DISTRICTS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    (
        "district_gia_vien",
        "UBND huyện Gia Viễn",
        81,
        ("commune2", "commune_dai_hoang", "commune_gia_hung"),
    ),
    ("district_kim_son", "UBND huyện Kim Sơn", 82, ("commune_kim_son", "commune_phat_diem")),
    ("district_tam_diep", "UBND thành phố Tam Điệp", 83, ("ward_tam_diep",)),
)


def _upsert(
    orgs: dict[str, Organisation],
    key: str,
    *,
    agency_code: str,
    name: str,
    kind: str,
    parent: Organisation | None,
    **fields: Any,
) -> Organisation:
    desired: dict[str, Any] = {"name": name, "kind": kind, **fields}
    org = Organisation.objects.filter(agency_code=agency_code).first()
    if org is None:
        org = organisation_create(actor=None, agency_code=agency_code, parent=parent, **desired)
    else:
        changes = {k: v for k, v in desired.items() if getattr(org, k) != v}
        if org.parent_id != (parent.pk if parent else None):
            changes["parent"] = parent
        if changes:
            org = organisation_update(actor=None, org=org, data=changes)
    orgs[key] = org
    return org


def _link(org: Organisation, predecessors: list[Organisation]) -> None:
    current = set(org.predecessors.values_list("pk", flat=True))
    wanted = {p.pk for p in predecessors}
    if not wanted <= current:
        all_preds = list(Organisation.objects.filter(pk__in=current | wanted))
        organisation_set_predecessors(actor=None, org=org, predecessors=all_preds)


def _commune_units(division: VietNamDivisionType, place: str) -> tuple[tuple[str, str, str], ...]:
    economy = (
        "Phòng Kinh tế, Hạ tầng và Đô thị"
        if division == VietNamDivisionType.PHUONG
        else "Phòng Kinh tế"
    )
    return (
        ("office", "Văn phòng HĐND và UBND", K.UNIT),
        ("economy", economy, K.UNIT),
        ("culture", "Phòng Văn hóa - Xã hội", K.UNIT),
        ("desk", f"Trung tâm Phục vụ hành chính công {place}", K.ONE_STOP_DESK),
    )


@transaction.atomic
def load_demo_organisations() -> dict[str, Organisation]:
    """Create or update the demo tree; returns organisations by key (see the keys below).

    Guaranteed keys: province, office, service_centre, dept_justice, dept_justice_admin,
    dept_justice_office, dept_construction, dept_science, commune (UBND phường Hoa Lư),
    commune_desk, commune_culture, commune2 (UBND xã Gia Viễn); also ha_nam, nam_dinh,
    digital_centre, every department key in DEPARTMENTS, every commune key in COMMUNES with
    ``<key>_office``/``_economy``/``_culture``/``_desk`` units, and district_* keys.
    """
    orgs: dict[str, Organisation] = {}
    province = Province.from_code(ProvinceCode(PROVINCE_CODE))
    root = _upsert(
        orgs,
        "province",
        agency_code=code(0),
        name=f"UBND tỉnh {province.name}",
        kind=K.PROVINCIAL_COMMITTEE,
        parent=None,
        short_name="UBND tỉnh",
        administrative_code=f"{PROVINCE_CODE:02d}",
    )

    for spec in DEPARTMENTS:
        dept = _upsert(
            orgs,
            spec.key,
            agency_code=code(spec.level2),
            name=spec.name,
            kind=spec.kind,
            parent=root,
            short_name=spec.short_name,
        )
        for index, (unit_key, unit_name, unit_kind) in enumerate(spec.units, start=1):
            _upsert(
                orgs,
                unit_key or f"{spec.key}_unit{index}",
                agency_code=code(spec.level2, index),
                name=unit_name,
                kind=unit_kind,
                parent=dept,
            )

    _upsert(
        orgs,
        "service_centre",
        agency_code=code(20),
        name=f"Trung tâm Phục vụ hành chính công tỉnh {province.name}",
        kind=K.SERVICE_CENTRE,
        parent=root,
        short_name="TTPVHCC tỉnh",
    )

    for key, ward_code, level2 in COMMUNES:
        ward = Ward.from_code(WardCode(ward_code))
        division = ward.division_type
        place = " ".join(ward.name.split())  # "Phường Hoa Lư"
        place = place[0].lower() + place[1:]  # "phường Hoa Lư"
        committee = _upsert(
            orgs,
            key,
            agency_code=code(level2),
            name=f"UBND {place}",
            kind=K.COMMUNE_COMMITTEE,
            parent=root,
            administrative_code=f"{ward_code:05d}",
            valid_from=MERGER_DAY,
        )
        for index, (suffix, unit_name, unit_kind) in enumerate(
            _commune_units(division, place), start=1
        ):
            _upsert(
                orgs,
                f"{key}_{suffix}",
                agency_code=code(level2, index),
                name=unit_name,
                kind=unit_kind,
                parent=committee,
                valid_from=MERGER_DAY,
            )

    # History: the provinces merged into Ninh Bình, and abolished districts.
    former = []
    for key, name, province_code, level1 in (
        ("ha_nam", "UBND tỉnh Hà Nam", 35, "H23"),  # level-1 code (unconfirmed)
        ("nam_dinh", "UBND tỉnh Nam Định", 36, "H40"),  # level-1 code (unconfirmed)
    ):
        former.append(
            _upsert(
                orgs,
                key,
                agency_code=code(0, level1=level1),
                name=name,
                kind=K.PROVINCIAL_COMMITTEE,
                parent=None,
                short_name="UBND tỉnh",
                administrative_code=f"{province_code:02d}",
                valid_to=LAST_DAY_BEFORE_MERGER,
            )
        )
    _link(root, former)

    for key, name, level2, successor_keys in FORMER_DISTRICTS:
        district = _upsert(
            orgs,
            key,
            agency_code=code(level2),
            name=name,
            kind=K.OTHER,
            parent=root,
            valid_to=LAST_DAY_BEFORE_MERGER,
        )
        for successor_key in successor_keys:
            _link(orgs[successor_key], [district])

    return orgs
