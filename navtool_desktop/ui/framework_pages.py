"""The condition page and the competency page of the framework browser."""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.framework import AUDIENCE_IDS, Competency, Condition, Item, Pack
from navtool_desktop.framework.search import AUDIENCE_LABELS, LEVEL_LABELS
from navtool_desktop.i18n import _
from navtool_desktop.ui.widgets import plain_label, rich_label

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


def item_list(items: tuple[Item, ...], pattern: re.Pattern[str] | None, focus: str | None) -> str:
    """A bulleted list with an anchor per item, so a search can scroll to it."""
    rows = []
    for item in items:
        style = f' style="{FOCUS_STYLE}"' if item.id == focus else ""
        sub = "".join(f"<li>{marked(d, pattern)}</li>" for d in item.details)
        sub = f"<ul>{sub}</ul>" if sub else ""
        rows.append(f'<li{style}><a name="{item.id}"></a>{marked(item.text, pattern)}{sub}</li>')
    return "<ul>" + "".join(rows) + "</ul>"


def _browser(name: str) -> QTextBrowser:
    view = QTextBrowser()
    view.setOpenLinks(False)
    view.setAccessibleName(name)
    view.setFrameShape(QFrame.Shape.NoFrame)
    return view


def _title(text: str = "") -> QLabel:
    label = plain_label(text, object_name="pageTitle")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConditionPage(QWidget):
    """A condition: its definition, its guiding questions by audience, its competencies."""

    competency_chosen = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.title = _title()
        self.badge = QLabel(_("★ Priority condition"))
        self.badge.setObjectName("priorityBadge")
        self.definition = rich_label(object_name="definition")
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.competencies = rich_label()
        self.competencies.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.competencies.linkActivated.connect(self.competency_chosen)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Guiding questions"))
        self.question_views: dict[str, QTextBrowser] = {}
        for audience in AUDIENCE_IDS:
            view = _browser(_(AUDIENCE_LABELS[audience]))
            self.question_views[audience] = view
            self.tabs.addTab(view, _(AUDIENCE_LABELS[audience]))

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.definition)
        questions = QLabel(_("Guiding questions"))
        questions.setObjectName("sectionTitle")
        layout.addWidget(questions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.competencies)

    def show_condition(self, cond: Condition, pattern: re.Pattern[str] | None = None,
                       focus: str | None = None) -> None:
        self.title.setText(cond.name)
        self.badge.setVisible(cond.priority)
        self.definition.setText(marked(cond.definition, pattern))
        for audience, view in self.question_views.items():
            questions = cond.questions[audience]
            body = item_list(questions, pattern, focus) if questions else (
                "<p><i>" + html.escape(_("No questions for this audience.")) + "</i></p>")
            view.setHtml(body)
            if focus and any(q.id == focus for q in questions):
                self.tabs.setCurrentWidget(view)
                view.scrollToAnchor(focus)
        links = ", ".join(f'<a href="{c.id}">{html.escape(c.name)}</a>' for c in cond.competencies)
        self.competencies.setText(_("Competencies: {links}").format(links=links))


class CompetencyPage(QWidget):
    """A competency: its learning target and the three levels side by side."""

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self.breadcrumb = plain_label(object_name="breadcrumb")
        self.title = _title()
        self.target = rich_label(object_name="definition")
        self.level_views: dict[str, QTextBrowser] = {}
        columns = QHBoxLayout()
        for level in ("establishing", "developing", "operationalizing"):
            box = QVBoxLayout()
            head = QLabel(_(LEVEL_LABELS[level]))
            head.setObjectName(f"level-{level}")
            head.setProperty("levelHeader", True)
            view = _browser(_(LEVEL_LABELS[level]))
            self.level_views[level] = view
            box.addWidget(head)
            box.addWidget(view, 1)
            columns.addLayout(box, 1)
        self.refining = rich_label(object_name="refiningNote")
        layout = QVBoxLayout(self)
        layout.addWidget(self.breadcrumb)
        layout.addWidget(self.title)
        layout.addWidget(self.target)
        layout.addLayout(columns, 1)
        layout.addWidget(self.refining)

    def show_competency(self, comp: Competency, pattern: re.Pattern[str] | None = None,
                        focus: str | None = None) -> None:
        cond = self._pack.condition(comp.condition_id)
        self.breadcrumb.setText(cond.name)
        self.title.setText(comp.name)
        self.target.setText(marked(comp.learning_target, pattern))
        practices_head = html.escape(_("Possible practices to look for"))
        for cell in comp.levels:
            view = self.level_views[cell.level]
            practices = (f"<p><b>{practices_head}</b></p>"
                         + item_list(cell.practices, pattern, focus)) if cell.practices else ""
            view.setHtml(item_list(cell.descriptors, pattern, focus) + practices)
            if focus and any(i.id == focus for i in (*cell.descriptors, *cell.practices)):
                view.scrollToAnchor(focus)
        refining = self._pack.stages[3]
        self.refining.setText(
            "<b>" + html.escape(refining.name) + ".</b> " + html.escape(self._pack.refining_note)
        )
