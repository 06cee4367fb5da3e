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
    # the main window still saves and searches after the review windows came and went
    qtbot.waitUntil(lambda: bool(main.results.ids()), timeout=15_000)
    case_id = main.results.ids()[0]
    editor = main.open_editor(case_id)
    editor.widget_for("organisation").setText("Quillithorpe Health Trust")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
    editor.close()
    main.search_box.setText("quillithorpe")
    qtbot.waitUntil(lambda: main.last_result.get("query") == "quillithorpe", timeout=15_000)
    assert [h["id"] for h in main.last_result["hits"]] == [case_id]
    main.close()
