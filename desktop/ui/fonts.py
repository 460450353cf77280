"""The bundled fonts: the UI draws Vietnamese with Liberation Sans, never a system font."""

from __future__ import annotations

import logging

from desktop.ui.qt import QApplication, QFont, QFontDatabase, QRawFont
from resources import resource_path

log = logging.getLogger(__name__)

UI_FILES = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")
SERIF_FILES = ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf")
UI_FAMILY = "Liberation Sans"
UI_POINT_SIZE = 10


def load_fonts(app: QApplication) -> str:
    """Register the bundled faces with Qt and make the sans the application's font."""
    family = ""
    for name in UI_FILES + SERIF_FILES:
        path = resource_path("fonts", name)
        if not path.exists():
            log.warning("bundled font missing: %s", path)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load %s", path)
            continue
        if name in UI_FILES and not family:
            family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family or UI_FAMILY, UI_POINT_SIZE)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    return family


def missing_vietnamese_glyphs(path: str | None = None) -> str:
    """The Vietnamese letters the bundled UI font cannot draw (empty when it covers them)."""
    from desktop.register.textnorm import VIETNAMESE_LETTERS  # not needed to start the app

    raw = QRawFont(path or str(resource_path("fonts", UI_FILES[0])), 12)
    return "".join(ch for ch in VIETNAMESE_LETTERS if not raw.supportsCharacter(ch))
