"""The checks every panel dialog must pass: fits a 1366×768 screen, every control reachable with Tab, and no
focusable control without an accessible name (what a screen reader says, buddy labels and button text count)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SCREEN = (1366, 768)
CONTROLS = (QAbstractButton, QLineEdit, QAbstractItemView, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)


def _inner(widget: QWidget) -> bool:
    """Parts of a compound control (a spin box's line edit, a table's corner button) that Qt names itself."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "") or widget.accessibleName()


def check_dialog(dialog: QWidget) -> None:
    width, height = SCREEN
    assert dialog.width() <= width and dialog.height() <= height - 40, (dialog.windowTitle(), dialog.size())
    hint = dialog.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height - 40, (dialog.windowTitle(), hint)
    assert dialog.accessibleName() or dialog.windowTitle()
    keys: list[str] = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisible() or _inner(widget) or widget.window() is not dialog:
            continue
        text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
        if "&" in text.replace("&&", "") and not text.lstrip().startswith("<"):
            keys.append(text.replace("&&", "").split("&")[1][:1].lower())
        if isinstance(widget, CONTROLS) and widget.isEnabled():
            assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, f"{type(widget).__name__} cannot be reached with Tab"
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            assert accessible_name(widget).strip(), f"{type(widget).__name__} in {dialog.windowTitle()} has no name"
    clashes = sorted({k for k in keys if keys.count(k) > 1})
    assert not clashes, f"{dialog.windowTitle()}: access keys used twice: {clashes}"
