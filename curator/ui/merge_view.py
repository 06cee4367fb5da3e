"""A field-by-field merge of two versions of a record: mine | theirs | result, with a choice per field.

The view only shows and collects choices; the rules (defaults, what "theirs" means for an object field) are the
core's ``curator.merge``. Labels are passed in, so the import report ("In the library" | "In the file") and a
later sync conflict ("Yours" | "Your colleague's") use the same widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import merge

Display = Callable[[str, Any], str]


def plain(field: str, value: Any) -> str:
    """A value as one readable line (lists joined, objects as their non-empty values)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(plain(field, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if merge.is_given(v))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class MergeView(QWidget):
    """One row per field that differs: field | mine | theirs | use (a choice) | result."""

    changed = Signal()

    def __init__(self, mine_label: str, theirs_label: str, *, field_labels: dict[str, str] | None = None,
                 display: Display = plain, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = (mine_label, theirs_label)
        self.field_labels = field_labels or {}
        self.display = display
        self.merges: list[merge.FieldMerge] = []
        self.mine: dict[str, Any] = {}
        self.rows: list[merge.FieldMerge] = []
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Field", mine_label, theirs_label, "Use", "Result"])
        self.table.setAccessibleName(f"Merge, field by field: {mine_label}, {theirs_label}, and the result")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in (1, 2, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def set_records(self, mine: dict[str, Any], theirs: dict[str, Any], *, fields: list[str] | None = None,
                    keep_mine: tuple[str, ...] = merge.KEEP_MINE) -> None:
        """Plan the merge with the core's defaults and show the fields where the two differ."""
        self.mine = mine
        self.merges = merge.plan(mine, theirs, fields=fields, keep_mine=keep_mine)
        self.rows = [m for m in self.merges if m.differs]
        self.table.setRowCount(len(self.rows))
        for r, item in enumerate(self.rows):
            name = self.field_labels.get(item.field, item.field)
            cells = (name, self.display(item.field, item.mine), self.display(item.field, item.theirs_over_mine))
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(r, c, cell)
            choice = QComboBox()
            choice.addItems(list(self.labels))
            choice.setAccessibleName(f"Use for {name}")
            choice.setCurrentIndex(0 if item.choice == merge.MINE else 1)
            choice.currentIndexChanged.connect(lambda i, row=r: self.choose(row, merge.MINE if i == 0 else
                                                                            merge.THEIRS))
            self.table.setCellWidget(r, 3, choice)
            self._show_result(r)
        self.table.resizeRowsToContents()

    def choose(self, row: int, choice: str) -> None:
        self.rows[row].choice = choice
        box = self.table.cellWidget(row, 3)
        if isinstance(box, QComboBox) and box.currentIndex() != (0 if choice == merge.MINE else 1):
            box.setCurrentIndex(0 if choice == merge.MINE else 1)
        self._show_result(row)
        self.changed.emit()

    def choice_for(self, field: str) -> str | None:
        return next((m.choice for m in self.merges if m.field == field), None)

    def _show_result(self, row: int) -> None:
        item = self.rows[row]
        text = self.display(item.field, item.result)
        cell = QTableWidgetItem(text)
        cell.setToolTip(text)
        self.table.setItem(row, 4, cell)

    def result(self) -> dict[str, Any]:
        """The merged record (mine, with each field's chosen value)."""
        return merge.result(self.merges, base=self.mine)

    def changes(self) -> dict[str, Any]:
        """Only the fields whose result differs from mine (what an update needs to send)."""
        return {m.field: m.result for m in self.merges if m.result != m.mine}
