"""Peer learning (a tab of the network window) and the agenda a district received.

- :class:`NetworkAgendaPanel`: the network chooses anchor questions (each shows its theme, its
  provenance, the competencies it maps to and how many districts share them as priorities),
  adds local context, and records meetings with notes and next steps. The lenses check the
  chosen questions' competencies.
- :class:`DistrictAgendaPanel`: on a district's laptop, the agenda its network sent, checked
  again each time, with the competencies it shares with the district's own plan; it imports a
  new ``.navagenda`` file. The lead places it beside the plan.

Logic lives in :mod:`navtool_desktop.network.peer` and :mod:`navtool_desktop.network.agenda_file`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.agenda_file import (
    MAX_FILE_BYTES,
    SUFFIX,
    AgendaError,
    SealedAgenda,
    keep_agenda,
    kept_agenda,
)
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.peer import Agenda, Meeting, PriorityGroup, lens_checks, priority_groups
from navtool_desktop.network.workspace import Workspace, WorkspaceError
from navtool_desktop.paths import file_stem
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.editors import date_edit, from_qdate, to_qdate
from navtool_desktop.ui.framework_pages import status_tag
from navtool_desktop.ui.widgets import plain_label, rich_label

_QUESTION = Qt.ItemDataRole.UserRole


def translation_tag(content: NetworkContent, key: str) -> str:
    """A small tag saying how far the shown translation of ``key`` was checked; "" in English."""
    return status_tag(content.status_of(key))


class NetworkAgendaPanel(QWidget):
    """The network's learning agenda: questions on the left, the chosen one and meetings on the right."""

    def __init__(self, workspace: Workspace, pack: Pack, content: NetworkContent | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.pack = pack
        self.content = content or load_network_content(pack)
        self.agenda = Agenda(workspace, self.content)
        self.groups: list[PriorityGroup] = []
        self._meetings: list[Meeting] = []
        self._items: dict[str, QTreeWidgetItem] = {}
        self._build()
        self.refresh()

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QFormLayout()
        self.network = QLineEdit(self.agenda.network)
        self.network.setAccessibleName(_("Network name"))
        self.network.editingFinished.connect(lambda: self._set(self.agenda.set_network, self.network.text()))
        self.title = QLineEdit(self.agenda.title)
        self.title.setAccessibleName(_("Agenda title"))
        self.title.editingFinished.connect(lambda: self._set(self.agenda.set_title, self.title.text()))
        row = QHBoxLayout()
        row.addWidget(self.network, 1)
        row.addWidget(plain_label(_("Agenda title:"), wrap=False))
        row.addWidget(self.title, 1)
        self.export_button = QPushButton(_("&Send to districts\u2026"))
        self.export_button.setToolTip(_("Sign the agenda and save it as a .navagenda file for the network's "
                                        "districts"))
        self.export_button.clicked.connect(self.export_agenda)
        row.addWidget(self.export_button)
        top.addRow(_("Net&work:"), row)
        label = top.labelForField(row)
        if label is not None:
            label.setBuddy(self.network)  # type: ignore[attr-defined]
        outer.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter, 1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(plain_label(_("Anchor questions (tick to put one on the agenda)"), object_name="sectionTitle"))
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setAccessibleName(_("Anchor questions"))
        self.tree.currentItemChanged.connect(lambda *_a: self._show_question())
        self.tree.itemChanged.connect(self._ticked)
        lv.addWidget(self.tree, 3)
        lv.addWidget(plain_label(_("Priorities districts share"), object_name="sectionTitle"))
        self.priorities = plain_label()
        self.priorities.setAccessibleName(_("Priorities districts share"))
        self.priorities.setToolTip(_("A competency is a district's priority when its plan has a goal on it, or when "
                                     "it is among the district's lowest rated in its latest cycle (and fewer than "
                                     "half of its competencies are at that level)."))
        self.priorities.setAccessibleDescription(self.priorities.toolTip())
        self.priorities.setAlignment(Qt.AlignmentFlag.AlignTop)
        lv.addWidget(self.priorities, 1)
        self.lenses = rich_label()
        self.lenses.setAccessibleName(_("Lens checks"))
        lv.addWidget(self.lenses)
        splitter.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.question = rich_label()
        self.question.setAccessibleName(_("The chosen anchor question"))
        self.question.setAlignment(Qt.AlignmentFlag.AlignTop)
        rv.addWidget(self.question)
        ctx = QHBoxLayout()
        self.context = QPlainTextEdit()
        self.context.setAccessibleName(_("Local context"))
        self.context.setPlaceholderText(_("What is particular to this network: its places, learners, pilots\u2026"))
        self.context.setMaximumHeight(70)
        ctx.addWidget(self.context, 1)
        self.save_context = QPushButton(_("Save &context"))
        self.save_context.clicked.connect(self._save_context)
        ctx.addWidget(self.save_context)
        rv.addLayout(ctx)

        box = QGroupBox(_("Meetings"))
        bv = QVBoxLayout(box)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Date"), _("Notes"), _("Next steps")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setAccessibleName(_("Meetings"))
        self.table.itemSelectionChanged.connect(self._load_meeting)
        bv.addWidget(self.table, 1)
        form = QFormLayout()
        self.date = date_edit()
        self.date.setAccessibleName(_("Meeting date"))
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setMaximumHeight(52)
        self.next_steps = QPlainTextEdit()
        self.next_steps.setAccessibleName(_("Next steps"))
        self.next_steps.setMaximumHeight(52)
        form.addRow(_("Da&te:"), self.date)
        form.addRow(_("N&otes:"), self.notes)
        form.addRow(_("Ne&xt steps:"), self.next_steps)
        bv.addLayout(form)
        buttons = QHBoxLayout()
        self.add_meeting = QPushButton(_("Add &meeting"))
        self.add_meeting.clicked.connect(lambda: self._save_meeting(None))
        self.update_meeting = QPushButton(_("Save c&hanges"))
        self.update_meeting.clicked.connect(self._update_meeting)
        self.remove_meeting = QPushButton(_("Remo&ve meeting"))
        self.remove_meeting.clicked.connect(self._remove_meeting)
        for b in (self.add_meeting, self.update_meeting, self.remove_meeting):
            buttons.addWidget(b)
        buttons.addStretch(1)
        bv.addLayout(buttons)
        rv.addWidget(box, 2)
        splitter.addWidget(right)
        splitter.setSizes([520, 800])

    # --- showing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the agenda, the districts' shared priorities and the meetings again."""
        self.groups = priority_groups(self.ws)
        chosen = {c.question.id for c in self.agenda.chosen()}
        current = self.current_question()
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items = {}
        for community in self.content.communities:
            top = QTreeWidgetItem([_("{number}. {name}").format(number=community.number, name=community.name)])
            top.setToolTip(0, f"{community.name}\n{community.theme}")  # the name may be cut short
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            for q in self.content.questions:
                if q.community != community.id:
                    continue
                item = QTreeWidgetItem([q.theme])
                item.setData(0, _QUESTION, q.id)
                item.setToolTip(0, q.text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked if q.id in chosen else Qt.CheckState.Unchecked)
                top.addChild(item)
                self._items[q.id] = item
                if q.id == current:
                    self.tree.setCurrentItem(item)
            top.setExpanded(True)
        self.tree.blockSignals(False)
        if self.tree.currentItem() is None and self._items:
            self.tree.setCurrentItem(next(iter(self._items.values())))
        names = {d.id: d.name for d in self.ws.districts()}
        lines = [_("{competency}: {n} districts ({names})").format(
            competency=self.pack.competency_label(g.competency_id), n=len(g.districts),
            names=", ".join(names.get(d, d) for d in g.districts[:3]) + (", \u2026" if len(g.districts) > 3 else ""))
            for g in self.groups[:4]]
        self.priorities.setText("\n".join(lines) or _("No competency is a priority of two or more districts yet."))
        self._show_question()
        self._show_lenses()
        self._fill_meetings()

    def current_question(self) -> str | None:
        item = self.tree.currentItem() if hasattr(self, "tree") else None
        value = item.data(0, _QUESTION) if item is not None else None
        return str(value) if value else None

    def select_question(self, question_id: str) -> None:
        item = self._items.get(question_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _show_question(self) -> None:
        qid = self.current_question()
        if qid is None:
            self.question.setText(_("Choose an anchor question on the left."))
            self.context.setEnabled(False)
            self.save_context.setEnabled(False)
            return
        q = self.content.question(qid)
        community = self.content.community(q.community)
        chosen = {c.question.id: c.context for c in self.agenda.chosen()}
        sharing = {g.competency_id: len(g.districts) for g in self.groups}
        comps = "".join(
            "<li>" + html.escape(name) + (
                html.escape(" \u2014 " + _("a priority of {n} districts").format(n=sharing[cid]))
                if cid in sharing else "") + "</li>"
            for cid, name in ((cid, self.pack.competency_label(cid)) for cid in q.competencies))
        follow = "".join(f"<li>{html.escape(f)}</li>" for f in q.follow_ups)
        self.question.setText(
            f"<p><b>{html.escape(q.theme)}</b> \u00b7 {html.escape(community.name)}</p>"
            f"<p>{html.escape(q.text)}</p>"
            + (f"<p>{html.escape(_('Follow-up questions:'))}</p><ul>{follow}</ul>" if follow else "")
            + f"<p><i>{html.escape(_('Adapted by this project from the Innovation Lab Network anchor questions.'))}"
            f"</i>{translation_tag(self.content, f'questions.{qid}')}</p>"
            f"<p>{html.escape(_('Maps to these competencies:'))}</p><ul>{comps}</ul>")
        on = qid in chosen
        self.context.setEnabled(on)
        self.save_context.setEnabled(on)
        self.context.setPlainText(chosen.get(qid, ""))

    def _show_lenses(self) -> None:
        checks = lens_checks(self.content, self.agenda.competencies())
        parts = []
        for check in checks:
            mark = "\u2713" if check.touched else "\u25cb"
            parts.append(f"{mark} <b>{html.escape(check.lens.name)}</b>: {html.escape(check.lens.check)}")
        self.lenses.setText("<p>" + html.escape(_("Lenses on the agenda (\u2713: a chosen question touches it; "
                                                   "people still judge the answer):")) + "<br/>"
                            + "<br/>".join(parts) + "</p>")

    def _fill_meetings(self) -> None:
        self._meetings = self.agenda.meetings()
        self.table.setRowCount(len(self._meetings))
        for n, m in enumerate(self._meetings):
            for col, text in enumerate((m.date, m.notes, m.next_steps)):
                self.table.setItem(n, col, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.resizeRowsToContents()

    # --- editing -------------------------------------------------------------------------------

    def _set(self, setter: object, value: str) -> None:
        try:
            setter(value)  # type: ignore[operator]
        except WorkspaceError as exc:
            messages.show_error(self, exc, _("Not saved"))

    def _ticked(self, item: QTreeWidgetItem, _column: int) -> None:
        qid = item.data(0, _QUESTION)
        if not qid:
            return
        if item.checkState(0) == Qt.CheckState.Checked:
            self.agenda.choose(str(qid))
        else:
            self.agenda.drop(str(qid))
        self.tree.setCurrentItem(item)
        self._show_question()
        self._show_lenses()

    def _save_context(self) -> None:
        qid = self.current_question()
        if qid is None:
            return
        try:
            self.agenda.choose(qid, self.context.toPlainText())
        except WorkspaceError as exc:
            messages.show_error(self, exc, _("Not saved"))

    def _selected_meeting(self) -> Meeting | None:
        rows = self.table.selectionModel().selectedRows()
        return self._meetings[rows[0].row()] if rows and rows[0].row() < len(self._meetings) else None

    def _load_meeting(self) -> None:
        m = self._selected_meeting()
        if m is None:
            return
        self.date.setDate(to_qdate(m.date))
        self.notes.setPlainText(m.notes)
        self.next_steps.setPlainText(m.next_steps)

    def _save_meeting(self, base: Meeting | None) -> None:
        try:
            saved = self.agenda.save_meeting(Meeting(base.id if base else "", from_qdate(self.date.date()),
                                                     self.notes.toPlainText(), self.next_steps.toPlainText(),
                                                     base.created_at if base else ""))
        except WorkspaceError as exc:
            messages.show_error(self, exc, _("Meeting not saved"))
            return
        self._fill_meetings()
        for n, m in enumerate(self._meetings):
            if m.id == saved.id:
                self.table.selectRow(n)

    def _update_meeting(self) -> None:
        m = self._selected_meeting()
        if m is None:
            messages.inform(self, _("Meetings"), _("Choose a meeting first."))
            return
        self._save_meeting(m)

    def _remove_meeting(self) -> None:
        m = self._selected_meeting()
        if m is not None and messages.ask(self, _("Remove meeting"), _("Remove the meeting of {date}?")
                                          .format(date=m.date)):
            self.agenda.delete_meeting(m.id)
            self._fill_meetings()


    # --- sending the agenda to the districts --------------------------------------------------

    def ask_identity(self) -> Path | None:
        name, _f = QFileDialog.getOpenFileName(self, _("Sign the agenda with"), str(Path.home()),
                                               _("Signing identity (*.p12)"))
        return Path(name) if name else None

    def ask_passphrase(self, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, _("Sign the agenda"), prompt, QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def ask_save_path(self, suggested: str) -> Path | None:
        name, _f = QFileDialog.getSaveFileName(self, _("Save the agenda"), str(Path.home() / suggested),
                                               _("Network agenda (*{suffix})").format(suffix=SUFFIX))
        return Path(name) if name else None

    def export_agenda(self) -> Path | None:
        """Show what the agenda file holds, sign it with a .p12 and save it; the path, or None."""
        from navtool_desktop.fileio import write_file
        from navtool_desktop.network.agenda_file import build_agenda, seal, what_leaves
        from navtool_desktop.signing import SigningError, load_identity

        if not self.agenda.chosen():
            messages.inform(self, _("Send to districts"), _("Tick at least one anchor question first."))
            return None
        data = build_agenda(self.agenda)
        lines = "\n".join(f"\u2022 {line}" for line in what_leaves(data))
        if not messages.ask(self, _("What the agenda file holds"),
                            _("The file for the network's districts holds exactly this:\n\n{lines}\n\n"
                              "Sign and save it?").format(lines=lines), default_yes=True):
            return None
        p12 = self.ask_identity()
        if p12 is None:
            return None
        passphrase = self.ask_passphrase(_("Passphrase of {file}:").format(file=p12.name))
        if passphrase is None:
            return None
        try:
            identity = load_identity(p12, passphrase)
            raw = seal(data, identity)
        except (SigningError, AgendaError) as exc:
            messages.show_error(self, exc, _("Agenda not signed"))
            return None
        out = self.ask_save_path(file_stem(self.agenda.title or _("agenda")) + SUFFIX)
        if out is None:
            return None
        if out.suffix != SUFFIX:
            out = out.with_name(out.name + SUFFIX)
        try:
            write_file(out, raw)
        except OSError as exc:
            messages.show_error(self, exc, _("Agenda not saved"))
            return None
        messages.inform(self, _("Send to districts"), _("Saved {file}, signed by {name}. Send it to the districts "
                                                        "(USB stick or e-mail); each imports it beside its plan.")
                        .format(file=out, name=identity.name))
        return out


class DistrictAgendaPanel(QWidget):
    """On a district's laptop: the learning agenda its network sent, beside the plan."""

    def __init__(self, district_folder: Path, pack: Pack, content: NetworkContent | None = None, *,
                 goal_competencies: Iterable[str] = (), read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(district_folder)
        self.pack = pack
        self.content = content or load_network_content(pack)
        self.goals = list(goal_competencies)
        self.read_only = read_only
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("Your network's learning agenda"), object_name="sectionTitle"))
        self.body = rich_label()
        self.body.setAccessibleName(_("Your network's learning agenda"))
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.body, 1)
        self.import_button = QPushButton(_("&Import agenda file\u2026"))
        self.import_button.clicked.connect(self._import)
        self.import_button.setEnabled(not read_only)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.refresh()

    def set_goals(self, goal_competencies: Iterable[str]) -> None:
        """The competencies of the district's plan (to mark what the agenda shares with it): the
        agenda already read is shown again, not read and its signature checked again."""
        self.goals = list(goal_competencies)
        self._show()

    def refresh(self) -> None:
        """Read the kept agenda (its signature checked) and show it."""
        try:
            self._kept: SealedAgenda | AgendaError | None = kept_agenda(self.folder, self.pack, self.content)
        except AgendaError as exc:
            self._kept = exc
        self._show()

    def _show(self) -> None:
        agenda = self._kept
        if isinstance(agenda, AgendaError):
            self.body.setText("<p>" + html.escape(str(agenda)) + "</p>")
            return
        if agenda is None:
            self.body.setText("<p>" + html.escape(_("No agenda yet. When your network sends a .navagenda file, "
                                                    "import it here.")) + "</p>")
            return
        a = agenda.agenda
        shared = set(agenda.shared_with(self.goals))
        parts = [f"<p><b>{html.escape(a['title'] or _('untitled'))}</b> \u00b7 "
                 f"{html.escape(a['network'] or agenda.root_organization)}<br/>"
                 + html.escape(_("Signed by {signer}; network root {fp}").format(
                     signer=agenda.signer, fp=agenda.root_fingerprint)) + "</p><ol>"]
        for q in a["questions"]:
            names = [self.pack.competency_label(c) for c in q["competencies"]]
            # the question in this laptop's language, by its id (the file has it as the network saw it)
            text = self.content.question(q["id"]).text
            comps = ", ".join(
                (f"<b>{html.escape(n)}</b> ({html.escape(_('in your plan'))})" if c in shared else html.escape(n))
                for c, n in zip(q["competencies"], names, strict=True))
            parts.append(f"<li>{html.escape(text)}"
                         + (f"<br/><i>{html.escape(_('Local context: {text}').format(text=q['context']))}</i>"
                            if q["context"] else "")
                         + f"<br/>{html.escape(_('Competencies:'))} {comps}</li>")
        parts.append("</ol>")
        for m in a["meetings"]:
            parts.append("<p>" + html.escape(_("Meeting {date}: {notes} Next steps: {steps}").format(
                date=m["date"], notes=m["notes"], steps=m["next_steps"])) + "</p>")
        self.body.setText("".join(parts))

    def ask_open_path(self) -> Path | None:
        name, _f = QFileDialog.getOpenFileName(self, _("Import agenda file"), preferences.start_path("summary"),
                                               _("Network agenda (*{suffix})").format(suffix=SUFFIX))
        if not name:
            return None
        preferences.remember_folder("summary", name)  # network files travel together
        return Path(name)

    def _import(self) -> None:
        path = self.ask_open_path()
        if path is None:
            return
        try:
            with path.open("rb") as fh:  # bounded: the reader refuses a file past the limit
                raw = fh.read(MAX_FILE_BYTES + 1)
            try:
                status, _agenda = keep_agenda(self.folder, raw, self.pack, self.content, read_only=self.read_only)
            except AgendaError as exc:
                if exc.reason != "root" or not messages.ask(
                        self, _("A new network root"),
                        str(exc) + "\n\n" + _("Have you checked the new fingerprint with your coach by phone? "
                                              "Replace the agenda?")):
                    raise
                status, _agenda = keep_agenda(self.folder, raw, self.pack, self.content, replace_root=True,
                                              read_only=self.read_only)
        except (AgendaError, OSError) as exc:
            messages.show_error(self, exc, _("Agenda not imported"))
            return
        self.refresh()
        if status == "unchanged":
            messages.inform(self, _("Agenda"), _("This district already has this agenda or a newer one."))
