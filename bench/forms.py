"""Valid answers to a procedure's electronic form (JSON Schema), for generated online dossiers.

``sample_answers`` walks the schema (the subset ``chinhquyen.catalog.forms_schema`` supports)
and fills every required field — and some optional ones — with plausible Vietnamese values;
the caller validates the result with the project's own ``validate_data``.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Mapping
from typing import Any

from bench import vn


def _text_for(key: str, rng: random.Random, name: str, ward: str) -> str:
    k = key.lower()
    if "ho_ten" in k or k.endswith("_ten") or k == "ten":
        return name
    if "dia_chi" in k or "noi_cu_tru" in k or "dia_diem" in k or "noi_sinh" in k:
        return vn.address(rng, ward)
    if "doanh_nghiep" in k or "ho_kinh_doanh" in k or k.startswith("ten_"):
        return vn.business(rng)
    if "nganh" in k:
        return rng.choice(["Bán lẻ thực phẩm", "Dịch vụ ăn uống", "Sửa chữa xe máy", "May mặc"])
    if "dan_toc" in k:
        return "Kinh"
    if "quoc_tich" in k:
        return "Việt Nam"
    if "muc_dich" in k or "ly_do" in k or "noi_dung" in k:
        return rng.choice(
            ["Bổ sung hồ sơ xin việc", "Làm thủ tục định cư", "Theo yêu cầu công việc"]
        )
    return rng.choice(["Theo hồ sơ đính kèm", "Đúng như giấy tờ kèm theo", "Không"])


def _string(key: str, node: Mapping[str, Any], rng: random.Random, who: dict[str, Any]) -> str:
    if "const" in node:
        return str(node["const"])
    if "enum" in node:
        return str(rng.choice(list(node["enum"])))
    fmt = node.get("format")
    if fmt == "date":
        born = who["birth"] if "sinh" in key else dt.date.today() - dt.timedelta(rng.randint(1, 60))
        return born.isoformat()
    if fmt == "email":
        return who["email"]
    pattern = node.get("pattern")
    if pattern:
        if "[0-9]{12}" in pattern:
            return who["id_number"]
        if "84" in pattern:
            return who["phone"]
        if "[0-9]{10}" in pattern:
            return f"{rng.randrange(10**10):010d}"
    value = _text_for(key, rng, who["name"], who["ward"])
    if pattern and not re.search(pattern, value):
        value = f"{rng.randrange(10**9):09d}"
    low, high = int(node.get("minLength", 0)), int(node.get("maxLength", 1000))
    value = value[:high]
    while len(value) < low:
        value += "x"
    return value


def _number(node: Mapping[str, Any], rng: random.Random, integer: bool) -> int | float:
    if "const" in node:
        return node["const"]  # type: ignore[no-any-return]
    if "enum" in node:
        return rng.choice(list(node["enum"]))  # type: ignore[no-any-return]
    low = node.get("minimum", node.get("exclusiveMinimum", 0))
    high = node.get("maximum", node.get("exclusiveMaximum", max(int(low) + 1, 10) * 10))
    if "exclusiveMinimum" in node:
        low = low + 1
    if "exclusiveMaximum" in node:
        high = high - 1
    value = rng.randint(int(low), max(int(low), int(high)))
    return value if integer else float(value)


def _value(key: str, node: Mapping[str, Any], rng: random.Random, who: dict[str, Any]) -> Any:
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return _object(node, rng, who)
    if kind == "boolean":
        return node.get("const", True)
    if kind == "integer":
        return _number(node, rng, True)
    if kind == "number":
        return _number(node, rng, False)
    return _string(key, node, rng, who)


def _object(node: Mapping[str, Any], rng: random.Random, who: dict[str, Any]) -> dict[str, Any]:
    required = set(node.get("required", []))
    out: dict[str, Any] = {}
    for key, child in (node.get("properties") or {}).items():
        if key in required or rng.random() < 0.4:
            out[key] = _value(key, child, rng, who)
    return out


def sample_answers(schema: Mapping[str, Any], rng: random.Random, who: dict[str, Any]) -> dict:
    """Answers to ``schema`` for applicant ``who`` (name, id_number, phone, email, birth, ward)."""
    if not schema:
        return {}
    return _object(schema, rng, who)
