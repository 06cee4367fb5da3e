"""Review windows borrow the main window's worker pools: closing them must leave the app working (issue 10.1)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from curator.ui.main_window import MainWindow
from curator.ui.settings import Settings, ini_settings

CTRL = Qt.KeyboardModifier.ControlModifier


def _main(qtbot, library, tmp_path) -> MainWindow:
    main = MainWindow(library, Settings(ini_settings(tmp_path / "s.ini")), ask_about_drafts=False)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded, timeout=10_000)
    return main


def test_closing_each_review_window_then_a_save_is_stored_and_found(qtbot, review_round, tmp_path):
    lib = review_round.library
    main = _main(qtbot, lib, tmp_path)
    main.review_actions["score"].trigger()
    scoring = main.review_windows[-1]
    qtbot.waitUntil(lambda: scoring.case_id is not None and scoring.current is not None, timeout=10_000)
    qtbot.keyClick(scoring, Qt.Key.Key_W, CTRL)  # Ctrl+W closes it, as a reviewer would
    assert not scoring.isVisible()
    main.review_actions["chair"].trigger()
    chair = main.review_windows[-1]
    qtbot.waitUntil(lambda: chair.table.rowCount() > 0, timeout=10_000)
    chair.close()
    assert not main.runner.closed

    case_id = lib.list_records()["items"][0]["id"]
    editor = main.open_editor(case_id)
    title = editor.widget_for("title")
    title.selectAll()
    qtbot.keyClicks(title, "Zanzibar lighthouse keepers' clinic")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.keyClick(title, Qt.Key.Key_S, CTRL)
    assert lib.get(case_id)["title"] == "Zanzibar lighthouse keepers' clinic"
    editor.close()
    qtbot.keyClicks(main.search_box, "Zanzibar")
    qtbot.waitUntil(lambda: main.results.ids() == [case_id], timeout=10_000)
    main.close()


def test_a_write_that_cannot_run_fails_loudly_instead_of_hanging(qtbot, review_round, tmp_path):
    lib = review_round.library
    main = _main(qtbot, lib, tmp_path)
    case_id = lib.list_records()["items"][0]["id"]
    editor = main.open_editor(case_id)
    main.runner.shutdown()  # as after the library's connection is gone
    editor.widget_for("organisation").setText("Changed while closed")
    editor.save()
    qtbot.waitUntil(lambda: editor.banner.isVisible(), timeout=5_000)
    assert "nothing was written" in editor.banner.text()
    assert editor.save_button.isEnabled() and not editor.saving
    assert lib.get(case_id)["organisation"] != "Changed while closed"
    editor._closing_ok = True
    editor.close()
    main.close()
