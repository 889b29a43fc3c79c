"""Applicant forms described by JSON Schema: check, render as HTML, parse and validate.

A procedure version carries the form the applicant fills in (tờ khai điện tử) as a JSON Schema
(draft 2020-12). The supported subset, which the renderer knows how to show:

- the root is ``{"type": "object", "properties": {...}, "required": [...]}``;
- ``string`` (``format``: ``date`` or ``email``; ``minLength``, ``maxLength``, ``pattern``,
  ``x-widget: "textarea"`` for long text, ``x-pattern-message`` for a friendly pattern error),
- ``integer`` / ``number`` with ``minimum`` / ``maximum`` (and the exclusive variants),
- ``boolean`` (a check box; ``const: true`` makes it a box that must be ticked),
- ``enum`` (a select; ``x-enum-titles`` gives the option labels),
- nested ``object`` (a fieldset), ``title`` / ``description`` in Vietnamese.

Usage (the dossier intake)::

    form = SchemaForm(version.form_schema, data=request.POST)
    if form.is_valid():
        answers = form.cleaned_data       # JSON-ready dict
    else:
        form.errors                       # {"dia_chi.tinh": ["..."], "__all__": [...]}
    html = form.render()                  # Bootstrap 5 markup, no inline script or style

``validate_data(schema, data)`` validates a JSON document directly (the API) and returns the
same Vietnamese errors keyed by dotted field path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError as JsonSchemaValidationError


NON_FIELD = "__all__"
DEFAULT_PREFIX = "bm"
SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "object")
SUPPORTED_FORMATS = ("date", "email")
_PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_TRUE_VALUES = {"on", "true", "1", "yes", "co", "có"}

TYPE_NAMES = {
    "string": "chuỗi ký tự",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "có/không",
    "object": "nhóm thông tin",
    "array": "danh sách",
    "null": "rỗng",
}


# --------------------------------------------------------------------------------------------
# Checking a schema
# --------------------------------------------------------------------------------------------


def schema_problems(schema: object) -> list[str]:
    """Vietnamese descriptions of what is wrong with ``schema`` (empty list: usable).

    An empty schema (``{}``) means "no form" and is valid.
    """
    if schema in (None, {}):
        return []
    if not isinstance(schema, dict):
        return ["Biểu mẫu phải là một đối tượng JSON Schema."]
    from jsonschema import Draft202012Validator  # loaded with the first form, not at start-up
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "gốc"
        return [f"JSON Schema không hợp lệ tại «{where}»: {exc.message}"]
    problems: list[str] = []
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return ['Gốc của biểu mẫu phải có "type": "object" và danh sách "properties".']
    _check_object(schema, (), problems)
    return problems


def _check_object(node: Mapping[str, Any], path: tuple[str, ...], problems: list[str]) -> None:
    properties = node.get("properties") or {}
    required = node.get("required") or []
    for name in required:
        if name not in properties:
            problems.append(f"Trường bắt buộc «{_dotted((*path, name))}» chưa được khai báo.")
    for name, child in properties.items():
        child_path = (*path, name)
        label = _dotted(child_path)
        if not _PROPERTY_NAME.match(name):
            problems.append(
                f"Tên trường «{label}» chỉ được gồm chữ không dấu, số và dấu gạch dưới."
            )
            continue
        if not isinstance(child, dict):
            problems.append(f"Trường «{label}» phải được mô tả bằng một đối tượng.")
            continue
        kind = _type_of(child)
        if kind is None:
            problems.append(f"Trường «{label}» phải khai báo kiểu dữ liệu (type) hoặc enum.")
        elif kind not in SUPPORTED_TYPES:
            name_vi = TYPE_NAMES.get(kind, kind)
            problems.append(f"Trường «{label}»: kiểu «{name_vi}» chưa được hỗ trợ.")
        elif kind == "object":
            if not isinstance(child.get("properties"), dict):
                problems.append(f"Nhóm «{label}» phải có danh sách properties.")
            else:
                _check_object(child, child_path, problems)
        fmt = child.get("format")
        if fmt is not None and fmt not in SUPPORTED_FORMATS:
            problems.append(f"Trường «{label}»: định dạng «{fmt}» chưa được hỗ trợ.")
        titles = child.get("x-enum-titles")
        if titles is not None and (
            not isinstance(titles, list) or len(titles) != len(child.get("enum") or [])
        ):
            problems.append(f"Trường «{label}»: x-enum-titles phải có đúng số phần tử của enum.")


def _type_of(node: Mapping[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if kind is None and isinstance(node.get("enum"), list) and node["enum"]:
        first = node["enum"][0]
        if isinstance(first, bool):
            return "boolean"
        if isinstance(first, int):
            return "integer"
        if isinstance(first, float):
            return "number"
        return "string"
    return kind if isinstance(kind, str) else None


def _dotted(path: Iterable[object]) -> str:
    return ".".join(str(p) for p in path)


# --------------------------------------------------------------------------------------------
# Field descriptions (shared by the renderer, the parser and display helpers)
# --------------------------------------------------------------------------------------------


@dataclass
class FormField:
    path: tuple[str, ...]
    schema: Mapping[str, Any]
    kind: str
    required: bool
    children: list[FormField] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The dotted path used to key errors (``dia_chi.tinh``)."""
        return _dotted(self.path)

    def html_name(self, prefix: str) -> str:
        return f"{prefix}-{'__'.join(self.path)}" if prefix else "__".join(self.path)

    @property
    def title(self) -> str:
        return str(self.schema.get("title") or self.path[-1])

    @property
    def description(self) -> str:
        return str(self.schema.get("description") or "")

    @property
    def enum(self) -> list[Any] | None:
        values = self.schema.get("enum")
        return list(values) if isinstance(values, list) else None

    def enum_choices(self) -> list[tuple[Any, str]]:
        values = self.enum or []
        titles = self.schema.get("x-enum-titles")
        if not isinstance(titles, list) or len(titles) != len(values):
            titles = [str(v) for v in values]
        return list(zip(values, [str(t) for t in titles], strict=True))


