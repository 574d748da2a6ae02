"""The condition page and the competency page of the framework browser."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop import i18n
from navtool_desktop.framework import AUDIENCE_IDS, Competency, Condition, Item, Pack, Resource
from navtool_desktop.framework.search import (
    term_pattern,
    term_spans,
)
from navtool_desktop.i18n import _
from navtool_desktop.ui.widgets import plain_label, rich_label
from navtool_desktop.vocabulary import audience_name, level_name, provenance_name, translation_status_name

HIGHLIGHT = '<span style="background-color:#ffd84d;color:#000;">{}</span>'
FOCUS_STYLE = "background-color:#fff4c2;"


def marked(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` escaped for HTML, with every match of ``pattern`` highlighted."""
    if pattern is None:
        return html.escape(text)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out += [html.escape(text[pos:m.start()]), HIGHLIGHT.format(html.escape(m.group()))]
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


class TermLinker:
    """Links glossary terms in a page's text: the first time each term appears on the page.

    ``link`` escapes and highlights like :func:`marked`, and wraps each first occurrence of a
    glossary term in a ``glossary:<id>`` link whose tooltip is the term's definition.
    """

    def __init__(self, pack: Pack) -> None:
        self._pack = pack
        self._terms = term_pattern(pack.glossary)
        self.seen: set[str] = set()

    def start_page(self) -> None:
        self.seen = set()

    def link(self, text: str, pattern: re.Pattern[str] | None = None) -> str:
        out, pos = [], 0
        for start, end, term_id in term_spans(text, self._terms, self.seen):
            definition = html.escape(self._pack.term(term_id).definition, quote=True)
            out += [marked(text[pos:start], pattern),
                    f'<a href="glossary:{term_id}" title="{definition}">'
                    f"{marked(text[start:end], pattern)}</a>"]
            pos = end
        out.append(marked(text[pos:], pattern))
        return "".join(out)


_STATUSES: dict[tuple[str, str], dict[str, str]] = {}


def translation_status(pack: Pack, item_id: str) -> str | None:
    """The translation status of ``item_id`` in the app's language, or None (English, or untranslated)."""
    from navtool_desktop.framework.locale import read_translation

    key = (pack.path, i18n.language())
    if key not in _STATUSES:
        translation = read_translation(pack, key[1]) if key[1] != "en" else None
        _STATUSES[key] = dict(translation.status) if translation else {}
    return _STATUSES[key].get(item_id)


def translation_tag(pack: Pack, item_id: str, unless: str | None = None) -> str:
    """A small tag saying how far the shown translation was checked; "" in English or when it is ``unless``."""
    status = translation_status(pack, item_id)
    return "" if status == unless else status_tag(status)


def status_tag(status: str | None) -> str:
    """The small tag for a translation status ("draft"…); "" for None (English, untranslated)."""
    if status is None:
        return ""
    return f' <span style="color:#555;">[{html.escape(translation_status_name(status))}]</span>'


def item_list(items: tuple[Item, ...], pattern: re.Pattern[str] | None, focus: str | None,
              linker: TermLinker | None = None, tags: Callable[[str], str] | None = None) -> str:
    """A bulleted list with an anchor per item, so a search can scroll to it; ``tags(item id)``
    adds a note after an item (its translation status where it differs from the page's)."""
    def text(t: str) -> str:
        return linker.link(t, pattern) if linker else marked(t, pattern)

    rows = []
    for item in items:
        style = f' style="{FOCUS_STYLE}"' if item.id == focus else ""
        sub = "".join(f"<li>{text(d)}</li>" for d in item.details)
        sub = f"<ul>{sub}</ul>" if sub else ""
        tag = tags(item.id) if tags else ""
        rows.append(f'<li{style}><a name="{item.id}"></a>{text(item.text)}{tag}{sub}</li>')
    return "<ul>" + "".join(rows) + "</ul>"


def provenance(kind: str) -> str:
    """A small provenance tag, HTML: "From the Navigation Tool" and the like."""
    return f'<span style="color:#555;">[{html.escape(provenance_name(kind))}]</span>'


