"""Demo procedure catalogue: real procedures of the province and commune levels.

``load_demo_catalog()`` upserts by procedure code and publishes; running it again changes
nothing (a procedure whose content is unchanged is left alone). It uses the demo organisation
tree (``chinhquyen.orgs.demo.load_demo_organisations``) or the dict of organisations passed in.

Sources and confidence. Codes, names, times and fees were checked where a public source
could be found (national procedure codes as listed by provinces' one-stop portals; the
certification fees of Thông tư 226/2016/TT-BTC; the same-day rule with the 15:00 cut-off of
Nghị định 23/2015/NĐ-CP). Everything marked **(unconfirmed)** below could not be checked here
and must be verified against the province's own published decision (quyết định công bố TTHC)
before production: administrators correct it as data (admin, Excel import), not code. Fees
set by the provincial People's Council (HĐND) differ between provinces; the amounts given for
them are common values, marked (unconfirmed).

Modelling choice: a procedure whose result is due "ngay trong ngày" (same working day, or the
next one when received after 15:00) is stored as 4 working hours with the rule in the note, so
that a dossier received in the morning is due the same afternoon and one received after 15:00
falls on the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .demo_forms import SCHEMAS
from .demo_templates import attach_demo_templates
from .excel import upsert_procedure
from .models import (
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ProcedureVersion,
    ResultType,
    TimeUnit,
)
from .selectors import procedure_version_current
from .services import field_upsert

# The two-level local government (and ND 118/2025) took effect on this day.
FIRST_VALID_FROM = dt.date(2025, 7, 1)
SAME_DAY_HOURS = "4"
SAME_DAY_NOTE = (
    "Ngay trong ngày tiếp nhận hồ sơ; trường hợp tiếp nhận sau 15 giờ thì trả kết quả "
    "trong ngày làm việc tiếp theo."
)

FIELDS: dict[str, str] = {
    # Field codes are the demo's own short codes (the national field list is not loaded).
    "HT": "Hộ tịch",
    "CT": "Chứng thực",
    "LLTP": "Lý lịch tư pháp",
    "XD": "Hoạt động xây dựng",
    "DKDN": "Thành lập và hoạt động doanh nghiệp",
    "HKD": "Thành lập và hoạt động của hộ kinh doanh",
    "DD": "Đất đai",
    "GD": "Giáo dục và Đào tạo",
    "ATTP": "An toàn thực phẩm",
    "VL": "Việc làm",
    "BTXH": "Bảo trợ xã hội",
    "VH": "Văn hóa cơ sở",
    "DB": "Đường bộ",
}

K = OrganisationKind
FULL, PARTIAL, NONE = OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE
DAYS, HOURS = TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS
FEE, CHARGE = FeeKind.FEE, FeeKind.CHARGE


def fee(kind: str, case: str, amount: int, note: str = "") -> dict[str, Any]:
    return {"kind": kind, "case_description": case, "amount": amount, "note": note}


def paper(
    name: str,
    original: int = 0,
    certified: int = 0,
    photocopy: int = 0,
    *,
    required: bool = True,
    note: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "original_count": original,
        "certified_copy_count": certified,
        "photocopy_count": photocopy,
        "required": required,
        "note": note,
    }


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    field: str
    level: str
    online: int
    time: str
    time_unit: str = DAYS
    time_note: str = ""
    # Competence: org keys of the demo tree, or every commune People's Committee.
    competent: tuple[str, ...] = ()
    all_communes: bool = False
    competent_description: str = ""
    result_type: str = ResultType.OTHER
    result_name: str = ""
    applicants: str = "Công dân Việt Nam"
    legal_basis: str = ""
    conditions: str = ""
    fees: tuple[dict[str, Any], ...] = ()
    papers: tuple[dict[str, Any], ...] = ()
    # Process template: "commune" (units found by kind in the competent commune) or
    # "province" (explicit demo units: dept / unit), optional liên thông step.
    process: str = "commune"
    dept: str = ""
    unit: str = ""
    external_key: str = ""
    external_name: str = ""
    external_step: str = ""
    form: str = "generic"


CIVIL_STATUS_LAW = (
    "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP; Thông tư số 04/2020/TT-BTP; "
    "Thông tư số 85/2019/TT-BTC (lệ phí hộ tịch do HĐND tỉnh quyết định)"
)
CERTIFICATION_LAW = (
    "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực; "
    "Thông tư số 226/2016/TT-BTC (phí chứng thực)"
)
CONSTRUCTION_LAW = (
    "Luật Xây dựng số 50/2014/QH13 (sửa đổi bởi Luật số 62/2020/QH14); "
    "Nghị định số 175/2024/NĐ-CP; Nghị quyết của HĐND tỉnh về lệ phí cấp giấy phép xây dựng"
)
HOUSEHOLD_BUSINESS_LAW = (
    "Luật Doanh nghiệp số 59/2020/QH14; Nghị định số 168/2025/NĐ-CP về đăng ký doanh nghiệp "
    "(unconfirmed: số hiệu); Nghị quyết của HĐND tỉnh về lệ phí đăng ký hộ kinh doanh"
)
LAND_LAW = "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP; Nghị định số 151/2025/NĐ-CP"
COMMUNE = "UBND cấp xã nơi người yêu cầu cư trú hoặc nơi có yêu cầu giải quyết"

ID_PAPER = paper(
    "Giấy tờ tùy thân có ảnh của người yêu cầu (xuất trình khi nộp trực tiếp; không cần khi "
    "đã xác thực qua tài khoản định danh điện tử)",
    required=False,
)
PROXY_PAPER = paper("Văn bản ủy quyền (trường hợp ủy quyền nộp hồ sơ)", 1, required=False)

PROCEDURES: tuple[Spec, ...] = (
    # ---------------------------------------------------------------- Hộ tịch (commune)
    Spec(
        code="1.001193",
        name="Đăng ký khai sinh",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        time_note=SAME_DAY_NOTE,
        all_communes=True,
        competent_description="UBND cấp xã nơi cư trú của người cha hoặc người mẹ",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy khai sinh (bản chính)",
        legal_basis=CIVIL_STATUS_LAW,
        fees=(fee(FEE, "Đăng ký khai sinh đúng hạn", 0, "Miễn lệ phí (Điều 11 Luật Hộ tịch)"),),
        papers=(
            paper("Tờ khai đăng ký khai sinh (theo mẫu)", 1),
            paper("Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh", 1),
            ID_PAPER,
            PROXY_PAPER,
        ),
        form="birth",
    ),
    Spec(
        code="1.000894",
        name="Đăng ký kết hôn",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        time_note=SAME_DAY_NOTE + " Trường hợp cần xác minh: không quá 05 ngày làm việc.",
        all_communes=True,
        competent_description="UBND cấp xã nơi cư trú của bên nam hoặc bên nữ",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận kết hôn",
        legal_basis=CIVIL_STATUS_LAW,
        conditions="Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi; tự nguyện; không thuộc trường hợp cấm "
        "kết hôn (Luật Hôn nhân và gia đình 2014). Hai bên có mặt khi đăng ký.",
        fees=(fee(FEE, "Công dân Việt Nam cư trú ở trong nước", 0, "Miễn lệ phí"),),
        papers=(
            paper("Tờ khai đăng ký kết hôn (theo mẫu)", 1),
            paper(
                "Giấy xác nhận tình trạng hôn nhân (khi đăng ký tại nơi không phải nơi thường trú)",
                1,
                required=False,
            ),
            ID_PAPER,
        ),
        form="marriage",
    ),
    Spec(
        code="1.000656",
        name="Đăng ký khai tử",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        # (unconfirmed) verification extension of 03 working days
        time_note=SAME_DAY_NOTE + " Trường hợp cần xác minh: không quá 03 ngày làm việc.",
        all_communes=True,
        competent_description="UBND cấp xã nơi cư trú cuối cùng của người chết",
        result_type=ResultType.EXTRACT,
        result_name="Trích lục khai tử (bản chính)",
        legal_basis=CIVIL_STATUS_LAW,
        fees=(fee(FEE, "Đăng ký khai tử đúng hạn", 0, "Miễn lệ phí (Điều 11 Luật Hộ tịch)"),),
        papers=(
            paper("Tờ khai đăng ký khai tử (theo mẫu)", 1),
            paper("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", 1),
            ID_PAPER,
        ),
    ),
    Spec(
        code="1.004859",
        name="Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="3",
        time_note="Trường hợp cần xác minh: kéo dài thêm không quá 03 ngày làm việc.",
        all_communes=True,
        competent_description="UBND cấp xã nơi đã đăng ký hộ tịch trước đây hoặc nơi cư trú",
        result_type=ResultType.EXTRACT,
        result_name="Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch",
        legal_basis=CIVIL_STATUS_LAW,
        # (unconfirmed) amount set by the provincial People's Council
        fees=(fee(FEE, "Mỗi việc thay đổi, cải chính, bổ sung", 15000, "Theo Nghị quyết HĐND"),),
        papers=(
            paper("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 1),
            paper("Giấy tờ làm căn cứ cho việc thay đổi, cải chính, bổ sung", 0, 1),
            ID_PAPER,
        ),
    ),
    Spec(
        code="1.004873",
        name="Cấp Giấy xác nhận tình trạng hôn nhân",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=FULL,  # (unconfirmed) offered fully online in most provinces
        time="3",
        all_communes=True,
        competent_description="UBND cấp xã nơi thường trú của người yêu cầu",
        result_type=ResultType.CONFIRMATION,
        result_name="Giấy xác nhận tình trạng hôn nhân",
        legal_basis=CIVIL_STATUS_LAW,
        # (unconfirmed) amount set by the provincial People's Council
        fees=(fee(FEE, "Cấp Giấy xác nhận tình trạng hôn nhân", 15000, "Theo Nghị quyết HĐND"),),
        papers=(
            paper("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)", 1),
            ID_PAPER,
        ),
    ),
    Spec(
        code="2.000635",
        name="Cấp bản sao Trích lục hộ tịch",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        time_note=SAME_DAY_NOTE,
        all_communes=True,
        competent_description="Cơ quan đang quản lý Cơ sở dữ liệu hộ tịch",
        result_type=ResultType.EXTRACT,
        result_name="Bản sao trích lục hộ tịch",
        legal_basis=CIVIL_STATUS_LAW + "; Thông tư số 281/2016/TT-BTC",
        fees=(fee(CHARGE, "Mỗi bản sao trích lục", 8000, "(unconfirmed)"),),
        papers=(paper("Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)", 1), ID_PAPER),
    ),
    Spec(
        code="1.004884",
        name="Đăng ký lại khai sinh",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="5",  # (unconfirmed)
        all_communes=True,
        competent_description="UBND cấp xã nơi đã đăng ký khai sinh trước đây hoặc nơi cư trú",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy khai sinh (đăng ký lại)",
        legal_basis=CIVIL_STATUS_LAW,
        fees=(fee(FEE, "Đăng ký lại khai sinh", 0, "(unconfirmed) theo Nghị quyết HĐND"),),
        papers=(
            paper("Tờ khai đăng ký lại khai sinh (theo mẫu)", 1),
            paper("Bản sao Giấy khai sinh hoặc giấy tờ có thông tin khai sinh", 0, 1),
            ID_PAPER,
        ),
        form="birth",
    ),
    Spec(
        code="1.000689",
        name="Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        field="HT",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="3",  # (unconfirmed)
        all_communes=True,
        competent_description="UBND cấp xã nơi cư trú của người nhận hoặc người được nhận",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy khai sinh và Trích lục đăng ký nhận cha, mẹ, con",
        legal_basis=CIVIL_STATUS_LAW,
        fees=(
            fee(FEE, "Khai sinh", 0, "Miễn lệ phí"),
            # (unconfirmed) amount set by the provincial People's Council
            fee(FEE, "Nhận cha, mẹ, con", 15000, "Theo Nghị quyết HĐND"),
        ),
        papers=(
            paper("Tờ khai đăng ký khai sinh và tờ khai đăng ký nhận cha, mẹ, con", 1),
            paper("Giấy chứng sinh", 1),
            paper("Chứng cứ chứng minh quan hệ cha, mẹ, con", 1),
            ID_PAPER,
        ),
    ),
    # ---------------------------------------------------------------- Chứng thực (commune)
    Spec(
        code="2.000815",
        name="Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm "
        "quyền của Việt Nam cấp hoặc chứng nhận",
        field="CT",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        time_note=SAME_DAY_NOTE
        + " Nhiều bản chính, nhiều trang hoặc nhiều bản sao: kéo dài thêm không quá 02 ngày "
        "làm việc.",
        all_communes=True,
        competent_description="UBND cấp xã; tổ chức hành nghề công chứng",
        result_type=ResultType.CONFIRMATION,
        result_name="Bản sao được chứng thực từ bản chính",
        applicants="Tổ chức, cá nhân",
        legal_basis=CERTIFICATION_LAW,
        fees=(
            fee(CHARGE, "Trang thứ nhất và trang thứ hai", 2000, "đồng/trang"),
            fee(
                CHARGE,
                "Từ trang thứ ba trở lên",
                1000,
                "đồng/trang; tối đa 200.000 đồng/bản (tính theo trang của bản chính)",
            ),
        ),
        papers=(
            paper("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", 1),
            paper("Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)", 0, 0, 1),
        ),
    ),
    Spec(
        code="2.000884",
        name="Chứng thực chữ ký trong các giấy tờ, văn bản",
        field="CT",
        level=ProcedureLevel.COMMUNE,
        online=NONE,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        time_note=SAME_DAY_NOTE,
        all_communes=True,
        competent_description="UBND cấp xã; tổ chức hành nghề công chứng",
        result_type=ResultType.CONFIRMATION,
        result_name="Giấy tờ, văn bản đã được chứng thực chữ ký",
        legal_basis=CERTIFICATION_LAW,
        conditions="Người yêu cầu phải ký trước mặt người thực hiện chứng thực.",
        fees=(
            fee(
                CHARGE,
                "Mỗi trường hợp",
                10000,
                "Một hoặc nhiều chữ ký trong cùng một giấy tờ, văn bản",
            ),
        ),
        papers=(
            paper("Giấy tờ, văn bản cần chứng thực chữ ký", 1),
            ID_PAPER,
        ),
        form="generic",
    ),
    Spec(
        code="2.000908",
        name="Cấp bản sao từ sổ gốc",
        field="CT",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time=SAME_DAY_HOURS,
        time_unit=HOURS,
        time_note=SAME_DAY_NOTE,
        all_communes=True,
        competent_description="Cơ quan, tổ chức đang quản lý sổ gốc",
        result_type=ResultType.EXTRACT,
        result_name="Bản sao được cấp từ sổ gốc",
        applicants="Tổ chức, cá nhân",
        legal_basis=CERTIFICATION_LAW,
        papers=(paper("Văn bản yêu cầu cấp bản sao từ sổ gốc", 1), ID_PAPER),
    ),
    # ---------------------------------------------------------------- Lý lịch tư pháp
    Spec(
        # (unconfirmed) code of the Sở Tư pháp procedure. Sources indicate that since 2025
        # criminal record certificates are issued by the provincial police under code
        # 3.000333 (unconfirmed); the demo keeps the Department of Justice as competent.
        code="2.000488",
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
        "tại Việt Nam",
        field="LLTP",
        level=ProcedureLevel.PROVINCE,
        online=FULL,
        time="10",
        time_note="Trường hợp phải xác minh: không quá 15 ngày.",
        competent=("dept_justice",),
        competent_description="Sở Tư pháp",
        result_type=ResultType.CERTIFICATE,
        result_name="Phiếu lý lịch tư pháp số 1 hoặc số 2",
        applicants="Công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        legal_basis="Luật Lý lịch tư pháp số 28/2009/QH12; Nghị định số 111/2010/NĐ-CP; "
        "Thông tư số 06/2024/TT-BTP; Thông tư số 244/2016/TT-BTC",
        fees=(
            fee(FEE, "Mỗi lần yêu cầu", 200000, "đồng/lần/người"),
            # (unconfirmed) reduced rate for students and people with merit
            fee(FEE, "Sinh viên, người có công với cách mạng, thân nhân liệt sĩ", 100000),
            # (unconfirmed) extra copies beyond the second
            fee(FEE, "Từ phiếu thứ 3 trở lên", 5000, "đồng/phiếu"),
        ),
        papers=(
            paper("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2024/LLTP)", 1),
            paper("Bản chụp giấy tờ tùy thân của người được cấp Phiếu", 0, 0, 1),
            paper(
                "Bản chụp sổ hộ khẩu hoặc giấy tờ chứng minh nơi cư trú", 0, 0, 1, required=False
            ),
            PROXY_PAPER,
        ),
        process="province",
        dept="dept_justice",
        unit="dept_justice_admin",
        external_name="Công an tỉnh (tra cứu thông tin án tích)",
        external_step="Liên thông tra cứu, xác minh thông tin lý lịch tư pháp",
        form="criminal_record",
    ),
    # ---------------------------------------------------------------- Xây dựng
    Spec(
        code="1.013225",
        name="Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        field="XD",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="15",
        # (unconfirmed) 20 working days for grade III/IV works other than houses
        time_note="15 ngày làm việc đối với nhà ở riêng lẻ; 20 ngày làm việc đối với công "
        "trình cấp III, cấp IV.",
        all_communes=True,
        competent_description="UBND cấp xã nơi có công trình (từ 01/7/2025)",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép xây dựng",
        applicants="Chủ đầu tư (tổ chức, cá nhân)",
        legal_basis=CONSTRUCTION_LAW,
        fees=(
            # (unconfirmed) amounts set by the provincial People's Council
            fee(FEE, "Nhà ở riêng lẻ", 75000, "đồng/giấy phép"),
            fee(FEE, "Công trình khác", 150000, "đồng/giấy phép"),
        ),
        papers=(
            paper("Đơn đề nghị cấp giấy phép xây dựng (theo mẫu)", 1),
            paper("Giấy tờ chứng minh quyền sử dụng đất", 0, 1),
            paper("Bản vẽ thiết kế xây dựng (02 bộ)", 2),
            paper(
                "Bản cam kết bảo đảm an toàn đối với công trình liền kề (nếu có)",
                1,
                required=False,
            ),
        ),
        form="construction",
    ),
    Spec(
        code="1.013227",
        name="Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        field="XD",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="5",  # (unconfirmed)
        all_communes=True,
        competent_description="UBND cấp xã đã cấp giấy phép xây dựng",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép xây dựng được gia hạn",
        applicants="Chủ đầu tư (tổ chức, cá nhân)",
        legal_basis=CONSTRUCTION_LAW,
        fees=(fee(FEE, "Mỗi lần gia hạn", 15000, "(unconfirmed)"),),
        papers=(
            paper("Đơn đề nghị gia hạn giấy phép xây dựng", 1),
            paper("Bản chính giấy phép xây dựng đã được cấp", 1),
        ),
        form="construction",
    ),
    Spec(
        code="1.013228",
        name="Cấp lại giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        field="XD",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="5",  # (unconfirmed)
        all_communes=True,
        competent_description="UBND cấp xã đã cấp giấy phép xây dựng",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép xây dựng được cấp lại",
        applicants="Chủ đầu tư (tổ chức, cá nhân)",
        legal_basis=CONSTRUCTION_LAW,
        fees=(fee(FEE, "Mỗi lần cấp lại", 15000, "(unconfirmed)"),),
        papers=(
            paper("Đơn đề nghị cấp lại giấy phép xây dựng, nêu rõ lý do", 1),
            paper("Bản chính giấy phép xây dựng bị rách, nát (nếu có)", 1, required=False),
        ),
        form="construction",
    ),
    Spec(
        code="1.009972",  # (unconfirmed) national code of the Sở Xây dựng permit
        name="Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
        field="XD",
        level=ProcedureLevel.PROVINCE,
        online=PARTIAL,
        time="20",
        competent=("dept_construction",),
        competent_description="Sở Xây dựng",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép xây dựng",
        applicants="Chủ đầu tư (tổ chức, cá nhân)",
        legal_basis=CONSTRUCTION_LAW,
        # (unconfirmed) amount set by the provincial People's Council
        fees=(fee(FEE, "Công trình", 150000, "đồng/giấy phép"),),
        papers=(
            paper("Đơn đề nghị cấp giấy phép xây dựng (theo mẫu)", 1),
            paper("Giấy tờ chứng minh quyền sử dụng đất", 0, 1),
            paper("Quyết định phê duyệt dự án, văn bản thông báo kết quả thẩm định", 0, 1),
            paper("Bản vẽ thiết kế xây dựng (02 bộ)", 2),
        ),
        process="province",
        dept="dept_construction",
        unit="dept_construction_mgmt",
        form="construction",
    ),
    # ---------------------------------------------------------------- Doanh nghiệp
    Spec(
        code="2.001610",
        name="Đăng ký thành lập doanh nghiệp tư nhân",
        field="DKDN",
        level=ProcedureLevel.PROVINCE,
        online=FULL,
        time="3",
        competent=("dept_finance",),
        competent_description="Phòng Đăng ký kinh doanh - Sở Tài chính (từ năm 2025)",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận đăng ký doanh nghiệp",
        applicants="Cá nhân",
        legal_basis="Luật Doanh nghiệp số 59/2020/QH14; Nghị định số 168/2025/NĐ-CP "
        "(unconfirmed: số hiệu); Thông tư số 47/2019/TT-BTC",
        fees=(
            fee(FEE, "Nộp hồ sơ trực tiếp", 50000, "Miễn khi đăng ký qua mạng điện tử"),
            # (unconfirmed) publication charge
            fee(CHARGE, "Công bố nội dung đăng ký doanh nghiệp", 100000),
        ),
        papers=(
            paper("Giấy đề nghị đăng ký doanh nghiệp (theo mẫu)", 1),
            paper("Bản sao giấy tờ pháp lý của chủ doanh nghiệp tư nhân", 0, 1),
        ),
        process="province",
        dept="dept_finance",
        unit="dept_finance_unit2",
        form="enterprise",
    ),
    # ---------------------------------------------------------------- Hộ kinh doanh (commune)
    Spec(
        code="1.001612",  # (unconfirmed) code after the 2025 re-publication
        name="Đăng ký thành lập hộ kinh doanh",
        field="HKD",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time="3",
        all_communes=True,
        competent_description="UBND cấp xã nơi đặt trụ sở hộ kinh doanh",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận đăng ký hộ kinh doanh",
        legal_basis=HOUSEHOLD_BUSINESS_LAW,
        # (unconfirmed) amount set by the provincial People's Council
        fees=(fee(FEE, "Đăng ký thành lập", 100000, "Theo Nghị quyết HĐND"),),
        papers=(
            paper("Giấy đề nghị đăng ký hộ kinh doanh (theo mẫu)", 1),
            paper(
                "Biên bản họp thành viên hộ gia đình (trường hợp các thành viên hộ gia đình "
                "đăng ký hộ kinh doanh)",
                1,
                required=False,
            ),
            paper("Văn bản ủy quyền của thành viên hộ gia đình (nếu có)", 1, required=False),
        ),
        form="household_business",
    ),
    Spec(
        code="2.000720",
        name="Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        field="HKD",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time="3",
        all_communes=True,
        competent_description="UBND cấp xã nơi đặt trụ sở hộ kinh doanh",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận đăng ký hộ kinh doanh (thay đổi)",
        legal_basis=HOUSEHOLD_BUSINESS_LAW,
        fees=(fee(FEE, "Đăng ký thay đổi", 50000, "(unconfirmed) theo Nghị quyết HĐND"),),
        papers=(
            paper("Thông báo thay đổi nội dung đăng ký hộ kinh doanh (theo mẫu)", 1),
            paper("Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh", 1, required=False),
        ),
        form="household_business",
    ),
    Spec(
        code="1.001570",
        name="Tạm ngừng hoạt động hộ kinh doanh",
        field="HKD",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time="3",  # (unconfirmed)
        all_communes=True,
        competent_description="UBND cấp xã nơi đặt trụ sở hộ kinh doanh",
        result_type=ResultType.CONFIRMATION,
        result_name="Giấy xác nhận về việc hộ kinh doanh đăng ký tạm ngừng kinh doanh",
        legal_basis=HOUSEHOLD_BUSINESS_LAW,
        fees=(fee(FEE, "Tạm ngừng hoạt động", 0, "Không thu lệ phí (unconfirmed)"),),
        papers=(paper("Thông báo về việc tạm ngừng kinh doanh (theo mẫu)", 1),),
    ),
    Spec(
        code="1.001266",
        name="Chấm dứt hoạt động hộ kinh doanh",
        field="HKD",
        level=ProcedureLevel.COMMUNE,
        online=FULL,
        time="3",  # (unconfirmed)
        all_communes=True,
        competent_description="UBND cấp xã nơi đặt trụ sở hộ kinh doanh",
        result_type=ResultType.CONFIRMATION,
        result_name="Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
        legal_basis=HOUSEHOLD_BUSINESS_LAW,
        fees=(fee(FEE, "Chấm dứt hoạt động", 0, "Không thu lệ phí (unconfirmed)"),),
        papers=(
            paper("Thông báo về việc chấm dứt hoạt động hộ kinh doanh (theo mẫu)", 1),
            paper("Thông báo của cơ quan thuế về việc hoàn thành nghĩa vụ thuế", 0, 0, 1),
        ),
    ),
    # ---------------------------------------------------------------- Đất đai
    Spec(
        code="1.013978",
        name="Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng "
        "đất, quyền sở hữu tài sản gắn liền với đất lần đầu đối với hộ gia đình, cá nhân, cộng "
        "đồng dân cư",
        field="DD",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="20",
        time_note="Xã miền núi, hải đảo, vùng đặc biệt khó khăn: không quá 30 ngày làm việc.",
        all_communes=True,
        competent_description="UBND cấp xã nơi có đất; Văn phòng Đăng ký đất đai; cơ quan thuế",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        applicants="Hộ gia đình, cá nhân, cộng đồng dân cư",
        legal_basis=LAND_LAW,
        fees=(
            # (unconfirmed for Ninh Bình) amounts published by Đồng Nai (NQ 21/2024/NQ-HĐND);
            # every province sets its own.
            fee(CHARGE, "Thẩm định hồ sơ cấp GCN về quyền sử dụng đất", 880000),
            fee(FEE, "Cấp GCN quyền sử dụng đất tại phường", 30000, "đồng/giấy"),
            fee(FEE, "Cấp GCN quyền sử dụng đất tại xã", 15000, "đồng/giấy"),
        ),
        papers=(
            paper("Đơn đăng ký đất đai, tài sản gắn liền với đất (theo mẫu)", 1),
            paper("Giấy tờ về quyền sử dụng đất (nếu có)", 0, 1, required=False),
            paper("Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", 0, 1, required=False),
            PROXY_PAPER,
        ),
        external_key="dept_agriculture_environment_unit3",
        external_step="Văn phòng Đăng ký đất đai kiểm tra hồ sơ địa chính; gửi thông tin cho "
        "cơ quan thuế",
        form="land",
    ),
    Spec(
        code="1.013831",
        name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
        "trong các trường hợp chuyển đổi, chuyển nhượng, thừa kế, tặng cho, góp vốn",
        field="DD",
        level=ProcedureLevel.PROVINCE,
        online=PARTIAL,
        # (unconfirmed) national upper bound; Đồng Nai publishes 08 working days
        time="10",
        competent=("dept_agriculture_environment",),
        competent_description="Văn phòng Đăng ký đất đai, Chi nhánh Văn phòng Đăng ký đất đai",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận đã xác nhận thay đổi hoặc Giấy chứng nhận mới",
        applicants="Tổ chức, hộ gia đình, cá nhân",
        legal_basis=LAND_LAW,
        # (unconfirmed) amount set by the provincial People's Council
        fees=(fee(FEE, "Xác nhận thay đổi trên Giấy chứng nhận", 28000, "đồng/lần"),),
        papers=(
            paper("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)", 1),
            paper("Bản gốc Giấy chứng nhận đã cấp", 1),
            paper("Hợp đồng, văn bản về việc chuyển quyền đã công chứng, chứng thực", 1),
        ),
        process="province",
        dept="dept_agriculture_environment",
        unit="dept_agriculture_environment_unit3",
        external_name="Cơ quan thuế",
        external_step="Cơ quan thuế xác định nghĩa vụ tài chính",
        form="land",
    ),
    Spec(
        code="1.012786",
        name="Cấp lại Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
        "do bị mất",
        field="DD",
        level=ProcedureLevel.PROVINCE,
        online=PARTIAL,
        time="10",  # (unconfirmed)
        competent=("dept_agriculture_environment",),
        competent_description="Văn phòng Đăng ký đất đai",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận được cấp lại",
        applicants="Tổ chức, hộ gia đình, cá nhân",
        legal_basis=LAND_LAW,
        fees=(fee(FEE, "Cấp lại Giấy chứng nhận", 50000, "(unconfirmed) theo Nghị quyết HĐND"),),
        papers=(
            paper("Đơn đề nghị cấp lại Giấy chứng nhận (theo mẫu)", 1),
            paper("Giấy xác nhận của UBND cấp xã về việc niêm yết thông báo mất giấy", 1),
        ),
        process="province",
        dept="dept_agriculture_environment",
        unit="dept_agriculture_environment_unit3",
        form="land",
    ),
    # ---------------------------------------------------------------- Giáo dục
    Spec(
        code="2.002854",
        name="Chuyển trường và tiếp nhận học sinh",
        field="GD",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="3",  # (unconfirmed)
        all_communes=True,
        competent_description="Nhà trường nơi chuyển đến; UBND cấp xã đối với trường trung "
        "học cơ sở (unconfirmed)",
        result_type=ResultType.DECISION,
        result_name="Văn bản đồng ý tiếp nhận học sinh",
        applicants="Cha, mẹ hoặc người giám hộ học sinh",
        legal_basis="Luật Giáo dục số 43/2019/QH14; Thông tư của Bộ Giáo dục và Đào tạo về "
        "chuyển trường (unconfirmed: số hiệu)",
        papers=(
            paper("Đơn đề nghị chuyển trường (theo mẫu)", 1),
            paper("Học bạ", 1),
            paper("Giấy giới thiệu chuyển trường của nhà trường nơi đi", 1),
        ),
    ),
    # ---------------------------------------------------------------- Y tế, an toàn thực phẩm
    Spec(
        code="2.001827",
        name="Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, "
        "kinh doanh thực phẩm",
        field="ATTP",
        level=ProcedureLevel.PROVINCE,
        online=PARTIAL,
        time="20",  # (unconfirmed)
        competent=("dept_health",),
        competent_description="Sở Y tế (unconfirmed: ngành quản lý tùy nhóm sản phẩm)",
        result_type=ResultType.CERTIFICATE,
        result_name="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        applicants="Tổ chức, hộ kinh doanh",
        legal_basis="Luật An toàn thực phẩm số 55/2010/QH12; Nghị định số 15/2018/NĐ-CP; "
        "Thông tư số 67/2021/TT-BTC (unconfirmed)",
        fees=(
            # (unconfirmed) appraisal charges of TT 67/2021/TT-BTC
            fee(CHARGE, "Thẩm định cơ sở kinh doanh thực phẩm", 1000000, "đồng/lần/cơ sở"),
            fee(CHARGE, "Thẩm định cơ sở sản xuất thực phẩm", 2500000, "đồng/lần/cơ sở"),
        ),
        papers=(
            paper("Đơn đề nghị cấp Giấy chứng nhận (theo mẫu)", 1),
            paper("Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ", 1),
            paper("Giấy xác nhận đủ sức khỏe của chủ cơ sở và người trực tiếp sản xuất", 0, 1),
        ),
        process="province",
        dept="dept_health",
        external_step="Đoàn thẩm định kiểm tra thực tế tại cơ sở",
        external_name="Đoàn thẩm định liên ngành",
    ),
    # ---------------------------------------------------------------- Việc làm, lao động
    Spec(
        code="1.014199",
        name="Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        field="VL",
        level=ProcedureLevel.PROVINCE,
        online=FULL,
        time="5",  # ND 152/2020 art. 11; replaced in 2025 (unconfirmed: current time limit)
        competent=("dept_home_affairs",),
        competent_description="Sở Nội vụ (từ năm 2025 tiếp nhận chức năng lao động)",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép lao động",
        applicants="Người sử dụng lao động",
        legal_basis="Bộ luật Lao động số 45/2019/QH14; Nghị định số 152/2020/NĐ-CP (được "
        "thay thế năm 2025, unconfirmed: số hiệu văn bản mới)",
        # (unconfirmed) amount set by the provincial People's Council
        fees=(fee(FEE, "Cấp mới giấy phép lao động", 600000, "đồng/giấy phép"),),
        papers=(
            paper("Văn bản đề nghị cấp giấy phép lao động (theo mẫu)", 1),
            paper("Giấy chứng nhận sức khỏe", 1),
            paper("Phiếu lý lịch tư pháp hoặc văn bản xác nhận không phải là người phạm tội", 1),
            paper("Văn bản chứng minh là nhà quản lý, chuyên gia hoặc lao động kỹ thuật", 0, 1),
            paper("02 ảnh màu (4 cm x 6 cm)", 2),
            paper("Bản sao hộ chiếu còn giá trị", 0, 1),
        ),
        process="province",
        dept="dept_home_affairs",
        form="generic",
    ),
    Spec(
        code="1.014748",  # (unconfirmed) code after the 2025 re-publication
        name="Giải quyết hưởng trợ cấp thất nghiệp",
        field="VL",
        level=ProcedureLevel.PROVINCE,
        online=FULL,
        time="20",
        competent=("dept_home_affairs",),
        competent_description="Trung tâm Dịch vụ việc làm thuộc Sở Nội vụ",
        result_type=ResultType.DECISION,
        result_name="Quyết định hưởng trợ cấp thất nghiệp",
        applicants="Người lao động",
        legal_basis="Luật Việc làm (unconfirmed: văn bản hiện hành); Nghị định số "
        "28/2015/NĐ-CP (unconfirmed)",
        papers=(
            paper("Đề nghị hưởng trợ cấp thất nghiệp (theo mẫu)", 1),
            paper("Hợp đồng lao động đã chấm dứt hoặc quyết định thôi việc", 0, 1),
            paper("Sổ bảo hiểm xã hội", 1, required=False),
        ),
        process="province",
        dept="dept_home_affairs",
        external_name="Bảo hiểm xã hội tỉnh",
        external_step="Bảo hiểm xã hội tỉnh xác nhận thời gian đóng bảo hiểm thất nghiệp",
    ),
    # ---------------------------------------------------------------- Bảo trợ xã hội (commune)
    Spec(
        code="1.001699",
        name="Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        field="BTXH",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="30",  # (unconfirmed)
        all_communes=True,
        competent_description="Hội đồng xác định mức độ khuyết tật cấp xã; Chủ tịch UBND cấp xã",
        result_type=ResultType.CONFIRMATION,
        result_name="Giấy xác nhận khuyết tật",
        applicants="Người khuyết tật hoặc người đại diện hợp pháp",
        legal_basis="Luật Người khuyết tật số 51/2010/QH12; Thông tư số 01/2019/TT-BLĐTBXH "
        "(unconfirmed)",
        fees=(fee(FEE, "Xác định mức độ khuyết tật", 0, "Không thu phí, lệ phí"),),
        papers=(
            paper("Đơn đề nghị xác định mức độ khuyết tật (theo mẫu)", 1),
            paper("Giấy tờ liên quan đến tình trạng khuyết tật (nếu có)", 0, 0, 1, required=False),
        ),
    ),
    # ---------------------------------------------------------------- Văn hóa (commune)
    Spec(
        code="1.001029",
        name="Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        field="VH",
        level=ProcedureLevel.COMMUNE,
        online=PARTIAL,
        time="5",
        all_communes=True,
        competent_description="UBND cấp xã nơi đặt cơ sở kinh doanh (từ 01/7/2025, unconfirmed)",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        applicants="Doanh nghiệp, hộ kinh doanh",
        legal_basis="Nghị định số 54/2019/NĐ-CP; Thông tư số 01/2021/TT-BTC (unconfirmed)",
        fees=(
            # (unconfirmed) appraisal charges of TT 01/2021/TT-BTC
            fee(CHARGE, "Đến 03 phòng, tại thành phố, thị xã trực thuộc (cũ)", 4000000),
            fee(CHARGE, "Đến 03 phòng, tại khu vực khác", 2000000),
        ),
        papers=(
            paper("Đơn đề nghị cấp Giấy phép đủ điều kiện kinh doanh (theo mẫu)", 1),
            paper("Bản sao Giấy chứng nhận đăng ký doanh nghiệp hoặc hộ kinh doanh", 0, 1),
        ),
        form="household_business",
    ),
    # ---------------------------------------------------------------- Đường bộ
    Spec(
        # (unconfirmed) code; since 01/3/2025 driving licences are issued by the police, so
        # the demo has no competent organisation in its tree: the police step is liên thông.
        code="3.000347",
        name="Đổi giấy phép lái xe",
        field="DB",
        level=ProcedureLevel.VERTICAL,
        online=FULL,
        time="5",  # (unconfirmed)
        competent_description="Phòng Cảnh sát giao thông - Công an tỉnh",
        result_type=ResultType.LICENCE,
        result_name="Giấy phép lái xe",
        applicants="Người có giấy phép lái xe",
        legal_basis="Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15; Thông tư số "
        "37/2023/TT-BTC (unconfirmed)",
        fees=(fee(FEE, "Cấp đổi giấy phép lái xe", 135000, "(unconfirmed) đồng/lần"),),
        papers=(
            paper("Đơn đề nghị đổi giấy phép lái xe (theo mẫu)", 1),
            paper("Giấy khám sức khỏe của người lái xe", 1),
            paper("Bản sao giấy phép lái xe đang sử dụng", 0, 0, 1),
        ),
        process="vertical",
        external_name="Phòng Cảnh sát giao thông - Công an tỉnh",
        external_step="Công an tỉnh thẩm định và in giấy phép lái xe",
    ),
)

_SHARES: dict[str, list[tuple[str, str, str, str, float]]] = {
    # (name, unit key or "", unit kind when no key, role, share of the statutory time)
    "commune": [
        ("Tiếp nhận, kiểm tra hồ sơ", "", K.ONE_STOP_DESK, Role.DESK_OFFICER, 0.1),
        ("Thẩm định, xử lý hồ sơ", "", K.UNIT, Role.SPECIALIST, 0.55),
        ("Lãnh đạo UBND cấp xã xem xét, ký duyệt", "", K.COMMUNE_COMMITTEE, Role.LEADER, 0.2),
        ("Trả kết quả", "", K.ONE_STOP_DESK, Role.DESK_OFFICER, 0.1),
    ],
    "province": [
        (
            "Tiếp nhận hồ sơ, chuyển cơ quan giải quyết",
            "service_centre",
            "",
            Role.DESK_OFFICER,
            0.05,
        ),
        ("Chuyên viên thẩm định hồ sơ", "@unit", "", Role.SPECIALIST, 0.5),
        ("Lãnh đạo phòng xem xét", "@unit", "", Role.UNIT_HEAD, 0.15),
        ("Lãnh đạo Sở ký duyệt", "@dept", "", Role.LEADER, 0.15),
        ("Trả kết quả", "service_centre", "", Role.DESK_OFFICER, 0.05),
    ],
    "vertical": [
        ("Tiếp nhận hồ sơ", "service_centre", "", Role.DESK_OFFICER, 0.1),
        ("Trả kết quả", "service_centre", "", Role.DESK_OFFICER, 0.1),
    ],
}
_EXTERNAL_SHARE = 0.3
_QUARTER = Decimal("0.25")


def _hours_of(share: float, total: Decimal) -> Decimal:
    raw = (total * Decimal(str(share)) / _QUARTER).to_integral_value(rounding=ROUND_FLOOR)
    return max(raw * _QUARTER, _QUARTER)


def build_steps(spec: Spec, orgs: dict[str, Organisation]) -> list[dict[str, Any]]:
    """The internal process of ``spec`` with allotted hours that fit its statutory time."""
    total = Decimal(spec.time) * (8 if spec.time_unit == DAYS else 1)
    template = list(_SHARES[spec.process])
    has_external = bool(spec.external_step)
    steps: list[dict[str, Any]] = []
    for index, (name, key, kind, role, share) in enumerate(template):
        if has_external and role == Role.SPECIALIST:
            share -= _EXTERNAL_SHARE
        unit_key = {"@unit": spec.unit or spec.dept, "@dept": spec.dept}.get(key, key)
        steps.append(
            {
                "name": name,
                "responsible_unit": orgs[unit_key] if unit_key else None,
                "responsible_unit_kind": "" if unit_key else str(kind),
                "responsible_role": str(role),
                "allotted_hours": _hours_of(share, total),
                "is_external": False,
                "external_organisation": None,
                "external_organisation_name": "",
            }
        )
        if has_external and index == (0 if spec.process == "vertical" else 1):
            external = orgs[spec.external_key] if spec.external_key else None
            steps.append(
                {
                    "name": spec.external_step,
                    "responsible_unit": None,
                    "responsible_unit_kind": "",
                    "responsible_role": "",
                    "allotted_hours": _hours_of(
                        0.6 if spec.process == "vertical" else _EXTERNAL_SHARE, total
                    ),
                    "is_external": True,
                    "external_organisation": external,
                    "external_organisation_name": "" if external else spec.external_name,
                }
            )
    for order, step in enumerate(steps, start=1):
        step["order"] = order
    return steps


def version_data(spec: Spec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "competent_all_communes": spec.all_communes,
        "competent_description": spec.competent_description,
        "online_level": spec.online,
        "processing_time": Decimal(spec.time),
        "processing_time_unit": spec.time_unit,
        "processing_time_note": spec.time_note,
        "legal_basis": spec.legal_basis,
        "result_type": spec.result_type,
        "result_name": spec.result_name,
        "applicants": spec.applicants,
        "description": "",
        "conditions": spec.conditions,
        "implementing_steps": _implementing_steps(spec),
        "no_papers_required": not spec.papers,
        "form_schema": SCHEMAS[spec.form],
    }


def _implementing_steps(spec: Spec) -> str:
    where = (
        "Bộ phận một cửa của UBND cấp xã"
        if spec.level == ProcedureLevel.COMMUNE
        else "Trung tâm Phục vụ hành chính công tỉnh"
    )
    online = (
        " hoặc nộp trực tuyến trên Cổng Dịch vụ công"
        if spec.online in (OnlineLevel.FULL, OnlineLevel.PARTIAL)
        else ""
    )
    return (
        f"Bước 1: Người yêu cầu nộp hồ sơ tại {where}{online}.\n"
        "Bước 2: Cán bộ tiếp nhận kiểm tra hồ sơ; hồ sơ đầy đủ thì cấp Giấy tiếp nhận hồ sơ và "
        "hẹn trả kết quả, chưa đầy đủ thì hướng dẫn bổ sung một lần.\n"
        "Bước 3: Cơ quan có thẩm quyền giải quyết theo quy trình nội bộ.\n"
        "Bước 4: Trả kết quả trực tiếp, qua dịch vụ bưu chính công ích hoặc bản điện tử."
    )


@transaction.atomic
def load_demo_catalog(
    orgs: dict[str, Organisation] | None = None,
) -> dict[str, ProcedureVersion]:
    """Create or update the demo catalogue (idempotent); returns the versions in force by
    procedure code."""
    if orgs is None:
        from chinhquyen.orgs.demo import load_demo_organisations

        orgs = load_demo_organisations()
    for code, name in FIELDS.items():
        field_upsert(actor=None, code=code, name=name)
    today = timezone.localdate()
    out: dict[str, ProcedureVersion] = {}
    for spec in PROCEDURES:
        current = procedure_version_current(spec.code)
        upsert_procedure(
            actor=None,
            code=spec.code,
            field_code=spec.field,
            field_name=FIELDS[spec.field],
            level=spec.level,
            data=version_data(spec),
            competent=[orgs[key] for key in spec.competent],
            fees=[dict(f) for f in spec.fees],
            papers=[dict(p) for p in spec.papers],
            steps=build_steps(spec, orgs),
            publish=True,
            valid_from=FIRST_VALID_FROM if current is None else today,
        )
        version = procedure_version_current(spec.code)
        assert version is not None
        attach_demo_templates(version)
        out[spec.code] = version
    return out