def form_fields(schema: Mapping[str, Any] | None) -> list[FormField]:
    """The fields of ``schema`` in declaration order (nested objects carry their children)."""
    if not schema or not isinstance(schema.get("properties"), dict):
        return []
    return _fields_of(schema, ())


def _fields_of(node: Mapping[str, Any], path: tuple[str, ...]) -> list[FormField]:
    required = set(node.get("required") or [])
    out: list[FormField] = []
    for name, child in (node.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        kind = _type_of(child) or "string"
        item = FormField(path=(*path, name), schema=child, kind=kind, required=name in required)
        if kind == "object":
            item.children = _fields_of(child, item.path)
        out.append(item)
    return out


# --------------------------------------------------------------------------------------------
# Validation with Vietnamese messages
# --------------------------------------------------------------------------------------------


def _number_vi(value: object) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float | Decimal):
        text = f"{Decimal(str(value)).normalize():f}"
        whole, _, frac = text.partition(".")
        whole = f"{int(whole):,}".replace(",", ".") if whole.lstrip("-").isdigit() else whole
        return f"{whole},{frac}" if frac else whole
    return str(value)


def message_for(error: JsonSchemaValidationError) -> str:
    """The Vietnamese message for one jsonschema error."""
    keyword = error.validator
    value = error.validator_value
    node = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        names = " hoặc ".join(TYPE_NAMES.get(str(k), str(k)) for k in kinds if k != "null")
        return f"Giá trị phải là {names}."
    if keyword == "minLength":
        return f"Phải có ít nhất {_number_vi(value)} ký tự."
    if keyword == "maxLength":
        return f"Không được quá {_number_vi(value)} ký tự."
    if keyword == "pattern":
        custom = node.get("x-pattern-message")
        return str(custom) if custom else "Không đúng định dạng yêu cầu."
    if keyword == "enum":
        return "Vui lòng chọn một giá trị trong danh sách."
    if keyword == "const":
        if value is True:
            return "Vui lòng đánh dấu ô này để tiếp tục."
        return f"Giá trị phải là {_number_vi(value)}."
    if keyword == "minimum":
        return f"Phải lớn hơn hoặc bằng {_number_vi(value)}."
    if keyword == "maximum":
        return f"Phải nhỏ hơn hoặc bằng {_number_vi(value)}."
    if keyword == "exclusiveMinimum":
        return f"Phải lớn hơn {_number_vi(value)}."
    if keyword == "exclusiveMaximum":
        return f"Phải nhỏ hơn {_number_vi(value)}."
    if keyword == "multipleOf":
        return f"Phải là bội số của {_number_vi(value)}."
    if keyword == "format":
        if value == "date":
            return "Ngày không hợp lệ."
        if value == "email":
            return "Địa chỉ thư điện tử không hợp lệ."
        return "Không đúng định dạng yêu cầu."
    if keyword == "required":
        return "Thông tin bắt buộc, vui lòng nhập."
    if keyword == "additionalProperties":
        return "Có thông tin không thuộc biểu mẫu."
    return "Giá trị không hợp lệ."


