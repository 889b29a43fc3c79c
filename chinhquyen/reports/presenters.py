"""The on-time report as an Excel workbook."""

from __future__ import annotations

import io
from decimal import Decimal

from .selectors import Figures, OnTimeReport

HEADER = [
    "Cơ quan",
    "Mã định danh",
    "Tháng",
    "Tiếp nhận",
    "Trong đó trực tuyến",
    "Tỷ lệ trực tuyến (%)",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tỷ lệ đúng hạn (%)",
]


def _pct(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def _cells(figures: Figures) -> list[object]:
    return [
        figures.received,
        figures.received_online,
        _pct(figures.online_rate),
        figures.finished,
        figures.early,
        figures.on_time,
        figures.late,
        _pct(figures.on_time_rate),
    ]


def report_workbook(report: OnTimeReport, *, scope_text: str) -> bytes:
    from openpyxl import Workbook  # loaded with the first export, not at start-up
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thong ke dung han"
    period = f"{report.period.first:%m/%Y} – {report.period.last:%m/%Y}"
    sheet.append(["Thống kê kết quả giải quyết hồ sơ thủ tục hành chính"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Kỳ thống kê: {period}; phạm vi: {scope_text}"])
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in report.rows:
        org = row.organisation
        for month in sorted(row.months):
            sheet.append([org.name, org.agency_code, f"{month:%m/%Y}", *_cells(row.months[month])])
        sheet.append([org.name, org.agency_code, "Cả kỳ", *_cells(row.total)])
    sheet.append(["Tổng cộng", "", "Cả kỳ", *_cells(report.total)])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
