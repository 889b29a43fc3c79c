"""Vietnamese word pools for generated data: people, addresses, businesses, document summaries.

Everything is drawn from a seeded ``random.Random``; the search texts of the generated rows are
computed from these strings with the project's normalisation (``chinhquyen.core.text``).
"""

from __future__ import annotations

import random

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Mai",
    "Tạ",
]
FAMILY_WEIGHTS = [38, 11, 9, 7, 5, 3, 4, 4, 3, 2, 2, 2, 2, 2, 1, 1, 2, 1, 1, 1]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Thanh", "Gia", "Bảo", "Công", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Hoài", "Minh", "Bích", "Thùy", "Khánh", "Mỹ"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Tú",
    "Việt",
    "Vinh",
    "Khôi",
    "Đông",
    "Hưng",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thủy",
    "Trang",
    "Vân",
    "Yến",
    "Liên",
    "Duyên",
]
STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Lý Thái Tổ",
    "Đinh Tiên Hoàng",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Quang Trung",
    "Lê Hồng Phong",
    "Phạm Văn Đồng",
    "Võ Nguyên Giáp",
    "Tràng An",
    "Xuân Thành",
    "Vân Giang",
    "Lương Văn Tụy",
    "Nguyễn Công Trứ",
    "Hoàng Diệu",
]
HAMLETS = ["Thôn", "Xóm", "Tổ dân phố"]
BUSINESS_KINDS = ["Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã"]
BUSINESS_TRADES = [
    "Xây dựng",
    "Thương mại và Dịch vụ",
    "Vận tải",
    "Du lịch",
    "Nông sản",
    "Thực phẩm",
    "Cơ khí",
    "Công nghệ thông tin",
    "Vật liệu xây dựng",
    "Dệt may",
]
BUSINESS_NAMES = [
    "Minh Phát",
    "Hoàng Long",
    "Tràng An",
    "Thành Công",
    "Phú Gia",
    "An Khang",
    "Đại Việt",
    "Hòa Bình",
    "Sao Mai",
    "Bình Minh",
    "Hưng Thịnh",
    "Kim Sơn",
]

