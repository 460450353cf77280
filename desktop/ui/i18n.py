"""Translation of the UI's strings with gettext: Vietnamese in the source, English shipped.

Why gettext and not Qt's .ts/.qm: the source strings are Vietnamese Python literals; the
register's own messages are already bilingual pairs; PyQt6 wheels ship no `lrelease`, so
.qm files could not be built from the project's environment, whereas a .mo is compiled by
`python -m desktop.ui.i18n_tools compile` with the standard library alone. The catalogue
lives in resources/translations/<lang>/LC_MESSAGES/motcua.{po,mo}.

The language is chosen once at start (a setting); switching asks for a restart.
"""

from __future__ import annotations

import gettext
import logging

from resources import resource_path

log = logging.getLogger(__name__)

DOMAIN = "motcua"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
_translation: gettext.NullTranslations = gettext.NullTranslations()
_lang = "vi"


def locale_dir() -> str:
    return str(resource_path("translations"))


def set_language(lang: str) -> str:
    """Switch to `lang` ("vi" or "en"); falls back to Vietnamese when no catalogue is found."""
    global _translation, _lang
    if lang not in LANGUAGES:
        lang = "vi"
    if lang == "vi":
        _translation, _lang = gettext.NullTranslations(), "vi"
        return _lang
    try:
        _translation = gettext.translation(DOMAIN, locale_dir(), languages=[lang])
        _lang = lang
    except OSError:
        log.warning("no %s translation found in %s; using Vietnamese", lang, locale_dir())
        _translation, _lang = gettext.NullTranslations(), "vi"
    return _lang


def lang() -> str:
    """The UI language in force: "vi" or "en" (used for the register's bilingual errors)."""
    return _lang


def _(message: str) -> str:
    """Translate a UI string (the Vietnamese source text is the message id)."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (module-level tables)."""
    return message


def pair(vi: str, en: str) -> str:
    """Choose from a bilingual pair the register provides (status labels, roles, ratings)."""
    return en if _lang == "en" else vi
