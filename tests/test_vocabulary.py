"""The words shown for ids have one home, and every one of them is marked for translation there."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from navtool_desktop import vocabulary
from navtool_desktop.core.records import ACTION_STATUSES, RATING_CHOICES, ROLE_GROUPS
from navtool_desktop.framework import AUDIENCE_IDS

PACKAGE = Path(vocabulary.__file__).parent


def test_every_word_is_written_inside_underscore() -> None:
    """A gettext extractor finds a word only when the literal itself is inside ``_()``."""
    tree = ast.parse(inspect.getsource(vocabulary))
    unmarked = [node.value.value for node in ast.walk(tree)
                if isinstance(node, ast.Dict) for node in [ast.Expr(v) for v in node.values]
                if not (isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "_")]
    assert unmarked == []


@pytest.mark.parametrize(("name", "ids"), [
    ("level_name", RATING_CHOICES), ("role_name", ROLE_GROUPS), ("action_status_name", ACTION_STATUSES),
    ("audience_name", AUDIENCE_IDS)])
def test_every_id_has_a_word(name: str, ids: tuple[str, ...]) -> None:
    words = [getattr(vocabulary, name)(i) for i in ids]
    assert all(w and w != i for w, i in zip(words, ids, strict=True))
    assert len(set(words)) == len(ids)


def test_the_ui_and_the_reports_say_the_same_word() -> None:
    from navtool_desktop.reports import style
    from navtool_desktop.ui.charts import choice_name
    from navtool_desktop.ui.rating_entry import choice_label

    for choice in RATING_CHOICES:
        assert choice_name(choice) == choice_label(choice) == style.level_name(choice)
    assert style.level_name(None) == "No level"


def test_no_screen_looks_words_up_in_a_table_of_its_own() -> None:
    """``_(TABLE[key])`` hides the word from a string extractor; the vocabulary is the one home."""
    lookup = re.compile(r"_\([A-Z_]+\[")
    allowed = {"vocabulary.py"}
    found = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if lookup.search(path.read_text(encoding="utf-8"))]
    assert sorted(set(found) - allowed) == []


def test_the_level_letters_are_the_shown_names_initials() -> None:
    from navtool_desktop import i18n

    letters = [vocabulary.level_letter(c) for c in RATING_CHOICES]
    assert letters == ["E", "D", "O", "R", "?"]
    i18n.set_language("es")
    assert [vocabulary.level_letter(c) for c in RATING_CHOICES] == ["E", "D", "C", "R", "?"]