# Incoming and outgoing document summaries: "Về việc <verb> <object> <scope>".
DOC_VERBS = [
    "triển khai",
    "tăng cường",
    "hướng dẫn",
    "đôn đốc",
    "báo cáo kết quả",
    "rà soát",
    "kiểm tra",
    "tổ chức",
    "phê duyệt",
    "góp ý dự thảo",
    "đề nghị cung cấp thông tin về",
    "tổng kết",
    "chấn chỉnh",
    "đẩy mạnh",
    "thực hiện",
    "sơ kết",
    "giao chỉ tiêu",
    "điều chỉnh",
    "phân bổ kinh phí",
    "thành lập đoàn kiểm tra",
]
DOC_OBJECTS = [
    "công tác cải cách hành chính",
    "chuyển đổi số",
    "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "quản lý đất đai",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "thủ tục hành chính trên môi trường điện tử",
    "kế hoạch phát triển kinh tế - xã hội",
    "bồi dưỡng cán bộ, công chức cấp xã",
    "phổ biến, giáo dục pháp luật",
    "bảo đảm an toàn thực phẩm",
    "phòng cháy, chữa cháy",
    "tiêm chủng mở rộng",
    "đăng ký, quản lý hộ tịch",
    "chứng thực bản sao từ bản chính",
    "lý lịch tư pháp",
    "giải quyết khiếu nại, tố cáo",
    "thu ngân sách nhà nước",
    "đầu tư công",
    "xây dựng nông thôn mới",
    "bảo vệ môi trường",
    "quản lý trật tự xây dựng",
    "cơ sở dữ liệu quốc gia về dân cư",
    "dịch vụ công trực tuyến toàn trình",
    "công tác văn thư, lưu trữ",
    "tuyển dụng viên chức",
    "thi đua, khen thưởng",
    "bảo hiểm xã hội, bảo hiểm y tế",
    "giảm nghèo bền vững",
    "an toàn giao thông",
    "phát triển du lịch",
    "quản lý tài sản công",
    "sắp xếp đơn vị hành chính cấp xã",
]
DOC_SCOPES = [
    "năm 2024",
    "năm 2025",
    "năm 2026",
    "quý I năm 2025",
    "quý II năm 2025",
    "quý III năm 2024",
    "quý IV năm 2025",
    "6 tháng đầu năm 2025",
    "trên địa bàn tỉnh",
    "tại các xã, phường",
    "giai đoạn 2025 - 2030",
    "trong dịp Tết Nguyên đán",
    "tại Sở Tư pháp",
    "của các cơ quan, đơn vị",
    "trên địa bàn tỉnh Ninh Bình",
    "đợt 2",
    "",
]
EXTERNAL_SENDERS = [
    ("Văn phòng Chính phủ", "VPCP"),
    ("Bộ Tư pháp", "BTP"),
    ("Bộ Nội vụ", "BNV"),
    ("Bộ Tài chính", "BTC"),
    ("Bộ Xây dựng", "BXD"),
    ("Bộ Nông nghiệp và Môi trường", "BNNMT"),
    ("Bộ Công an", "BCA"),
    ("Bộ Y tế", "BYT"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT"),
    ("Công an tỉnh Ninh Bình", "CAT"),
    ("Bảo hiểm xã hội tỉnh Ninh Bình", "BHXH"),
    ("Kho bạc Nhà nước khu vực V", "KBNN"),
    ("UBND tỉnh Thanh Hóa", "UBND"),
    ("UBND tỉnh Hưng Yên", "UBND"),
    ("Tòa án nhân dân tỉnh Ninh Bình", "TA"),
    ("Viện kiểm sát nhân dân tỉnh Ninh Bình", "VKS"),
]
EXTERNAL_RECIPIENTS = [
    ("Văn phòng Chính phủ", "000.00.00.G01"),
    ("Bộ Tư pháp", "000.00.00.G12"),
    ("Bộ Nội vụ", "000.00.00.G10"),
    ("Bộ Tài chính", "000.00.00.G09"),
    ("Bộ Công an", "000.00.00.G05"),
    ("Công an tỉnh Ninh Bình", ""),
    ("Bảo hiểm xã hội tỉnh Ninh Bình", ""),
    ("Báo Ninh Bình", ""),
]
COMPLETION_NOTES = [
    "Đã tham mưu văn bản trả lời.",
    "Đã triển khai thực hiện.",
    "Đã báo cáo kết quả.",
    "Lưu hồ sơ, theo dõi.",
    "",
]
SUPPLEMENT_REASONS = [
    "Bản sao giấy tờ chưa được chứng thực, đề nghị bổ sung bản sao chứng thực.",
    "Tờ khai còn thiếu chữ ký của người yêu cầu.",
    "Thông tin trên tờ khai chưa khớp với giấy tờ tùy thân.",
    "Đề nghị bổ sung giấy tờ chứng minh nơi cư trú.",
    "Bản vẽ chưa đúng quy định, đề nghị bổ sung bản vẽ thiết kế.",
]
REFUSE_REASONS = [
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "Người nộp không cung cấp đủ thành phần hồ sơ theo quy định.",
    "Yêu cầu không thuộc trường hợp được giải quyết theo thủ tục này.",
]
STOP_REASONS = [
    "Cơ quan có thẩm quyền xác minh người yêu cầu không đủ điều kiện.",
    "Người yêu cầu không bổ sung hồ sơ trong thời hạn quy định.",
]
WITHDRAW_REASONS = ["Người nộp rút hồ sơ.", "Tôi đã nộp lại hồ sơ khác.", ""]
ANSWER_NOTES = [
    "Đã bổ sung bản sao chứng thực tại bộ phận một cửa.",
    "Đã bổ sung giấy tờ theo yêu cầu.",
    "Đã ký bổ sung tờ khai.",
]
RATING_COMMENTS = ["", "", "Cán bộ hướng dẫn nhiệt tình.", "Giải quyết nhanh.", "Hài lòng."]


def person(rng: random.Random) -> tuple[str, bool]:
    """(full name, is_female)."""
    female = rng.random() < 0.5
    family = rng.choices(FAMILY, FAMILY_WEIGHTS)[0]
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{family} {middle} {given}", female


def citizen_id(rng: random.Random, *, female: bool, birth_year: int, province: int = 37) -> str:
    """A structurally valid CCCD (DOMAIN.md §8): province, century+gender, year, random."""
    century = 0 if birth_year < 2000 else 2
    return f"{province:03d}{century + int(female)}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


def phone(rng: random.Random) -> str:
    return "0" + rng.choice(["9", "8", "3", "7"]) + f"{rng.randrange(10**8):08d}"


def address(rng: random.Random, ward: str) -> str:
    if rng.random() < 0.6:
        return f"Số {rng.randint(1, 250)}, đường {rng.choice(STREETS)}, {ward}, tỉnh Ninh Bình"
    return f"{rng.choice(HAMLETS)} {rng.randint(1, 15)}, {ward}, tỉnh Ninh Bình"


def business(rng: random.Random) -> str:
    return (
        f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_TRADES)} {rng.choice(BUSINESS_NAMES)}"
    )


def summary_parts(rng: random.Random) -> list[str]:
    parts = ["Về việc", rng.choice(DOC_VERBS), rng.choice(DOC_OBJECTS)]
    scope = rng.choice(DOC_SCOPES)
    if scope:
        parts.append(scope)
    return parts
