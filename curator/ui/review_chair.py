"""The chair's view of the review round: progress per reviewer, the ranked summary, agreement, decisions.

Everything shown comes from the core (``scoring.progress``, ``summary.summary``, ``scoring.scores_visible_to``
with no reviewer, i.e. the chair) read on a worker; a decision is ``decisions.decide`` on the writer thread,
after which the tables are read again. Flagged case studies and late reviewers are marked with a symbol and a
word as well as a highlight, never by colour alone.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..review import decisions as decisions_mod
from ..review import rubric as rubric_mod
from ..review import scoring
from ..review import summary as summary_mod
from ..workflow import STATUS_LABELS
from . import screen
from .errors import ErrorReporter
from .review_sources import reviews_html
from .workers import Runner, ScopedRunner

FLAG_TEXT = "⚑ Discuss"
LATE_TEXT = "⚠ Late"
HIGHLIGHT = QColor("#FFF1C2")  # with the symbol and the word, never instead of them
SUMMARY_COLUMNS = ("Rank", "Title", "n", "Weighted mean", "Median", "Spread", "Recommendations", "Flag", "Status",
                   "Decision")
HEADINGS = {"Weighted mean": "Weighted\nmean"}
PROGRESS_COLUMNS = ("Reviewer", "Assigned", "Submitted", "Drafts", "Outstanding", "Late")
DECISION_WORDS = {"accept": "Accept", "reject": "Reject", "revise": "Revise (send back for changes)"}
#: Alt+A / Alt+J / Alt+V, so none clashes with Alt+R for the Reason (mnemonics are unique per dialog)
DECISION_MNEMONICS = {"accept": "&Accept", "reject": "Re&ject", "revise": "Re&vise (send back for changes)"}


class SortItem(QTableWidgetItem):
    """A cell that sorts by a key of its own (numbers as numbers, blanks last), not by its text."""

    def __init__(self, text: str, key: Any = None) -> None:
        super().__init__(text)
        self.key = text.casefold() if key is None else key
        self.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.key, getattr(other, "key", other.text())
        try:
            return mine < theirs
        except TypeError:
            return str(mine) < str(theirs)


def _number(value: float | None, places: int = 2) -> SortItem:
    item = SortItem("–" if value is None else f"{value:.{places}f}", math.inf if value is None else value)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def alpha_meaning(alpha: float | None) -> str:
    """Krippendorff's reading of alpha, in words for the panel."""
    if alpha is None:
        return "not enough submitted scores yet"
    if alpha >= 0.8:
        return "reliable agreement"
    if alpha >= 0.667:
        return "tentative agreement"
    return "low agreement: discuss how the rubric is being read"


def recommendations_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{rubric_mod.RECOMMENDATIONS[k]} {v}" for k, v in counts.items() if v) or "–"


def load_round(library: Library) -> dict[str, Any]:
    """Everything the chair's view shows, read in one go on a worker."""
    return {"summary": summary_mod.summary(library), "progress": scoring.progress(library),
            "rubric": rubric_mod.current(library)}


def case_detail(library: Library, case_id: str) -> dict[str, Any]:
    return {"case": case_id, "reviews": scoring.scores_visible_to(library, None, case_id)}


def due_words(progress: dict[str, Any]) -> str:
    """The due date and who is late, in words (the table marks them too)."""
    if not progress["due"]:
        return "No due date set: set one in the main window's Review › Assign reviewers…."
    late = [p["name"] for p in progress["reviewers"] if p["late"]]
    return (f"Reviews due: {dt.date.fromisoformat(progress['due']):%d %B %Y}. "
            + (f"{LATE_TEXT}: {', '.join(late)}." if late else "Nobody is late."))


