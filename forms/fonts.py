"""The bundled Liberation Serif family (Times-metric, full Vietnamese), registered once.

The TTF files and their SIL Open Font License live in resources/fonts. reportlab embeds a
subset of every TrueType font it uses, so each PDF carries its own glyphs.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from forms.errors import FormsError
from resources import resource_path

FAMILY = "LiberationSerif"
FILES = {
    "LiberationSerif": "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold": "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic": "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
LICENCE = "OFL.txt"


@dataclass(frozen=True)
class FontFamily:
    """reportlab names of the four faces; `<b>` and `<i>` in paragraphs map onto them."""

    regular: str = "LiberationSerif"
    bold: str = "LiberationSerif-Bold"
    italic: str = "LiberationSerif-Italic"
    bold_italic: str = "LiberationSerif-BoldItalic"


_lock = threading.Lock()
_family: FontFamily | None = None


def register_fonts() -> FontFamily:
    """Register the family with reportlab (once per process; thread-safe) and return it."""
    global _family
    if _family is not None:
        return _family
    with _lock:
        if _family is None:
            family = FontFamily()
            for name, filename in FILES.items():
                path = resource_path("fonts", filename)
                if not path.is_file():
                    raise FormsError(
                        f"Thiếu phông chữ {filename} trong thư mục resources/fonts; hãy cài "
                        "lại motcua.",
                        f"Font {filename} is missing from resources/fonts; reinstall motcua.")
                pdfmetrics.registerFont(TTFont(name, str(path)))
            addMapping(FAMILY, 0, 0, family.regular)
            addMapping(FAMILY, 1, 0, family.bold)
            addMapping(FAMILY, 0, 1, family.italic)
            addMapping(FAMILY, 1, 1, family.bold_italic)
            _family = family
    return _family


def missing_glyphs(text: str, face: str = "LiberationSerif") -> set[str]:
    """Characters of `text` (after NFC) that the face cannot draw; whitespace ignored."""
    register_fonts()
    font = pdfmetrics.getFont(face)
    cmap = font.face.charToGlyph
    return {ch for ch in unicodedata.normalize("NFC", text)
            if not ch.isspace() and ord(ch) not in cmap}
