"""Browsing: search as you type, facets, stale answers, preview, coverage, remembered layout."""

from __future__ import annotations

from PySide6.QtCore import Qt

from curator.ui.preview import record_html, render_markdown

from .conftest import make_window, shown_titles


def test_typing_a_query_lists_matching_case_studies(qtbot, window):
    assert len(shown_titles(window)) == 28
    qtbot.keyClicks(window.search_box, "epilepsy")
    qtbot.waitUntil(lambda: window.last_result.get("query") == "epilepsy", timeout=10_000)
    titles = shown_titles(window)
    assert titles and all("pilepsy" in t for t in titles)
    assert "case stud" in window.count_label.text()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: len(shown_titles(window)) == 28, timeout=10_000)


def test_a_query_matching_nothing_says_so(qtbot, window):
    window.search_box.setText("zzqxv")
    qtbot.waitUntil(lambda: window.last_result.get("query") == "zzqxv", timeout=10_000)
    assert shown_titles(window) == []
    assert "No case study matches" in window.preview.toPlainText()


def test_ticking_a_facet_narrows_the_list_and_counts_follow(qtbot, window, demo_library):
    published = demo_library.list_records(status="published")["total"]
    assert f"Published ({published})" in window.facets.leaves[("status", "published")].text(0)
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        window.facets.tick("status", "published")
    rows = window.results.results.rows
    assert len(rows) == published and {r["status"] for r in rows} == {"published"}
    drafts = demo_library.list_records(status="draft")["total"]  # disjunctive: what ticking Draft too adds
    assert f"Draft ({drafts})" in window.facets.leaves[("status", "draft")].text(0)


def test_only_the_newest_search_answer_is_shown(qtbot, window):
    window.search.query = "a"
    window.search.run_now()
    window.search.query = "asthma"
    with qtbot.waitSignal(window.search.results, timeout=10_000) as blocker:
        window.search.run_now()
    assert blocker.args[0]["query"] == "asthma"
    qtbot.waitUntil(lambda: window.search.discarded == 1, timeout=10_000)
    assert window.last_result["query"] == "asthma"


def test_selecting_a_result_renders_it_sanitised(qtbot, window, demo_library):
    case_id = window.results.ids()[3]
    with qtbot.waitSignal(window.recordShown, timeout=10_000):
        window.results.select_id(case_id)
    assert demo_library.get(case_id)["title"] in window.preview.toPlainText()


def test_markdown_is_sanitised_and_plain_text_kept():
    html = render_markdown("Hi <script>alert(1)</script> [x](javascript:alert(1)) "
                           "<img src='https://tracker.example/p.png' onerror='alert(1)'> <b onclick='x()'>b</b>")
    assert "<script" not in html and "alert(1)</" not in html
    assert "javascript:" not in html and "onerror" not in html and "onclick" not in html
    assert "tracker.example" not in html
    page = record_html({"title": "A&E <5%", "summary": "", "status": "draft", "id": "cs-1"})
    assert "A&amp;E &lt;5%" in page


def test_coverage_cell_filters_the_list(qtbot, window, demo_library):
    with qtbot.waitSignal(window.coverage.loaded, timeout=10_000):
        window.tabs.setCurrentIndex(1)
    row, column = window.coverage.find_cell("E54000057", "cyp_asthma")
    assert window.coverage.table.item(row, column).text() == "1"
    empty_row, empty_col = window.coverage.find_cell("E54000057", "adult_maternity")
    assert window.coverage.table.item(empty_row, empty_col).text() == "–"
    table = window.coverage.table
    table.scrollToItem(table.item(row, column))
    rect = table.visualItemRect(table.item(row, column))
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == 0
    assert window.facets.filters() == {"ics": ["E54000057"], "area": ["cyp_asthma"]}
    titles = shown_titles(window)
    assert titles == ["Whole-household asthma reviews to cut reliever over-use among children"] or \
        (len(titles) == 1 and titles[0].startswith("Whole-household asthma"))


def test_layout_and_library_are_remembered(qtbot, demo_library, settings):
    first = make_window(qtbot, demo_library, settings)
    first.splitter.setSizes([230, 570])  # filters | results and preview (stacked or side by side)
    sizes = first.splitter.sizes()
    first.close()
    second = make_window(qtbot, demo_library, settings)
    restored = second.splitter.sizes()
    assert restored[0] == sizes[0]  # the results and preview take whatever width is left
    assert settings.state("window/geometry") is not None
    assert settings.recent_libraries()[0] == str(demo_library.folder)
    second.close()


def test_every_action_has_a_shortcut_and_a_tooltip(window):
    for name, action in window.actions_.items():
        assert action.shortcuts(), name
        assert action.toolTip(), name
    for widget in (window.search_box, window.results, window.preview, window.facets.tree, window.coverage.table):
        assert widget.accessibleName()
