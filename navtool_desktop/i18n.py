"""Marks the words people see, so a Spanish translation can follow (see DESIGN section 9).

Rules: never put an f-string inside ``_()``; translate first, then ``.format()``.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Translate ``text``; English is the source language and the fallback."""
    return text
