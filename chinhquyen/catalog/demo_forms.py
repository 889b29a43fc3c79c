"""Small applicant form schemas (JSON Schema) used by the demo catalogue."""

from __future__ import annotations

from typing import Any

CCCD = {
    "type": "string",
    "title": "Số định danh cá nhân (CCCD)",
    "pattern": "^[0-9]{12}$",
    "x-pattern-message": "Số định danh cá nhân gồm đúng 12 chữ số.",
}
PHONE = {
    "type": "string",
    "title": "Số điện thoại",
    "pattern": "^(\\+84|0)[0-9]{9,10}$",
    "x-pattern-message": "Số điện thoại không hợp lệ (ví dụ 0912345678).",
}
EMAIL = {"type": "string", "title": "Thư điện tử", "format": "email", "maxLength": 254}


def _name(title: str = "Họ, chữ đệm và tên") -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": 2, "maxLength": 100}


def _date(title: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "format": "date"}


def _text(title: str, max_length: int = 255, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "maxLength": max_length, **extra}


APPLICANT: dict[str, Any] = {
    "type": "object",
    "title": "Người yêu cầu",
    "properties": {
        "ho_ten": _name(),
        "so_dinh_danh": CCCD,
        "dia_chi": _text("Nơi cư trú"),
        "dien_thoai": PHONE,
        "email": EMAIL,
    },
    "required": ["ho_ten", "so_dinh_danh", "dia_chi"],
}

COMMITMENT = {
    "type": "boolean",
    "title": "Tôi cam đoan những nội dung khai trên đây là đúng sự thật",
    "const": True,
}

GENERIC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "nguoi_yeu_cau": APPLICANT,
        "noi_dung": _text(
            "Nội dung yêu cầu",
            2000,
            **{"x-widget": "textarea", "description": "Ghi rõ việc cần giải quyết."},
        ),
        "cam_ket": COMMITMENT,
    },
    "required": ["nguoi_yeu_cau", "noi_dung", "cam_ket"],
}

BIRTH: dict[str, Any] = {
    "type": "object",
    "properties": {
        "nguoi_yeu_cau": APPLICANT,
        "quan_he": {
            "type": "string",
            "title": "Quan hệ với người được khai sinh",
            "enum": ["cha", "me", "ong_ba", "khac"],
            "x-enum-titles": ["Cha", "Mẹ", "Ông, bà", "Người thân thích khác"],
        },
        "tre": {
            "type": "object",
            "title": "Người được khai sinh",
            "properties": {
                "ho_ten": _name(),
                "ngay_sinh": _date("Ngày, tháng, năm sinh"),
                "gioi_tinh": {
                    "type": "string",
                    "title": "Giới tính",
                    "enum": ["nam", "nu"],
                    "x-enum-titles": ["Nam", "Nữ"],
                },
                "noi_sinh": _text("Nơi sinh", description="Tên cơ sở y tế hoặc địa chỉ nơi sinh"),
                "dan_toc": _text("Dân tộc", 50),
            },
            "required": ["ho_ten", "ngay_sinh", "gioi_tinh", "noi_sinh"],
        },
        "cam_ket": COMMITMENT,
    },
    "required": ["nguoi_yeu_cau", "quan_he", "tre", "cam_ket"],
}


def _spouse(title: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "properties": {
            "ho_ten": _name(),
            "ngay_sinh": _date("Ngày, tháng, năm sinh"),
            "so_dinh_danh": CCCD,
            "noi_cu_tru": _text("Nơi cư trú"),
        },
        "required": ["ho_ten", "ngay_sinh", "so_dinh_danh", "noi_cu_tru"],
    }


MARRIAGE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ben_nam": _spouse("Bên nam"),
        "ben_nu": _spouse("Bên nữ"),
        "ngay_dang_ky_mong_muon": _date("Ngày mong muốn đăng ký"),
        "dien_thoai": PHONE,
        "cam_ket": COMMITMENT,
    },
    "required": ["ben_nam", "ben_nu", "cam_ket"],
}

