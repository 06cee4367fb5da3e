"""Keyboard and screen-reader plumbing for the main window: pane cycling (F6 / Shift+F6), announcements,
short toolbar labels for Undo/Redo, and the Tab order. Installed once by ``MainWindow`` (``install``).

Why here and not in the layout: the same few rules apply to every pane, and a screen-reader user needs them
all or none (a pane reachable only by mouse, or a count that changes silently, is a WCAG failure).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

SHORT_LABELS = {"undo": "Undo", "redo": "Redo"}


class Announcer(QObject):
    """Says a short message to assistive technology (a polite announcement) and keeps the last one."""

    announced = Signal(str)

    def __init__(self, source: QWidget) -> None:
        super().__init__(source)
        self.source = source
        self.last = ""

    def say(self, text: str) -> None:
        if not text or text == self.last:
            return
        self.last = text
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.source, text))
        self.announced.emit(text)


def panes(window: Any) -> list[QWidget]:
    """The panes F6 visits, in reading order, for the tab on show."""
    if window.tabs.currentWidget() is window.coverage:
        return [window.coverage.scope, window.coverage.table]
    return [window.search_box, window.facets.tree, window.results, window.preview]


def cycle_panes(window: Any, step: int) -> QWidget:
    """Move the focus to the next (or previous) pane; a pane holds the focus if it or a child has it."""
    order = [p for p in panes(window) if p.isVisible()]
    focus = QApplication.focusWidget() or window.focusWidget()
    here = next((i for i, pane in enumerate(order) if focus is not None and (focus is pane or pane.isAncestorOf(focus))),
                -1)
    target = order[(here + step) % len(order)] if here >= 0 else order[0 if step > 0 else -1]
    target.setFocus(Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason)
    return target


def tab_order(window: Any) -> list[QWidget]:
    """Search → suggestion → saved searches → filters → results → preview (the order the eye reads)."""
    order = [window.search_box, window.suggestion, window.facets.saved, window.facets.tree, window.results,
             window.preview]
    for first, second in zip(order, order[1:], strict=False):
        QWidget.setTabOrder(first, second)
    return order


def _shorten(action: Any, short: str) -> None:
    """The toolbar shows ``short``; the menu keeps the full name ('Undo import of 3 files'), the tooltip too."""
    full = action.text().replace("&", "")
    keys = " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
    tip = f"{full} ({keys})" if keys else full
    if action.iconText() != short:
        action.setIconText(short)
    if action.toolTip() != tip:
        action.setToolTip(tip)


def short_toolbar_labels(actions: dict[str, Any]) -> None:
    for name, short in SHORT_LABELS.items():
        action = actions[name]
        _shorten(action, short)
        action.changed.connect(lambda a=action, s=short: _shorten(a, s))


def install(window: Any) -> None:
    """Tab order, F6 / Shift+F6, short Undo/Redo labels and the announcer, on a built main window."""
    window.announcer = Announcer(window.count_label)
    tab_order(window)
    for keys, step in (("F6", 1), ("Shift+F6", -1)):
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda s=step: cycle_panes(window, s))
    short_toolbar_labels(window.actions_)


def plain(html_text: str) -> str:
    """Text of a label's rich text, for its accessible name."""
    return re.sub(r"<[^>]+>", "", html_text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
