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

import contextlib
import gettext
import json
import locale
import os
import threading
from collections.abc import Iterator
from pathlib import Path

DOMAIN = "navtool"
#: The languages the app ships, with each one's own name (never translated).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
SOURCE_LANGUAGE = "en"
LANG_ENV = "NAVTOOL_LANG"
PREFERENCES_FILE = "preferences.json"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE
#: One thread's own language (see :func:`speaking`): (code, translation) or absent.
_local = threading.local()
#: Catalogs loaded for :func:`speaking`, by language and catalog folder.
_spoken: dict[tuple[str, str], tuple[str, gettext.NullTranslations]] = {}


def _(text: str) -> str:
    """Translate ``text``; English is the source language and the fallback."""
    if not text:
        return text  # gettext("") is the catalog's header
    own = getattr(_local, "speaking", None)
    return (own[1] if own is not None else _translation).gettext(text)


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
    """The language the app speaks now ("en", "es"), or this thread's (see :func:`speaking`)."""
    own = getattr(_local, "speaking", None)
    return own[0] if own is not None else _language


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


def read_preferences() -> dict[str, object]:
    """Everything saved in the preferences file (a damaged or missing file reads as empty).

    The file holds the language here and, for the screens, the last folder of each kind of
    file (``ui/preferences.py``).
    """
    try:
        data = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_preference(key: str, value: object) -> None:
    """Save one preference (``None`` removes it), keeping the others; the file is replaced whole."""
    data = read_preferences()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    path = preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)


def saved_language() -> str | None:
    """The language chosen in Preferences, if any (a damaged file counts as no choice)."""
    value = read_preferences().get("language")
    return value if isinstance(value, str) and value in LANGUAGES else None


def save_language(code: str | None) -> None:
    """Remember ``code`` for the next start (``None``: follow the system again)."""
    if code is not None and code not in LANGUAGES:
        raise ValueError(code)
    save_preference("language", code)


def resolve_language(requested: str | None = None) -> str:
    """``--lang``, else ``$NAVTOOL_LANG``, else Preferences, else the system locale."""
    for candidate in (requested, os.environ.get(LANG_ENV)):
        found = _code(candidate)
        if found:
            return found
    return saved_language() or system_language()


def _load(code: str) -> tuple[str, gettext.NullTranslations]:
    """A shipped language's code and catalog; English (no catalog) for anything else."""
    found = _code(code) or SOURCE_LANGUAGE
    if found == SOURCE_LANGUAGE:
        return SOURCE_LANGUAGE, gettext.NullTranslations()
    translation = gettext.translation(DOMAIN, locale_dir(), [found], fallback=True)
    return (found if isinstance(translation, gettext.GNUTranslations) else SOURCE_LANGUAGE), translation


def set_language(code: str) -> None:
    """Speak ``code`` from now on; a language without a catalog falls back to English."""
    global _translation, _language
    _language, _translation = _load(code)


@contextlib.contextmanager
def speaking(code: str) -> Iterator[str]:
    """Speak ``code`` on this thread only, for the block (a phone's own language while the
    app keeps the facilitator's); yields the language actually spoken."""
    before = getattr(_local, "speaking", None)
    key = (code, str(locale_dir()))
    found = _spoken.get(key)
    if found is None:  # once per language: a phone's every request speaks its own
        found = _spoken[key] = _load(code)
    _local.speaking = found
    try:
        yield _local.speaking[0]
    finally:
        _local.speaking = before
