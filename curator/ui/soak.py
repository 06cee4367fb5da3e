"""``bench ui-soak``: drive the real main window offscreen through a day's worth of ordinary use and report how
much memory it keeps (issue 10.8: every editor opened used to stay in memory, about 8 MB each).

One cycle opens a case study in the editor, changes its title, saves, closes the editor, runs a search and
switches to the Coverage tab and back, waiting for each answer as a person would. Run in a child process by
``curator/cli/cmd_ui_soak.py`` (so the CLI never imports Qt); prints one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop
from PySide6.QtWidgets import QApplication

WORDS = ("asthma", "boaters", "maternity", "diabetes", "screening", "heart", "")


def rss_mb() -> float:
    """Resident memory now (not the peak), in MB: /proc on Linux, else the peak from getrusage."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _wait(app: QApplication, done: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _settle(app: QApplication) -> None:
    """Let deferred deletes run (closed dialogs are freed on the next turn of the event loop) and collect."""
    for _ in range(3):
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _edit_once(app: QApplication, window: Any, case_id: str) -> None:
    editor = window.open_editor(case_id)
    saved: list[str] = []
    editor.saved.connect(saved.append)
    title = editor.widget_for("title")
    text = title.text()
    title.setText(text[:-2] if text.endswith(" ·") else text + " ·")
    editor.save()
    _wait(app, lambda: bool(saved), "the save")
    editor.close()


def _search_once(app: QApplication, window: Any, word: str) -> None:
    shown: list[dict[str, Any]] = []
    window.resultsShown.connect(shown.append)
    window.search_box.setText(word)
    _wait(app, lambda: any(r.get("query", "") == word for r in shown), "a search")
    window.resultsShown.disconnect(shown.append)


def soak(folder: Path, cycles: int, warmup: int = 3,
         phases: tuple[str, ...] = ("edit", "search", "coverage")) -> dict[str, Any]:
    from ..demo import load_demo
    from ..library import Library
    from .main_window import MainWindow
    from .settings import Settings, ini_settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    library = Library.open(folder, daily_backup=False)
    if not library.count():
        load_demo(library)
    window = MainWindow(library, Settings(ini_settings(folder / "soak-settings.ini")), ask_about_drafts=False)
    window.show()
    _wait(app, lambda: window.loaded, "the first search answer")
    ids = [r["id"] for r in library.list_records()["items"]]
    started = time.perf_counter()
    start = end = rss_mb()
    at_open = start
    for n in range(cycles + warmup):
        if n == warmup:
            _settle(app)
            start = rss_mb()  # after the first cycles have loaded fonts, the coverage grid and caches
            started = time.perf_counter()
        case_id = ids[n % len(ids)]
        if "edit" in phases:
            _edit_once(app, window, case_id)
        if "search" in phases:
            _search_once(app, window, WORDS[n % len(WORDS)])
        if "coverage" in phases:
            window.tabs.setCurrentIndex(1)
            _wait(app, lambda: not window.coverage.stale, "the coverage grid")
            window.tabs.setCurrentIndex(0)
        _wait(app, lambda: window.runner.pending_writes == 0, "writes to finish")
        _settle(app)
    end = rss_mb()
    seconds = time.perf_counter() - started
    from .editor import EditorDialog

    editors_alive = len(window.findChildren(EditorDialog))
    window.close()
    library.close()
    return {"cycles": cycles, "warmup_cycles": warmup, "rss_at_open_mb": round(at_open, 1),
            "rss_start_mb": round(start, 1), "rss_end_mb": round(end, 1), "growth_mb": round(end - start, 1),
            "per_cycle_kb": round((end - start) * 1024 / max(cycles, 1), 1), "editors_alive": editors_alive,
            "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="curator-ui-soak")
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--library", help="library folder to use (default: a throw-away demo library)")
    parser.add_argument("--warmup", type=int, default=3, help="cycles run before the start figure is taken")
    parser.add_argument("--phases", default="edit,search,coverage", help="which parts of a cycle to run")
    args = parser.parse_args(argv)
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    if args.library:
        result = soak(Path(args.library), args.cycles, args.warmup, phases=phases)
    else:
        with tempfile.TemporaryDirectory(prefix="curator-soak-") as tmp:
            result = soak(Path(tmp) / "library", args.cycles, args.warmup, phases=phases)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
