"""What a signature looks like and where it goes (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Boxes: the caller's box or the template's placeholder for the official's image (lower right of
the last page when there is none), the seal at its actual size over the left third of the
official's image, an attachment's stamp at the top right of page 1. Stamp styles: the
signature or seal image (a transparent PNG, compressed once and embedded with a soft mask) or a
text stamp (the holder's name; an attachment's number/notation and signing time, 10 pt).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import PdfBox, find_signature_box

from . import pki

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_PLACEHOLDER = "signer"
MM = 72.0 / 25.4
ATTACHMENT_FONT_SIZE = 10


def local_now() -> dt.datetime:
    """Now in Vietnam's time zone, to the second (what a signature shows)."""
    return timezone.now().astimezone(VN_TZ).replace(microsecond=0)


# --- Placement ------------------------------------------------------------------------------


BoxSpec = PdfBox | tuple[int, float, float, float, float] | str | None


def _page_size(reader: PdfFileReader, page: int) -> tuple[float, float]:
    page_obj = reader.root["/Pages"]
    try:
        page_dict = reader.find_page_for_modification(page)[0].get_object()
    except (IndexError, PyHankoPdfError) as exc:
        raise DomainError("Trang đặt chữ ký không có trong tệp.", code="bad_box") from exc
    box = page_dict.get("/MediaBox") or page_obj.get("/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    return x1 - x0, y1 - y0


def _resolve_box(pdf: bytes, spec: BoxSpec, *, required: bool) -> PdfBox | None:
    if isinstance(spec, PdfBox):
        return spec
    if isinstance(spec, tuple):
        page, x0, y0, x1, y1 = spec
        return PdfBox(page=int(page), x0=x0, y0=y0, x1=x1, y1=y1)
    name = spec or DEFAULT_PLACEHOLDER
    box = find_signature_box(pdf, name)
    if box is None and (spec or required):
        raise DomainError(
            f"Không tìm thấy vị trí đặt chữ ký «{name}» trong văn bản.", code="no_signature_box"
        )
    return box


def _default_personal_box(reader: PdfFileReader) -> PdfBox:
    """No placeholder: the lower right of the last page (60 × 30 mm above a 25 mm margin)."""
    last = int(reader.root["/Pages"]["/Count"]) - 1
    width, _height = _page_size(reader, last)
    x1 = width - 20 * MM
    return PdfBox(page=last, x0=x1 - 60 * MM, y0=25 * MM, x1=x1, y1=55 * MM)


def _last_visible_signature_box(pdf: bytes) -> PdfBox | None:
    """The widget rectangle of the most recent visible signature (organisation seals go
    next to it when the caller does not say where the official signed)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    found: PdfBox | None = None
    for index, page in enumerate(reader.pages):
        for annot_ref in page.get("/Annots") or []:
            annot = annot_ref.get_object()
            field_type = annot.get("/FT") or (annot.get("/Parent") or {}).get("/FT")
            if field_type != "/Sig" or (
                "/V" not in annot and "/V" not in (annot.get("/Parent") or {})
            ):
                continue
            x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
            if abs(x1 - x0) > 1 and abs(y1 - y0) > 1:
                found = PdfBox(
                    page=index, x0=min(x0, x1), y0=min(y0, y1), x1=max(x0, x1), y1=max(y0, y1)
                )
    return found


def _fit(box: PdfBox, width: float, height: float) -> PdfBox:
    """The largest box of the image's aspect ratio centred in ``box``."""
    scale = min(box.width / width, box.height / height)
    w, h = width * scale, height * scale
    x0 = box.x0 + (box.width - w) / 2
    y0 = box.y0 + (box.height - h) / 2
    return PdfBox(page=box.page, x0=x0, y0=y0, x1=x0 + w, y1=y0 + h)


def seal_box_for(signer_box: PdfBox, seal_png: bytes) -> PdfBox:
    """The seal at its actual size, its right edge a third of the way into the signer's image,
    centred vertically on it."""
    width, height = pki.image_size_points(seal_png)
    right = signer_box.x0 + signer_box.width / 3
    middle = (signer_box.y0 + signer_box.y1) / 2
    return PdfBox(
        page=signer_box.page,
        x0=right - width,
        y0=middle - height / 2,
        x1=right,
        y1=middle + height / 2,
    )


def attachment_box(reader: PdfFileReader) -> PdfBox:
    """Top right of page 1, inside the top margin."""
    width, height = _page_size(reader, 0)
    x1 = width - 10 * MM
    return PdfBox(page=0, x0=x1 - 62 * MM, y0=height - 19 * MM, x1=x1, y1=height - 6 * MM)


def attachment_stamp_text(number_notation: str, signed_at: dt.datetime) -> str:
    return f"{number_notation}\n{signed_at.astimezone(VN_TZ).isoformat()}"


# --- Images and stamps ----------------------------------------------------------------------


def _image_bytes(image_field: Any) -> bytes:
    if not image_field:
        return b""
    try:
        image_field.open("rb")
        try:
            data: bytes = image_field.read()
        finally:
            image_field.close()
    except (OSError, ValueError):
        return b""
    return data


@dataclass(frozen=True)
class _EncodedImage:
    """An RGBA PNG split and compressed once, ready to embed as an image XObject with a soft
    mask (the same image goes into every document an official signs)."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes


@lru_cache(maxsize=64)
def _encoded_image(png: bytes) -> _EncodedImage:
    import zlib

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    return _EncodedImage(
        width=rgba.width,
        height=rgba.height,
        rgb=zlib.compress(rgba.convert("RGB").tobytes()),
        alpha=zlib.compress(rgba.getchannel("A").tobytes()),
    )


class _SignatureImage(PdfImage):
    """pyHanko's PdfImage, embedding pre-compressed image data."""

    def __init__(self, png: bytes) -> None:
        from PIL import Image

        self.encoded = _encoded_image(png)
        super().__init__(Image.new("L", (self.encoded.width, self.encoded.height)))

    @property
    def image_ref(self) -> generic.IndirectObject:
        writer = self.writer
        assert writer is not None
        ref = self._image_ref
        if ref is None or ref.get_pdf_handler() is not writer:
            encoded = self.encoded

            def stream(colour_space: str, data: bytes) -> generic.StreamObject:
                return generic.StreamObject(
                    {
                        generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                        generic.pdf_name("/Subtype"): generic.pdf_name("/Image"),
                        generic.pdf_name("/Width"): generic.NumberObject(encoded.width),
                        generic.pdf_name("/Height"): generic.NumberObject(encoded.height),
                        generic.pdf_name("/ColorSpace"): generic.pdf_name(colour_space),
                        generic.pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                        generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode"),
                    },
                    encoded_data=data,
                )

            image = stream("/DeviceRGB", encoded.rgb)
            image[generic.pdf_name("/SMask")] = writer.add_object(
                stream("/DeviceGray", encoded.alpha)
            )
            self._image_ref = ref = writer.add_object(image)
        return ref


def _image_style(png: bytes) -> StaticStampStyle:
    return StaticStampStyle(
        background=_SignatureImage(png),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


@lru_cache(maxsize=1)
def _stamp_font_factory() -> Any:
    from .stampfont import ThousandUnitGlyphAccumulatorFactory

    path = pki.font_file("Liberation Serif") or pki.font_file("serif")
    if not path:
        return None
    return ThousandUnitGlyphAccumulatorFactory(path, font_size=ATTACHMENT_FONT_SIZE)


def _text_style(text: str) -> TextStampStyle:
    font = _stamp_font_factory()
    box_style = (
        TextBoxStyle(font=font, font_size=ATTACHMENT_FONT_SIZE, leading=ATTACHMENT_FONT_SIZE + 2)
        if font is not None
        else TextBoxStyle(font_size=ATTACHMENT_FONT_SIZE)
    )
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=box_style,
        border_width=0,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
