"""Shared renderings of the index and the public figures (API dicts, Excel, CSV)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from chinhquyen.core.exports import neutralise
from chinhquyen.orgs.models import Organisation

from . import index766
from .periods import Period
from .selectors import PublicRow

LATE_LIMIT = 100


def organisation_dict(org: Organisation) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "agency_code": org.agency_code}


def period_dict(period: Period) -> dict[str, Any]:
    return {
        "code": period.code,
        "name": period.label,
        "first_day": period.first,
        "last_day": period.last,
        "closed": period.is_closed(),
    }


def _procedures(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": p["id"], "code": p["code"], "name": p["name"]} for p in items]


def index_dict(result: index766.IndexResult, history: list[index766.IndexResult]) -> dict[str, Any]:
    assert result.organisation is not None
    late = index766.late_dossiers(organisation=result.organisation, period=result.period)
    return {
        "organisation": organisation_dict(result.organisation),
        "period": period_dict(result.period),
        "points": result.points,
        "max_points": result.max_points,
        "max_assessed": result.max_assessed,
        "percent": result.percent,
        "groups": [
            {
                "code": g.group.code,
                "name": g.group.name,
                "max_points": g.group.max_points,
                "points": g.points,
                "max_assessed": g.max_assessed,
                "indicators": [
                    {
                        "code": s.indicator.code,
                        "name": s.indicator.name,
                        "metric": s.indicator.metric,
                        "max_points": s.indicator.max_points,
                        "full_at": s.indicator.full_at,
                        "numerator": s.numerator,
                        "denominator": s.denominator,
                        "ratio": s.ratio,
                        "points": s.points,
                        "note": s.indicator.note,
                    }
                    for s in g.indicators
                ],
            }
            for g in result.groups
        ],
        "drill_down": {
            "late_total": result.measures.totals["late"],
            "late_dossiers": [
                {
                    "id": d.pk,
                    "code": d.code,
                    "procedure_name": d.procedure_name,
                    "organisation": d.competent_organisation.name,
                    "finished_at": d.finished_at,
                    "supplement_count": d.supplement_count,
                }
                for d in late[:LATE_LIMIT]
            ],
            "procedures_without_online_payment": _procedures(
                index766.procedures_lacking(result, has="fee_required", lacks="paid_online")
            ),
            "procedures_without_online_submission": _procedures(
                index766.procedures_lacking(result, has="received", lacks="received_online")
            ),
        },
        "history": [
            {
                "period": h.period.code,
                "points": h.points,
                "max_assessed": h.max_assessed,
                "percent": h.percent,
            }
            for h in history
        ],
    }


def _num(value: Decimal | None) -> float | str:
    return float(value) if value is not None else ""


def index_workbook(result: index766.IndexResult, ranking: list[index766.IndexResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    assert result.organisation is not None
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Chi so 766"
    sheet.append(["Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([neutralise(f"{result.organisation.name} — {result.period.label}")])
    sheet.append([f"Từ {result.period.first:%d/%m/%Y} đến {result.period.last:%d/%m/%Y}"])
    sheet.append([])
    sheet.append(
        ["Mã", "Nhóm / chỉ số", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Ngưỡng (%)", "Điểm", "Điểm tối đa"]
    )
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for g in result.groups:
        sheet.append(
            [
                g.group.code,
                neutralise(g.group.name),
                "",
                "",
                "",
                "",
                float(g.points),
                float(g.group.max_points),
            ]
        )
        for s in g.indicators:
            sheet.append(
                [
                    s.indicator.code,
                    neutralise(s.indicator.name),
                    s.numerator,
                    s.denominator,
                    _num(s.ratio),
                    float(s.indicator.full_at),
                    _num(s.points),
                    float(s.indicator.max_points),
                ]
            )
    sheet.append(["", "Tổng điểm", "", "", "", "", float(result.points), float(result.max_points)])
    sheet.append(
        [
            "",
            "Điểm tối đa của các chỉ số có dữ liệu",
            "",
            "",
            "",
            "",
            float(result.max_assessed),
            "",
        ]
    )
    sheet.column_dimensions["B"].width = 70
    if ranking:
        rank = book.create_sheet("Xep hang")
        rank.append(
            ["Hạng", "Cơ quan", "Mã định danh", "Điểm", "Điểm tối đa có dữ liệu", "Tỷ lệ (%)"]
        )
        for n, r in enumerate(ranking, start=1):
            assert r.organisation is not None
            rank.append(
                [
                    n,
                    neutralise(r.organisation.name),
                    neutralise(r.organisation.agency_code),
                    float(r.points),
                    float(r.max_assessed),
                    _num(r.percent),
                ]
            )
        rank.column_dimensions["B"].width = 50
    late = book.create_sheet("Ho so qua han")
    late.append(["Mã hồ sơ", "Thủ tục", "Cơ quan giải quyết", "Hoàn thành lúc", "Số lần bổ sung"])
    for d in index766.late_dossiers(organisation=result.organisation, period=result.period)[:10000]:
        late.append(
            [
                neutralise(d.code),
                neutralise(d.procedure_name),
                neutralise(d.competent_organisation.name),
                d.finished_at.replace(tzinfo=None) if d.finished_at else "",
                d.supplement_count,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def public_row_dict(row: PublicRow) -> dict[str, Any]:
    return {
        "month": row.period.code,
        "first_day": row.period.first,
        "last_day": row.period.last,
        "organisation": organisation_dict(row.organisation),
        **row.numbers.as_dict(),
    }


CSV_HEADER = [
    "thang",
    "tu_ngay",
    "den_ngay",
    "ma_dinh_danh",
    "co_quan",
    "tiep_nhan",
    "tiep_nhan_truc_tuyen",
    "da_giai_quyet",
    "truoc_han",
    "dung_han",
    "qua_han",
    "ty_le_dung_han",
    "ty_le_truc_tuyen",
]


def public_csv(rows: list[PublicRow]) -> str:
    """UTF-8 open data (values neutralised against spreadsheet formulas)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        n = r.numbers
        writer.writerow(
            [
                r.period.code,
                r.period.first.isoformat(),
                r.period.last.isoformat(),
                neutralise(r.organisation.agency_code),
                neutralise(r.organisation.name),
                n.received,
                n.received_online,
                n.finished,
                n.early,
                n.on_time,
                n.late,
                "" if n.on_time_rate is None else n.on_time_rate,
                "" if n.online_rate is None else n.online_rate,
            ]
        )
    return out.getvalue()
