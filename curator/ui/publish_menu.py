"""The hook that puts publishing, library management and help in the main window (issue 11): a Publish menu,
a Library menu, Help → User guide / Open data folder / Open log file, and the results, sidebar and coverage
additions from ``library_menu``.

Kept apart from the main window's own files: ``MainWindow._menus`` calls ``install_publish_menu(self)`` once.
Each action has the objectName the issue's contract names (``export_guide``, ``trash``, ``help`` …).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from ..library import Library
from .publish_common import ask_save_path, open_path, show_result

#: objectName -> (menu, text, preferred shortcut, fallback if taken, tooltip)
ENTRIES: dict[str, tuple[str, str, str, str, str]] = {
    "export_guide": ("publish", "Export the &guide…", "Ctrl+Shift+G", "Ctrl+Alt+G",
                     "Write the high impact actions guide in Word (the personal-data check runs first)"),
    "guide_editions": ("publish", "Guide &editions", "Ctrl+Shift+E", "Ctrl+Alt+E",
                       "Every guide exported so far, what changed in each, and writing one again"),
    "template_submission": ("publish", "&Submission form…", "Ctrl+Shift+F", "Ctrl+Alt+F",
                            "Write a blank Word form to send to ICSs and trusts; import the filled copies"),
    "export_submission": ("publish", "Export case study as &Word form…", "Ctrl+Shift+W", "Ctrl+Alt+W",
                          "Write the selected case study as a filled Word submission form"),
    "check_pii": ("publish", "Check for &personal data…", "Ctrl+Shift+P", "Ctrl+Alt+P",
                  "Look for NHS numbers, postcodes, dates of birth, e-mails and phone numbers in the selection or "
                  "the whole library"),
    "trash": ("library", "&Trash", "Ctrl+Shift+T", "Ctrl+Alt+T",
              "Deleted case studies: restore them, or empty the trash"),
    "backups": ("library", "&Backups…", "Ctrl+Shift+B", "Ctrl+Alt+B",
                "Back up now, restore a backup, check the library's integrity"),
    "export_search": ("library", "Export the current &search…", "Ctrl+Shift+J", "Ctrl+Alt+J",
                      "Write what the current search and filters find to a JSON file"),
    "columns": ("library", "Choose &columns…", "", "", "Show or hide the result list's columns"),
    "help": ("help", "Curator &user guide", "F1", "Shift+F1",
             "Getting started, the yearly cycle, the search language and keyboard shortcuts (offline)"),
    "open_data_folder": ("help", "Open &data folder", "", "", "Open the library folder in the file manager"),
    "open_log": ("help", "Open &log file", "", "", "Open the log to send to whoever supports Curator"),
}


def _menu_named(window: QMainWindow, text: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == text and action.menu() is not None:
            return action.menu()
    return None


def install_publish_menu(main_window: Any) -> dict[str, QAction]:
    """Add the menus and hooks; returns the actions by objectName (also ``main_window.publish_actions``)."""
    from .library_menu import install_library_management

    about = main_window.actions_.get("about")
    if about is not None and QKeySequence("F1") in about.shortcuts():
        about.setShortcuts([QKeySequence("Ctrl+F1")])  # F1 is the user guide, as everywhere else
        about.setToolTip("Version, library folder and log file (Ctrl+F1)")
    taken = {s.toString() for a in main_window.findChildren(QAction) for s in a.shortcuts()}
    help_menu = _menu_named(main_window, "Help")
    bar = main_window.menuBar()
    menus: dict[str, QMenu] = {"publish": QMenu("&Publish", main_window), "library": QMenu("&Library", main_window)}
    anchor = help_menu.menuAction() if help_menu is not None else None
    for menu in menus.values():
        if anchor is not None:
            bar.insertMenu(anchor, menu)
        else:
            bar.addMenu(menu)
    if help_menu is None:
        help_menu = bar.addMenu("&Help")
    menus["help"] = help_menu
    actions: dict[str, QAction] = {}
    for name, (where, text, key, fallback, tip) in ENTRIES.items():
        action = QAction(text, main_window)
        chosen = next((k for k in (key, fallback) if k and QKeySequence(k).toString() not in taken), "")
        if chosen:
            action.setShortcut(QKeySequence(chosen))
            taken.add(QKeySequence(chosen).toString())
        action.setToolTip(f"{tip} ({chosen})" if chosen else tip)
        action.setStatusTip(tip)
        action.setObjectName(name)
        if where == "help":
            first = help_menu.actions()[0] if help_menu.actions() else None
            help_menu.insertAction(first, action) if name == "help" and first else help_menu.addAction(action)
        else:
            menus[where].addAction(action)
        main_window.addAction(action)
        actions[name] = action
    menus["publish"].insertSeparator(actions["template_submission"])
    menus["publish"].insertSeparator(actions["check_pii"])
    handlers = {
        "export_guide": lambda: open_guide_dialog(main_window),
        "guide_editions": lambda: open_editions(main_window),
        "template_submission": lambda: write_blank_form(main_window),
        "export_submission": lambda: export_selected_form(main_window),
        "check_pii": lambda: open_pii_check(main_window),
        "trash": lambda: open_trash(main_window),
        "backups": lambda: open_backups(main_window),
        "export_search": lambda: _library_menu().export_current_search(main_window),
        "columns": lambda: _library_menu().column_menu(main_window, main_window.mapToGlobal(
            main_window.results.pos())),
        "help": lambda: open_help(main_window),
        "open_data_folder": lambda: open_path(main_window.library.folder),
        "open_log": lambda: open_log(main_window),
    }
    for name, handler in handlers.items():
        actions[name].triggered.connect(lambda _c=False, h=handler: h())
    main_window.publish_actions = actions
    main_window.publish_windows = []
    install_library_management(main_window)
    return actions


def _library_menu() -> Any:
    from . import library_menu

    return library_menu


def _show(main_window: Any, dialog: Any) -> Any:
    main_window.publish_windows = [w for w in main_window.publish_windows if w.isVisible()] + [dialog]
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def _open_record(main_window: Any) -> Any:
    return lambda case_id: main_window.open_editor(case_id)


def open_guide_dialog(main_window: Any) -> Any:
    from .guide_dialog import GuideDialog

    dialog = GuideDialog(main_window.library, main_window.runner, _open_record(main_window), main_window)
    main_window.bridge.changed.connect(dialog.refresh_count)  # the count follows status changes made meanwhile
    return _show(main_window, dialog)


def open_editions(main_window: Any) -> Any:
    from .editions_view import EditionsDialog

    return _show(main_window, EditionsDialog(main_window.library, main_window.runner, main_window))


def open_pii_check(main_window: Any) -> Any:
    from .library_menu import selected_ids
    from .pii_findings import PiiCheckDialog

    return _show(main_window, PiiCheckDialog(main_window.library, main_window.runner, selected_ids(main_window),
                                             _open_record(main_window), main_window))


def open_trash(main_window: Any) -> Any:
    from .trash_view import TrashDialog

    return _show(main_window, TrashDialog(main_window.library, main_window.runner, main_window))


def open_backups(main_window: Any) -> Any:
    from .backups_dialog import BackupsDialog

    return _show(main_window, BackupsDialog(main_window.library, main_window.runner, main_window))


def open_help(main_window: Any) -> Any:
    from .help_view import HelpDialog

    actions = [a for a in main_window.findChildren(QAction) if a.shortcuts()]
    actions.sort(key=lambda a: a.text().replace("&", "").casefold())
    return _show(main_window, HelpDialog(actions, main_window))


def open_log(main_window: Any) -> bool:
    log = main_window.reporter.log_path
    if not log.exists():
        log.parent.mkdir(parents=True, exist_ok=True)
        log.touch()  # an empty log says "nothing has gone wrong" better than an error
    return open_path(log)


def _form_job(library: Library, out: Path, case_id: str | None) -> dict[str, Any]:
    from ..word.submission import write_form

    record = library.get(case_id) if case_id else None
    size = write_form(out, record)
    return {"path": str(out.resolve()), "bytes": size, "title": record["title"] if record else None}


def write_blank_form(main_window: Any, path: Path | None = None) -> None:
    path = path or ask_save_path(main_window, "Save the submission form as",
                                 Path.home() / "case-study-submission-form.docx", "Word (*.docx)")
    if path is None:
        return
    path = path if path.suffix.lower() == ".docx" else path.with_suffix(".docx")
    main_window.runner.read(_form_job, main_window.library, path, None, on_done=lambda r: show_result(
        main_window, "Submission form written", f"Wrote the blank submission form to {r['path']}. Send it to ICSs "
        "and trusts, then import the filled copies (File → Import).", r["path"]))


def export_selected_form(main_window: Any, path: Path | None = None) -> None:
    record = main_window.current_record
    if record is None:
        main_window.statusBar().showMessage("Select a case study first, then export it as a Word form.", 8000)
        return
    if path is None:
        from ..manage import _file_stem

        path = ask_save_path(main_window, "Save the case study as a Word form",
                             Path.home() / f"{_file_stem(record['title'], record['id'])}.docx", "Word (*.docx)")
        if path is None:
            return
    path = path if path.suffix.lower() == ".docx" else path.with_suffix(".docx")
    main_window.runner.read(_form_job, main_window.library, path, record["id"], on_done=lambda r: show_result(
        main_window, "Word form written", f"Wrote '{r['title']}' as a submission form to {r['path']}.", r["path"]))


#: Screens for ``python main.py --screenshot OUT.png --view V``: each opens its screen on the window's library
#: and calls ``save(widget)`` once the screen has loaded.
def _view_guide(window: Any, save: Any) -> None:
    dialog = open_guide_dialog(window)
    _when(dialog.count_label, lambda: dialog.count_label.text() != "Counting…", lambda: save(dialog))


def _view_editions(window: Any, save: Any) -> None:
    dialog = open_editions(window)
    dialog.loaded.connect(lambda: save(dialog))


def _view_pii(window: Any, save: Any) -> None:
    dialog = open_pii_check(window)
    dialog.scope_all.setChecked(True)
    dialog.checked.connect(lambda _f: save(dialog))
    dialog.run_check()


def _view_trash(window: Any, save: Any) -> None:
    dialog = open_trash(window)
    dialog.loaded.connect(lambda: save(dialog))


def _view_backups(window: Any, save: Any) -> None:
    dialog = open_backups(window)
    dialog.loaded.connect(lambda: save(dialog))


def _view_help(window: Any, save: Any) -> None:
    dialog = open_help(window)
    _when(dialog, lambda: True, lambda: save(dialog))


def _when(owner: Any, ready: Any, then: Any, interval_ms: int = 100) -> None:
    """Poll ``ready()`` on the event loop, then run ``then`` once (for screens with no 'loaded' signal)."""
    from PySide6.QtCore import QTimer

    timer = QTimer(owner)
    timer.setInterval(interval_ms)

    def tick() -> None:
        if ready():
            timer.stop()
            QTimer.singleShot(300, then)

    timer.timeout.connect(tick)
    timer.start()


SCREENSHOT_VIEWS = {"guide": _view_guide, "editions": _view_editions, "pii": _view_pii, "trash": _view_trash,
                    "backups": _view_backups, "help": _view_help}
