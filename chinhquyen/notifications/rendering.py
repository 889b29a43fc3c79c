"""Rendering notification templates: Django template syntax in a sandboxed engine.

Templates are data edited by administrators, so they are compiled by a private ``Engine`` that
has no template loaders (``{% include %}``/``{% extends %}`` find nothing) and no tag libraries
beyond the built-ins (``{% load %}`` fails). Contexts are plain JSON-like data given by the
calling service. Text (SMS, e-mail text part and subject) renders without autoescaping; the
HTML part of an e-mail renders the same body with autoescaping and turns line breaks into
paragraphs.

SMS texts are one line, folded to ASCII when ``NOTIFY_SMS_ASCII`` is on (default: many
gateways bill Unicode messages per 70 characters), and at most ``SMS_MAX_LENGTH`` characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Template
from django.utils import translation
from django.utils.html import escape, linebreaks

SMS_MAX_LENGTH = 306  # two concatenated GSM-7 messages
SUBJECT_MAX_LENGTH = 255
ELLIPSIS = "..."

# Punctuation that often sneaks into Vietnamese text and has an obvious ASCII stand-in.
_ASCII_PUNCTUATION = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "\u00a0": " ",
        "«": '"',
        "»": '"',
    }
)


class TemplateRenderError(Exception):
    """A template could not be compiled or rendered; the message is in Vietnamese."""


@cache
def _engine() -> Engine:
    return Engine(loaders=[], libraries={}, debug=False, string_if_invalid="")


def compile_template(source: str) -> Template:
    try:
        return _engine().from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"Mẫu sai cú pháp: {exc}") from exc


def render_template(source: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    """Render ``source`` with ``context``; raises ``TemplateRenderError`` on any failure."""
    template = compile_template(source)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return template.render(Context(dict(context), autoescape=autoescape))
    except TemplateRenderError:
        raise
    except Exception as exc:  # include of a missing template, a filter's error, ...
        raise TemplateRenderError(f"Không hiển thị được mẫu: {exc}") from exc


def validate_template_source(source: str) -> None:
    """Model field validator: the text compiles and renders with an empty context."""
    try:
        render_template(source, {}, autoescape=False)
    except TemplateRenderError as exc:
        raise ValidationError(str(exc), code="invalid_template") from exc


def single_line(text: str) -> str:
    return " ".join(text.split())


def fold_ascii(text: str) -> str:
    """Vietnamese without diacritics, keeping case: "Hồ sơ Đã nhận" -> "Ho so Da nhan".

    Characters that still are not ASCII afterwards (emoji, CJK, ...) become "?", so a message
    meant for the GSM-7 alphabet never silently switches the whole SMS to Unicode.
    """
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    text = text.translate(_ASCII_PUNCTUATION)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return "".join(ch if ch.isascii() else "?" for ch in unicodedata.normalize("NFC", stripped))


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def sms_ascii_enabled() -> bool:
    return bool(getattr(settings, "NOTIFY_SMS_ASCII", True))


def sms_text(text: str, *, ascii_only: bool | None = None) -> str:
    """The text an SMS gateway receives: one line, optionally ASCII, at most 306 chars."""
    if ascii_only is None:
        ascii_only = sms_ascii_enabled()
    text = single_line(text)
    if ascii_only:
        text = fold_ascii(text)
    return truncate(text, SMS_MAX_LENGTH)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    body_html: str


def render_email(subject: str, body: str, context: Mapping[str, Any]) -> RenderedMessage:
    subject_text = render_template(subject, context, autoescape=False)
    rendered_subject = truncate(single_line(subject_text), SUBJECT_MAX_LENGTH)
    text = render_template(body, context, autoescape=False).replace("\r\n", "\n").strip()
    html_fragment = render_template(body, context, autoescape=True).replace("\r\n", "\n").strip()
    html = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{escape(rendered_subject)}</title></head>\n"
        f"<body>\n{linebreaks(html_fragment, autoescape=False)}\n</body>\n</html>\n"
    )
    return RenderedMessage(subject=rendered_subject, body=text, body_html=html)


def render_sms(body: str, context: Mapping[str, Any]) -> RenderedMessage:
    return RenderedMessage(
        subject="", body=sms_text(render_template(body, context, autoescape=False)), body_html=""
    )
