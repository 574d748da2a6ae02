"""Marks the words people see and translates them (see DESIGN section 9).

Rules: never put an f-string inside ``_()``; translate first, then ``.format()``.

The catalog is GNU gettext: ``resources/locale/<lang>/LC_MESSAGES/navtool.po`` (the text a
translator edits) compiled to ``navtool.mo`` (what the app reads, with Python's own
:mod:`gettext`, so no layer needs Qt to translate). ``make i18n`` extracts the strings, checks
that the Spanish catalog has every one and compiles it (``tools/i18n.py``).

Which language: ``navtool --lang es``, else ``$NAVTOOL_LANG``, else the choice saved in
Preferences, else the system locale, else English. Set it once, before any screen is built.
"""

from __future__ import annotations

import gettext
import json
import locale
import os
from pathlib import Path

DOMAIN = "navtool"
#: The languages the app ships, with each one's own name (never translated).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
SOURCE_LANGUAGE = "en"
LANG_ENV = "NAVTOOL_LANG"
PREFERENCES_FILE = "preferences.json"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _(text: str) -> str:
    """Translate ``text``; English is the source language and the fallback."""
    if not text:
        return text  # gettext("") is the catalog's header
    return _translation.gettext(text)


def plural(count: int, one: str, many: str) -> str:
    """The singular or the plural form (each written out with ``_()``), picked by ``count``.

    ``plural(n, _("{n} action"), _("{n} actions")).format(n=n)``: the caller fills it in.
    """
    return one if count == 1 else many


#: The language tag a document declares (PDF /Lang, HTML lang) for each shipped language: the
#: app is made for US districts, so its Spanish is US Spanish.
LANGUAGE_TAGS: dict[str, str] = {"en": "en-US", "es": "es-US"}


def language_tag() -> str:
    """The tag of the language the app speaks now ("en-US", "es-US"), for the documents it writes."""
    return LANGUAGE_TAGS.get(_language, LANGUAGE_TAGS[SOURCE_LANGUAGE])


def locale_dir() -> Path:
    from navtool_desktop import paths

    return paths.resource("locale")


def language() -> str:
    """The language the app speaks now ("en", "es")."""
    return _language


def _code(value: str | None) -> str | None:
    """A shipped language's code from a locale name ("es_MX.UTF-8", "Spanish_Mexico", "es")."""
    if not value:
        return None
    head = value.split(":")[0].replace("-", "_").split("_")[0].split(".")[0].lower()
    if head in LANGUAGES:
        return head
    by_name = {"english": "en", "spanish": "es", "español": "es"}
    return by_name.get(head)


def system_language() -> str:
    """The system locale's language if the app ships it, else English."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            found = _code(value)
            if found:
                return found
            if var != "LANGUAGE":
                return SOURCE_LANGUAGE  # a set locale the app does not ship (or "C")
    try:
        found = _code(locale.getlocale()[0])
    except ValueError:
        found = None
    return found or SOURCE_LANGUAGE


def preferences_path() -> Path:
    from navtool_desktop import paths

    return paths.data_dir() / PREFERENCES_FILE


def saved_language() -> str | None:
    """The language chosen in Preferences, if any (a damaged file counts as no choice)."""
    try:
        data = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in LANGUAGES else None


def save_language(code: str | None) -> None:
    """Remember ``code`` for the next start (``None``: follow the system again)."""
    if code is not None and code not in LANGUAGES:
        raise ValueError(code)
    path = preferences_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    if code is None:
        data.pop("language", None)
    else:
        data["language"] = code
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def resolve_language(requested: str | None = None) -> str:
    """``--lang``, else ``$NAVTOOL_LANG``, else Preferences, else the system locale."""
    for candidate in (requested, os.environ.get(LANG_ENV)):
        found = _code(candidate)
        if found:
            return found
    return saved_language() or system_language()


def set_language(code: str) -> None:
    """Speak ``code`` from now on; a language without a catalog falls back to English."""
    global _translation, _language
    found = _code(code) or SOURCE_LANGUAGE
    if found == SOURCE_LANGUAGE:
        _translation, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
        return
    _translation = gettext.translation(DOMAIN, locale_dir(), [found], fallback=True)
    _language = found if isinstance(_translation, gettext.GNUTranslations) else SOURCE_LANGUAGE
