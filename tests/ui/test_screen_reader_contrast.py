"""Issue 10, points 11 and 12: what a screen reader hears, names on every control, unique mnemonics, and the
WCAG contrast of every colour pair the app paints (computed, not eyeballed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabWidget,
    QWidget,
)

from curator.ui import theme
from curator.ui.coverage import HEADERS
from tests.ui.conftest import settle

UI = Path(__file__).resolve().parents[2] / "curator" / "ui"


def spoken(widget: QWidget, what=QAccessible.Text.Name) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(what)


# -- what a screen reader hears ---------------------------------------------------------------------------
def test_the_result_count_is_heard_and_announced(qtbot, window):
    heard: list[str] = []
    window.announcer.announced.connect(heard.append)
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.keyClicks(window.search_box, "asthma")
    settle(qtbot, window)
    total = window.last_result["total"]
    assert f"{total} case studies" in spoken(window.count_label)
    assert heard and f"{total} case studies" in heard[-1]


def test_the_suggestion_is_heard_as_words(qtbot, window):
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.keyClicks(window.search_box, "diabtes")
    qtbot.waitUntil(lambda: window.suggestion.isVisible(), timeout=10_000)
    assert spoken(window.suggestion) == "Did you mean diabetes?"
    assert "Did you mean diabetes?" in window.announcer.last


def test_the_coverage_summary_is_heard_and_headers_are_whole_words(qtbot, window):
    with qtbot.waitSignal(window.coverage.loaded, timeout=10_000):
        window.actions_["view_coverage"].trigger()
    assert "have no case study yet" in spoken(window.coverage.summary)
    table = window.coverage.table
    for col, term in enumerate(window.coverage.areas):
        text = table.horizontalHeaderItem(col).text()
        assert "-\n" not in text and not text.endswith("-"), text
        assert table.horizontalHeaderItem(col).data(Qt.ItemDataRole.AccessibleTextRole) == term.label
    assert all(not re.search(r"\w-\n", h) for h in HEADERS.values())
    row, column = window.coverage.find_cell("E54000057", "cyp_asthma")
    heard = table.item(row, column).data(Qt.ItemDataRole.AccessibleTextRole)
    assert heard.startswith("Greater Manchester") and "Asthma" in heard and "case stud" in heard


def focusable(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if w.isVisibleTo(root) and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus and not w.inherits("QScrollBar")]


def test_no_focusable_control_without_a_name(qtbot, window):
    window.actions_["new_record"].trigger()
    editor = next(iter(window.editors.values()))
    qtbot.waitExposed(editor)
    unnamed = []
    for root in (window, editor):
        for tab in root.findChildren(QTabWidget):
            for i in range(tab.count()):
                tab.setCurrentIndex(i)
                unnamed += [f"{type(w).__name__} in {tab.tabText(i)}" for w in focusable(root)
                            if not spoken(w).strip()]
    assert sorted(set(unnamed)) == []


def test_dialog_names_carry_no_modified_marker(qtbot, window):
    window.actions_["new_record"].trigger()
    editor = next(iter(window.editors.values()))
    qtbot.keyClicks(editor.widget_for("title"), "Boaters")
    assert "[*]" not in spoken(editor) and spoken(editor) == "New case study"


def mnemonics(root: QWidget) -> list[str]:
    """Alt+letter keys defined in one window: buttons, labels with buddies, group boxes, tabs, menu titles."""
    texts = [w.text() for w in root.findChildren(QAbstractButton) if w.isVisibleTo(root)]
    texts += [w.text() for w in root.findChildren(QLabel) if w.buddy() is not None and w.isVisibleTo(root)]
    texts += [w.title() for w in root.findChildren(QGroupBox)]
    for tabs in root.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    if isinstance(root, QMainWindow):
        texts += [a.text() for a in root.menuBar().actions()]
    keys = [m.group(1).lower() for t in texts for m in [re.search(r"&([^&\s])", t or "")] if m]
    return keys


def duplicates(keys: list[str]) -> set[str]:
    return {k for k in keys if keys.count(k) > 1}


def test_mnemonics_are_unique_in_each_window(qtbot, window, review_round_window):
    from curator.ui.review_chair import DecisionDialog

    dialog = DecisionDialog({"id": "cs-1", "title": "A case study", "status": "in_review"})
    qtbot.addWidget(dialog)
    dialog.show()
    window.actions_["new_record"].trigger()
    editor = next(iter(window.editors.values()))
    for root in (window, editor, dialog, *review_round_window):
        assert duplicates(mnemonics(root)) == set(), type(root).__name__


@pytest.fixture
def review_round_window(qtbot, tmp_path):
    from curator.library import Library
    from curator.ui.review_chair import ChairWindow
    from curator.ui.review_scoring import ScoringWindow
    from curator.ui.review_sources import LibrarySource
    from tests.reviewui.conftest import make_round

    lib = Library.open(tmp_path / "review")
    rnd = make_round(lib)
    scoring = ScoringWindow(LibrarySource(lib), reviewer=rnd.panel["asha"].id)
    chair = ChairWindow(lib)
    for w in (scoring, chair):
        qtbot.addWidget(w)
        w.show()
    yield scoring, chair
    import shiboken6

    for w in (scoring, chair):
        if shiboken6.isValid(w):  # review windows delete themselves when closed
            w.close()
    lib.close()


# -- contrast ---------------------------------------------------------------------------------------------
def test_every_colour_pair_meets_wcag_aa():
    failing = [(what, fg, bg, round(theme.contrast(fg, bg), 2)) for fg, bg, what, kind in theme.PAIRS
               if theme.contrast(fg, bg) < (4.5 if kind == "text" else 3.0)]
    assert failing == []
    assert round(theme.contrast("#FFFFFF", "#000000"), 1) == 21.0  # the formula itself
    assert round(theme.contrast("#768692", "#FFFFFF"), 2) == 3.75  # the grey the issue measured


def test_every_colour_literal_in_the_ui_is_a_theme_colour():
    """A colour painted anywhere in curator/ui must be one of theme.COLOURS, whose pairs are checked above."""
    known = {c.upper() for c in theme.COLOURS.values()}
    strays = []
    for path in sorted(UI.glob("*.py")):
        if path.name == "theme.py":
            continue
        for literal in re.findall(r"#[0-9A-Fa-f]{6}\b", path.read_text(encoding="utf-8")):
            if literal.upper() not in known:
                strays.append(f"{path.name}: {literal}")
        assert not re.search(r"QColor\(\s*['\"](?!#)[a-z]+['\"]", path.read_text(encoding="utf-8")), path.name
    assert strays == []


def test_coverage_cells_as_painted_meet_4_5_to_1(qtbot, window):
    with qtbot.waitSignal(window.coverage.loaded, timeout=10_000):
        window.actions_["view_coverage"].trigger()
    table, worst = window.coverage.table, 21.0
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            fg = item.foreground().color() if item.foreground().style() != Qt.BrushStyle.NoBrush else QColor("black")
            bg = item.background().color() if item.background().style() != Qt.BrushStyle.NoBrush else QColor("white")
            worst = min(worst, theme.contrast(fg.name(), bg.name()))
    assert worst >= 4.5


def test_coverage_tints_are_really_painted(qtbot, window):
    """The cells' colours reach the screen (an app-wide ::item style rule once hid every one: white on white)."""
    with qtbot.waitSignal(window.coverage.loaded, timeout=10_000):
        window.actions_["view_coverage"].trigger()
    table = window.coverage.table

    def wrong_cells() -> list[tuple[int, int]]:
        image = window.grab().toImage()  # the window as a screenshot shows it
        wrong = []
        for r in range(min(table.rowCount(), 12)):
            for c in range(min(table.columnCount() - 1, 8)):
                rect = table.visualItemRect(table.item(r, c))
                spot = table.viewport().mapTo(window, rect.topLeft()) + QPoint(4, 4)
                if not window.rect().contains(spot):
                    continue
                painted = image.pixelColor(spot).name().upper()
                if painted != table.item(r, c).background().color().name().upper():
                    wrong.append((r, c))
        return wrong

    qtbot.waitUntil(lambda: not wrong_cells(), timeout=5_000)  # (a paint may still be on its way offscreen)


def test_zero_count_facets_stay_readable(window):
    greys = {item.foreground(0).color().name().upper() for item in window.facets.leaves.values()
             if item.foreground(0).style() != Qt.BrushStyle.NoBrush}
    assert greys and all(theme.contrast(g, theme.BASE) >= 4.5 for g in greys)


def border_colour(widget: QWidget) -> str:
    image = widget.grab().toImage()
    return image.pixelColor(1, image.height() // 2).name().upper()


def test_the_search_box_shows_the_focus_ring_only_when_focused(qtbot, window):
    window.search_box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search_box)
    assert border_colour(window.search_box) == theme.BLUE
    window.results.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.results)
    assert border_colour(window.search_box) != theme.BLUE
    assert border_colour(window.results) == theme.BLUE  # the same ring on the list
