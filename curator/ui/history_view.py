"""One record's history: every change with when, who, what and which fields (the core's ``history(id)``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..library import Library
from ..model import FIELD_LABELS
from . import screen
from .timefmt import local_time
from .workers import Runner

COLUMNS = ("When", "Who", "What", "Fields changed", "Note")


class HistoryDialog(QDialog):
    def __init__(self, library: Library, runner: Runner, case_id: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed dialogs are freed (10.8)
        self.setWindowTitle(f"History: {title}")
        self.setAccessibleName(self.windowTitle())
        screen.fit(self, 900, 420)  # never larger than the screen (issue 10)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Changes to this case study, oldest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel("Undo and redo are in the Edit menu; they apply to the whole library, newest change first.")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.rows: list[dict[str, Any]] = []
        runner.read(library.history, case_id, on_done=self._show)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            fields = ", ".join(FIELD_LABELS.get(f, f) for f in row["fields"])
            label = row["label"] + (" (undone)" if row["undone"] else "")
            for c, text in enumerate((local_time(row["at"], seconds=True), row["user"], label, fields,
                                      row.get("note") or "")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if rows:
            self.table.scrollToBottom()
