"""The Review menu in the main window opens the screens, with shortcuts that clash with nothing."""

from __future__ import annotations

from PySide6.QtGui import QAction

from curator.ui.main_window import MainWindow
from curator.ui.review_chair import ChairWindow
from curator.ui.review_scoring import ScoringWindow
from curator.ui.settings import Settings, ini_settings


def test_review_menu_opens_scoring_and_chair(qtbot, review_round, tmp_path):
    main = MainWindow(review_round.library, Settings(ini_settings(tmp_path / "s.ini")), ask_about_drafts=False)
    qtbot.addWidget(main)
    main.show()
    menus = [a.text() for a in main.menuBar().actions()]
    assert "Revie&w" in menus  # Alt+W: Alt+V is the View menu
    keys = [s.toString() for a in main.findChildren(QAction) for s in a.shortcuts()]
    assert len(keys) == len(set(keys)), "two actions share a shortcut"
    main.review_actions["score"].trigger()
    main.review_actions["chair"].trigger()
    kinds = {type(w) for w in main.review_windows}
    assert kinds == {ScoringWindow, ChairWindow}
    for w in main.review_windows:
        qtbot.waitUntil(lambda w=w: w.runner.pending_writes == 0, timeout=5_000)
        w.close()
    main.close()
