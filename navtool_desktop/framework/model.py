"""The content model of a framework pack: plain, immutable dataclasses (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The three levels every competency describes, in order.
LEVEL_IDS: tuple[str, ...] = ("establishing", "developing", "operationalizing")
#: The four stages a district can place a competency at (Refining follows Operationalizing).
STAGE_IDS: tuple[str, ...] = (*LEVEL_IDS, "refining")
#: Audiences of the guiding questions, in the order the source gives them.
AUDIENCE_IDS: tuple[str, ...] = ("educators_leaders_community", "learners", "equity")
#: Where a piece of the pack comes from, so a district can tell the source from what the app adds:
#: the source retold in our words, the source adapted by this project, or a project suggestion.
PROVENANCE_IDS: tuple[str, ...] = ("source", "adapted", "suggestion")


@dataclass(frozen=True)
class Item:
    """A statement with a stable id: a descriptor, a practice or a guiding question.

    ``details`` holds sub-points (a practice that lists examples, for instance).
    """

    id: str
    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class LevelCell:
    """One competency at one level: what it looks like and the practices to look for."""

    id: str
    level: str
    descriptors: tuple[Item, ...]
    practices: tuple[Item, ...]


@dataclass(frozen=True)
class Competency:
    id: str
    name: str
    learning_target: str
    levels: tuple[LevelCell, ...]
    condition_id: str
    #: A note by this project about the source (shown beside the learning target), if any.
    note: str = ""

    def level(self, level_id: str) -> LevelCell:
        for cell in self.levels:
            if cell.level == level_id:
                return cell
        raise KeyError(level_id)


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    order: int
    priority: bool
    definition: str
    questions: dict[str, tuple[Item, ...]]
    competencies: tuple[Competency, ...]
    source_file: str = ""


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    meaning: str


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    purpose: str


@dataclass(frozen=True)
class Reference:
    id: str
    authors: str
    year: str
    title: str
    published_in: str = ""
    publisher: str = ""
    url: str = ""


@dataclass(frozen=True)
class Resource:
    id: str
    title: str
    summary: str
    conditions: tuple[str, ...]
    #: What the resource may be useful for: a project suggestion, kept apart from the summary.
    use: str = ""


@dataclass(frozen=True)
class GlossaryTerm:
    """A term the framework uses, explained in the project's own words."""

    id: str
    term: str
    definition: str
    also: tuple[str, ...] = ()   #: other forms of the term that link to this entry
    see: tuple[str, ...] = ()    #: ids of related entries


@dataclass(frozen=True)
class Pack:
    """A whole framework: the manifest's facts and every condition, in order."""

    id: str
    title: str
    short_title: str
    version: str
    publisher: str
    year: int
    credit: str
    refining_note: str
    stages: tuple[Stage, ...]
    phases: tuple[Phase, ...]
    traits: tuple[Item, ...]
    references: tuple[Reference, ...]
    resources: tuple[Resource, ...]
    conditions: tuple[Condition, ...]
    glossary: tuple[GlossaryTerm, ...] = ()
    traits_source: str = ""  #: who the source credits the traits to
    path: str = ""
    _index: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def competencies(self) -> tuple[Competency, ...]:
        return tuple(c for cond in self.conditions for c in cond.competencies)

    def condition(self, condition_id: str) -> Condition:
        found = self._index.get(condition_id)
        if not isinstance(found, Condition):
            raise KeyError(condition_id)
        return found

    def competency(self, competency_id: str) -> Competency:
        found = self._index.get(competency_id)
        if not isinstance(found, Competency):
            raise KeyError(competency_id)
        return found

    def competency_label(self, competency_id: str) -> str:
        """"Condition › Competency", as lists and tooltips name a competency; the id itself when
        the pack has no such competency (an id from another version of the pack)."""
        try:
            comp = self.competency(competency_id)
        except KeyError:
            return competency_id
        return f"{self.condition(comp.condition_id).name} \u203a {comp.name}"

    def find(self, item_id: str) -> object:
        """Any item by its full id (condition, competency, level cell, statement)."""
        return self._index[item_id]

    def stage(self, stage_id: str) -> Stage:
        """A level by id (establishing … refining), with its meaning."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def term(self, term_id: str) -> GlossaryTerm:
        found = self._index.get(f"glossary.{term_id}")
        if not isinstance(found, GlossaryTerm):
            raise KeyError(term_id)
        return found

    def resources_for(self, condition_id: str) -> tuple[Resource, ...]:
        """The resources tagged to a condition, in pack order."""
        return tuple(r for r in self.resources if condition_id in r.conditions)

    def ids(self) -> frozenset[str]:
        return frozenset(self._index)
