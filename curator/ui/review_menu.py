"""The hook that puts the review screens (issues 7 and 11) in the main window: a "Review" menu.

Kept apart from the main window's own files so the review screens can change without touching them; the main
window calls ``install_review_menu(self)`` once, after its own menus are built. ``SCREENSHOT_VIEWS`` are the
review screens ``main.py --screenshot OUT.png --view V`` can show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QMimeData, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QWidget

from ..review.packs import SUFFIX

RETURNED = (SUFFIX, ".xlsx")  # what a reviewer sends back

#: (attribute, text, preferred shortcut, fallback if the main window already uses it, tooltip)
ENTRIES = (
    ("score", "&Score case studies…", "Ctrl+Shift+R", "Ctrl+Alt+R",
     "Score your assigned case studies against the rubric, beside their text, from the keyboard"),
    ("chair", "&Panel summary and decisions…", "Ctrl+Shift+D", "Ctrl+Alt+D",
     "Reviewers' progress, the ranked summary with disagreements flagged, agreement, and the chair's decisions"),
    ("pack", "Open review pac&k…", "", "", "Score from a .curatorpack sent to you (review mode: only its case "
                                           "studies)"),
)
#: The panel screens (issue 11): (objectName, text, tooltip); a separator goes before the first.
PANEL_ENTRIES = (
    ("review_reviewers", "&Reviewers…", "The panel: add, edit or remove reviewers and their declared conflicts"),
    ("review_rubric", "R&ubric…", "Criteria, weights and the five score descriptors; saving makes a new version"),
    ("review_assign", "&Assign reviewers…", "Propose who reviews what, change it by hand, set the due date, apply"),
    ("review_send", "Se&nd to reviewers…", "Write each reviewer's review pack and/or Excel sheet to a folder"),
    ("review_merge", "&Merge returned files…", "Take returned review packs and Excel sheets back (or drop them on "
                                               "the window)"),
    ("review_report", "Panel repor&t…", "Write the panel's Word report: ranking, flags, agreement, decisions"),
    ("review_export", "&Export scores…", "Every score and comment to a CSV or Excel file"),
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
    openers: dict[str, Callable[[Any], Any]] = {
        "review_reviewers": open_reviewers, "review_rubric": open_rubric, "review_assign": open_assign,
        "review_send": open_send, "review_merge": open_merge, "review_report": ask_report,
        "review_export": ask_export}
    for n, (name, text, tip) in enumerate(PANEL_ENTRIES):
        if n in (0, 4):
            menu.addSeparator()
        action = QAction(text, main_window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, f=openers[name]: f(main_window))
        menu.addAction(action)
        main_window.addAction(action)
        actions[name] = action
    actions["score"].triggered.connect(lambda: open_scoring(main_window))
    actions["chair"].triggered.connect(lambda: open_chair(main_window))
    actions["pack"].triggered.connect(lambda: ask_for_pack(main_window))
    main_window.review_actions = actions
    return menu


def _show(main_window: Any, window: Any) -> Any:
    main_window.review_windows = [w for w in main_window.review_windows
                                  if shiboken6.isValid(w) and w.isVisible()] + [window]  # closed ones are deleted
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


def _dialog(main_window: Any, make: Callable[[], Any]) -> Any:
    """Show a panel dialog (modeless, owned by the main window, kept until closed)."""
    return _show(main_window, make())


def open_reviewers(main_window: Any) -> Any:
    from .review_reviewers import ReviewersDialog

    return _dialog(main_window, lambda: ReviewersDialog(main_window.library, main_window.runner, main_window))


def open_rubric(main_window: Any) -> Any:
    from .review_rubric import RubricDialog

    return _dialog(main_window, lambda: RubricDialog(main_window.library, main_window.runner, main_window))


def open_assign(main_window: Any) -> Any:
    from .review_assign import AssignDialog

    return _dialog(main_window, lambda: AssignDialog(main_window.library, main_window.runner, main_window))


def open_send(main_window: Any) -> Any:
    from .review_send import SendDialog

    return _dialog(main_window, lambda: SendDialog(main_window.library, main_window.runner, main_window))


def open_merge(main_window: Any) -> Any:
    from .review_merge import MergeDialog

    return _dialog(main_window, lambda: MergeDialog(main_window.library, main_window.runner, main_window,
                                                    open_chair=lambda: open_chair(main_window)))


def ask_report(main_window: Any) -> Any:
    from .review_send import write_report

    return write_report(main_window)


def ask_export(main_window: Any) -> Any:
    from .review_send import export_scores

    return export_scores(main_window)


def returned_paths(mime: QMimeData) -> list[Path]:
    """Dropped local files that may be returned reviews (.curatorpack, .xlsx): the main window's drop hook."""
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()
            and Path(u.toLocalFile()).suffix.lower() in RETURNED]


def merge_dropped(main_window: Any, paths: list[Path]) -> Any:
    """Returned review files dropped on the main window: the merge screen opens with them and merges."""
    dialog = open_merge(main_window)
    dialog.add_paths(paths)
    dialog.start()
    return dialog


def _view(opener: Callable[[Any], Any], signal: str | None) -> Callable[[Any, Callable[[QWidget], None]], None]:
    def show(main_window: Any, save: Callable[[QWidget], None]) -> None:
        dialog = opener(main_window)
        if signal is None:
            QTimer.singleShot(400, lambda: save(dialog))
        else:
            getattr(dialog, signal).connect(lambda *_: QTimer.singleShot(300, lambda: save(dialog)))
    return show


def _chair_view(main_window: Any, save: Callable[[QWidget], None]) -> None:
    """The chair's window once its summary, and the first case study's detail if there is one, are shown."""
    window = open_chair(main_window)

    def later(*_: Any) -> None:
        QTimer.singleShot(300, lambda: save(window))

    window.detailShown.connect(later)
    window.refreshed.connect(lambda: None if window.table.rowCount() else later())  # nothing to select


#: ``--view`` name → show(main_window, save): opens the screen, waits until it has loaded, then calls save.
SCREENSHOT_VIEWS: dict[str, Callable[[Any, Callable[[QWidget], None]], None]] = {
    "scoring": _view(open_scoring, "caseShown"),
    "chair": _chair_view,
    "reviewers": _view(open_reviewers, "loaded"),
    "rubric": _view(open_rubric, "loaded"),
    "assign": _view(open_assign, "loaded"),
    "merge": _view(open_merge, None),
}