def resource_html(res: Resource, focus: str | None, pattern: re.Pattern[str] | None = None) -> str:
    """One resource: its title (from the source's list), our summary, our suggestion of its use."""
    rid = f"resources.{res.id}"
    style = f' style="{FOCUS_STYLE}"' if rid == focus else ""
    use = (f"<br>{marked(res.use, pattern)} {provenance('suggestion')}") if res.use else ""
    return (f'<p{style}><a name="{rid}"></a><b>{marked(res.title, pattern)}</b> {provenance("source")}'
            f"<br>{marked(res.summary, pattern)} {provenance('adapted')}{use}</p>")


def _browser(name: str, on_link: Any = None) -> QTextBrowser:
    view = QTextBrowser()
    view.setOpenLinks(False)
    if on_link is not None:
        view.anchorClicked.connect(lambda url: on_link(QUrl(url).toString()))
    view.setAccessibleName(name)
    view.setFrameShape(QFrame.Shape.NoFrame)
    return view


def _title(text: str = "") -> QLabel:
    label = plain_label(text, object_name="pageTitle")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _links(label: QLabel) -> None:
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)


class ConditionPage(QWidget):
    """A condition: its definition, its guiding questions by audience, its competencies and the
    resources tagged to it. Glossary terms link to the glossary (``link_chosen``)."""

    competency_chosen = Signal(str)
    link_chosen = Signal(str)  #: "glossary:<id>" or an item id

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self.linker = TermLinker(pack)
        self.title = _title()
        self.provenance = rich_label(object_name="legend")
        self.badge = QLabel(_("★ Priority condition"))
        self.badge.setObjectName("priorityBadge")
        self.definition = rich_label(object_name="definition")
        _links(self.definition)
        self.definition.linkActivated.connect(self.link_chosen)
        self.competencies = rich_label()
        self.competencies.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.competencies.linkActivated.connect(self.competency_chosen)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Guiding questions"))
        self.question_views: dict[str, QTextBrowser] = {}
        for audience in AUDIENCE_IDS:
            view = _browser(audience_name(audience), self.link_chosen.emit)
            self.question_views[audience] = view
            self.tabs.addTab(view, audience_name(audience))

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.resources_title = QLabel(_("Helpful resources"))
        self.resources_title.setObjectName("sectionTitle")
        self.resources = _browser(_("Helpful resources"), self.link_chosen.emit)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.provenance)
        layout.addWidget(self.definition)
        questions = QLabel(_("Guiding questions"))
        questions.setObjectName("sectionTitle")
        layout.addWidget(questions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.competencies)
        layout.addWidget(self.resources_title)
        layout.addWidget(self.resources, 1)

    def show_condition(self, cond: Condition, pattern: re.Pattern[str] | None = None,
                       focus: str | None = None) -> None:
        self.title.setText(cond.name)
        self.badge.setVisible(cond.priority)
        self.linker.start_page()
        self.provenance.setText(provenance("source") + " " + html.escape(
            _("Retold in this project's own words; names of conditions, competencies and levels "
              "are the source's.")) + translation_tag(self._pack, cond.id))
        self.definition.setText(self.linker.link(cond.definition, pattern))
        for audience, view in self.question_views.items():
            questions = cond.questions[audience]
            page = translation_status(self._pack, cond.id)
            body = item_list(questions, pattern, focus, self.linker,
                             lambda qid, page=page: translation_tag(self._pack, qid, unless=page)) if questions else (
                "<p><i>" + html.escape(_("No questions for this audience.")) + "</i></p>")
            view.setHtml(body)
            if focus and any(q.id == focus for q in questions):
                self.tabs.setCurrentWidget(view)
                view.scrollToAnchor(focus)
        links = ", ".join(f'<a href="{c.id}">{html.escape(c.name)}</a>' for c in cond.competencies)
        self.competencies.setText(_("Competencies: {links}").format(links=links))
        resources = self._pack.resources_for(cond.id)
        self.resources_title.setVisible(bool(resources))
        self.resources.setVisible(bool(resources))
        note = html.escape(_("Resources the source lists; this project chose which conditions each "
                             "one is shown on."))
        self.resources.setHtml(f"<p><i>{note}</i></p>"
                               + "".join(resource_html(r, focus, pattern) for r in resources))
        if focus and focus.startswith("resources."):
            self.resources.scrollToAnchor(focus)


