"""Rating entry for one participant: keyboard-first, with the level descriptors on screen.

Keys (shown on screen): 1-4 pick Establishing/Developing/Operationalizing/Refining, 0 or ?
"not sure"; Up/Down or J/K move between competencies; Left/Right move the practice cursor
and Space ticks it as evidence; N opens the note (Ctrl+Enter or Esc closes it). The screen
that owns the panel gives it ``save(rating) -> saved rating | None``; the panel shows a
rating only once ``save`` returned it (a refused save leaves the panel as the store is).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.records import LEVELS, NOT_SURE, Rating, utc_now
from navtool_desktop.framework import Competency, Pack
from navtool_desktop.i18n import _
from navtool_desktop.ui.widgets import plain_label
from navtool_desktop.vocabulary import level_name, source_level_name

CHOICE_KEYS: dict[int, str] = {
    Qt.Key.Key_1: "establishing",
    Qt.Key.Key_2: "developing",
    Qt.Key.Key_3: "operationalizing",
    Qt.Key.Key_4: "refining",
    Qt.Key.Key_0: NOT_SURE,
    Qt.Key.Key_Question: NOT_SURE,
}
#: A note is saved after this pause in typing (ms), and whenever it loses focus.
NOTE_SAVE_DELAY_MS = 800
NEXT_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_J, Qt.Key.Key_Return, Qt.Key.Key_Enter)
PREVIOUS_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_K)


#: The name shown for a level or "not sure" (the words live in :mod:`navtool_desktop.vocabulary`).
choice_label = level_name


class RatingPanel(QWidget):
    """Rate a list of competencies for one participant.

    ``ratings`` holds this participant's saved ratings by competency id and nobody else's;
    ``save(rating)`` stores one and returns what was stored, or None if it was refused (no
    ``save``: the panel keeps ratings in memory only). The panel opens on the first
    competency not rated yet.
    """

    rating_changed = Signal(object)  # Rating
    finished = Signal()

    @property
    def keys_help(self) -> str:
        return _("Keys: 1-4 level · 0 or ? not sure · ↑↓ or J/K move · ←→ choose a practice, Space "
                 "ticks it · N note · Q questions · Alt+D done")

    def __init__(self, pack: Pack, competency_ids: list[str], participant_id: str,
                 ratings: dict[str, Rating] | None = None, parent: Any = None, *,
                 save: Callable[[Rating], Rating | None] | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._pack = pack
        self._competencies: list[Competency] = [pack.competency(c) for c in competency_ids]
        self.participant_id = participant_id
        self.ratings: dict[str, Rating] = dict(ratings or {})
        #: Practices ticked before a level was chosen, by competency id.
        self._pending_practices: dict[str, list[str]] = {}
        self.current_row = 0
        self.practice_cursor = 0
        #: The competency whose note the note box shows (None before the first is shown).
        self._note_for: str | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Rating entry"))

        self.progress = QLabel()
        self.progress.setObjectName("ratingProgress")
        self.list = QListWidget()
        self.list.setAccessibleName(_("Competencies to rate"))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.currentRowChanged.connect(self._on_list_row)
        for comp in self._competencies:
            self.list.addItem(QListWidgetItem(comp.name))
        self.auto_advance = QCheckBox(_("Move on after choosing a level"))
        self.auto_advance.setChecked(True)
        self.auto_advance.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        left = QVBoxLayout()
        left.addWidget(self.progress)
        left.addWidget(self.list, 1)
        left.addWidget(self.auto_advance)

        self.breadcrumb = plain_label(object_name="breadcrumb")
        self.title = plain_label(object_name="pageTitle")
        self.target = plain_label(object_name="definition")

        self.level_buttons: dict[str, QPushButton] = {}
        self.level_group = QButtonGroup(self)
        self.level_group.setExclusive(True)
        buttons = QHBoxLayout()
        for key, level in zip("12340", (*LEVELS, NOT_SURE), strict=True):
            english = source_level_name(level)  # in small print under a translated name
            button = QPushButton(f"{key}  {choice_label(level)}" + (f"\n({english})" if english else ""))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("level", level)
            button.setMinimumWidth(button.sizeHint().width() + 16)
            button.setObjectName(f"choice-{level}")
            if level in LEVELS:
                meaning = pack.stage(level).meaning
                button.setToolTip(meaning)
                button.setAccessibleDescription(meaning)
            button.clicked.connect(lambda _checked=False, lv=level: self.choose(lv))
            self.level_group.addButton(button)
            self.level_buttons[level] = button
            buttons.addWidget(button)

        self.levels_view = QTextBrowser()
        self.levels_view.setAccessibleName(_("What each level looks like"))
        self.levels_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.practices = QListWidget()
        self.practices.setAccessibleName(_("Practices to tick as evidence"))
        self.practices.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.practices.setWordWrap(True)
        self.practices.itemChanged.connect(self._on_practice_item)

        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.commit_note)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(_("A note on this competency (N). Ctrl+Enter or Esc to close."))
        self.note.setAccessibleName(_("Note"))
        self.note.setMaximumHeight(90)
        self.note.installEventFilter(self)
        self.note.textChanged.connect(self._note_typed)
        self.help = plain_label(self.keys_help)
        self.help.setObjectName("legend")
        self.help.setWordWrap(True)
        self.done_button = QPushButton(_("I'm done (Alt+D)"))
        self.done_button.setToolTip(_("Finish and hand the laptop over"))
        done = QShortcut(QKeySequence("Alt+D"), self)
        done.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        done.activated.connect(self.done_button.click)
        self.done_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.done_button.clicked.connect(self.finished)

        right = QVBoxLayout()
        right.addWidget(self.breadcrumb)
        right.addWidget(self.title)
        right.addWidget(self.target)
        right.addLayout(buttons)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.detail_tabs.addTab(self.levels_view, _("What the levels look like"))
        right.addWidget(self.detail_tabs, 3)
        practices_head = QLabel(_("Practices you see (tick as evidence)"))
        practices_head.setObjectName("sectionTitle")
        right.addWidget(practices_head)
        right.addWidget(self.practices, 2)
        right.addWidget(self.note)
        bottom = QHBoxLayout()
        bottom.addWidget(self.help, 1)
        bottom.addWidget(self.done_button)
        right.addLayout(bottom)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 3)
        if self._competencies:
            self.go_to(self.first_unrated())

    # --- state -----------------------------------------------------------------------------

    @property
    def competency(self) -> Competency:
        return self._competencies[self.current_row]

    def rated_count(self) -> int:
        return sum(1 for c in self._competencies if c.id in self.ratings)

    def first_unrated(self) -> int:
        """The row of the first competency without a rating (the first row if all are rated)."""
        return next((row for row, c in enumerate(self._competencies) if c.id not in self.ratings), 0)

    def go_to(self, row: int) -> None:
        if not self._competencies:
            return
        self.commit_note()
        self.current_row = max(0, min(row, len(self._competencies) - 1))
        self.practice_cursor = 0
        self.list.setCurrentRow(self.current_row)
        self._render()

    def _on_list_row(self, row: int) -> None:
        if row >= 0 and row != self.current_row:
            self.go_to(row)

    def _render(self) -> None:
        comp = self.competency
        rating = self.ratings.get(comp.id)
        cond = self._pack.condition(comp.condition_id)
        self.breadcrumb.setText(cond.name)
        self.title.setText(comp.name)
        self.target.setText(comp.learning_target)
        # an exclusive group never unchecks its last button: lift that while resetting
        self.level_group.setExclusive(False)
        for level, button in self.level_buttons.items():
            button.setChecked(rating is not None and rating.level == level)
        self.level_group.setExclusive(True)
        parts = []
        for cell in comp.levels:
            items = "".join(f"<li>{html.escape(d.text)}</li>" for d in cell.descriptors)
            meaning = html.escape(self._pack.stage(cell.level).meaning)
            parts.append(f"<td width='33%' valign='top'><b>{html.escape(choice_label(cell.level))}</b>"
                         f"<br><i>{meaning}</i><ul>{items}</ul></td>")
        refining = self._pack.stage("refining")
        self.levels_view.setHtml(
            "<table width='100%' cellspacing='6'><tr>" + "".join(parts) + "</tr></table>"
            f"<p><b>{html.escape(refining.name)}:</b> {html.escape(refining.meaning)}</p>")
        ticked = set(rating.practices) if rating else set(self._pending_practices.get(comp.id, ()))
        self.practices.blockSignals(True)
        self.practices.clear()
        for cell in comp.levels:
            for practice in cell.practices:
                item = QListWidgetItem(f"{choice_label(cell.level)}: {practice.text}")
                item.setData(Qt.ItemDataRole.UserRole, practice.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                              | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Checked if practice.id in ticked
                                   else Qt.CheckState.Unchecked)
                self.practices.addItem(item)
        self.practices.blockSignals(False)
        self._show_cursor()
        self.note.blockSignals(True)
        self.note.setPlainText(rating.note if rating else "")
        self.note.blockSignals(False)
        self._note_for = comp.id
        self._update_progress()

    def _show_cursor(self) -> None:
        if self.practices.count():
            self.practices.setCurrentRow(self.practice_cursor)

    def _update_progress(self) -> None:
        self.progress.setText(_("{done} of {total} rated").format(
            done=self.rated_count(), total=len(self._competencies)))
        for row, comp in enumerate(self._competencies):
            rating = self.ratings.get(comp.id)
            # two lines, so a long name never hides whether it is rated
            text = f"{comp.name}\n      {choice_label(rating.level) if rating else _('not rated yet')}"
            self.list.item(row).setText(text)

    # --- changes ---------------------------------------------------------------------------

    def _store(self, **changes: Any) -> bool:
        """Save a change to the current competency's rating; False if the store refused it."""
        comp = self.competency
        old = self.ratings.get(comp.id)
        if old is None:
            if "level" not in changes:
                return True  # evidence or a note waits for a level
            ticked = tuple(self._pending_practices.get(comp.id, ()))
            rating = Rating(participant_id=self.participant_id, competency_id=comp.id,
                            **{"practices": ticked, **changes})
        else:
            rating = old.replace(updated=utc_now(), **changes)
        saved = self._save(rating) if self._save is not None else rating
        if saved is None:
            return False
        self._pending_practices.pop(comp.id, None)
        self.ratings[comp.id] = saved
        self.rating_changed.emit(saved)
        return True

    def choose(self, level: str) -> None:
        """Record a level for the current competency (and move on if set to)."""
        self.help.setText(self.keys_help)
        self.commit_note()
        if not self._store(level=level):
            self._render()  # show what the store holds; stay on this competency
            return
        self.level_buttons[level].setChecked(True)
        self._update_progress()
        if self.auto_advance.isChecked() and self.current_row < len(self._competencies) - 1:
            self.go_to(self.current_row + 1)

    def _on_practice_item(self, item: QListWidgetItem) -> None:
        self._set_practice(item.data(Qt.ItemDataRole.UserRole),
                           item.checkState() == Qt.CheckState.Checked, item)

    def _set_practice(self, practice_id: str, on: bool, item: QListWidgetItem) -> None:
        rating = self.ratings.get(self.competency.id)
        if rating is None:
            # Evidence seen before a level is chosen: kept, and saved with the level.
            pending = self._pending_practices.setdefault(self.competency.id, [])
            if on and practice_id not in pending:
                pending.append(practice_id)
            elif not on and practice_id in pending:
                pending.remove(practice_id)
            self.help.setText(_("Ticked practices are saved with the level you choose (1-4, or 0)."))
            return
        ticked = [p for p in rating.practices if p != practice_id]
        if on:
            ticked.append(practice_id)
        if not self._store(practices=tuple(ticked)):
            self.practices.blockSignals(True)  # refused: the tick shows what the store holds
            item.setCheckState(Qt.CheckState.Unchecked if on else Qt.CheckState.Checked)
            self.practices.blockSignals(False)

    def toggle_practice(self) -> None:
        item = self.practices.item(self.practice_cursor)
        if item is not None:
            on = item.checkState() != Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def add_detail_tab(self, widget: QWidget, title: str) -> None:
        """Another tab beside the level descriptions (the screen adds the guiding questions)."""
        self.detail_tabs.addTab(widget, title)

    def open_detail_tab(self, index: int) -> None:
        if 0 <= index < self.detail_tabs.count():
            self.detail_tabs.setCurrentIndex(index)
            widget = self.detail_tabs.currentWidget()
            if index > 0:
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_note(self) -> None:
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _note_typed(self) -> None:
        if self.note.hasFocus():
            self._note_timer.start()

    def commit_note(self) -> bool:
        """Save the note being typed (after a pause in typing, and on leaving it); False if refused."""
        self._note_timer.stop()
        if not self._competencies or self._note_for != self.competency.id:
            return True  # the box does not show this competency's note (yet)
        rating = self.ratings.get(self.competency.id)
        text = self.note.toPlainText()
        if rating is not None and text != rating.note:
            return self._store(note=text)
        if rating is None and text.strip():
            return self._store(level=NOT_SURE, note=text)
        return True

    # --- keyboard --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in CHOICE_KEYS:
            self.choose(CHOICE_KEYS[key])
        elif key in NEXT_KEYS:
            self.go_to(self.current_row + 1)
        elif key in PREVIOUS_KEYS:
            self.go_to(self.current_row - 1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_L) and self.practices.count():
            self.practice_cursor = (self.practice_cursor + 1) % self.practices.count()
            self._show_cursor()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_H) and self.practices.count():
            self.practice_cursor = (self.practice_cursor - 1) % self.practices.count()
            self._show_cursor()
        elif key == Qt.Key.Key_Space:
            self.toggle_practice()
        elif key == Qt.Key.Key_N:
            self.open_note()
        elif key == Qt.Key.Key_Q:
            self.open_detail_tab(1)
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            ctrl_enter = (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                          and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if event.key() == Qt.Key.Key_Escape or ctrl_enter:
                self.commit_note()
                self.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)
