"""The words shown for ids: levels, role groups, statuses, audiences, provenance. One home.

Every literal is written inside ``_()`` here, where it is defined, so a string extractor
(``xgettext``/Babel) finds each one; callers never write ``_(TABLE[key])``. The UI, the
reports and the CLI use these functions, so they say the same words in the same case.

This module imports only :mod:`navtool_desktop.i18n`, so every layer may use it (the
framework's search too). Ids are plain strings here; ``core.records`` defines which exist.
"""

from __future__ import annotations

from navtool_desktop.i18n import SOURCE_LANGUAGE, _, language


def level_name(level: str | None) -> str:
    """A level or "not sure" as people read it ("Developing"); "No level" for anything else.

    (A pack may name its stages differently: ``pack.stage(level).name`` gives the pack's word.)
    """
    names = {
        "establishing": _("Establishing"),
        "developing": _("Developing"),
        "operationalizing": _("Operationalizing"),
        "refining": _("Refining"),
        "not_sure": _("Not sure"),
    }
    return names.get(level or "", _("No level"))


#: The source's level names. Ratings made in Spanish and in English are pooled, so a translated
#: level name is shown with the English one beside it (content review, section 5.3).
#: (Never inside ``_()``: these stay English in every language.)
SOURCE_LEVEL_NAMES: dict[str, str] = dict(zip(
    ("establishing", "developing", "operationalizing", "refining"),
    ("Establishing", "Developing", "Operationalizing", "Refining"), strict=True))


def source_level_name(level: str | None) -> str:
    """The English (source) name of a level when the app speaks another language, else ""."""
    if language() == SOURCE_LANGUAGE:
        return ""
    return SOURCE_LEVEL_NAMES.get(level or "", "")


def level_name_with_source(level: str | None) -> str:
    """"Consolidando (Operationalizing)" in Spanish; just "Operationalizing" in English."""
    source = source_level_name(level)
    return f"{level_name(level)} ({source})" if source else level_name(level)


def level_letter(level: str) -> str:
    """One letter per level ("?" for not sure), for narrow columns whose legend names the levels:
    the initial of the level's name in the language shown (E D O R in English; E D C R in
    Spanish, where O would stand for no word), or the English initial where two names share one."""
    if level not in SOURCE_LEVEL_NAMES:
        return "?"  # not sure
    initials = {key: level_name(key)[:1].upper() for key in SOURCE_LEVEL_NAMES}
    if len(set(initials.values())) == len(initials) and all(i.isalpha() for i in initials.values()):
        return initials[level]
    return SOURCE_LEVEL_NAMES[level][:1]


def role_name(role: str, *, plural: bool = False) -> str:
    """A role group's name: "Educator", or with ``plural`` "educators" (inside a sentence)."""
    if plural:
        many = {
            "educator": _("educators"),
            "leader": _("leaders"),
            "community_member": _("community members"),
            "learner": _("learners"),
        }
        return many.get(role, role)
    one = {
        "educator": _("Educator"),
        "leader": _("Leader"),
        "community_member": _("Community member"),
        "learner": _("Learner"),
    }
    return one.get(role, role)


def action_status_name(status: str) -> str:
    """An action's status as shown: "Not started", "In progress", "Done", "Blocked"."""
    names = {
        "not_started": _("Not started"),
        "in_progress": _("In progress"),
        "done": _("Done"),
        "blocked": _("Blocked"),
    }
    return names.get(status, status)


def target_status_name(status: str) -> str:
    """Whether a goal's target was reached, as shown."""
    names = {
        "reached": _("Reached"),
        "not_reached": _("Not reached"),
        "not_assessed": _("Not assessed yet"),
    }
    return names.get(status, status)


def cycle_status_name(status: str) -> str:
    """A cycle's status as shown inside a sentence: "open" or "closed"."""
    names = {"open": _("open"), "closed": _("closed")}
    return names.get(status, status)


def audience_name(audience: str) -> str:
    """Who a pack's guiding questions are written for."""
    names = {
        "educators_leaders_community": _("Educators, leaders and community members"),
        "learners": _("Learners"),
        "equity": _("Equity"),
    }
    return names.get(audience, audience)


def provenance_name(kind: str) -> str:
    """Where a text comes from: the source, adapted by the project, or a project suggestion."""
    names = {
        "source": _("From the Navigation Tool"),
        "adapted": _("Adapted by this project"),
        "suggestion": _("Project suggestion"),
    }
    return names.get(kind, kind)


def translation_status_name(status: str) -> str:
    """How far a translated text has been checked (never "reviewed" unless a person did it)."""
    names = {
        "draft": _("machine translation, not reviewed"),
        "back-translated": _("machine translation, back-translated, not reviewed"),
        "reviewed": _("translation reviewed by a person"),
    }
    return names.get(status, status)


def change_word(change: str) -> str:
    """How a competency's level moved since the last cycle, in a word."""
    names = {"up": _("up"), "down": _("down"), "same": _("same"), "new": _("new"),
             "unrated": _("no level")}
    return names.get(change, change)


def month_abbreviation(month: int) -> str:
    """A month's short name, 1 = "Jan"."""
    names = (_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"), _("Jul"), _("Aug"),
             _("Sep"), _("Oct"), _("Nov"), _("Dec"))
    return names[month - 1]
