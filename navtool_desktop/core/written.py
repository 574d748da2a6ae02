"""What people wrote in a cycle (rating notes, answers to guiding questions), for the outputs the team shares.

The Consensus screen, the assessment report and the summary table all take their texts from
:func:`cycle_written`, so each shows exactly the same texts under the same rule
(:func:`core.disclosure.texts_shown`): without names, role groups, levels or times, in
alphabetical order, and only where at least the cycle's threshold of people could have
written them. A rating note is one of the notes on its competency; an answer is one of the
answers to its guiding question, which belongs to a condition and is written for some role
groups (learners, or the adults), so a question written for a small group shows no answers.

Texts are cleaned for display by :func:`clean_text`: no control characters, no bidirectional
embedding or override marks (an unclosed right-to-left override would turn the rest of the
line around), every line or paragraph separator a plain line break, nothing when nothing in it
is visible (only zero-width characters or direction marks), and at most :data:`MAX_TEXT`
characters.

Pure Python: no Qt, no storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from navtool_desktop.core.disclosure import texts_shown, writers
from navtool_desktop.core.records import ROLE_GROUPS, Participant, QuestionResponse, Rating, audiences_for
from navtool_desktop.core.results import CycleResults
from navtool_desktop.framework import Pack

#: The longest text shown (a note or answer longer than this ends in "…").
MAX_TEXT = 2000
ELLIPSIS = "\u2026"
# C0/C1 controls but tab and newline; bidirectional embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
# what ends a line but is not "\n": a paragraph separator would start a line of its own on the
# Consensus screen, outside the text's indentation, so one note could pass for two
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """A written text as every output shows it (see the module doc); "" when nothing is left."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text):
        return ""  # only zero-width or direction marks: an empty bullet, an empty quote
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT - 1].rstrip() + ELLIPSIS
    return text


@dataclass(frozen=True, slots=True)
class Texts:
    """The texts written on one item (a competency's notes, a question's answers).

    ``shown`` is False when the rule withholds them; ``texts`` is then empty.
    """

    item_id: str
    texts: tuple[str, ...]
    shown: bool
    #: For answers: the question as the framework words it, and its audience.
    question: str = ""
    audience: str = ""


@dataclass(frozen=True, slots=True)
class CycleWritten:
    """A cycle's texts: ``notes`` by competency id, ``answers`` by condition id (one
    :class:`Texts` per question someone answered, in pack order)."""

    threshold: int
    notes: Mapping[str, Texts]
    answers: Mapping[str, tuple[Texts, ...]]

    def notes_on(self, competency_id: str) -> Texts | None:
        return self.notes.get(competency_id)

    def answers_for(self, condition_id: str) -> tuple[Texts, ...]:
        return self.answers.get(condition_id, ())


def audience_groups(audience: str) -> tuple[str, ...]:
    """The role groups a guiding question of ``audience`` is written for (who can answer it)."""
    return tuple(g for g in ROLE_GROUPS if audience in audiences_for(g))


def _sorted(texts: Iterable[str]) -> tuple[str, ...]:
    # alphabetical: an order that says nothing of who wrote a text or when
    return tuple(sorted(texts, key=lambda t: (t.casefold(), t)))


def cycle_written(pack: Pack, results: CycleResults, participants: Iterable[Participant],
                  ratings: Iterable[Rating], responses: Iterable[QuestionResponse]) -> CycleWritten:
    """Every note and answer of a cycle that may be shown, and which are withheld."""
    cycle = results.cycle
    people = tuple(participants)
    in_scope = [r for r in ratings if cycle.covers(r.competency_id)]
    decision = results.disclosure
    shown_items = {c.competency_id for c in results.competencies if c.overall_shown}

    notes: dict[str, Texts] = {}
    by_competency: dict[str, list[Rating]] = {}
    for rating in in_scope:
        by_competency.setdefault(rating.competency_id, []).append(rating)
    for cid, found in by_competency.items():
        texts = [clean_text(r.note) for r in found]
        texts = [t for t in texts if t]
        if not texts:
            continue
        ok = cid in shown_items and texts_shown(decision, writers(people, (r.participant_id for r in found)))
        notes[cid] = Texts(cid, _sorted(texts) if ok else (), ok)

    # who took part, by role group: rated in scope or answered a question
    role = {p.id: p.role_group for p in people}
    answer_list = tuple(responses)
    took_part: dict[str, set[str]] = {g: set() for g in ROLE_GROUPS}
    for pid in (*(r.participant_id for r in in_scope), *(r.participant_id for r in answer_list)):
        if role.get(pid) in took_part:
            took_part[role[pid]].add(pid)
    by_question: dict[str, list[str]] = {}
    for response in answer_list:
        text = clean_text(response.text)
        if text and response.participant_id in role:
            by_question.setdefault(response.question_id, []).append(text)
    answers: dict[str, tuple[Texts, ...]] = {}
    for condition in pack.conditions:
        if cycle.scope is not None and condition.id not in cycle.scope:
            continue
        own = []
        for audience, questions in condition.questions.items():
            pool = [pid for g in audience_groups(audience) for pid in took_part[g]]
            ok = texts_shown(decision, writers(people, pool))
            for question in questions:
                given = by_question.get(question.id, [])
                if given:
                    own.append(Texts(question.id, _sorted(given) if ok else (), ok, question.text, audience))
        if own:
            answers[condition.id] = tuple(own)
    return CycleWritten(results.threshold, notes, answers)
