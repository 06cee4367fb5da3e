"""Field widgets for the editor: check lists, editable string lists, row tables (outcomes, key actions), the
ICS picker and a Markdown editor with live preview. Each has ``value()``/``set_value()`` and a ``changed``
signal; none validates: the core's ``normalise`` does, so the messages match the CLI's.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..vocab import vocabularies
from .facets import COHORTS
from .preview import render_markdown

VALUE_ROLE = Qt.ItemDataRole.UserRole


class LeaveOnTab(QStyledItemDelegate):
    """Tab while typing in a list item (or in a table's last cell) saves it and moves on to the next control.
    Qt's own delegate opens the next item instead, and wraps round: a keyboard trap (WCAG 2.1.2)."""

    def eventFilter(self, editor: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            view = self.parent()
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if isinstance(view, QTableWidget):
                row, col = view.currentRow(), view.currentColumn()
                last = (row, col) == (view.rowCount() - 1, view.columnCount() - 1)
                first = (row, col) == (0, 0)
                if (forward and not last) or (not forward and not first):
                    return super().eventFilter(editor, event)  # between cells, as in a spreadsheet
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            QApplication.postEvent(view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab if forward else
                                                   Qt.Key.Key_Backtab, Qt.KeyboardModifier.NoModifier))
            return True
        return super().eventFilter(editor, event)


class CheckList(QListWidget):
    """Check boxes for a controlled list; ``entries`` are (id, label, indent) or (None, heading, 0)."""

    changed = Signal()

    def __init__(self, entries: list[tuple[str | None, str, int]], name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.items: dict[str, QListWidgetItem] = {}
        for value, label, indent in entries:
            item = QListWidgetItem(("      " * indent) + label)
            item.setToolTip(label)
            if value is None:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setData(VALUE_ROLE, value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.items[value] = item
            self.addItem(item)
        self.extra: list[str] = []  # stored values no longer in the vocabulary: kept, never dropped
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def value(self) -> list[str]:
        return [v for v, item in self.items.items() if item.checkState() == Qt.CheckState.Checked] + self.extra

    def set_value(self, values: list[str]) -> None:
        self.blockSignals(True)
        for v, item in self.items.items():
            item.setCheckState(Qt.CheckState.Checked if v in values else Qt.CheckState.Unchecked)
        self.extra = [v for v in values if v not in self.items]
        self.blockSignals(False)


def _buttons(owner: QWidget, specs: list[tuple[str, str, Any]]) -> QHBoxLayout:
    row = QHBoxLayout()
    for text, tip, slot in specs:
        button = QPushButton(text, owner)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


class StringList(QWidget):
    """An editable list of short texts (partners, local groups, lessons …)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setAccessibleName(name)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.list.setMaximumHeight(110)
        self.list.setItemDelegate(LeaveOnTab(self.list))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(_buttons(self, [("Add", f"Add an item to {name}", self.add),
                                         ("Remove", f"Remove the selected item from {name}", self.remove)]))
        self.list.itemChanged.connect(lambda _item: self.changed.emit())

    def add(self, text: str = "") -> None:
        item = QListWidgetItem(text if isinstance(text, str) else "")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        self.list.setCurrentItem(item)
        if not text:
            self.list.editItem(item)
        self.changed.emit()

    def remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()

    def value(self) -> list[str]:
        return [t for t in (self.list.item(i).text() for i in range(self.list.count())) if t.strip()]

    def set_value(self, values: list[str]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for text in values:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self.list.blockSignals(False)


class RowTable(QWidget):
    """Rows of small objects (outcomes {measure, value}; key actions {action, audience}); add, remove, reorder.
    Keys a row had that the table does not show are kept with the row."""

    changed = Signal()

    def __init__(self, name: str, keys: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys = keys
        self.table = QTableWidget(0, len(keys), self)
        self.table.setAccessibleName(name)
        self.table.setHorizontalHeaderLabels([label for _, label in keys])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table unless a cell is being edited
        self.table.setItemDelegate(LeaveOnTab(self.table))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(_buttons(self, [("Add row", f"Add a row to {name}", self.add_row_and_edit),
                                         ("Remove row", f"Remove the selected row from {name}", self.remove_row),
                                         ("Move up", "Move the selected row up", lambda: self.move(-1)),
                                         ("Move down", "Move the selected row down", lambda: self.move(1))]))
        self.table.itemChanged.connect(lambda _item: self.changed.emit())

    def add_row(self, row: dict[str, Any] | None = None) -> None:
        row = row if isinstance(row, dict) else {}
        n = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(n)
        for col, (key, _) in enumerate(self.keys):
            item = QTableWidgetItem(str(row.get(key) or ""))
            if col == 0:
                item.setData(VALUE_ROLE, {k: v for k, v in row.items() if k not in dict(self.keys)})
            self.table.setItem(n, col, item)
        self.table.blockSignals(False)
        self.table.setCurrentCell(n, 0)
        self.changed.emit()

    def add_row_and_edit(self) -> None:
        """The "Add row" button: a new row whose first cell is ready for typing (Tab moves to the next cell)."""
        self.add_row()
        self.table.setFocus()
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        rows = self.value(keep_blank=True)
        rows[row], rows[target] = rows[target], rows[row]
        self.set_value(rows)
        self.table.setCurrentCell(target, 0)
        self.changed.emit()

    def value(self, keep_blank: bool = False) -> list[dict[str, Any]]:
        out = []
        for r in range(self.table.rowCount()):
            first = self.table.item(r, 0)
            row = dict(first.data(VALUE_ROLE) or {}) if first else {}
            for c, (key, _) in enumerate(self.keys):
                item = self.table.item(r, c)
                row[key] = item.text() if item else ""
            if keep_blank or any(str(row[k]).strip() for k, _ in self.keys):
                out.append(row)
        return out

    def set_value(self, rows: list[dict[str, Any]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for row in rows:
            self.add_row(row)


class IcsCompleter(QCompleter):
    """Suggests ICSs by name, ICB name, code or region (``Vocabularies.ics_matching``), as people type them.

    Qt's own filter looks for the typed text inside the listed names only, so "Kent and Medway ICB", an ONS code
    or a region showed nothing. Here the list itself is the matches, refilled when the typed text changes, and
    Qt is asked to keep every row of it (an empty last path part matches all rows); no match hides the pop-up.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = QStringListModel(self)
        self.setModel(self.names)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._typed: str | None = None

    def splitPath(self, path: str) -> list[str]:
        if path != self._typed:
            self._typed = path
            self.names.setStringList([term.label for term in vocabularies().ics_matching(path)])
        return [""]


class IcsPicker(QWidget):
    """Type-to-filter ICS choice showing the region beside it; free text goes to validation as typed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        vocab = vocabularies()
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setAccessibleName("Integrated Care System")
        self.combo.lineEdit().setAccessibleName("Integrated Care System")  # the part that takes the focus
        self.combo.setToolTip("Type part of an ICS or ICB name, its code or its region; the region is shown "
                              "beside it")
        self.combo.addItem("", None)
        for term in sorted(vocab.ics, key=lambda t: t.label):
            self.combo.addItem(term.label, term.id)
        self.combo.setCompleter(IcsCompleter(self))
        self.region = QLabel(self)
        self.region.setAccessibleName("Region of the chosen ICS")
        self.region.setMinimumWidth(140)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.region)
        self.combo.currentTextChanged.connect(self._text_changed)

    def _text_changed(self, _text: str) -> None:
        vocab = vocabularies()
        value = self.value()
        term = vocab.ics.find(value) if isinstance(value, str) else None
        self.region.setText(f"Region: {term.extra.get('region')}" if term else "")
        self.changed.emit()

    def value(self) -> str | None:
        text = self.combo.currentText().strip()
        if not text:
            return None
        index = self.combo.findText(text, Qt.MatchFlag.MatchFixedString)
        return self.combo.itemData(index) if index > 0 else text

    def set_value(self, code: str | None) -> None:
        index = self.combo.findData(code) if code else 0
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setEditText(code or "")
        self._text_changed("")


class MarkdownEdit(QWidget):
    """Markdown source on the left, the sanitised rendering on the right, updated as you type."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setAccessibleName(name)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText("Markdown: **bold**, *italic*, ## heading, - list item")
        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName(f"{name} preview")
        self.preview.setOpenLinks(False)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.edit)
        split.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh_preview)
        self.edit.textChanged.connect(self._typed)

    def _typed(self) -> None:
        self._timer.start()
        self.changed.emit()

    def refresh_preview(self) -> None:
        self.preview.setHtml(render_markdown(self.edit.toPlainText()))

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, text: str) -> None:
        self.edit.blockSignals(True)
        self.edit.setPlainText(text or "")
        self.edit.blockSignals(False)
        self.refresh_preview()


class SubForm(QWidget):
    """A few fields edited as one value (contact, declarations, sign-off)."""

    changed = Signal()


def line_edit(name: str, tip: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setToolTip(tip or name)
    return edit


def area_entries() -> list[tuple[str | None, str, int]]:
    vocab = vocabularies()
    out: list[tuple[str | None, str, int]] = []
    for cohort, title in COHORTS:
        out.append((None, title, 0))
        out += [(t.id, t.label, 1) for t in vocab.areas if vocab.area_cohort(t.id) == cohort]
    return out


def group_entries() -> list[tuple[str | None, str, int]]:
    return [(t.id, t.label, 1 if t.extra.get("parent") else 0) for t in vocabularies().groups]


def year_value(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def shown_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    return "" if value is None else str(value)
