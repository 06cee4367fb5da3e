"""What the panel screens share: opening a written file or its folder, the "done" message with those buttons,
a read-only table, and showing a core refusal inside the dialog that caused it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QWidget,
)

from ..errors import CuratorError


def open_path(path: str | Path) -> bool:
    """Open a file or folder with the system's own program (Word, Excel, the file manager)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).resolve())))


def done_box(parent: QWidget, title: str, text: str, *, file: str | Path | None = None,
             folder: str | Path | None = None, details: str = "") -> QMessageBox:
    """A non-blocking message that the work is done, with "Open file" / "Open folder" where they apply."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent)
    box.setAccessibleName(title)
    if details:
        box.setDetailedText(details)
    folder = folder or (Path(file).parent if file else None)
    for label, target in (("Open &file", file), ("Open f&older", folder)):
        if target:
            button = box.addButton(label, QMessageBox.ButtonRole.ActionRole)
            button.setAccessibleName(f"{label.replace('&', '')}: {target}")
            button.clicked.connect(lambda _=False, t=target: open_path(t))
    box.open()
    return box


def warn(parent: QWidget, title: str, err: BaseException | str) -> QMessageBox:
    """A refusal from the core, in words, over the dialog that asked (non-blocking)."""
    text = str(err) if isinstance(err, CuratorError | str) else f"{type(err).__name__}: {err}"
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName(title)
    box.open()
    return box


def table(columns: list[str], name: str, *, stretch: int = 0) -> QTableWidget:
    """A read-only, row-selecting table with an accessible name."""
    widget = QTableWidget(0, len(columns))
    widget.setHorizontalHeaderLabels(columns)
    widget.setAccessibleName(name)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    widget.verticalHeader().setVisible(False)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return widget


def button(text: str, name: str | None = None, tip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(name or text.replace("&", "").rstrip("…"))
    if tip:
        widget.setToolTip(tip)
    return widget


def enter_presses(dialog: QWidget, default: QPushButton | None) -> None:
    """Make Enter press ``default`` (or nothing), never whichever button came first: Enter in a field must not
    apply an assignment or save a rubric version by accident."""
    for widget in dialog.findChildren(QPushButton):
        widget.setAutoDefault(False)
        widget.setDefault(False)
    if default is not None:
        default.setDefault(True)
