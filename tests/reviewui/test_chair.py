"""The chair sees progress, the summary sorted by rank with flags marked, agreement, and records decisions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from curator.review import rubric as rubric_mod
from curator.review import scoring
from curator.review import summary as summary_mod
from curator.ui.review_chair import FLAG_TEXT, LATE_TEXT, SUMMARY_COLUMNS, ChairWindow
from curator.ui.review_sources import reviews_html

from .conftest import score_round


def open_chair(qtbot, library) -> ChairWindow:
    window = ChairWindow(library)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        window.show()
    return window


def column(window, name):
    c = SUMMARY_COLUMNS.index(name)
    return [window.table.item(r, c).text() for r in range(window.table.rowCount())]


def test_summary_sorted_by_rank_with_flags_marked_and_alpha_shown(qtbot, review_round):
    lib = review_round.library
    score_round(review_round)
    data = summary_mod.summary(lib)
    window = open_chair(qtbot, lib)
    assert window.shown_ids() == [c["id"] for c in data["cases"]]
    flagged = {c["id"] for c in data["cases"] if c["flag"]}
    assert flagged
    for row, case_id in enumerate(window.shown_ids()):
        flag = window.table.item(row, SUMMARY_COLUMNS.index("Flag"))
        assert (flag.text() == FLAG_TEXT) == (case_id in flagged)
    alpha = data["agreement"]["krippendorff_alpha"]
    assert f"{alpha:.3f}" in window.agreement.text()
    window.table.sortByColumn(SUMMARY_COLUMNS.index("Title"), Qt.SortOrder.AscendingOrder)
    titles = column(window, "Title")
    assert titles == sorted(titles, key=str.casefold)


def test_progress_marks_late_reviewers_with_text(qtbot, review_round):
    lib = review_round.library
    score_round(review_round)
    scoring.set_due(lib, "2020-01-01")
    window = open_chair(qtbot, lib)
    rows = {window.progress.item(r, 0).text(): window.progress.item(r, 5).text()
            for r in range(window.progress.rowCount())}
    assert rows["Dr Asha Patel"] == LATE_TEXT and rows["Tom Byrne"] == ""


def test_the_chair_records_a_decision_and_the_status_changes(qtbot, review_round):
    lib = review_round.library
    score_round(review_round)
    window = open_chair(qtbot, lib)
    case = window.shown_ids()[0]
    window.select(case)
    dialog = window.record_decision(confirmed=True)  # past the "reviews outstanding" question
    assert not dialog.record_button.isEnabled()  # a reason is required
    dialog.choice.buttons()[0].click()
    qtbot.keyClicks(dialog.reason, "Strong evidence; panel agreed")
    assert dialog.record_button.isEnabled()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert lib.get(case)["status"] == "accepted"
    row = window.shown_ids().index(case)
    assert window.table.item(row, SUMMARY_COLUMNS.index("Decision")).text() == "Accept"
    assert "accept recorded" in window.statusBar().currentMessage()
    dialog = window.record_decision(confirmed=True)  # deciding the same again is refused by the core, in a dialog
    dialog.choice.buttons()[0].click()
    qtbot.keyClicks(dialog.reason, "again")
    with qtbot.waitSignal(window.runner.idle, timeout=10_000):
        dialog.accept()
    assert "already decided" in window.reporter.last_message


def test_reviews_side_by_side_name_each_criterion_by_its_label(qtbot):
    """A row per criterion named as the rubric names it (its id only without a label), a column per reviewer."""
    rubric = rubric_mod.default_rubric()
    rubric["criteria"][5].pop("label")
    reviews = [{"reviewer_name": "Tom Byrne", "scores": {"impact": 4, "sustainability": 2},
                "recommendation": "revise", "comment": "Needs the costs"},
               {"reviewer_name": "Sam Lee", "scores": {"impact": 5}, "recommendation": "include", "comment": ""}]
    document = QTextDocument()
    document.setHtml(reviews_html(reviews, rubric))
    table = document.rootFrame().childFrames()[0]
    cells = [[table.cellAt(r, c).firstCursorPosition().block().text() for c in range(table.columns())]
             for r in range(table.rows())]
    assert cells[0] == ["", "Tom Byrne", "Sam Lee"]
    assert cells[2] == ["Evidence of impact on outcomes", "4", "5"]
    assert cells[6] == ["sustainability", "2", "–"]  # no label in this rubric: the id
    assert cells[7] == ["Recommends", "Include with changes", "Include"]
    assert cells[8] == ["Comment", "Needs the costs", "–"]


def test_a_heading_wrapped_onto_two_lines_is_read_as_one_name(qtbot, review_round):
    window = open_chair(qtbot, review_round.library)
    header = window.table.horizontalHeaderItem(SUMMARY_COLUMNS.index("Weighted mean"))
    assert header.text() == "Weighted\nmean"  # two lines on screen, so the title keeps its width
    for table, names in ((window.table, SUMMARY_COLUMNS), (window.progress, None)):
        for c in range(table.columnCount()):
            name = table.horizontalHeaderItem(c).data(Qt.ItemDataRole.AccessibleTextRole)
            assert name and "\n" not in name and (names is None or name == names[c])