class CompetencyPage(QWidget):
    """A competency: its learning target and the three levels side by side, each level with its
    meaning. Glossary terms link to the glossary (``link_chosen``)."""

    link_chosen = Signal(str)

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self.linker = TermLinker(pack)
        self.breadcrumb = plain_label(object_name="breadcrumb")
        self.title = _title()
        self.target = rich_label(object_name="definition")
        _links(self.target)
        self.target.linkActivated.connect(self.link_chosen)
        self.note = rich_label(object_name="sourceNote")
        self.level_views: dict[str, QTextBrowser] = {}
        self.level_meanings: dict[str, QLabel] = {}
        columns = QHBoxLayout()
        for level in ("establishing", "developing", "operationalizing"):
            box = QVBoxLayout()
            head = QLabel(level_name(level))
            head.setObjectName(f"level-{level}")
            head.setProperty("levelHeader", True)
            meaning = plain_label(pack.stage(level).meaning, object_name=f"meaning-{level}")
            meaning.setProperty("levelMeaning", True)
            head.setToolTip(pack.stage(level).meaning)
            view = _browser(level_name(level), self.link_chosen.emit)
            self.level_views[level] = view
            self.level_meanings[level] = meaning
            box.addWidget(head)
            box.addWidget(meaning)
            box.addWidget(view, 1)
            columns.addLayout(box, 1)
        self.refining = rich_label(object_name="refiningNote")
        layout = QVBoxLayout(self)
        layout.addWidget(self.breadcrumb)
        layout.addWidget(self.title)
        layout.addWidget(self.target)
        layout.addWidget(self.note)
        layout.addLayout(columns, 1)
        layout.addWidget(self.refining)

    def show_competency(self, comp: Competency, pattern: re.Pattern[str] | None = None,
                        focus: str | None = None) -> None:
        cond = self._pack.condition(comp.condition_id)
        self.breadcrumb.setText(cond.name)
        self.title.setText(comp.name)
        self.linker.start_page()
        self.target.setText("<b>" + html.escape(_("Learning target:")) + "</b> "
                            + self.linker.link(comp.learning_target, pattern) + translation_tag(self._pack, comp.id))
        self.note.setVisible(bool(comp.note))
        self.note.setText("<b>" + html.escape(_("Note by this project:")) + "</b> "
                          + marked(comp.note, pattern) if comp.note else "")
        practices_head = html.escape(_("Possible practices to look for"))
        for cell in comp.levels:
            view = self.level_views[cell.level]
            practices = (f"<p><b>{practices_head}</b></p>"
                         + item_list(cell.practices, pattern, focus, self.linker)) if cell.practices else ""
            view.setHtml(item_list(cell.descriptors, pattern, focus, self.linker) + practices)
            if focus and any(i.id == focus for i in (*cell.descriptors, *cell.practices)):
                view.scrollToAnchor(focus)
        refining = self._pack.stage("refining")
        self.refining.setText(
            "<b>" + html.escape(refining.name) + ".</b> <i>" + html.escape(refining.meaning)
            + "</i> " + html.escape(self._pack.refining_note)
        )


def _item_style(item_id: str, focus: str | None) -> str:
    return f' style="{FOCUS_STYLE}"' if item_id == focus else ""


