"""Review › Assign reviewers…: the proposed assignment as a table (case study × reviewer, load per reviewer),
changed by hand, then applied all at once.

The proposal is ``assign.propose`` (nothing written); Apply sends the table as it stands to ``assign.apply_plan``,
which checks everything again and writes all or nothing. A conflicted cell can only be ticked with a reason,
which the core records in the case study's history. Space or Enter toggles the current cell; the words in the
cells (✓ proposed, ● assigned, ⚠ conflict …) say what the highlight shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..errors import CuratorError
from ..library import Library
from ..review import assign as assign_mod
from ..review import scoring
from . import theme
from .review_common import button, enter_presses, warn
from .workers import Runner

HELD, NEW, NONE, REMOVE = "held", "new", "none", "remove"
WORDS = {HELD: "● assigned", NEW: "✓ proposed", REMOVE: "✕ to remove", NONE: ""}
COLOURS = {HELD: theme.ASSIGN_HELD, NEW: theme.ASSIGN_NEW, REMOVE: theme.ASSIGN_REMOVE}
CONFLICT = QColor(theme.HIGHLIGHT)
HEADING_WIDTH = 380  # px for a case study's title in the row headings (the table keeps room for four reviewers)
Key = tuple[str, str]


def load_assignment(library: Library, per_case: int) -> dict[str, Any]:
    """The proposal (or why there is none) and the due date, read together on a worker."""
    try:
        proposal = assign_mod.propose(library, per_case)
        error = ""
    except CuratorError as err:
        proposal, error = None, str(err)
    return {"proposal": proposal, "error": error, "due": scoring.due(library)}


def apply_job(library: Library, add: list[dict[str, Any]], remove: list[dict[str, Any]], due: str | None
              ) -> dict[str, Any]:
    """Set the due date and apply the plan, as ``review assign --due … --plan …`` does."""
    scoring.set_due(library, due)
    result = assign_mod.apply_plan(library, add, remove) if add or remove else {"assignments": [], "removed": []}
    return dict(result, due=due)


class AssignTable(QTableWidget):
    """Space / Enter on a cell toggles it (the dialog decides what that means)."""

    toggled = Signal(int, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.toggled.emit(self.currentRow(), self.currentColumn())
            return
        super().keyPressEvent(event)


class AssignDialog(QDialog):
    loaded = Signal()
    applied = Signal(dict)

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.proposal: dict[str, Any] | None = None
        self.state: dict[Key, str] = {}
        self.how: dict[Key, str] = {}
        self.overrides: dict[Key, str] = {}
        self.reason_dialog: QInputDialog | None = None
        self.setWindowTitle("Assign reviewers")
        self.setAccessibleName("Assign reviewers")
        self.per_case = QSpinBox()
        self.per_case.setRange(1, 12)
        self.per_case.setValue(3)
        self.per_case.setAccessibleName("Reviewers per case study")
        per_label = QLabel("Reviewers &per case study:")
        per_label.setBuddy(self.per_case)
        self.propose_button = button("Pr&opose", "Propose an assignment",
                                     "Fill the table with a load-balanced proposal; nothing is saved until Apply")
        self.propose_button.clicked.connect(self.refresh)
        self.has_due = QCheckBox("Reviews &due by:")
        self.has_due.setAccessibleName("Set a due date")
        self.due = QDateEdit(QDate.currentDate().addDays(21))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setAccessibleName("Due date")
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        top = QHBoxLayout()
        for widget in (per_label, self.per_case, self.propose_button):
            top.addWidget(widget)
        top.addSpacing(24)
        top.addWidget(self.has_due)
        top.addWidget(self.due)
        top.addStretch(1)
        self.table = AssignTable()
        self.table.setAccessibleName("Assignment: case studies by reviewer. Space toggles a cell")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.toggled.connect(self.toggle)
        self.table.cellDoubleClicked.connect(self.toggle)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter case studies by title…")
        self.filter.setAccessibleName("Filter case studies by title")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.summary = QLabel("Loading…")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What applying will do")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("&Apply")
        self.apply_button.setAccessibleName("Apply the assignment")
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(QLabel("✓ proposed · ● assigned already · ⚠ conflict (needs a reason to assign) · ✕ to remove. "
                             "Space, Enter or a double-click toggles a cell; the last row is each reviewer's load."))
        box.addWidget(self.filter)
        box.addWidget(self.table, 1)
        box.addWidget(self.summary)
        box.addWidget(self.buttons)
        self.resize(1200, 680)
        enter_presses(self, self.propose_button)
        self.refresh()

    # -- reading -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.summary.setText("Proposing…")
        self.runner.read(load_assignment, self.library, self.per_case.value(), on_done=self._loaded)

    def _loaded(self, data: dict[str, Any]) -> None:
        if data["due"]:
            self.has_due.setChecked(True)
            self.due.setDate(QDate.fromString(data["due"], "yyyy-MM-dd"))
        self.proposal = data["proposal"]
        self.state, self.how, self.overrides = {}, {}, {}
        if self.proposal is None:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.summary.setText(data["error"])
            self.apply_button.setEnabled(False)
            self.loaded.emit()
            return
        for case in self.proposal["cases"]:
            for rid in case["held"]:
                self.state[(case["id"], rid)] = HELD
            for rid in case["proposed"]:
                self.state[(case["id"], rid)] = NEW
                self.how[(case["id"], rid)] = "auto"
        self._fill()
        self.loaded.emit()

    def _fill(self) -> None:
        cases, people = self.proposal["cases"], self.proposal["reviewers"]
        self.table.clear()
        self.table.setRowCount(len(cases) + 1)
        self.table.setColumnCount(len(people))
        self.table.setHorizontalHeaderLabels([p["name"] for p in people])
        # elided for the bold the current row's heading is drawn in (cut by a count of letters, it overflowed)
        bold = self.table.verticalHeader().font()
        bold.setBold(True)
        fit = QFontMetrics(bold)
        self.table.setVerticalHeaderLabels([fit.elidedText(c["title"], Qt.TextElideMode.ElideRight, HEADING_WIDTH)
                                            for c in cases] + ["Load (after applying)"])
        for r, case in enumerate(cases):
            self.table.verticalHeaderItem(r).setToolTip(f"{case['title']} ({case['id']})")
            for c, _person in enumerate(people):
                self.table.setItem(r, c, QTableWidgetItem())
                self._paint(r, c)
        for c in range(len(people)):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(len(cases), c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(110)
        self.table.verticalHeader().setMaximumWidth(HEADING_WIDTH + 40)  # the heading's padding and frame
        self._totals()
        self._filter(self.filter.text())
        if cases and people:
            self.table.setCurrentCell(0, 0)

    def _key(self, row: int, col: int) -> Key | None:
        if self.proposal is None or not (0 <= row < len(self.proposal["cases"])) or \
                not (0 <= col < len(self.proposal["reviewers"])):
            return None
        return self.proposal["cases"][row]["id"], self.proposal["reviewers"][col]["id"]

    def _paint(self, row: int, col: int) -> None:
        key = self._key(row, col)
        item = self.table.item(row, col)
        if key is None or item is None:
            return
        state = self.state.get(key, NONE)
        why = self.proposal["cases"][row]["conflicts"].get(key[1])
        text = WORDS[state]
        if why:
            text = (f"⚠ {text} (override)" if state in (NEW, HELD) else "⚠ conflict") if state != REMOVE else text
        item.setText(text)
        name = self.proposal["reviewers"][col]["name"]
        title = self.proposal["cases"][row]["title"]
        item.setToolTip(f"{name} · {title}" + (f"\nConflict: {name} {why}" if why else "")
                        + (f"\nOverride reason: {self.overrides[key]}" if key in self.overrides else ""))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name}, {title}: {text or 'not assigned'}")
        colour = COLOURS.get(state)
        item.setBackground(QBrush(QColor(colour)) if colour else (QBrush(CONFLICT) if why else QBrush()))
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)

    def _totals(self) -> None:
        if self.proposal is None:
            return
        row = len(self.proposal["cases"])
        counts = {p["id"]: 0 for p in self.proposal["reviewers"]}
        for (_case, rid), state in self.state.items():
            if state in (HELD, NEW) and rid in counts:
                counts[rid] += 1
        for c, person in enumerate(self.proposal["reviewers"]):
            item = self.table.item(row, c)
            if item is not None:
                item.setText(str(counts[person["id"]]))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{person['name']}: {counts[person['id']]} "
                                                                  "case studies after applying")
        add, remove = self.changes()
        per = self.per_case.value()
        short = [c for c in self.proposal["cases"]
                 if sum(1 for p in self.proposal["reviewers"] if self.state.get((c["id"], p["id"])) in (HELD, NEW))
                 < per]
        parts = [f"Applying assigns {len(add)} and removes {len(remove)}."]
        if self.overrides:
            parts.append(f"{len(self.overrides)} conflict override{'s' if len(self.overrides) != 1 else ''} with a "
                         "reason.")
        if short:
            parts.append(f"⚠ {len(short)} case stud{'y has' if len(short) == 1 else 'ies have'} fewer than {per} "
                         "reviewers: " + ", ".join(_short(c["title"], 40) for c in short[:4])
                         + (" …" if len(short) > 4 else ""))
        if not self.proposal["cases"]:
            parts = ["No case studies are submitted or in review, so there is nothing to assign."]
        self.summary.setText(" ".join(parts))
        self.apply_button.setEnabled(True)

    def _filter(self, text: str) -> None:
        if self.proposal is None:
            return
        words = text.casefold().split()
        for r, case in enumerate(self.proposal["cases"]):
            self.table.setRowHidden(r, not all(w in case["title"].casefold() for w in words))

    # -- changing ------------------------------------------------------------------------------------------
    def toggle(self, row: int, col: int) -> None:
        key = self._key(row, col)
        if key is None:
            return
        state = self.state.get(key, NONE)
        if state == HELD:
            self.state[key] = REMOVE
        elif state == REMOVE:
            self.state[key] = HELD
        elif state == NEW:
            self.state.pop(key)
            self.overrides.pop(key, None)
        elif self.proposal["cases"][row]["conflicts"].get(key[1]):
            self.ask_reason(row, col)
            return
        else:
            self.state[key] = NEW
            self.how[key] = "manual"
        self._paint(row, col)
        self._totals()

    def ask_reason(self, row: int, col: int) -> QInputDialog:
        """A conflicted cell: assign only with a reason (kept in the case study's history)."""
        key = self._key(row, col)
        person = self.proposal["reviewers"][col]["name"]
        why = self.proposal["cases"][row]["conflicts"][key[1]]
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Override a conflict")
        dialog.setAccessibleName("Override a conflict")
        dialog.setLabelText(f"{person} {why}. To assign them anyway, give the reason (it is kept in the case "
                            "study's history):")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setOkButtonText("Assign anyway")

        def chosen(text: str) -> None:
            if text.strip():
                self.state[key] = NEW
                self.how[key] = "manual"
                self.overrides[key] = " ".join(text.split())
                self._paint(row, col)
                self._totals()
            else:
                self.summary.setText(f"Not assigned: overriding {person}'s conflict needs a reason.")

        dialog.textValueSelected.connect(chosen)
        dialog.open()
        self.reason_dialog = dialog
        return dialog

    def changes(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        add = [{"case": case, "reviewer": rid, "how": self.how.get((case, rid), "manual"),
                **({"override_reason": self.overrides[(case, rid)]} if (case, rid) in self.overrides else {})}
               for (case, rid), state in self.state.items() if state == NEW]
        remove = [{"case": case, "reviewer": rid} for (case, rid), state in self.state.items() if state == REMOVE]
        return add, remove

    def due_date(self) -> str | None:
        return self.due.date().toString("yyyy-MM-dd") if self.has_due.isChecked() else None

    def apply(self) -> None:
        add, remove = self.changes()
        self.apply_button.setEnabled(False)
        self.summary.setText("Applying…")
        self.runner.write(apply_job, self.library, add, remove, self.due_date(), on_done=self._applied,
                          on_error=self._failed)

    def _failed(self, err: BaseException) -> None:
        self.apply_button.setEnabled(True)
        self._totals()
        warn(self, "Assignment not applied", err)

    def _applied(self, result: dict[str, Any]) -> None:
        self.applied.emit(result)
        self.refresh()
        due = dt.date.fromisoformat(result["due"]).strftime("%d %B %Y") if result["due"] else "no due date"
        self.last_result = (f"Applied: {len(result['assignments'])} assigned, {len(result['removed'])} removed; "
                            f"{due}.")
        self.loaded.connect(self._say_applied)

    def _say_applied(self) -> None:
        self.loaded.disconnect(self._say_applied)
        self.summary.setText(self.last_result + " " + self.summary.text())


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
