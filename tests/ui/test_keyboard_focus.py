"""Issue 10, points 9 and 10: no keyboard trap, a Tab order that reads like the window, F6 between panes, and
focus where a keyboard user expects it (search box at start, Title in a new editor, the new row's first cell)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractItemView, QApplication, QScrollArea, QWidget

from curator.ui.editor import TABS
from tests.ui.conftest import settle


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def test_focus_starts_in_the_search_box(qtbot, window):
    qtbot.waitUntil(lambda: focused() is window.search_box, timeout=5_000)


def test_tab_leaves_the_results_table_instead_of_walking_its_cells(qtbot, window):
    assert not window.results.tabKeyNavigation()
    window.results.setFocus()
    qtbot.waitUntil(lambda: focused() is window.results)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.preview  # one Tab, not 192
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is window.results


def test_tab_order_is_search_saved_searches_filters_results_preview(qtbot, window):
    window.search_box.setFocus()
    qtbot.waitUntil(lambda: focused() is window.search_box)
    seen = [focused()]
    for _ in range(5):
        press(qtbot, Qt.Key.Key_Tab)
        seen.append(focused())
    assert seen == [window.search_box, window.facets.saved, window.facets.tree, window.results, window.preview,
                    seen[5]]
    assert seen[5] is not window.preview  # and on out of the preview (the toolbar, then round again)


def test_f6_and_shift_f6_cycle_the_panes(qtbot, window):
    window.search_box.setFocus()
    qtbot.waitUntil(lambda: focused() is window.search_box)
    order = []
    for _ in range(4):
        press(qtbot, Qt.Key.Key_F6)
        order.append(focused())
    assert order == [window.facets.tree, window.results, window.preview, window.search_box]
    press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.preview
    window.actions_["view_coverage"].trigger()
    qtbot.waitUntil(lambda: window.coverage.table.rowCount() > 0, timeout=10_000)
    press(qtbot, Qt.Key.Key_F6)
    assert focused() in (window.coverage.scope, window.coverage.table)


def test_did_you_mean_is_a_link_the_keyboard_reaches(qtbot, window):
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.keyClicks(window.search_box, "diabtes")
    qtbot.waitUntil(lambda: window.suggestion.isVisible(), timeout=10_000)
    window.search_box.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is window.suggestion
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)
    assert window.search_box.text() == "diabetes"
    assert focused() is window.search_box


def test_a_new_editor_has_the_title_focused_so_typed_keys_are_kept(qtbot, window):
    window.activateWindow()
    window.actions_["new_record"].trigger()
    editor = next(iter(window.editors.values()))
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: focused() is editor.widget_for("title"), timeout=5_000)
    qtbot.keyClicks(focused(), "Boaters")
    assert editor.widget_for("title").text() == "Boaters"


def open_new_editor(qtbot, window):
    window.actions_["new_record"].trigger()
    editor = next(iter(window.editors.values()))
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: focused() is editor.widget_for("title"), timeout=5_000)
    return editor


def test_the_editor_has_no_invisible_focus_stops(qtbot, window):
    """Tab through every tab of the editor: each stop is a named control, never a scroll area or a bare frame."""
    editor = open_new_editor(qtbot, window)
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        page = editor.tabs.widget(index)
        assert isinstance(page, QScrollArea) and page.focusPolicy() == Qt.FocusPolicy.NoFocus
        first = next(w for w in page.widget().findChildren(QWidget)
                     if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus)
        first.setFocus()
        qtbot.waitUntil(lambda w=first: focused() is w)
        stops = []
        while page.isAncestorOf(focused()) and len(stops) < 80:
            stops.append(focused())
            press(qtbot, Qt.Key.Key_Tab)
        assert len(stops) > 1
        for stop in stops:
            name = QAccessible.queryAccessibleInterface(stop).text(QAccessible.Text.Name)
            assert name.strip() and "[*]" not in name, (TABS[index], type(stop).__name__)
            assert not isinstance(stop, QScrollArea) and type(stop) is not QWidget


def test_add_row_starts_editing_the_new_rows_first_cell(qtbot, window):
    editor = open_new_editor(qtbot, window)
    editor.tabs.setCurrentIndex(3)
    outcomes = editor.widget_for("outcomes")
    add = next(b for b in outcomes.findChildren(type(editor.save_button)) if b.text() == "Add row")
    add.setFocus()
    qtbot.keyClick(add, Qt.Key.Key_Space)
    assert outcomes.table.state() == QAbstractItemView.State.EditingState
    assert outcomes.table.currentColumn() == 0
    qtbot.keyClicks(focused(), "Men checked")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "1,346")
    press(qtbot, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: outcomes.value() == [{"measure": "Men checked", "value": "1,346"}], timeout=5_000)


def test_down_from_the_search_box_and_enter_opens_the_hit(qtbot, window):
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.keyClicks(window.search_box, "asthma")
    settle(qtbot, window)
    window.search_box.setFocus()
    with qtbot.waitSignal(window.recordShown, timeout=10_000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert focused() is window.results
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.editors), timeout=5_000)
    editor = next(iter(window.editors.values()))
    assert "asthma" in editor.widget_for("title").text().lower()
