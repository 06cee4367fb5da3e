"""Application start-up: arguments, the library, the main window, and the screenshot mode for docs and CI.

``python main.py [--library DIR] [--screenshot OUT.png [--view main|editor|coverage|import]]``. Screenshot mode
waits until the window has answered its first query (and the chosen view has loaded), saves a PNG and exits 0,
using throw-away settings so it never changes a person's remembered window state.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# The core and its extensions are loaded before Qt: once PySide6 is imported it inspects the source of every
# module imported after it, which costs a tenth of a second at start-up.
from ..errors import CuratorError
from ..library import EXTENSIONS, Library, default_library_dir

for _module in [spec.split(":")[0] for spec in EXTENSIONS] + ["markdown", "nh3"]:
    with contextlib.suppress(ImportError):  # an extension that is not installed is simply not attached
        importlib.import_module(_module)

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from . import screen  # noqa: E402
from .main_window import MainWindow  # noqa: E402
from .review_menu import SCREENSHOT_VIEWS as REVIEW_VIEWS  # noqa: E402
from .settings import APP, ORG, Settings, ini_settings  # noqa: E402

SCREENSHOT_LIMIT_S = 90  # screenshot mode gives up after this, with a message
WINDOWS: list[MainWindow] = []  # open windows (a library switch opens a new one before closing the old)


def open_window(folder: Path | str, settings: Settings, *, ask_about_drafts: bool = True) -> MainWindow:
    """Open a library folder in a new main window (raises ``CuratorError`` if it cannot be used)."""
    library = Library.open(folder)
    window = MainWindow(library, settings, ask_about_drafts=ask_about_drafts)
    settings.remember_library(library.folder)
    sys.excepthook = window.reporter.excepthook
    window.destroyed.connect(lambda *_: None)
    WINDOWS.append(window)
    original_close = window.closeEvent

    def close_and_release(event) -> None:  # type: ignore[no-untyped-def]
        original_close(event)
        if event.isAccepted():
            library.close()
            if window in WINDOWS:
                WINDOWS.remove(window)

    window.closeEvent = close_and_release  # type: ignore[method-assign]
    return window


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="curator-app", description="The Curator desktop app")
    parser.add_argument("--library", metavar="DIR", help="library folder (default: the last one opened)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="save a PNG of the loaded window and exit")
    parser.add_argument("--view", choices=("main", "editor", "coverage", "import", *REVIEW_VIEWS), default="main",
                        help="what --screenshot shows")
    parser.add_argument("--import-file", metavar="FILE", help="with --view import: the file to import")
    parser.add_argument("--query", metavar="TEXT", default="", help="with --screenshot: type this search first")
    parser.add_argument("--bench-ready", action="store_true", help="print 'ready' once the first query is "
                        "answered, then exit (for 'bench startup')")
    from .publish_menu import SCREENSHOT_VIEWS as PUBLISH_VIEWS  # issue 11's screens: guide, pii, trash …

    next(a for a in parser._actions if a.dest == "view").choices += tuple(PUBLISH_VIEWS)
    return parser


def _after(signal, then: Callable[[], None], delay_ms: int = 150) -> None:  # type: ignore[no-untyped-def]
    """Run ``then`` once, a moment after ``signal`` first fires (so the frame has painted)."""
    fired = []

    def once(*_args: object) -> None:
        if not fired:
            fired.append(True)
            QTimer.singleShot(delay_ms, then)

    signal.connect(once)


def _screenshot(app: QApplication, window: MainWindow, args: argparse.Namespace) -> None:
    out = Path(args.screenshot)
    result: dict[str, int] = {"code": 0}

    def save(widget: QWidget) -> None:
        limit = getattr(window, "screenshot_limit", None)
        if limit is not None:
            limit.stop()
        if not widget.grab().save(str(out), "PNG"):
            print(f"curator-app: error: cannot write {out}", file=sys.stderr)
            result["code"] = 1
        app.exit(result["code"])

    def loaded() -> None:
        if args.view == "main":
            rows = window.results.model().rowCount()
            if rows == 0:  # an empty library: nothing to select, so nothing more will load
                QTimer.singleShot(150, lambda: save(window))
                return
            target = window.results.ids()[min(1, rows - 1)]
            shown = window.current_record is not None and window.current_record.get("id") == target
            if shown:  # already selected and shown (a one-record library): nothing more will load
                QTimer.singleShot(150, lambda: save(window))
                return
            _after(window.recordShown, lambda: save(window))
            window.results.selectRow(min(1, rows - 1))
        elif args.view == "coverage":
            _after(window.coverage.loaded, lambda: save(window))
            window.tabs.setCurrentIndex(1)
        elif args.view == "editor":
            case_id = window.results.current_id() or (window.results.ids() or [None])[0]
            editor = window.open_editor(case_id)
            screen.fit(editor, 1100, 760)
            editor.tabs.setCurrentIndex(2 if case_id else 0)
            QTimer.singleShot(400, lambda: save(editor))
        elif args.view in REVIEW_VIEWS:
            REVIEW_VIEWS[args.view](window, save)
        elif args.view == "import":
            if not args.import_file:
                print("curator-app: error: --view import needs --import-file FILE", file=sys.stderr)
                app.exit(2)
                return
            window.import_paths([Path(args.import_file)])
            window.runner.idle.connect(lambda: QTimer.singleShot(600, lambda: save(window.import_dialog or window)))
        else:  # issue 11's screens (Publish, Library, Help)
            from .publish_menu import SCREENSHOT_VIEWS as PUBLISH_VIEWS

            PUBLISH_VIEWS[args.view](window, save)

    def answered(result: dict) -> None:
        if result.get("query", "") == args.query and not done:
            done.append(True)
            QTimer.singleShot(150, loaded)

    def give_up() -> None:  # a screenshot that cannot load must end, never hang a script or CI
        if not window.isVisible():  # that run is over (its window closed)
            return
        print(f"curator-app: error: the {args.view} view did not load within {SCREENSHOT_LIMIT_S} s",
              file=sys.stderr)
        app.exit(1)

    # owned by the window, so it dies with it: a pending give-up must never end a later run's event loop
    limit = QTimer(window)
    limit.setSingleShot(True)
    limit.timeout.connect(give_up)
    limit.start(SCREENSHOT_LIMIT_S * 1000)
    window.screenshot_limit = limit  # type: ignore[attr-defined]
    done: list[bool] = []
    window.resultsShown.connect(answered)
    if args.query:
        window.search_box.setText(args.query)


def _peak_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # Windows: no getrusage; the bench reports no memory figure
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    unattended = bool(args.screenshot or args.bench_ready)
    scratch = tempfile.TemporaryDirectory(prefix="curator-ui-") if unattended else None
    settings = Settings(ini_settings(Path(scratch.name) / "settings.ini") if scratch else None)
    folder = args.library or settings.last_library or str(default_library_dir())
    try:
        window = open_window(folder, settings, ask_about_drafts=not unattended)
    except CuratorError as err:
        if unattended:
            print(f"curator-app: error: {err}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Curator", f"Cannot open the library.\n\n{err}")
        return 2
    if unattended:
        screen.fit(window, 1360, 820)
    window.show()
    if args.bench_ready:
        def ready(*_args: object) -> None:
            print(f"ready {_peak_rss_kb()}", flush=True)
            app.exit(0)

        window.resultsShown.connect(ready)
    elif args.screenshot:
        _screenshot(app, window, args)
    code = app.exec()
    for open_one in list(WINDOWS):
        open_one.close()
    if scratch is not None:
        scratch.cleanup()
    return code
