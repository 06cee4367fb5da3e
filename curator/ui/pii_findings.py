"""Possible patient-identifiable data, listed so a lead can fix or dismiss each finding.

``PiiFindingsView`` is the table (case study, field, kind, excerpt) with "Open case study" and "Not personal
data…" (a reason is required; ``curator.word.pii_gate.dismiss`` records it in the history). The guide dialog
shows it when the PII gate stops an export; ``PiiCheckDialog`` (Publish → Check for personal data…) scans the
selection or the whole library into the same view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..library import Library, plural
from ..pii import KINDS, scan_record
from ..progress import CancelToken, ProgressFn, no_progress
from ..word import pii_gate
from .publish_common import ReasonDialog, fit_to_screen
from .workers import Runner, long_job

COLUMNS = ("Case study", "Field", "Kind", "Excerpt")
KEEP = ("id", "title", "field", "kind", "excerpt", "finding")


def scan_job(library: Library, ids: list[str] | None, progress: ProgressFn = no_progress,
             cancel: CancelToken | None = None) -> list[dict[str, Any]]:
    """Findings not yet dismissed, over these case studies (or every one not in the trash), with Cancel checked
    between records."""
    total = len(ids) if ids is not None else library.count()
    records = library.iter_records() if ids is None else (library.get(i) for i in ids)
    skip = pii_gate.all_dismissed(library)  # read once, not per record
    findings: list[dict[str, Any]] = []
    for n, record in enumerate(records):
        if cancel is not None:
            cancel.check()
        if n % 25 == 0:
            progress(n, total, f"Checking {record['title']}")
        findings.extend({k: f[k] for k in KEEP} for f in scan_record(record, skip.get(record["id"], ())))
    return findings


class PiiFindingsView(QWidget):
    """The findings table and its two actions; ``dismissed`` fires after a dismissal is saved."""

    dismissed = Signal(dict)
    openRequested = Signal(str)  # noqa: N815 - a case id to open in the editor

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.findings: list[dict[str, Any]] = []
        self.reason_dialog: ReasonDialog | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Personal data check result")
        self.heading.setMinimumHeight(self.heading.fontMetrics().lineSpacing() * 3 + 6)  # wrapped, never clipped
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Possible personal data found")
        self.table.setToolTip("Each row is a piece of text that looks like patient-identifiable data")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        self.open_button = QPushButton("&Open case study")
        self.open_button.setAccessibleName("Open case study")
        self.open_button.setToolTip("Open the case study in the editor to change the text")
        self.open_button.clicked.connect(self.open_selected)
        self.dismiss_button = QPushButton("&Not personal data…")
        self.dismiss_button.setAccessibleName("Not personal data")
        self.dismiss_button.setToolTip("Mark this finding as not personal data, with a reason kept in the history")
        self.dismiss_button.clicked.connect(lambda: self.dismiss_selected())
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.set_findings([])

    def set_findings(self, findings: list[dict[str, Any]]) -> None:
        self.findings = list(findings)
        self.table.setRowCount(len(self.findings))
        for r, f in enumerate(self.findings):
            for c, text in enumerate((f["title"], f["field"], KINDS.get(f["kind"], f["kind"]), f["excerpt"])):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        records = len({f["id"] for f in self.findings})
        self.heading.setText(
            f"{plural(len(self.findings), 'possible piece', 'possible pieces')} of patient-identifiable data in "
            f"{plural(records, 'case study', 'case studies')}. Fix the text in the case study, or if a finding is "
            "not personal data (a service phone number, a public office's postcode), say why."
            if self.findings else "No possible patient-identifiable data found.")
        if self.findings:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.findings[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.dismiss_button.setEnabled(chosen)

    def open_selected(self) -> None:
        finding = self.selected()
        if finding is not None:
            self.openRequested.emit(finding["id"])

    def dismiss_selected(self, reason: str | None = None) -> ReasonDialog | None:
        """Ask for a reason (or use ``reason``), then record the dismissal through the core."""
        finding = self.selected()
        if finding is None:
            return None
        if reason is not None:
            self._dismiss(finding, reason)
            return None
        dialog = ReasonDialog("Not personal data", f"Why is the {KINDS.get(finding['kind'], finding['kind'])} "
                              f"'{finding['excerpt']}' in {finding['field']} of '{finding['title']}' not personal "
                              "data? The reason is kept in the case study's history.", self)
        dialog.reasonGiven.connect(lambda text: self._dismiss(finding, text))
        self.reason_dialog = dialog
        dialog.open()
        return dialog

    def _dismiss(self, finding: dict[str, Any], reason: str) -> None:
        def done(result: dict[str, Any]) -> None:
            self.set_findings([f for f in self.findings
                               if not (f["id"] == finding["id"] and f["finding"] == finding["finding"])])
            self.dismissed.emit(result)

        self.runner.write(pii_gate.dismiss, self.library, finding["id"], finding["finding"], reason, on_done=done)


class PiiCheckDialog(QDialog):
    """Publish → Check for personal data…: the selection or the whole library, into the findings view."""

    checked = Signal(list)

    def __init__(self, library: Library, runner: Runner, selected_ids: list[str],
                 open_record: Callable[[str], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.selected_ids = list(selected_ids)
        self.setWindowTitle("Check for personal data")
        self.setAccessibleName("Check for personal data")
        n = len(self.selected_ids)
        self.scope_selection = QRadioButton(f"The &selected case stud{'y' if n == 1 else 'ies'} ({n})")
        self.scope_selection.setAccessibleName("Check the selected case studies")
        self.scope_all = QRadioButton("The &whole library (not the trash)")
        self.scope_all.setAccessibleName("Check the whole library")
        (self.scope_selection if n else self.scope_all).setChecked(True)
        self.scope_selection.setEnabled(bool(n))
        self.check_button = QPushButton("Chec&k")
        self.check_button.setAccessibleName("Check")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_check)
        self.view = PiiFindingsView(library, runner, self)
        self.view.openRequested.connect(open_record)
        self.view.heading.setText("Choose what to check, then press Check.")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("Check:"))
        top.addWidget(self.scope_selection)
        top.addWidget(self.scope_all)
        top.addStretch(1)
        top.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(close)
        fit_to_screen(self, 920, 520)

    def run_check(self) -> None:
        ids = self.selected_ids if self.scope_selection.isChecked() else None
        self.check_button.setEnabled(False)
        self.view.heading.setText("Checking…")

        def done(findings: list[dict[str, Any]] | None) -> None:
            self.check_button.setEnabled(True)
            if findings is None:
                self.view.heading.setText("Cancelled before the check finished.")
                return
            self.view.set_findings(findings)
            self.checked.emit(findings)

        self.progress_dialog = long_job(self, self.runner, "Checking for personal data", scan_job, self.library, ids,
                                        on_done=done)
        self.progress_dialog.finished.connect(lambda _r: self.check_button.setEnabled(True))

