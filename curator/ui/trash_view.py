"""Library → Trash: the deleted case studies (newest first), with Restore and Empty trash (asks first), like
Zotero's. Both go through the core (``curator.manage``) and are one undo step each."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..history import Changes
from ..library import Library, plural
from ..manage import empty_trash, restore_many
from ..vocab import vocabularies
from ..workflow import STATUS_LABELS
from .publish_common import fit_to_screen
from .timefmt import local_time
from .workers import Runner

COLUMNS = ("Title", "ICS", "Status", "Deleted")


class TrashDialog(QDialog):
    loaded = Signal()
    changed = Signal()

    def __init__(self, library: Library, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.runner = library, runner
        self.rows: list[dict[str, Any]] = []
        self.confirm: QMessageBox | None = None
        self.setWindowTitle("Trash")
        self.setAccessibleName("Trash")
        self.summary = QLabel("Loading…")
        self.summary.setAccessibleName("Trash summary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Case studies in the trash, newest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _i: self.restore_selected())
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.setToolTip("Bring the selected case studies back into the library (Enter)")
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button = QPushButton("&Empty trash…")
        self.empty_button.setAccessibleName("Empty trash")
        self.empty_button.setToolTip("Remove every case study in the trash from the library (asks first)")
        self.empty_button.clicked.connect(lambda: self.empty_trash())
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.empty_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 460)
        self.changed.connect(self.refresh)
        library.listeners.append(self._on_change)
        self.refresh()

    def _on_change(self, _changes: Changes) -> None:
        """Listeners run on the writer thread; the signal queues the refresh to the UI thread."""
        try:
            self.changed.emit()
        except RuntimeError:  # closed with its window before it could unhook itself
            with contextlib.suppress(ValueError):
                self.library.listeners.remove(self._on_change)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self._on_change in self.library.listeners:
            self.library.listeners.remove(self._on_change)
        super().closeEvent(event)

    def refresh(self) -> None:
        self.runner.read(self.library.trash, on_done=self._show)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = [dict(r) for r in rows]
        vocab = vocabularies()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            term = vocab.ics.by_id.get(row["ics"] or "")
            for c, text in enumerate((row["title"], term.label if term else (row["ics"] or ""),
                                      STATUS_LABELS.get(row["status"], row["status"]),
                                      local_time(row["deleted"], seconds=True))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.summary.setText(f"{plural(len(self.rows), 'case study', 'case studies')} in the trash."
                             if self.rows else "The trash is empty.")
        self.empty_button.setEnabled(bool(self.rows))
        if self.rows and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self._selection_changed()
        self.loaded.emit()

    def selected_ids(self) -> list[str]:
        return [self.rows[i.row()]["id"] for i in self.table.selectionModel().selectedRows()]

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.selected_ids()))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.runner.write(restore_many, self.library, ids)

    def empty_trash(self, confirmed: bool = False) -> QMessageBox | None:
        if not self.rows:
            return None
        if confirmed:
            self.runner.write(empty_trash, self.library)
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, "Empty trash",
                          f"Remove {plural(len(self.rows), 'case study', 'case studies')} from the library for "
                          "good? Undo (Ctrl+Z) straight afterwards puts them back in the trash.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Empty trash")
        box.button(QMessageBox.StandardButton.Yes).setText("&Empty trash")
        box.accepted.connect(lambda: self.empty_trash(confirmed=True))
        box.open()
        self.confirm = box
        return box
