"""Review › Reviewers…: the panel, with add, edit and remove, and each reviewer's declared conflicts.

A conflict is an ICS (ticked in a filterable list of the 42) or an organisation (one a line); the reviewer's own
organisation always counts. Saving calls ``reviewers.add`` / ``reviewers.edit`` / ``reviewers.remove`` on the
writer thread, so the checks and messages are the CLI's.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..review import reviewers as reviewers_mod
from ..vocab import vocabularies
from .review_common import button, table, warn
from .workers import Runner

COLUMNS = ["Name", "Organisation", "Role", "Declared conflicts"]


def conflict_words(reviewer: reviewers_mod.Reviewer) -> str:
    ics = vocabularies().ics.by_id
    return "; ".join([ics[c].label if c in ics else c for c in reviewer.conflict_ics] + reviewer.conflict_orgs)


class ReviewerForm(QDialog):
    """Name, organisation, role, conflicts with ICSs (picker) and organisations (one a line)."""

    def __init__(self, reviewer: reviewers_mod.Reviewer | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reviewer = reviewer
        self.setWindowTitle("Edit reviewer" if reviewer else "Add reviewer")
        self.setAccessibleName(self.windowTitle())
        form = QFormLayout()
        self.name = QLineEdit(reviewer.name if reviewer else "")
        self.name.setAccessibleName("Name")
        self.organisation = QLineEdit(reviewer.organisation if reviewer else "")
        self.organisation.setAccessibleName("Organisation (always counts as a conflict)")
        self.role = QLineEdit(reviewer.role if reviewer else "")
        self.role.setAccessibleName("Role")
        self.role.setPlaceholderText("e.g. clinician, public-health lead, community representative")
        form.addRow("&Name:", self.name)
        form.addRow("&Organisation:", self.organisation)
        form.addRow("&Role:", self.role)
        conflicts = QGroupBox("Declared conflicts of interest")
        inner = QVBoxLayout(conflicts)
        self.ics_filter = QLineEdit()
        self.ics_filter.setAccessibleName("Filter the ICS list")
        self.ics_filter.setPlaceholderText("Type to filter the ICSs…")
        self.ics_filter.setClearButtonEnabled(True)
        self.ics_filter.textChanged.connect(self._filter)
        self.ics = QListWidget()
        self.ics.setAccessibleName("ICSs this reviewer must not review (Space ticks)")
        chosen = set(reviewer.conflict_ics if reviewer else [])
        for term in sorted(vocabularies().ics.terms, key=lambda t: t.label):
            item = QListWidgetItem(f"{term.label} ({term.id})")
            item.setData(Qt.ItemDataRole.UserRole, term.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if term.id in chosen else Qt.CheckState.Unchecked)
            self.ics.addItem(item)
        self.ics.setMinimumHeight(150)
        self.orgs = QPlainTextEdit("\n".join(reviewer.conflict_orgs if reviewer else []))
        self.orgs.setAccessibleName("Organisations this reviewer must not review, one a line")
        self.orgs.setTabChangesFocus(True)
        self.orgs.setMaximumHeight(90)
        ics_label = QLabel("&ICSs (tick with Space):")
        ics_label.setBuddy(self.ics_filter)
        orgs_label = QLabel("Other organisations, one a &line:")
        orgs_label.setBuddy(self.orgs)
        inner.addWidget(ics_label)
        inner.addWidget(self.ics_filter)
        inner.addWidget(self.ics, 1)
        inner.addWidget(orgs_label)
        inner.addWidget(self.orgs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(conflicts, 1)
        box.addWidget(buttons)
        self.resize(560, 600)

    def _filter(self, text: str) -> None:
        """Keep the ICSs the text names, as the editor's picker does: by name, ICB name, code or region."""
        shown = {term.id for term in vocabularies().ics_matching(text)} if text.strip() else None
        for row in range(self.ics.count()):
            item = self.ics.item(row)
            item.setHidden(shown is not None and item.data(Qt.ItemDataRole.UserRole) not in shown)

    def tick_ics(self, code: str) -> None:
        for row in range(self.ics.count()):
            if self.ics.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.ics.item(row).setCheckState(Qt.CheckState.Checked)

    def values(self) -> dict[str, Any]:
        ics = [self.ics.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.ics.count())
               if self.ics.item(r).checkState() == Qt.CheckState.Checked]
        orgs = [line.strip() for line in self.orgs.toPlainText().splitlines() if line.strip()]
        return {"name": self.name.text(), "organisation": self.organisation.text(), "role": self.role.text(),
                "conflicts": ics + orgs}


