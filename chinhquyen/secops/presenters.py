"""The security evidence report as an Excel workbook (cells neutralised against formulas)."""

from __future__ import annotations

import io

from django.utils import timezone

from chinhquyen.core.exports import neutralise

from .evidence import Report

TITLE = "Bằng chứng các biện pháp kiểm soát an toàn nền tảng đang thực thi"
SUBTITLE = (
    "Tham chiếu yêu cầu an toàn hệ thống thông tin cấp độ 3 (Nghị định 85/2016/NĐ-CP, "
    "TCVN 11930:2017); số liệu đo trực tiếp lúc lập báo cáo, không thay thế hồ sơ đánh giá."
)
HEADERS = ["STT", "Biện pháp kiểm soát", "Kết quả", "Tiêu chí áp dụng", "Số liệu", "Cách đo"]


def evidence_workbook(report: Report) -> bytes:
    from openpyxl import Workbook  # loaded with the first export, not at start-up
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bang chung"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([SUBTITLE])
    generated = timezone.localtime(report.generated_at).strftime("%H:%M %d/%m/%Y")
    sheet.append([neutralise(f"Phạm vi: {report.scope} — lập lúc {generated}")])
    sheet.append([", ".join(f"{label}: {count}" for _status, label, count in report.summary)])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[6]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, item in enumerate(report.items, start=1):
        figures = "\n".join(f"{f.label}: {f.value}" for f in item.figures)
        sheet.append(
            [
                number,
                neutralise(item.control),
                item.status_label,
                neutralise(item.criterion),
                neutralise(figures),
                neutralise(item.method),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    for column, width in zip("ABCDEF", (5, 34, 14, 50, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width

    mfa = report.item("mfa")
    names = book.create_sheet("Chua bat 2FA")
    names.append(["Cán bộ chưa có xác thực hai lớp (TOTP)"])
    names["A1"].font = Font(bold=True)
    names.append(["Họ và tên", "Tên đăng nhập", "Đơn vị"])
    for cell in names[2]:
        cell.font = Font(bold=True)
    for row in mfa.officials:
        names.append([neutralise(row.name), neutralise(row.username), neutralise(row.units)])
    if mfa.officials_more:
        names.append([f"… và {mfa.officials_more} cán bộ khác"])
    for column, width in zip("ABC", (32, 24, 60), strict=True):
        names.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
