"""Marks the words people see, so a Spanish translation can follow (see DESIGN section 9).

Rules: never put an f-string inside ``_()``; translate first, then ``.format()``.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Translate ``text``; English is the source language and the fallback."""
    return text


def plural(count: int, one: str, many: str) -> str:
    """The singular or the plural form (each written out with ``_()``), picked by ``count``.

    ``plural(n, _("{n} action"), _("{n} actions")).format(n=n)``: the caller fills it in.
    """
    return one if count == 1 else many
