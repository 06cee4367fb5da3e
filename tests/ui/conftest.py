"""Fixtures for driving the desktop app as a user: a demo library, a main window with throw-away settings."""

from __future__ import annotations

import pytest

from curator.demo import load_demo
from curator.ui.main_window import MainWindow
from curator.ui.settings import Settings, ini_settings


@pytest.fixture(autouse=True)
def _no_blocking_questions(monkeypatch):
    """A dirty editor closed by teardown discards instead of waiting for a click (tests that check the question
    replace this again)."""
    from curator.ui.editor import EditorDialog

    monkeypatch.setattr(EditorDialog, "confirm_close", lambda self: "discard")


@pytest.fixture
def demo_library(library):
    load_demo(library)
    return library


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(ini_settings(tmp_path / "settings.ini"))


def make_window(qtbot, library, settings, **kwargs) -> MainWindow:
    window = MainWindow(library, settings, ask_about_drafts=False, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded, timeout=10_000)
    # the first row is selected with the results, and its record is read on a worker a moment later: a test
    # that acts on "the selected case study" at once raced that read (History found no record to show)
    qtbot.waitUntil(lambda: window.current_record is not None or not window.results.results.rows, timeout=10_000)
    return window


@pytest.fixture
def window(qtbot, demo_library, settings):
    win = make_window(qtbot, demo_library, settings)
    yield win
    for editor in list(win.editors.values()):
        editor._closing_ok = True
        editor.close()
    win.close()


def shown_titles(window) -> list[str]:
    model = window.results.results
    return [row["title"] for row in model.rows]


def settle(qtbot, window) -> None:
    """Wait until no write is in flight and the newest search answer is on screen."""
    qtbot.waitUntil(lambda: window.runner.pending_writes == 0, timeout=10_000)
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        window.search.request(immediate=True)
