"""Help > Retreat guide (a page per step of the cycle, with its keys) and Help > What's new.

Both are read in the app, offline. The guide is written by this project (every word through
``_()``, so it is translated with the rest); "What's new" is the repository's CHANGELOG.md,
shipped beside ``content/`` in a frozen build (``build/navtool.spec``) and found with
:func:`navtool_desktop.paths.changelog`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop import paths
from navtool_desktop.i18n import _
from navtool_desktop.ui.widgets import alt_key


@dataclass(frozen=True)
class GuidePage:
    """One step of a retreat: what to do, in a few sentences, and the keys that do it."""

    title: str
    steps: tuple[str, ...]
    keys: tuple[tuple[str, str], ...]

    def to_html(self) -> str:
        parts = [f"<h2>{html.escape(self.title)}</h2><ol>"]
        parts += [f"<li>{html.escape(step)}</li>" for step in self.steps]
        parts.append("</ol>")
        if self.keys:
            parts.append(f"<h3>{html.escape(_('Keys'))}</h3><table cellspacing='3'>")
            parts += [f"<tr><td><b>{html.escape(k)}</b></td><td>&nbsp;&nbsp;{html.escape(what)}</td></tr>"
                      for k, what in self.keys]
            parts.append("</table>")
        return "".join(parts)


def guide_pages() -> tuple[GuidePage, ...]:
    """The retreat guide, a page per step, in the order a retreat runs."""
    # the Alt keys as the controls' own underlined letters, in the app's language
    from navtool_desktop.ui.cycles_screen import tally_button_texts

    tally, sheet = tally_button_texts()
    return (
        GuidePage(_("1. Before the retreat"), (
            _("Open Shared Vision and type the district's name, vision and portrait of a graduate. "
              "The name shows in the window's title and on every PDF."),
            _("Browse the framework with the team: the 12 conditions and their competencies, each "
              "with its levels and the practices to look for."),
            _("Print rating sheets for anyone who will rate on paper (Export and Sign)."),
        ), (("Ctrl+1", _("Framework")), ("Ctrl+2", _("Shared Vision")), ("Ctrl+F", _("search the framework")),
            ("F1", _("every keyboard shortcut")))),
        GuidePage(_("2. Start a cycle and list the people"), (
            _("In Reflect and Listen, start a new cycle: its title, its date, all conditions or some."),
            _("Add each participant with their role group. Learners may use a code instead of a name."),
            _("A mistake is fixed with Edit (F2), Remove (Delete) or Same person as."),
        ), (("Ctrl+3", _("Reflect and Listen")), (alt_key(_("&New cycle\u2026")), _("new cycle")),
            (alt_key(_("&Add participant\u2026")), _("add a participant")),
            ("F2", _("edit the participant chosen")))),
        GuidePage(_("3. Rating: pass the laptop"), (
            _("Press Rate (pass the laptop): each person rates under their own name, alone; the other "
              "screens are locked meanwhile."),
            _("One key per competency: the level saves and the next competency shows. A note or an "
              "answer to a guiding question is optional."),
            _("When done, press I'm done and hand the laptop to the next person."),
        ), ((alt_key(_("&Rate (pass the laptop)")), _("start rating")), ("1 2 3 4", _("choose a level (and move on)")),
            (_("0 or ?"), _("not sure")), (_("↑ ↓ or J K"), _("previous / next competency")),
            ("N", _("write a note")), ("Q", _("guiding questions")), ("Alt+D", _("I'm done")))),
        GuidePage(_("4. More laptops, phones and paper"), (
            _("Phones: Rate on phones shows an address and a QR code for the room's own network."),
            _("A second laptop: export the cycle to a USB stick (Exchange), add it on that laptop, and "
              "bring each person's responses back with Import a folder of bundles."),
            _("Paper: type each role group's counts with Enter paper tally or Paper sheet for one role group."),
        ), ((alt_key(_("Rate on &phones\u2026")), _("rate on phones")), ("Ctrl+9", _("Exchange")),
            (alt_key(tally), _("one competency's paper tally")),
            (alt_key(sheet), _("a whole paper sheet for one role group")))),
        GuidePage(_("5. Consensus"), (
            _("Go through the competencies with the team: the votes overall and by role group (small "
              "groups hidden), the median, and what people wrote, without names."),
            _("Agree on a level and say why. Present it full screen on the projector: there the level "
              "key saves at once and the screen says Saved."),
        ), (("Ctrl+4", _("Consensus")), (_("↑ ↓ or J K"), _("previous / next competency (saves)")),
            ("1 2 3 4 / 0", _("the team's level / not sure")), ("R", _("write the rationale")),
            ("Ctrl+S", _("save")), ("F11", _("present full screen (there a level key saves at once); Esc leaves")))),
        GuidePage(_("6. Results"), (
            _("The heat map shows each competency's level; strengths and growth areas come with the "
              "rule that picks them."),
            _("The equity lens compares the role groups condition by condition."),
        ), (("Ctrl+5", _("Results")), (alt_key(_("Heat &map, strengths and growth areas")), _("heat map")),
            (alt_key(_("E&quity lens")), _("equity lens")))),
        GuidePage(_("7. Set goals and build the plan"), (
            _("Accept suggested priorities, then write a goal for each: the target level, the date, "
              "measures and actions with owners and dates."),
            _("Approve the plan when the team agrees; later changes go into a revision."),
        ), (("Ctrl+6", _("Set Goals")), ("Ctrl+Up / Ctrl+Down", _("move a priority up or down")),
            (alt_key(_("Add a&ction\u2026")), _("add an action")))),
        GuidePage(_("8. Export, sign and share"), (
            _("Save the plan PDF and the assessment report for the board."),
            _("Sign the plan with each signer's identity; anyone can check the signatures."),
            _("Share the summary table, not the individual ratings: the summary hides small groups."),
        ), (("Ctrl+8", _("Export and Sign")), (alt_key(_("Save the &plan PDF\u2026")), _("save the plan PDF")),
            (alt_key(_("Export and &sign the plan\u2026")), _("export and sign")))),
        GuidePage(_("9. After the retreat: learn and improve"), (
            _("Move actions across the board as work goes on and add progress notes."),
            _("At the next retreat, start a new cycle: growth across cycles shows what changed."),
        ), (("Ctrl+7", _("Learn and Improve")), ("Ctrl+Left / Ctrl+Right", _("move an action")),
            ("Enter", _("add the progress note")))),
    )


def whats_new_markdown() -> str:
    """The changelog, as Markdown; a plain sentence when it is missing (never an error)."""
    try:
        return paths.changelog().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return _("The list of changes is missing from this installation.")


class GuideDialog(QDialog):
    """The retreat guide: the steps in a list, the chosen step's page beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Retreat guide"))
        self.pages = guide_pages()
        self.steps = QListWidget()
        self.steps.setAccessibleName(_("Steps"))
        self.steps.addItems([p.title for p in self.pages])
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setFixedWidth(min(340, self.steps.sizeHintForColumn(0) + 2 * self.steps.frameWidth() + 12))
        self.page = QTextBrowser()
        self.page.setOpenLinks(False)
        self.page.setAccessibleName(_("Guide page"))
        self.steps.currentRowChanged.connect(self.show_page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.steps)
        row.addWidget(self.page, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.steps.setCurrentRow(0)
        self.steps.setFocus(Qt.FocusReason.OtherFocusReason)
        fit_dialog(self, 900, 620)

    def show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.page.setHtml(self.pages[row].to_html())


class WhatsNewDialog(QDialog):
    """The changelog, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("What's new"))
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setOpenLinks(False)
        self.text.setMarkdown(whats_new_markdown())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_dialog(self, 760, 640)


def fit_dialog(dialog: QDialog, width: int, height: int) -> None:
    """A help window's size, never more than the screen has (a 1280x720 laptop)."""
    room = dialog.screen().availableGeometry()
    dialog.resize(min(width, room.width() - 40), min(height, room.height() - 80))
