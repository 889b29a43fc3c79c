"""Test data builders for the catalogue (through the services, as real data is made)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from chinhquyen.catalog.models import (
    Field,
    OnlineLevel,
    ProcedureLevel,
    ProcedureVersion,
    TimeUnit,
    VersionStatus,
)
from chinhquyen.catalog.services import (
    field_upsert,
    procedure_create,
    version_publish,
    version_save_draft,
)
from chinhquyen.orgs.models import Organisation

_seq = itertools.count(1)

SIMPLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 2},
        "so_luong": {"type": "integer", "title": "Số lượng", "minimum": 1, "maximum": 5},
    },
    "required": ["ho_ten"],
}


def make_field(code: str | None = None, name: str | None = None) -> Field:
    n = next(_seq)
    return field_upsert(actor=None, code=code or f"LV{n}", name=name or f"Lĩnh vực {n}")


def make_version(
    name: str = "Thủ tục thử nghiệm",
    *,
    code: str | None = None,
    field: Field | None = None,
    level: str = ProcedureLevel.COMMUNE,
    online_level: int = OnlineLevel.PARTIAL,
    processing_time: Decimal | int | str = 3,
    unit: str = TimeUnit.WORKING_DAYS,
    competent: Iterable[Organisation] = (),
    all_communes: bool = True,
    fees: list[dict[str, Any]] | None = None,
    papers: list[dict[str, Any]] | None = None,
    steps: list[dict[str, Any]] | None = None,
    form_schema: dict[str, Any] | None = None,
    publish: bool = True,
    valid_from: dt.date | None = None,
) -> ProcedureVersion:
    """A procedure with one version (published unless ``publish=False``)."""
    n = next(_seq)
    procedure = procedure_create(
        actor=None,
        code=code or f"9.{n:06d}",
        field=field or make_field(),
        level=level,
        name=name,
        competent_organisations=list(competent),
    )
    draft = procedure.versions.get(status=VersionStatus.DRAFT)
    version_save_draft(
        actor=None,
        version=draft,
        data={
            "online_level": online_level,
            "processing_time": Decimal(str(processing_time)),
            "processing_time_unit": unit,
            "competent_all_communes": all_communes,
            "form_schema": form_schema if form_schema is not None else {},
        },
        fees=fees if fees is not None else [{"kind": "fee", "amount": 50000}],
        papers=papers if papers is not None else [{"name": "Tờ khai", "original_count": 1}],
        steps=steps
        if steps is not None
        else [
            {"name": "Tiếp nhận", "allotted_hours": 2},
            {"name": "Xử lý", "allotted_hours": 8},
        ],
    )
    draft.refresh_from_db()
    if publish:
        version_publish(actor=None, version=draft, valid_from=valid_from)
        draft.refresh_from_db()
    return draft