CRIMINAL_RECORD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ho_ten": _name(),
        "ngay_sinh": _date("Ngày, tháng, năm sinh"),
        "so_dinh_danh": CCCD,
        "noi_cu_tru": _text("Nơi cư trú"),
        "loai_phieu": {
            "type": "integer",
            "title": "Loại phiếu yêu cầu",
            "enum": [1, 2],
            "x-enum-titles": ["Phiếu lý lịch tư pháp số 1", "Phiếu lý lịch tư pháp số 2"],
        },
        "so_luong": {
            "type": "integer",
            "title": "Số lượng phiếu",
            "minimum": 1,
            "maximum": 10,
            "default": 1,
        },
        "muc_dich": _text("Mục đích sử dụng phiếu"),
        "email": EMAIL,
        "cam_ket": COMMITMENT,
    },
    "required": ["ho_ten", "ngay_sinh", "so_dinh_danh", "loai_phieu", "so_luong", "cam_ket"],
}

ENTERPRISE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ten_doanh_nghiep": _text("Tên doanh nghiệp (viết bằng tiếng Việt)"),
        "dia_chi_tru_so": _text("Địa chỉ trụ sở chính"),
        "nganh_nghe": _text("Ngành, nghề kinh doanh chính", 500),
        "von_dau_tu": {
            "type": "integer",
            "title": "Vốn đầu tư của chủ doanh nghiệp (đồng)",
            "minimum": 0,
        },
        "chu_doanh_nghiep": APPLICANT,
        "cam_ket": COMMITMENT,
    },
    "required": ["ten_doanh_nghiep", "dia_chi_tru_so", "nganh_nghe", "von_dau_tu", "cam_ket"],
}

HOUSEHOLD_BUSINESS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ten_ho_kinh_doanh": _text("Tên hộ kinh doanh"),
        "dia_diem": _text("Địa điểm kinh doanh"),
        "nganh_nghe": _text("Ngành, nghề kinh doanh", 500),
        "von_kinh_doanh": {"type": "integer", "title": "Vốn kinh doanh (đồng)", "minimum": 0},
        "so_lao_dong": {
            "type": "integer",
            "title": "Số lao động dự kiến",
            "minimum": 0,
            "maximum": 1000,
        },
        "chu_ho": APPLICANT,
        "cam_ket": COMMITMENT,
    },
    "required": ["ten_ho_kinh_doanh", "dia_diem", "nganh_nghe", "von_kinh_doanh", "chu_ho"],
}

CONSTRUCTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "chu_dau_tu": APPLICANT,
        "dia_diem": _text("Địa điểm xây dựng"),
        "so_thua": _text("Số thửa đất", 20),
        "so_to_ban_do": _text("Số tờ bản đồ", 20),
        "dien_tich_xay_dung": {
            "type": "number",
            "title": "Diện tích xây dựng tầng 1 (m²)",
            "exclusiveMinimum": 0,
        },
        "so_tang": {"type": "integer", "title": "Số tầng", "minimum": 1, "maximum": 50},
        "chieu_cao": {"type": "number", "title": "Chiều cao công trình (m)", "minimum": 0},
        "cam_ket": COMMITMENT,
    },
    "required": ["chu_dau_tu", "dia_diem", "dien_tich_xay_dung", "so_tang", "cam_ket"],
}

LAND: dict[str, Any] = {
    "type": "object",
    "properties": {
        "nguoi_su_dung_dat": APPLICANT,
        "so_thua": _text("Số thửa đất", 20),
        "so_to_ban_do": _text("Số tờ bản đồ", 20),
        "dia_chi_thua_dat": _text("Địa chỉ thửa đất"),
        "dien_tich": {"type": "number", "title": "Diện tích (m²)", "exclusiveMinimum": 0},
        "cam_ket": COMMITMENT,
    },
    "required": ["nguoi_su_dung_dat", "so_thua", "so_to_ban_do", "dia_chi_thua_dat", "cam_ket"],
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "generic": GENERIC,
    "birth": BIRTH,
    "marriage": MARRIAGE,
    "criminal_record": CRIMINAL_RECORD,
    "enterprise": ENTERPRISE,
    "household_business": HOUSEHOLD_BUSINESS,
    "construction": CONSTRUCTION,
    "land": LAND,
}
