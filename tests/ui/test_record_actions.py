"""Record actions act only on a record the list shows; Delete acts on the focused list only (issue 10.2, 10.3)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import settle


def _find(library, title_start):
    return next(r["id"] for r in library.list_records()["items"] if r["title"].startswith(title_start))


def _select(qtbot, window, case_id):
    """Select a record and wait until it is the one shown (it may already be, so no signal is awaited)."""
    settle(qtbot, window)
    window.results.select_id(case_id)
    qtbot.waitUntil(lambda: (window.current_record or {}).get("id") == case_id, timeout=10_000)


def _activate(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)


def test_after_a_search_record_actions_act_on_a_listed_record(qtbot, window, demo_library):
    maternity = _find(demo_library, "Roma community health mediators")
    _select(qtbot, window, maternity)
    _activate(qtbot, window)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "asthma")
    qtbot.waitUntil(lambda: window.last_result.get("query") == "asthma", timeout=10_000)
    hits = window.results.ids()
    assert hits and maternity not in hits
    assert window.current_record is None or window.current_record["id"] in hits
    qtbot.waitUntil(lambda: window.current_record is not None, timeout=10_000)
    assert window.current_record["id"] in hits and "asthma" in window.preview.toPlainText().lower()
    assert window.search_box.hasFocus()  # typing was not interrupted
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [key for key in window.editors] and all(e.case_id in hits for e in window.editors.values())


def test_delete_with_a_saved_search_focused_never_trashes_the_case_study(qtbot, window, demo_library):
    service = demo_library.extensions["search"]
    service.save_search("boaters", "boaters OR canal")
    window.refresh_saved_searches()
    shown = _find(demo_library, "Towpath health checks")
    _select(qtbot, window, shown)
    _activate(qtbot, window)
    window.facets.saved.setFocus()
    window.facets.saved.setCurrentRow(0)
    qtbot.keyClick(window.facets.saved, Qt.Key.Key_Delete)
    prompt = window.confirm_prompt
    assert "'boaters'" in prompt.text() and "Towpath" not in prompt.text()
    next(b for b in prompt.buttons() if b.text() == "Forget").click()
    qtbot.waitUntil(lambda: service.saved_searches() == [], timeout=10_000)
    settle(qtbot, window)
    assert not demo_library.is_deleted(shown)


def test_delete_in_the_results_asks_naming_the_case_study_and_undo_brings_it_back(qtbot, window, demo_library):
    shown = _find(demo_library, "Towpath health checks")
    _select(qtbot, window, shown)
    _activate(qtbot, window)
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    prompt = window.confirm_prompt
    assert "Towpath health checks" in prompt.text() and "Ctrl+Z" in prompt.text()
    prompt.button(prompt.StandardButton.Cancel).click()
    settle(qtbot, window)
    assert not demo_library.is_deleted(shown)
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    next(b for b in window.confirm_prompt.buttons() if b.text() == "Move to trash").click()
    qtbot.waitUntil(lambda: demo_library.is_deleted(shown), timeout=10_000)
    qtbot.waitUntil(lambda: window.actions_["undo"].isEnabled(), timeout=10_000)
    window.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: not demo_library.is_deleted(shown), timeout=10_000)
