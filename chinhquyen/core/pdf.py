"""PDF rendering for official documents and forms (WeasyPrint), and small PDF readers.

Templates extend ``pdf/base.html`` (A4, margins of Nghị định 30/2020/NĐ-CP, Liberation Serif —
metric-compatible with Times New Roman — and the national motto header). Fonts are looked up
by fontconfig name, never downloaded.

Signature placeholders: ``{% include "pdf/_signature_box.html" with box="..." %}`` leaves an
empty box between the signer's title and name; ``find_signature_box()`` reads its position
back from the PDF (two named destinations ``sig-<box>`` / ``sig-<box>-end`` that WeasyPrint
writes for the element ids), so the signing service can put the signer's image there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

#: CSS font stack used by the PDF templates (fontconfig family names, no web fonts).
SERIF_FONTS = ("Liberation Serif", "Noto Serif", "Times New Roman", "serif")

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


class PdfError(Exception):
    """The file is not a PDF we can read."""


@dataclass(frozen=True)
class PdfBox:
    """A rectangle on a page in PDF user space (points, origin bottom-left), page 0-based."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x0), round(self.y0), round(self.x1), round(self.y1))


def render_pdf_html(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML string to PDF bytes."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url or ".").render()
    pdf: bytes = document.write_pdf()
    return pdf


def render_pdf(
    template_name: str, context: dict[str, Any], *, base_url: str | None = None
) -> bytes:
    """Render a Django template (usually extending ``pdf/base.html``) to PDF bytes.

    ``base_url`` resolves relative URLs in the template (images, stylesheets); keep it on the
    local filesystem — rendering must never reach the network.
    """
    html = render_to_string(template_name, context)
    return render_pdf_html(html, base_url=base_url)


def _active_override(key: str) -> Any:
    from chinhquyen.core.models import DocumentTemplate

    return DocumentTemplate.objects.filter(key=key, is_active=True).first()


def _with_css(html: str, css: str) -> str:
    if not css.strip():
        return html
    # "</" would end the style element early: CSS never needs it.
    style = "<style>\n" + css.replace("</", "<\\/") + "\n</style>"
    head_end = html.lower().find("</head>")
    if head_end == -1:
        return style + html
    return html[:head_end] + style + html[head_end:]


def render_pdf_template_html(key: str, context: dict[str, Any], *, default_template: str) -> str:
    """The HTML of form ``key``: the administrator's active ``DocumentTemplate`` override when
    there is one (its CSS added to the page's styles), else the file ``default_template``.

    An override that fails to render (a missing variable renders empty; this is about broken
    includes, filters and the like) is logged and the file template is used, so a bad edit
    never stops the one-stop desk from printing its forms.
    """
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    override = _active_override(key)
    if override is not None:
        try:
            html = engines["django"].from_string(override.body).render(context)
        except (
            TemplateSyntaxError,
            TemplateDoesNotExist,
            LookupError,
            ValueError,
            TypeError,
            AttributeError,
        ):
            logger.exception("pdf.template_override_failed", extra={"template_key": key})
        else:
            return _with_css(html, override.css)
    return render_to_string(default_template, context)


def render_pdf_template(
    key: str,
    context: dict[str, Any],
    *,
    default_template: str,
    base_url: str | None = None,
) -> bytes:
    """Render form ``key`` to PDF bytes (see ``render_pdf_template_html``)."""
    html = render_pdf_template_html(key, context, default_template=default_template)
    return render_pdf_html(html, base_url=base_url)


def vn_date_line(place: str, on: dt.date) -> str:
    """ "Ninh Bình, ngày 05 tháng 01 năm 2026" — days below 10 and months 1, 2 get a leading
    zero (Nghị định 30/2020, Phụ lục I)."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def document_header(
    *,
    issuer: str,
    issuer_parent: str = "",
    number_notation: str = "",
    place: str = "",
    issued_on: dt.date | None = None,
) -> dict[str, str]:
    """Context for ``pdf/_national_header.html``: the issuing body on the left, the national
    name and motto on the right, the number/notation and the place and date below them.

    Use as ``render_pdf(name, {"header": document_header(...), ...})``.
    """
    return {
        "national_name": NATIONAL_NAME,
        "national_motto": NATIONAL_MOTTO,
        "issuer_parent": issuer_parent.upper(),
        "issuer": issuer.upper(),
        "number_notation": number_notation,
        "date_line": vn_date_line(place, issued_on) if place and issued_on else "",
    }


# --- Reading PDFs ---------------------------------------------------------------------------


def blank_pdf() -> bytes:
    """A real one-page A4 PDF with nothing on it (demo files, test uploads)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _reader(pdf_bytes: bytes) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return PdfReader(io.BytesIO(pdf_bytes), strict=False)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfError("Không đọc được tệp PDF.") from exc


def pdf_text(pdf_bytes: bytes) -> str:
    """The text of every page, pages separated by a form feed.

    Uses poppler's ``pdftotext`` when installed (it also reads what annotations show, such as
    a signature stamp), pypdf otherwise (page contents only).
    """
    if shutil.which("pdftotext"):
        try:
            out = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-q", "-", "-"],  # noqa: S607
                input=pdf_bytes,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None and out.returncode == 0:
            return out.stdout.decode("utf-8", errors="replace")
    reader = _reader(pdf_bytes)
    try:
        return "\f".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # pypdf raises many types on damaged files
        raise PdfError("Không đọc được nội dung tệp PDF.") from exc


def pdf_font_names(pdf_bytes: bytes) -> set[str]:
    """Base font names used by the pages, without the subset prefix ("ABCDEF+")."""
    reader = _reader(pdf_bytes)
    names: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for font in fonts.get_object().values():
            base = str(font.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def pdf_page_count(pdf_bytes: bytes) -> int:
    return len(_reader(pdf_bytes).pages)


def find_signature_box(pdf_bytes: bytes, name: str) -> PdfBox | None:
    """Where the template put the signature placeholder ``name`` (see ``_signature_box.html``),
    or None when the PDF has no such placeholder."""
    # the same document is often signed several times: remember boxes by content hash
    key = (hashlib.sha256(pdf_bytes).digest(), name)
    if key in _BOX_CACHE:
        return _BOX_CACHE[key]
    box = _read_signature_box(pdf_bytes, name)
    if len(_BOX_CACHE) >= 256:
        _BOX_CACHE.pop(next(iter(_BOX_CACHE)))
    _BOX_CACHE[key] = box
    return box


_BOX_CACHE: dict[tuple[bytes, str], PdfBox | None] = {}


def _read_signature_box(pdf_bytes: bytes, name: str) -> PdfBox | None:
    reader = _reader(pdf_bytes)
    try:
        dests = reader.named_destinations
    except Exception:
        return None
    start, end = dests.get(f"sig-{name}"), dests.get(f"sig-{name}-end")
    if start is None or end is None:
        return None
    page = reader.get_destination_page_number(start)
    if page != reader.get_destination_page_number(end):
        return None
    left, top = float(start.left), float(start.top)
    right, bottom = float(end.left), float(end.top)
    return PdfBox(
        page=page,
        x0=min(left, right),
        y0=min(top, bottom),
        x1=max(left, right),
        y1=max(top, bottom),
    )