class _DocumentPage(QWidget):
    """A page that is one scrolling document with an anchor per entry."""

    link_chosen = Signal(str)

    def __init__(self, title: str, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self.title = _title(title)
        self.view = _browser(title, self.link_chosen.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

    def _show(self, body: str, focus: str | None) -> None:
        self.view.setHtml(body)
        if focus:
            self.view.scrollToAnchor(focus)


class GlossaryPage(_DocumentPage):
    """Every glossary term, A to Z, with links between related terms."""

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(_("Glossary"), pack, parent)

    def show_glossary(self, pattern: re.Pattern[str] | None = None, focus: str | None = None) -> None:
        intro = html.escape(_(
            "The Navigation Tool points readers to an online glossary, which this offline app cannot "
            "reach. These explanations are written by this project, for the terms the framework uses."))
        rows = [f"<p>{provenance('adapted')} <i>{intro}</i></p>"]
        for term in sorted(self._pack.glossary, key=lambda t: t.term.casefold()):
            tid = f"glossary.{term.id}"
            also = (" <span style='color:#555;'>(" + html.escape(", ".join(term.also)) + ")</span>"
                    if term.also else "")
            see = ""
            if term.see:
                links = ", ".join(f'<a href="glossary:{other}">{html.escape(self._pack.term(other).term)}</a>'
                                  for other in term.see)
                see = "<br>" + html.escape(_("See also:")) + " " + links
            rows.append(f'<p{_item_style(tid, focus)}><a name="{tid}"></a><b>{marked(term.term, pattern)}</b>'
                        f"{also}<br>{marked(term.definition, pattern)}{see}</p>")
        self._show("".join(rows), focus)


class AboutPage(_DocumentPage):
    """The pack beyond its conditions: levels and their meanings, the cycle's phases and their
    purposes, the seven traits (credited), every resource, and the references."""

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(_("The framework at a glance"), pack, parent)

    def show_about(self, pattern: re.Pattern[str] | None = None, focus: str | None = None) -> None:
        pack = self._pack
        h = html.escape
        out = [f"<p><i>{h(pack.credit)}</i></p>"]
        out.append(f"<h3>{h(_('Levels'))}</h3><dl>")
        for stage in pack.stages:
            sid = f"stages.{stage.id}"
            out.append(f'<dt{_item_style(sid, focus)}><a name="{sid}"></a><b>{h(stage.name)}</b></dt>'
                       f"<dd>{marked(stage.meaning, pattern)}</dd>")
        out.append(f"</dl><h3>{h(_('The cycle for navigating systemic change'))}</h3><dl>")
        for phase in pack.phases:
            pid = f"phases.{phase.id}"
            out.append(f'<dt{_item_style(pid, focus)}><a name="{pid}"></a><b>{h(phase.name)}</b></dt>'
                       f"<dd>{marked(phase.purpose, pattern)}</dd>")
        out.append("</dl>")
        if pack.traits:
            out.append(f"<h3>{h(_('Seven traits of personalized, competency-based learning'))}</h3>")
            credit = h(_("Source: {source}, as credited in the framework.").format(
                source=pack.traits_source)) if pack.traits_source else ""
            out.append("<p>" + provenance("source") + " " + credit + "</p><ol>")
            for trait in pack.traits:
                out.append(f'<li{_item_style(trait.id, focus)}><a name="{trait.id}"></a>'
                           f"{marked(trait.text, pattern)}</li>")
            out.append("</ol>")
        if pack.resources:
            out.append(f"<h3>{h(_('Helpful resources'))}</h3>")
            for res in pack.resources:
                conds = ", ".join(f'<a href="{c}">{h(pack.condition(c).name)}</a>' for c in res.conditions)
                out.append(resource_html(res, focus, pattern).replace(
                    "</p>", "<br>" + h(_("Shown on:")) + f" {conds} {provenance('suggestion')}</p>"))
        if pack.references:
            out.append(f"<h3>{h(_('References'))}</h3>")
            out.append("<p><i>" + h(_("The source lists these works at its end; it does not tie them "
                                      "to particular conditions.")) + "</i></p><ul>")
            for ref in pack.references:
                rid = f"references.{ref.id}"
                parts = [h(ref.authors), f"({h(ref.year)})", f"<i>{marked(ref.title, pattern)}</i>."]
                parts += [h(x) + "." for x in (ref.published_in, ref.publisher) if x]
                if ref.url:
                    parts.append(h(ref.url))
                out.append(f'<li{_item_style(rid, focus)}><a name="{rid}"></a>{" ".join(parts)}</li>')
            out.append("</ul>")
        self._show("".join(out), focus)
