"""A reviewer scores from the keyboard alone beside the text; blind until they submit; review mode for packs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.review import scoring
from curator.review.merge import merge
from curator.review.packs import ReviewPack, make_pack
from curator.ui.review_scoring import CriterionRow, ScoringWindow
from curator.ui.review_sources import LibrarySource, PackSource

from .conftest import full_scores, score_round

CTRL = Qt.KeyboardModifier.ControlModifier


def open_window(qtbot, source, reviewer=None) -> ScoringWindow:
    window = ScoringWindow(source, reviewer=reviewer)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.caseShown, timeout=10_000):
        window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.rows[0], timeout=5_000)
    return window


def press(qtbot, keys: str) -> None:
    """Type into whatever has the focus, as a user would; '\t' is Tab."""
    for key in keys:
        widget = QApplication.focusWidget()
        if key == "\t":
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
        else:
            qtbot.keyClicks(widget, key)


def submit(qtbot, window) -> None:
    with qtbot.waitSignal(window.saved, timeout=10_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)


def test_keyboard_only_scoring_lands_in_the_core(qtbot, review_round):
    lib, asha = review_round.library, review_round.panel["asha"]
    window = open_window(qtbot, LibrarySource(lib), asha.id)
    case = window.case_id
    assert case == review_round.cases_of("asha")[0]
    assert lib.get(case)["title"] in window.text.toPlainText()
    press(qtbot, "4\t3\t2\t5\t3\t4")
    assert [row.score for row in window.rows] == [4, 3, 2, 5, 3, 4]
    assert "Clearly targets" in window.rows[0].descriptor.text()  # the chosen level's descriptor
    press(qtbot, "\tI")
    submit(qtbot, window)
    (review,) = scoring.reviews(lib, case=case, reviewer=asha.id)
    assert list(review["scores"].values()) == [4, 3, 2, 5, 3, 4]
    assert review["recommendation"] == "include" and review["submitted"]
    qtbot.waitUntil(lambda: "✓ submitted" in window.case_box.itemText(0), timeout=5_000)
    assert window.progress_label.text().startswith("1 of ")


def test_arrows_move_between_criteria_and_step_the_score(qtbot, review_round):
    window = open_window(qtbot, LibrarySource(review_round.library), review_round.panel["asha"].id)
    qtbot.keyClick(window.rows[0], Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.rows[1]
    qtbot.keyClick(window.rows[1], Qt.Key.Key_Right)
    qtbot.keyClick(window.rows[1], Qt.Key.Key_Right)
    assert window.rows[1].score == 2
    qtbot.keyClick(window.rows[1], Qt.Key.Key_Up)
    assert isinstance(QApplication.focusWidget(), CriterionRow) and QApplication.focusWidget() is window.rows[0]


def test_blind_until_this_reviewer_submits(qtbot, review_round):
    lib = review_round.library
    score_round(review_round)
    asha = review_round.panel["asha"]
    case = review_round.cases_of("asha")[0]
    others = [r["reviewer_name"] for r in scoring.reviews(lib, case=case)]
    assert others  # someone else has scored it
    window = open_window(qtbot, LibrarySource(lib), asha.id)
    assert window.case_id == case
    shown = window.others.text()
    assert "Blind review" in shown and not any(name in shown for name in others)
    press(qtbot, "3\t3\t3\t3\t3\t3\tC")
    submit(qtbot, window)
    qtbot.waitUntil(lambda: others[0] in window.others.text(), timeout=5_000)
    assert scoring.reviews(lib, case=case, reviewer=asha.id)[0]["recommendation"] == "revise"


@pytest.mark.parametrize(("keys", "message"), [
    ("4\t4\tI", "no score for Quality of evaluation, Community involvement and co-production, Replicability and "
                 "scalability, Sustainability and cost"),
    ("4\t4\t4\t4\t4\t4\tX", "an exclude needs a reason; say why in the comment"),
    ("4\t4\t4\t4\t4\t4", "a recommendation is needed"),
])
def test_a_refused_review_says_why_once_and_stores_nothing(qtbot, review_round, keys, message):
    lib, asha = review_round.library, review_round.panel["asha"]
    window = open_window(qtbot, LibrarySource(lib), asha.id)
    press(qtbot, keys)
    with qtbot.waitSignal(window.runner.idle, timeout=10_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    assert message in window.problem.text() and "Traceback" not in window.problem.text()
    # one message beside the form: no dialog on top of it, no copy in the status bar (issue 10, point 13)
    assert window.reporter.last_dialog is None and message not in window.statusBar().currentMessage()
    assert scoring.reviews(lib, case=window.case_id, reviewer=asha.id, include_drafts=True) == []


def test_moving_on_keeps_unsubmitted_work_as_a_draft(qtbot, review_round):
    lib, asha = review_round.library, review_round.panel["asha"]
    window = open_window(qtbot, LibrarySource(lib), asha.id)
    first, second = review_round.cases_of("asha")[:2]
    press(qtbot, "5\t2")
    with qtbot.waitSignal(window.caseShown, timeout=10_000) as shown:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, CTRL)
    assert shown.args == [second]
    (draft,) = scoring.reviews(lib, case=first, reviewer=asha.id, include_drafts=True)
    assert draft["scores"] == {"core20plus5_fit": 5, "impact": 2} and draft["submitted"] is None
    qtbot.waitUntil(lambda: "✎ draft" in window.case_box.itemText(0), timeout=5_000)
    with qtbot.waitSignal(window.caseShown, timeout=10_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, CTRL)
    assert [row.score for row in window.rows][:3] == [5, 2, None]


def test_a_changed_submitted_review_is_not_left_behind_silently(qtbot, review_round):
    lib, asha = review_round.library, review_round.panel["asha"]
    case = review_round.cases_of("asha")[0]
    scoring.submit(lib, case, asha.id, full_scores(3), "include")
    window = open_window(qtbot, LibrarySource(lib), asha.id)
    press(qtbot, "5")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, CTRL)
    assert window.case_id == case and "submit the change" in window.problem.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, CTRL)
    with qtbot.waitSignal(window.caseShown, timeout=10_000):
        next(b for b in window.revert_prompt.buttons() if b.text() == "Revert").click()
    assert window.rows[0].score == 3 and not window.dirty


def test_the_reviewer_picker_switches_to_their_case_studies(qtbot, review_round):
    lib = review_round.library
    window = open_window(qtbot, LibrarySource(lib), review_round.panel["asha"].id)
    tom = review_round.panel["tom"]
    with qtbot.waitSignal(window.caseShown, timeout=10_000):
        window.reviewer_box.setCurrentIndex(window.reviewer_box.findData(tom.id))
        window.reviewer_box.activated.emit(window.reviewer_box.currentIndex())
    assert [window.case_box.itemData(i) for i in range(window.case_box.count())] == review_round.cases_of("tom")


def test_review_mode_shows_only_the_packs_case_studies_and_scores_into_the_pack(qtbot, review_round, tmp_path):
    lib, tom = review_round.library, review_round.panel["tom"]
    path = tmp_path / "tom.curatorpack"
    make_pack(lib, tom.id, path)
    window = open_window(qtbot, PackSource.open(path))
    assert "review mode" in window.windowTitle() and not window.reviewer_box.isEnabled()
    assert [window.case_box.itemData(i) for i in range(window.case_box.count())] == review_round.cases_of("tom")
    assert "Review mode" in window.others.text()
    case = window.case_id
    press(qtbot, "2\t2\t2\t2\t2\t2\tX")
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is window.comment
    qtbot.keyClicks(window.comment, "No outcome data")
    submit(qtbot, window)
    reopened = ReviewPack.open(path)  # the pack on disk holds the score, its checksum intact
    assert reopened.responses[case]["recommendation"] == "exclude"
    result = merge(lib, path)
    assert {"case": case, "outcome": "added"} in result["merged"]
    assert scoring.reviews(lib, case=case, reviewer=tom.id)[0]["comment"] == "No outcome data"
