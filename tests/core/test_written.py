"""What people wrote reaches the team without saying who wrote it (review 2026-12-01 trial, finding 8)."""

from __future__ import annotations

from navtool_desktop.core.records import Cycle, Participant, QuestionResponse, Rating
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.core.written import MAX_TEXT, clean_text, cycle_written
from navtool_desktop.framework import Pack

COMPETENCY = "agency.voice"


def _question(pack: Pack, audience: str) -> str:
    condition = pack.competency(COMPETENCY).condition_id
    return pack.condition(condition).questions[audience][0].id


def _cycle(pack: Pack, groups: dict[str, int]) -> tuple[CycleInput, list[Participant]]:
    cycle = Cycle(title="Spring", date="2027-03-12", framework_id=pack.id, framework_version=pack.version)
    people = [Participant(name=f"{g} {n}", role_group=g) for g, count in groups.items() for n in range(count)]
    ratings = tuple(Rating(participant_id=p.id, competency_id=COMPETENCY, level="developing",
                           note=f"note of {p.name}") for p in people)
    return CycleInput(cycle, tuple(people), ratings), people


def test_notes_and_answers_show_without_names_in_alphabetical_order(pack: Pack) -> None:
    data, people = _cycle(pack, {"educator": 3, "leader": 1, "learner": 3})
    adults = _question(pack, "educators_leaders_community")
    answers = [QuestionResponse(participant_id=p.id, question_id=adults, text=f"zeta {p.name}")
               for p in people if p.role_group != "learner"]
    answers.append(QuestionResponse(participant_id=people[0].id, question_id=adults, text="Alpha"))
    written = cycle_written(pack, cycle_results(pack, data), data.participants, data.ratings, answers)
    notes = written.notes_on(COMPETENCY)
    assert notes is not None and notes.shown
    assert list(notes.texts) == sorted(notes.texts, key=str.casefold) and len(notes.texts) == 7
    (shown,) = written.answers_for(pack.competency(COMPETENCY).condition_id)
    assert shown.shown and shown.texts[0] == "Alpha" and shown.question
    assert len(shown.texts) == 5  # the one leader's answer among the adults': not singled out


def test_a_question_written_for_a_small_group_shows_no_answers(pack: Pack) -> None:
    """The one learner's answer (trial: "Teachers never told us.") would name its writer."""
    data, people = _cycle(pack, {"educator": 4, "learner": 1})
    learner = next(p for p in people if p.role_group == "learner")
    answers = [QuestionResponse(participant_id=learner.id, question_id=_question(pack, "learners"),
                                text="I don't really know what it is. Teachers never told us.")]
    written = cycle_written(pack, cycle_results(pack, data), data.participants, data.ratings, answers)
    (withheld,) = written.answers_for(pack.competency(COMPETENCY).condition_id)
    assert not withheld.shown and withheld.texts == ()
    # with three learners the same answer is one of three
    data, people = _cycle(pack, {"educator": 4, "learner": 3})
    learner = next(p for p in people if p.role_group == "learner")
    answers = [QuestionResponse(participant_id=learner.id, question_id=_question(pack, "learners"),
                                text="Teachers never told us.")]
    written = cycle_written(pack, cycle_results(pack, data), data.participants, data.ratings, answers)
    assert written.answers_for(pack.competency(COMPETENCY).condition_id)[0].texts == ("Teachers never told us.",)


def test_notes_on_a_competency_fewer_than_the_threshold_rated_stay_hidden(pack: Pack) -> None:
    data, people = _cycle(pack, {"educator": 5})
    other = "agency.ownership" if any(c.id == "agency.ownership" for c in pack.competencies) else next(
        c.id for c in pack.competencies if c.id != COMPETENCY)
    two = tuple(Rating(participant_id=p.id, competency_id=other, level="refining", note="only two of us")
                for p in people[:2])
    data = CycleInput(data.cycle, data.participants, data.ratings + two)
    written = cycle_written(pack, cycle_results(pack, data), data.participants, data.ratings, ())
    hidden = written.notes_on(other)
    assert hidden is not None and not hidden.shown and hidden.texts == ()
    # the same person entered twice is one writer
    twin = Participant(name="educator 0", role_group="educator")
    again = Rating(participant_id=twin.id, competency_id=other, level="refining", note="me again")
    data = CycleInput(data.cycle, (*data.participants, twin), (*data.ratings, again))
    written = cycle_written(pack, cycle_results(pack, data), data.participants, data.ratings, ())
    assert not written.notes_on(other).shown


def test_a_cycle_under_the_threshold_shows_no_texts(pack: Pack) -> None:
    data, _people = _cycle(pack, {"educator": 2})
    written = cycle_written(pack, cycle_results(pack, data), data.participants, data.ratings, ())
    assert not written.notes_on(COMPETENCY).shown


def test_hostile_text_is_cleaned() -> None:
    assert clean_text("a\x00b\x07c\u202eevil\u202c\u2066x\u2069\r\nnext") == "abcevilx\nnext"
    assert clean_text("  \n\x01 ") == ""
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>"  # kept literal; shown as text
    long = clean_text("ж" * 10_000)
    assert len(long) == MAX_TEXT and long.endswith("\u2026")
    assert clean_text("a\n\n\n\n\nb") == "a\n\nb"
