"""OpenType fonts for signature stamps (pyHanko's glyph accumulator, with a fix).

pyHanko 0.38 writes a CID font's /W widths, and the TJ adjustments derived from them, in the
font's own units; PDF reads them as thousandths of an em. Fonts with 1000 units per em (Noto)
come out right, but Liberation Serif (2048) is drawn with every glyph twice as wide. This
accumulator shapes at 1000 units per em and scales the widths, so any TrueType font works.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from typing import Any

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

# fontTools warns about every table it does not subset (FFTM in Liberation fonts).
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class ThousandUnitGlyphAccumulator(GlyphAccumulator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._width_scale = 1000 / self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        cached = self._glyphs.get(glyph_id)
        if cached is not None:
            return cached
        cid, width = super()._get_cid_and_width(glyph_id)
        result = (cid, round(width * self._width_scale))
        self._glyphs[glyph_id] = result
        return result


#: Characters a stamp may use: ASCII, Latin-1, Latin Extended-A/B and Vietnamese.
STAMP_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1F00),
    0x2013,
    0x2014,
    0x2018,
    0x2019,
    0x201C,
    0x201D,
    0x2026,
]


@lru_cache(maxsize=4)
def _font_for_stamps(path: str) -> bytes:
    """The font reduced to the stamp characters, once per process: each stamp then subsets
    this small font instead of the whole file."""
    from fontTools import subset, ttLib

    font = ttLib.TTFont(path)
    options = subset.Options()
    options.layout_features = ["kern", "liga"]
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables += ["FFTM", "DSIG"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class ThousandUnitGlyphAccumulatorFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        font_bytes = _font_for_stamps(self.font_file)
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return ThousandUnitGlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(font_bytes),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
