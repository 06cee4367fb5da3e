"""The hook that puts the review screens (issue 7) in the main window: a "Review" menu.

Kept apart from the main window's own files so the review screens can change without touching them; the main
window calls ``install_review_menu(self)`` once, after its own menus are built.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from ..review.packs import SUFFIX

#: (attribute, text, preferred shortcut, fallback if the main window already uses it, tooltip)
ENTRIES = (
    ("score", "&Score case studies…", "Ctrl+Shift+R", "Ctrl+Alt+R",
     "Score your assigned case studies against the rubric, beside their text, from the keyboard"),
    ("chair", "&Panel summary and decisions…", "Ctrl+Shift+D", "Ctrl+Alt+D",
     "Reviewers' progress, the ranked summary with disagreements flagged, agreement, and the chair's decisions"),
    ("pack", "Open review &pack…", "", "", "Score from a .curatorpack sent to you (review mode: only its case "
                                           "studies)"),
)


def _taken(window: QMainWindow) -> set[str]:
    """Shortcuts the main window's own actions already hold (two actions on one key would make both dead)."""
    return {seq.toString() for action in window.findChildren(QAction) for seq in action.shortcuts()}


def install_review_menu(main_window: Any) -> QMenu:
    """Add the Review menu; the windows it opens use the main window's library, worker pools and error dialogs."""
    taken = _taken(main_window)
    menu = main_window.menuBar().addMenu("Revie&w")
    actions: dict[str, QAction] = {}
    for name, text, key, fallback, tip in ENTRIES:
        action = QAction(text, main_window)
        chosen = key if key and QKeySequence(key).toString() not in taken else fallback
        if chosen:
            action.setShortcut(QKeySequence(chosen))
        action.setToolTip(f"{tip} ({chosen})" if chosen else tip)
        action.setStatusTip(tip)
        action.setObjectName(f"review:{name}")
        menu.addAction(action)
        main_window.addAction(action)
        actions[name] = action
    main_window.review_windows = []
    actions["score"].triggered.connect(lambda: open_scoring(main_window))
    actions["chair"].triggered.connect(lambda: open_chair(main_window))
    actions["pack"].triggered.connect(lambda: ask_for_pack(main_window))
    main_window.review_actions = actions
    return menu


def _show(main_window: Any, window: Any) -> Any:
    main_window.review_windows = [w for w in main_window.review_windows if w.isVisible()] + [window]
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_scoring(main_window: Any, reviewer: str | None = None) -> Any:
    from .review_scoring import ScoringWindow
    from .review_sources import LibrarySource

    return _show(main_window, ScoringWindow(LibrarySource(main_window.library), reviewer=reviewer,
                                            runner=main_window.runner, parent=main_window))


def open_chair(main_window: Any) -> Any:
    from .review_chair import ChairWindow

    return _show(main_window, ChairWindow(main_window.library, runner=main_window.runner, parent=main_window))


def ask_for_pack(main_window: Any) -> None:
    path, _ = QFileDialog.getOpenFileName(main_window, "Open review pack", "", f"Review packs (*{SUFFIX})")
    if path:
        open_pack(main_window, path)


def open_pack(main_window: Any, path: str) -> None:
    """Open a pack on a worker (it is verified on opening), then show it in review mode."""
    from .review_scoring import ScoringWindow
    from .review_sources import PackSource

    main_window.runner.read(PackSource.open, path,
                            on_done=lambda source: _show(main_window, ScoringWindow(
                                source, runner=main_window.runner, parent=main_window)),
                            on_error=lambda err: main_window.reporter.report(err, "Opening the review pack"))