class ReviewersDialog(QDialog):
    """The panel as a table; Add…, Edit…, Remove."""

    loaded = Signal()
    changed = Signal()

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.panel: list[reviewers_mod.Reviewer] = []
        self.form: ReviewerForm | None = None
        self.setWindowTitle("Reviewers")
        self.setAccessibleName("Reviewers")
        self.table = table(COLUMNS, "The panel's reviewers", stretch=3)
        self.table.itemActivated.connect(lambda _: self.edit())
        self.add_button = button("&Add…", "Add a reviewer")
        self.edit_button = button("&Edit…", "Edit the selected reviewer")
        self.remove_button = button("&Remove", "Remove the selected reviewer from the panel",
                                    "Their submitted scores stay; their open assignments go")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(close)
        self.status = QLabel("Loading…")
        self.status.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(QLabel("Everyone on the expert reference group. A reviewer is never given a case study from "
                             "their own organisation or one they declared a conflict with."))
        box.addWidget(self.table, 1)
        box.addWidget(self.status)
        box.addLayout(row)
        self.resize(900, 520)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        self.runner.read(reviewers_mod.list_reviewers, self.library, on_done=lambda p: self._loaded(p, select))

    def _loaded(self, panel: list[reviewers_mod.Reviewer], select: str | None) -> None:
        self.panel = panel
        self.table.setRowCount(len(panel))
        for r, person in enumerate(panel):
            for c, text in enumerate((person.name, person.organisation, person.role, conflict_words(person))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                self.table.setItem(r, c, item)
            if person.id == select:
                self.table.selectRow(r)
        if self.table.currentRow() < 0 and panel:
            self.table.selectRow(0)
        self.status.setText(f"{len(panel)} reviewer{'s' if len(panel) != 1 else ''} on the panel." if panel else
                            "No reviewers yet: choose Add… to add the first.")
        for widget in (self.edit_button, self.remove_button):
            widget.setEnabled(bool(panel))
        self.loaded.emit()

    def selected(self) -> reviewers_mod.Reviewer | None:
        row = self.table.currentRow()
        return self.panel[row] if 0 <= row < len(self.panel) else None

    def add(self) -> ReviewerForm:
        return self._open_form(None)

    def edit(self) -> ReviewerForm | None:
        person = self.selected()
        return self._open_form(person) if person else None

    def _open_form(self, person: reviewers_mod.Reviewer | None) -> ReviewerForm:
        self.form = ReviewerForm(person, self)
        self.form.accepted.connect(lambda f=self.form: self._save(f))
        self.form.open()
        return self.form

    def _save(self, form: ReviewerForm) -> None:
        values = form.values()
        if form.reviewer is None:
            fn, args, kwargs = reviewers_mod.add, (self.library, values["name"], values["organisation"],
                                                   values["role"], values["conflicts"]), {}
        else:
            fn, args, kwargs = reviewers_mod.edit, (self.library, form.reviewer.id), values

        def failed(err: BaseException) -> None:
            warn(self, "Reviewer not saved", err)
            form.open()  # what was typed is still there: correct it and save again

        self.runner.write(fn, *args, **kwargs, on_done=self._saved, on_error=failed)

    def _saved(self, person: reviewers_mod.Reviewer) -> None:
        self.status.setText(f"Saved {person.name}.")
        self.changed.emit()
        self.refresh(select=person.id)

    def remove(self) -> QMessageBox | None:
        person = self.selected()
        if person is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Remove reviewer",
                          f"Take {person.name} off the panel? Their submitted scores stay; case studies they have "
                          "not scored yet are unassigned.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setAccessibleName("Remove reviewer")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _r: box.clickedButton() is box.button(QMessageBox.StandardButton.Yes) and
                             self.runner.write(reviewers_mod.remove, self.library, person.id, on_done=self._removed,
                                               on_error=lambda err: warn(self, "Reviewer not removed", err)))
        box.open()
        self.question = box
        return box

    def _removed(self, person: reviewers_mod.Reviewer) -> None:
        self.status.setText(f"{person.name} left the panel.")
        self.changed.emit()
        self.refresh()
