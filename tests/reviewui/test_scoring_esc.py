"""Esc never throws away a reviewer's unsaved scores; reverting is an explicit command that asks (issue 10.5)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.ui.review_sources import LibrarySource

from .test_scoring import CTRL, open_window, press


def test_esc_keeps_unsaved_scores_and_the_comment(qtbot, review_round):
    window = open_window(qtbot, LibrarySource(review_round.library), review_round.panel["asha"].id)
    press(qtbot, "4\t3\t2")
    window.comment.setPlainText("Strong co-production with the mosque committee")
    window.rows[0].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.wait(300)  # a reload, if one were started, would land by now
    assert [row.score for row in window.rows][:3] == [4, 3, 2]
    assert window.comment.toPlainText() == "Strong co-production with the mosque committee"
    assert window.dirty and window.isVisible()


def test_revert_asks_first_and_cancel_keeps_the_work(qtbot, review_round):
    window = open_window(qtbot, LibrarySource(review_round.library), review_round.panel["asha"].id)
    press(qtbot, "5\t5")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, CTRL)
    prompt = window.revert_prompt
    assert prompt.isVisible() and "will be lost" in prompt.text()
    prompt.button(prompt.StandardButton.Cancel).click()
    assert [row.score for row in window.rows][:2] == [5, 5] and window.dirty
    qtbot.keyClick(window.rows[0], Qt.Key.Key_R, CTRL)
    with qtbot.waitSignal(window.caseShown, timeout=10_000):
        next(b for b in window.revert_prompt.buttons() if b.text() == "Revert").click()
    assert [row.score for row in window.rows][:2] == [None, None] and not window.dirty