def validate_data(schema: Mapping[str, Any] | None, data: object) -> dict[str, list[str]]:
    """Validate ``data`` against ``schema``; errors keyed by dotted field path.

    Errors that belong to no field (e.g. unexpected properties) are keyed ``"__all__"``.
    An empty schema accepts an empty object only.
    """
    errors: dict[str, list[str]] = {}
    if not schema:
        if data not in (None, {}):
            errors[NON_FIELD] = ["Thủ tục này không có biểu mẫu điện tử."]
        return errors
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        base = [str(p) for p in error.absolute_path]
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [n for n in error.validator_value if n not in error.instance]
            for name in missing:
                _add(errors, _dotted((*base, name)), message_for(error))
            continue
        key = _dotted(base) if base else NON_FIELD
        _add(errors, key, message_for(error))
    return errors


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    bucket = errors.setdefault(key, [])
    if message not in bucket:
        bucket.append(message)


# --------------------------------------------------------------------------------------------
# Parsing submitted form data (strings) into JSON values
# --------------------------------------------------------------------------------------------


def parse_form_data(
    schema: Mapping[str, Any] | None, raw: Mapping[str, Any], prefix: str = DEFAULT_PREFIX
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Turn posted strings into typed JSON values; returns (data, conversion errors)."""
    errors: dict[str, list[str]] = {}
    data = _parse_fields(form_fields(schema), raw, prefix, errors, top=True)
    return data, errors


def _raw_value(raw: Mapping[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    if value is None:
        return None
    return str(value).strip()


def _parse_fields(
    fields: list[FormField],
    raw: Mapping[str, Any],
    prefix: str,
    errors: dict[str, list[str]],
    *,
    top: bool,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields:
        name = item.html_name(prefix)
        if item.kind == "object":
            child = _parse_fields(item.children, raw, prefix, errors, top=False)
            if child or item.required:
                out[item.path[-1]] = child
            continue
        if item.kind == "boolean":
            text = _raw_value(raw, name)
            out[item.path[-1]] = (text or "").lower() in _TRUE_VALUES
            continue
        text = _raw_value(raw, name)
        if text is None or text == "":
            continue
        converted, problem = _convert(item, text)
        if problem:
            _add(errors, item.key, problem)
        else:
            out[item.path[-1]] = converted
    # A nested group whose only answers are unticked boxes counts as not filled in.
    if not top and all(v is False for v in out.values()):
        return {}
    return out


def _convert(item: FormField, text: str) -> tuple[Any, str | None]:
    enum = item.enum
    if enum is not None:
        for value in enum:
            if str(value) == text or (
                isinstance(value, bool) and text.lower() == str(value).lower()
            ):
                return value, None
        return None, "Vui lòng chọn một giá trị trong danh sách."
    if item.kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", text):
            return None, "Giá trị phải là số nguyên."
        return int(text), None
    if item.kind == "number":
        candidate = text.replace(" ", "")
        if "," in candidate and "." not in candidate:
            candidate = candidate.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", candidate):
            return None, "Giá trị phải là số."
        number = Decimal(candidate)
        return (int(number) if number == number.to_integral_value() else float(number)), None
    return text, None


# --------------------------------------------------------------------------------------------
# The form object and its HTML
# --------------------------------------------------------------------------------------------


class SchemaForm:
    """A form built from a JSON Schema: bind posted data, validate, render."""

    def __init__(
        self,
        schema: Mapping[str, Any] | None,
        data: Mapping[str, Any] | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self.schema = dict(schema or {})
        self.data = data
        self.initial = dict(initial or {})
        self.prefix = prefix
        self.fields = form_fields(self.schema)
        self._errors: dict[str, list[str]] | None = None
        self.cleaned_data: dict[str, Any] = {}

    @property
    def is_bound(self) -> bool:
        return self.data is not None

    @property
    def errors(self) -> dict[str, list[str]]:
        if self._errors is None:
            self.full_clean()
        return self._errors or {}

    def full_clean(self) -> None:
        if not self.is_bound:
            self._errors = {}
            return
        assert self.data is not None
        parsed, errors = parse_form_data(self.schema, self.data, self.prefix)
        if not errors:
            for key, messages in validate_data(self.schema, parsed).items():
                for message in messages:
                    _add(errors, key, message)
        self._errors = errors
        self.cleaned_data = parsed if not errors else {}

    def is_valid(self) -> bool:
        return self.is_bound and not self.errors

    def non_field_errors(self) -> list[str]:
        return self.errors.get(NON_FIELD, [])

    # --- rendering -------------------------------------------------------------------------

    def _current(self, item: FormField) -> str:
        if self.is_bound:
            assert self.data is not None
            value = _raw_value(self.data, item.html_name(self.prefix))
            return value or ""
        node: Any = self.initial
        for part in item.path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            default = item.schema.get("default")
            node = default if default is not None else ""
        if isinstance(node, bool):
            return "on" if node else ""
        return str(node)

    def render(self) -> Any:
        from django.utils.html import format_html
        from django.utils.safestring import mark_safe

        parts: list[str] = []
        if self.is_bound and self.errors:
            if self.non_field_errors():
                items = "".join(
                    str(format_html('<p class="mb-0">{}</p>', m)) for m in self.non_field_errors()
                )
                parts.append(f'<div class="alert alert-danger" role="alert">{items}</div>')
            else:
                parts.append(
                    '<div class="alert alert-danger" role="alert"><p class="mb-0">'
                    "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới.</p></div>"
                )
        for item in self.fields:
            parts.append(self._render_field(item))
        return mark_safe("\n".join(parts))  # noqa: S308 - every piece is escaped above

    def __str__(self) -> str:
        return str(self.render())

    def __html__(self) -> str:
        return str(self.render())

    def _render_field(self, item: FormField) -> str:
        from django.utils.html import escape, format_html

        name = item.html_name(self.prefix)
        field_id = f"id_{name}"
        errors = self.errors.get(item.key, []) if self.is_bound else []
        help_id = f"{field_id}_helptext"
        error_id = f"{field_id}_error"
        described = " ".join(
            i for i, on in ((help_id, bool(item.description)), (error_id, bool(errors))) if on
        )
        help_html = (
            str(format_html('<div class="form-text" id="{}">{}</div>', help_id, item.description))
            if item.description
            else ""
        )
        error_html = ""
        if errors:
            spans = "".join(str(format_html('<span class="d-block">{}</span>', e)) for e in errors)
            error_html = (
                f'<div class="invalid-feedback d-block" id="{escape(error_id)}">{spans}</div>'
            )
        required_mark = (
            ' <span class="required-mark" aria-hidden="true">*</span>' if item.required else ""
        )
        aria = ""
        if described:
            aria += f' aria-describedby="{escape(described)}"'
        if errors:
            aria += ' aria-invalid="true"'
        invalid = " is-invalid" if errors else ""

        if item.kind == "object":
            inner = "\n".join(self._render_field(child) for child in item.children)
            legend = str(format_html('<legend class="fs-6 fw-semibold">{}', item.title))
            legend += f"{required_mark}</legend>"
            return (
                f'<fieldset class="border rounded p-3 mb-3" id="{escape(field_id)}"'
                f"{aria}>{legend}{help_html}{error_html}\n{inner}</fieldset>"
            )

        current = self._current(item)
        req_attr = " required" if item.required else ""
        if item.kind == "boolean":
            checked = " checked" if current.lower() in _TRUE_VALUES else ""
            must = " required" if item.schema.get("const") is True else ""
            return (
                '<div class="form-check mb-3">'
                f'<input type="checkbox" class="form-check-input{invalid}" name="{escape(name)}" '
                f'id="{escape(field_id)}" value="on"{checked}{must}{aria}>'
                + str(
                    format_html(
                        '<label class="form-check-label" for="{}">{}</label>', field_id, item.title
                    )
                )
                + f"{required_mark if must else ''}{help_html}{error_html}</div>"
            )

        label = str(
            format_html('<label class="form-label fw-semibold" for="{}">{}', field_id, item.title)
        )
        label += f"{required_mark}</label>"
        if item.enum is not None:
            options = ['<option value="">— Chọn —</option>']
            for value, title in item.enum_choices():
                selected = " selected" if str(value) == current else ""
                options.append(
                    str(format_html('<option value="{}"{}>{}</option>', value, selected, title))
                )
            widget = (
                f'<select class="form-select{invalid}" name="{escape(name)}" '
                f'id="{escape(field_id)}"{req_attr}{aria}>{"".join(options)}</select>'
            )
        elif item.kind == "string" and item.schema.get("x-widget") == "textarea":
            widget = (
                f'<textarea class="form-control{invalid}" name="{escape(name)}" '
                f'id="{escape(field_id)}" rows="3"{self._length_attrs(item)}{req_attr}{aria}>'
                f"{escape(current)}</textarea>"
            )
        else:
            input_type, extra = self._input_type(item)
            widget = (
                f'<input type="{input_type}" class="form-control{invalid}" name="{escape(name)}" '
                f'id="{escape(field_id)}" value="{escape(current)}"{extra}{req_attr}{aria}>'
            )
        return f'<div class="mb-3">{label}{widget}{help_html}{error_html}</div>'

    @staticmethod
    def _length_attrs(item: FormField) -> str:
        from django.utils.html import escape

        attrs = ""
        if isinstance(item.schema.get("maxLength"), int):
            attrs += f' maxlength="{escape(item.schema["maxLength"])}"'
        if isinstance(item.schema.get("minLength"), int):
            attrs += f' minlength="{escape(item.schema["minLength"])}"'
        return attrs

    def _input_type(self, item: FormField) -> tuple[str, str]:
        from django.utils.html import escape

        node = item.schema
        if item.kind in ("integer", "number"):
            extra = ' inputmode="numeric" step="1"' if item.kind == "integer" else ' step="any"'
            if item.kind == "number":
                extra = ' inputmode="decimal"' + extra
            for keyword, attr in (("minimum", "min"), ("maximum", "max")):
                value = node.get(keyword)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    extra += f' {attr}="{escape(value)}"'
            return "number", extra
        fmt = node.get("format")
        if fmt == "date":
            return "date", ""
        if fmt == "email":
            return "email", ' autocomplete="email"' + self._length_attrs(item)
        return "text", self._length_attrs(item)


# --------------------------------------------------------------------------------------------
# Showing answers (receipts, dossier pages)
# --------------------------------------------------------------------------------------------


def describe_data(
    schema: Mapping[str, Any] | None, data: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    """(title, human-readable value) pairs of the answers in ``data``, in form order."""
    out: list[tuple[str, str]] = []
    _describe(form_fields(schema), data or {}, out, "")
    return out


def _describe(
    fields: list[FormField], data: Mapping[str, Any], out: list[tuple[str, str]], parent: str
) -> None:
    for item in fields:
        title = f"{parent} — {item.title}" if parent else item.title
        value = data.get(item.path[-1]) if isinstance(data, Mapping) else None
        if item.kind == "object":
            if isinstance(value, Mapping):
                _describe(item.children, value, out, title)
            continue
        if value is None:
            continue
        if item.enum is not None:
            text = next((t for v, t in item.enum_choices() if v == value), str(value))
        elif isinstance(value, bool):
            text = "Có" if value else "Không"
        elif item.schema.get("format") == "date" and isinstance(value, str):
            text = _date_vi(value)
        elif isinstance(value, int | float):
            text = _number_vi(value)
        else:
            text = str(value)
        out.append((title, text))


def _date_vi(value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else value