def outstanding_question(parent: QWidget, case: dict[str, Any], go_on: Any) -> QMessageBox | None:
    """Before deciding on a case study with reviews outstanding, ask (non-blocking); None when none are."""
    missing = case["assigned"] - case["n"]
    if missing <= 0:
        return None
    box = QMessageBox(QMessageBox.Icon.Question, "Reviews outstanding",
                      f"{missing} of {case['assigned']} reviews of “{case['title']}” are not in yet. Decide now "
                      "anyway?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setAccessibleName("Reviews outstanding")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.finished.connect(lambda _r: box.clickedButton() is box.button(QMessageBox.StandardButton.Yes) and go_on())
    box.open()
    parent.question = box  # type: ignore[attr-defined]
    return box


class DecisionDialog(QDialog):
    """Accept, reject or revise, with the reason the core requires (Ctrl+Enter records it)."""

    def __init__(self, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.setWindowTitle("Record the panel's decision")
        box = QVBoxLayout(self)
        heading = QLabel(f"<b>{html.escape(case['title'])}</b><br>{html.escape(case['id'])} · now "
                         f"{html.escape(STATUS_LABELS.get(case['status'], case['status']))}")
        heading.setWordWrap(True)
        box.addWidget(heading)
        row = QHBoxLayout()
        self.choice = QButtonGroup(self)
        for decision, word in DECISION_WORDS.items():
            button = QRadioButton(DECISION_MNEMONICS.get(decision, "&" + word))  # unique in the dialog: A, J, V; S is Reason
            button.setProperty("decision", decision)
            self.choice.addButton(button)
            row.addWidget(button)
        box.addLayout(row)
        label = QLabel("Rea&son (kept in the case study's history; required):")  # Alt+S: A, J and V are the decisions
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setAccessibleName("Reason for the decision")
        label.setBuddy(self.reason)
        box.addWidget(label)
        box.addWidget(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.record_button = self.buttons.addButton("Record decision (Ctrl+Enter)",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda: self.record_button.isEnabled() and self.accept())
            self.addAction(action)
        self.choice.buttonClicked.connect(lambda _: self._enable())
        self.reason.textChanged.connect(self._enable)
        self._enable()
        self.resize(520, 260)

    def decision(self) -> str | None:
        button = self.choice.checkedButton()
        return button.property("decision") if button else None

    def _enable(self) -> None:
        ready = self.decision() is not None and bool(self.reason.toPlainText().strip())
        self.record_button.setEnabled(ready)
        self.record_button.setToolTip("" if ready else "Choose accept, reject or revise and give a reason")


class ChairWindow(QMainWindow):
    """Progress, the ranked summary with flags, agreement and the chair's decisions."""

    refreshed = Signal()
    decided = Signal(dict)
    detailShown = Signal(str)  # noqa: N815 - the selected case study's scores and reviews are on screen

    def __init__(self, library: Library, *, runner: Runner | None = None, reporter: ErrorReporter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a closed window is freed (10.8)
        self.library = library
        self.reporter = reporter or ErrorReporter(self, library.folder)
        # A borrowed runner (the main window's) is scoped: closing this window must never stop the app's pools.
        self.runner: Runner | ScopedRunner = runner.scope(self) if runner is not None else \
            Runner(self.reporter.report, self)
        self.runner.on_error = self.reporter.report
        self.data: dict[str, Any] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.dialog: DecisionDialog | None = None
        self.setWindowTitle(f"Curator — panel summary and decisions — {library.folder}")
        self._build()
        screen.fit(self, 1360, 840)  # never larger than the screen (issue 10)
        self.refresh()

    def _build(self) -> None:
        self.agreement = QLabel("Loading…")
        self.agreement.setWordWrap(True)
        self.agreement.setAccessibleName("Agreement between reviewers")
        self.progress = self._table(PROGRESS_COLUMNS, "Reviewers' progress")
        progress_box = QGroupBox("Reviewers' progress")
        self.due = QLabel()
        inner = QVBoxLayout(progress_box)
        inner.addWidget(self.due)
        inner.addWidget(self.progress)
        self.table = self._table(SUMMARY_COLUMNS, "Summary of the round, best first")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # by rank
        self.table.itemSelectionChanged.connect(self.show_detail)
        self.table.itemActivated.connect(lambda _: self.record_decision())
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Reviews of the selected case study")
        self.decide_button = QPushButton("Record decision… (Ctrl+D)")
        self.decide_button.clicked.connect(self.record_decision)
        self.decide_button.setEnabled(False)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Rows marked ⚑ Discuss disagree (spread ≥ 2 or differing recommendations)."), 1)
        row.addWidget(self.decide_button)
        box.addLayout(row)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(left)
        lower.addWidget(self.detail)
        lower.setSizes([900, 440])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(progress_box)
        split.addWidget(lower)
        split.setSizes([230, 600])
        self.split = split
        self._progress_fitted = False
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addWidget(self.agreement)
        outer.addWidget(split, 1)
        self.setCentralWidget(central)
        menu = self.menuBar().addMenu("&Panel")
        for text, keys, slot in (("Record decision…", "Ctrl+D", self.record_decision),
                                 ("Refresh", "F5", self.refresh), ("Close", "Ctrl+W", self.close)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.addAction(action)

    @staticmethod
    def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        # two-line headings where the heading, not the figures, would set the width (the title needs it)
        table.setHorizontalHeaderLabels([HEADINGS.get(c, c) for c in columns])
        for c, name in enumerate(columns):
            table.horizontalHeaderItem(c).setData(Qt.ItemDataRole.AccessibleTextRole, name)  # read on one line
        table.setAccessibleName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1 if columns is SUMMARY_COLUMNS else 0,
                                                      QHeaderView.ResizeMode.Stretch)
        return table

    # -- reading -------------------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        keep = select or self.selected_id()
        self.runner.read(load_round, self.library, on_done=lambda data: self._loaded(data, keep))

    def _loaded(self, data: dict[str, Any], keep: str | None) -> None:
        self.data = data
        summary = data["summary"]
        agreement = summary["agreement"]
        alpha = agreement["krippendorff_alpha"]
        self.agreement.setText(
            f"<b>Agreement (Krippendorff's alpha, ordinal): {'–' if alpha is None else f'{alpha:.3f}'}</b> — "
            f"{alpha_meaning(alpha)}; {agreement['reviews']} submitted reviews, rubric version "
            f"{summary['rubric_version']}. ≥ 0.800 reliable, 0.667–0.800 tentative, lower: discuss the rubric.")
        self._fill_progress(data["progress"])
        self._fill_summary(summary["cases"])
        if not self.select(keep) and self.table.rowCount():
            self.table.selectRow(0)
        self.refreshed.emit()

    def _fill_progress(self, progress: dict[str, Any]) -> None:
        self.due.setText(due_words(progress))
        rows = progress["reviewers"]
        self.progress.setRowCount(len(rows))
        for r, person in enumerate(rows):
            outstanding = len(person["outstanding"])
            cells = [SortItem(person["name"]), _number(person["assigned"], 0), _number(person["submitted"], 0),
                     _number(person["drafts"], 0), _number(outstanding, 0),
                     SortItem(LATE_TEXT if person["late"] else "")]
            cells[4].setToolTip(", ".join(person["outstanding"]))
            for c, item in enumerate(cells):
                if person["late"]:
                    item.setBackground(QBrush(HIGHLIGHT))
                self.progress.setItem(r, c, item)
        self._fit_progress()

    def _fit_progress(self) -> None:
        """Once, when first filled: make the progress table tall enough for every reviewer, up to two fifths of
        the window (on a 1366×768 laptop a panel of four showed three, the late one's row could be out of sight)."""
        sizes = self.split.sizes()
        if self._progress_fitted or not self.isVisible() or not sum(sizes):
            return
        self._progress_fitted = True
        table = self.progress
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))  # the viewport is below the header
        top = min(sizes[0] + rows + 8 - table.viewport().height(), sum(sizes) * 2 // 5)  # 8: frames, spacing
        if top > sizes[0]:
            self.split.setSizes([top, sum(sizes) - top])

    def _fill_summary(self, cases: list[dict[str, Any]]) -> None:
        self.cases = {c["id"]: c for c in cases}
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(cases))
        for r, case in enumerate(cases):
            decision = case.get("decision") or {}
            cells = [_number(case["rank"], 0), SortItem(case["title"]), _number(case["n"], 0),
                     _number(case["mean"]), _number(case["median"]), _number(case["spread"], 0),
                     SortItem(recommendations_text(case["recommendations"]),
                              -case["recommendations"].get("include", 0)),
                     SortItem(FLAG_TEXT if case["flag"] else "", 0 if case["flag"] else 1),
                     SortItem(STATUS_LABELS.get(case["status"], case["status"])),
                     SortItem(decision.get("decision", "").capitalize())]
            cells[1].setData(Qt.ItemDataRole.UserRole, case["id"])
            for c, item in enumerate(cells):
                if case["flag"]:
                    item.setBackground(QBrush(HIGHLIGHT))
                    item.setToolTip("Discuss: " + "; ".join(case["flag_reasons"]))
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())  # the chair's choice

    def shown_ids(self) -> list[str]:
        """The case studies in the order the table shows them now (tests and keyboard users)."""
        return [self.table.item(r, 1).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.table.item(rows[0].row(), 1).data(Qt.ItemDataRole.UserRole) if rows else None

    def select(self, case_id: str | None) -> bool:
        if case_id in self.cases:
            self.table.selectRow(self.shown_ids().index(case_id))
            return True
        return False

    def show_detail(self) -> None:
        case_id = self.selected_id()
        self.decide_button.setEnabled(case_id is not None)
        if case_id is not None:
            self.runner.read(case_detail, self.library, case_id, on_done=self._detail_loaded)

    def _detail_loaded(self, detail: dict[str, Any]) -> None:
        case = self.cases.get(detail["case"])
        if case is None or detail["case"] != self.selected_id():
            return
        rubric = self.data["rubric"]
        labels = rubric_mod.labels(rubric)
        parts = [f"<h3>{html.escape(case['title'])}</h3>",
                 f"<p>{html.escape(case['id'])} · {html.escape(STATUS_LABELS.get(case['status'], case['status']))} · "
                 f"{case['n']} of {case['assigned']} reviews submitted</p>"]
        if case["flag"]:
            parts.append("<p><b>⚑ Discuss:</b> " + html.escape("; ".join(case["flag_reasons"])) + "</p>")
        decision = case.get("decision")
        if decision:
            parts.append(f"<p><b>Decision:</b> {html.escape(decision['decision'])} on {decision['at'][:10]} — "
                         f"{html.escape(decision['reason'])}</p>")
        if case["criteria"]:
            rows = "".join(f"<tr><td>{html.escape(labels.get(cid, cid))}</td><td align='right'>{s['mean']}</td>"
                           f"<td align='right'>{s['median']}</td><td align='right'>{s['spread']}</td></tr>"
                           for cid, s in case["criteria"].items())
            parts.append("<table cellpadding='3' border='1' style='border-collapse:collapse'><tr><th>Criterion</th>"
                         f"<th>Mean</th><th>Median</th><th>Spread</th></tr>{rows}</table>")
        parts.append("<h4>Reviews</h4>")
        parts.append(reviews_html(detail["reviews"], rubric) if detail["reviews"] else
                     "<p>No review submitted yet.</p>")
        self.detail.setHtml("\n".join(parts))
        self.detailShown.emit(case["id"])

    # -- deciding ------------------------------------------------------------------------------------------
    def record_decision(self, confirmed: bool = False) -> DecisionDialog | None:
        case_id = self.selected_id()
        if case_id is None:
            self.statusBar().showMessage("Select a case study in the summary first.", 6000)
            return None
        if not confirmed and outstanding_question(self, self.cases[case_id], lambda: self.record_decision(True)):
            return None
        self.dialog = DecisionDialog(self.cases[case_id], self)
        self.dialog.accepted.connect(lambda: self._decide(case_id, self.dialog))
        self.dialog.open()
        return self.dialog

    def _decide(self, case_id: str, dialog: DecisionDialog | None) -> None:
        if dialog is None:
            return
        decision, reason = dialog.decision(), dialog.reason.toPlainText()
        self.statusBar().showMessage("Recording the decision…")
        self.runner.write(decisions_mod.decide, self.library, case_id, decision, reason,
                          on_done=self._decided,
                          on_error=lambda err: self.reporter.report(err, "Recording the decision"))

    def _decided(self, result: dict[str, Any]) -> None:
        steps = " → ".join(STATUS_LABELS.get(s, s) for s in result["steps"]) or "no status change"
        self.statusBar().showMessage(f"{result['case']}: {result['decision']} recorded; status now "
                                     f"{STATUS_LABELS.get(result['status'], result['status'])} ({steps})", 10000)
        self.refresh(select=result["case"])
        self.decided.emit(result)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.runner.shutdown()
        event.accept()
