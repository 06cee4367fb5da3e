"""The keyboard-only walkthrough of docs/keyboard.md, step by step: every step pressed as keys, no mouse.

search → filter → open → create with every field → save → undo → status → import → coverage → score → decide.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
)

from curator.model import FIELD_LABELS
from curator.vocab import vocabularies
from tests.ui.conftest import make_window, settle

CTRL, ALT, SHIFT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
                    Qt.KeyboardModifier.ShiftModifier)


def focused():
    return QApplication.focusWidget()


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), k, modifier)


def activate(qtbot, widget) -> None:
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=5_000)


# -- 1–3: search, filter, open ---------------------------------------------------------------------------
def test_step_1_to_3_search_filter_open(qtbot, window, demo_library):
    activate(qtbot, window)
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.search_box
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.keyClicks(focused(), "asthma")
    settle(qtbot, window)
    key(qtbot, Qt.Key.Key_F6)
    assert focused() is window.facets.tree
    qtbot.keyClicks(focused(), "Published")  # type-ahead finds the ticked-able row
    assert window.facets.tree.currentItem().text(0).startswith("Published")
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        key(qtbot, Qt.Key.Key_Space)
    assert window.facets.filters() == {"status": ["published"]}
    key(qtbot, Qt.Key.Key_F6)
    assert focused() is window.results
    with qtbot.waitSignal(window.recordShown, timeout=10_000):
        key(qtbot, Qt.Key.Key_Down)
    chosen = window.results.current_id()
    assert demo_library.get(chosen)["status"] == "published"
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chosen in window.editors, timeout=5_000)
    editor = window.editors[chosen]
    activate(qtbot, editor)
    key(qtbot, Qt.Key.Key_Escape)  # nothing changed: Esc closes
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5_000)


# -- 4–6: create with every field, save, undo ------------------------------------------------------------
TEXT = {FIELD_LABELS["year"]: "2023", FIELD_LABELS["review_by"]: "31/03/2027", "Email": "sam@example.org",
        "Phone": "01632 960001", FIELD_LABELS["source_url"]: "https://example.org/boaters",
        "Integrated Care System": vocabularies().ics.by_id["E54000057"].label, FIELD_LABELS["ahsn"]: "Health Innovation Manchester"}
EVERY_FIELD = ("title", "organisation", "ics", "ahsn", "programme", "period", "year", "review_by", "clinical_areas",
               "population_groups", "local_groups", "action_areas", "summary", "body", "outcomes", "key_actions",
               "context_figures", "lessons", "evaluation_type", "partners", "additional_sources", "source_url",
               "contact", "contact_consent", "declarations", "signoff")


def fill_focused(qtbot, done: set) -> None:
    """Do with the focused control what a keyboard user would: type, tick, or add a row or item."""
    widget = focused()
    if widget in done:
        return
    done.add(widget)
    name = widget.accessibleName()
    if isinstance(widget, QLineEdit | QComboBox):
        qtbot.keyClicks(widget, TEXT.get(name, f"Walkthrough {name.lower()}"))
        completer = widget.completer()
        qtbot.wait(50)
        if completer is not None and completer.popup() is not None and completer.popup().isVisible():
            qtbot.keyClick(completer.popup(), Qt.Key.Key_Escape)  # close the suggestions; the text stays
            qtbot.waitUntil(lambda: not completer.popup().isVisible(), timeout=2_000)
    elif isinstance(widget, QPlainTextEdit):
        qtbot.keyClicks(widget, f"Walkthrough {name.lower()}, typed.")
    elif isinstance(widget, QCheckBox):
        key(qtbot, Qt.Key.Key_Space)
    elif isinstance(widget, QListWidget) and any(widget.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable
                                                 for i in range(widget.count())):
        for _ in range(widget.count()):  # down to the first box (a heading row such as "Adults" has none)
            key(qtbot, Qt.Key.Key_Down)
            if widget.currentItem() and widget.currentItem().flags() & Qt.ItemFlag.ItemIsUserCheckable:
                break
        key(qtbot, Qt.Key.Key_Space)
    elif isinstance(widget, QAbstractButton) and widget.text() in ("Add", "Add row"):
        table = widget.parent().findChild(QTableWidget)
        key(qtbot, Qt.Key.Key_Space)  # the new row or item is open for typing
        if widget.text() == "Add row":
            audience = table.horizontalHeaderItem(1).text() == "Audience"
            qtbot.keyClicks(focused(), "Walkthrough action" if audience else "Walkthrough measure")
            key(qtbot, Qt.Key.Key_Tab)
            qtbot.keyClicks(focused(), "Clinicians" if audience else "42%")
        else:
            qtbot.keyClicks(focused(), "Walkthrough item")
        key(qtbot, Qt.Key.Key_Return)
        qtbot.wait(50)  # the delegate commits on the next turn of the event loop


def test_step_4_to_6_create_with_every_field_save_and_undo(qtbot, window, demo_library):
    activate(qtbot, window)
    key(qtbot, Qt.Key.Key_N, CTRL)
    editor = next(iter(window.editors.values()))
    activate(qtbot, editor)
    assert focused() is editor.widget_for("title")
    done: set = set()
    for page in range(editor.tabs.count()):
        assert editor.tabs.currentIndex() == page
        scroll = editor.tabs.currentWidget()
        for _ in range(120):
            if not scroll.isAncestorOf(focused()):
                break
            fill_focused(qtbot, done)
            key(qtbot, Qt.Key.Key_Tab)
        assert not scroll.isAncestorOf(focused()), "Tab never left the tab: a keyboard trap"
        if page + 1 < editor.tabs.count():
            key(qtbot, Qt.Key.Key_Backtab, SHIFT)  # back into the tab's last field
            assert scroll.isAncestorOf(focused())
            key(qtbot, Qt.Key.Key_Tab, CTRL)  # Ctrl+Tab: the next tab of the editor, focus on its first field
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_S, CTRL)
    record = demo_library.get(editor.case_id)
    empty = [f for f in EVERY_FIELD if record.get(f) in (None, "", [], {}, False)]
    assert empty == []
    assert record["review_by"] == "2027-03-31" and record["ics"] == "E54000057"
    assert record["key_actions"][0]["audience"] and record["outcomes"][0]["value"] == "42%"
    activate(qtbot, editor)
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5_000)
    activate(qtbot, window)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.actions_["undo"].isEnabled(), timeout=5_000)
    while focused() is not window.results:  # in the search box Ctrl+Z undoes typing; in the list, the change
        key(qtbot, Qt.Key.Key_F6)
    key(qtbot, Qt.Key.Key_Z, CTRL)  # undo the creation
    qtbot.waitUntil(lambda: editor.case_id not in {r["id"] for r in demo_library.list_records(limit=1000)["items"]},
                    timeout=10_000)


# -- 7: status ---------------------------------------------------------------------------------------------
def test_step_7_status_by_keyboard(qtbot, window, demo_library):
    draft = demo_library.list_records(status="draft")["items"][0]
    activate(qtbot, window)
    key(qtbot, Qt.Key.Key_F, CTRL)
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        qtbot.keyClicks(focused(), f'"{draft["title"]}"')
    settle(qtbot, window)
    with qtbot.waitSignal(window.recordShown, timeout=10_000):
        key(qtbot, Qt.Key.Key_Down)
    assert window.results.current_id() == draft["id"]
    key(qtbot, Qt.Key.Key_2, CTRL | ALT)  # Status → Submitted
    qtbot.waitUntil(lambda: demo_library.get(draft["id"])["status"] == "submitted", timeout=10_000)


# -- 8: import ---------------------------------------------------------------------------------------------
def test_step_8_import_by_keyboard(qtbot, window, demo_library, tmp_path, monkeypatch):
    path = tmp_path / "boaters.json"
    path.write_text(json.dumps([{"title": "Health checks for people living on canal boats",
                                 "organisation": "Canal and River Trust", "ics": "E54000057"}]))
    from PySide6.QtWidgets import QFileDialog

    # the system file dialog is the platform's own (keyboard-accessible there); here it answers with the file
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(path)], ""))
    activate(qtbot, window)
    key(qtbot, Qt.Key.Key_I, CTRL)
    qtbot.waitUntil(lambda: window.import_dialog is not None and window.import_dialog.isVisible(), timeout=20_000)
    dialog = window.import_dialog
    assert "Imported 1" in dialog.headline.text()
    activate(qtbot, dialog)
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert demo_library.list_records(limit=1000)["total"] == 29


# -- 9: coverage -------------------------------------------------------------------------------------------
def test_step_9_coverage_cell_by_keyboard(qtbot, window):
    activate(qtbot, window)
    with qtbot.waitSignal(window.coverage.loaded, timeout=10_000):
        key(qtbot, Qt.Key.Key_2, CTRL)
    table = window.coverage.table
    for _ in range(2):
        if focused() is not table:
            key(qtbot, Qt.Key.Key_F6)  # the panes of this tab: the count choice, the heat-map
    assert focused() is table
    row, column = window.coverage.find_cell("E54000057", "cyp_asthma")
    table.setCurrentCell(row - 1, column)
    key(qtbot, Qt.Key.Key_Down)  # arrows move the cell; Enter lists its case studies
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        key(qtbot, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == 0
    assert window.facets.filters() == {"ics": ["E54000057"], "area": ["cyp_asthma"]}


# -- 10–11: score and decide -------------------------------------------------------------------------------
def test_step_10_and_11_score_and_decide_by_keyboard(qtbot, library, settings):
    from curator.review import scoring
    from tests.reviewui.conftest import make_round, score_round

    review_round = make_round(library)  # the demo library, a panel of four, case studies assigned
    lib = review_round.library
    main = make_window(qtbot, lib, settings)
    activate(qtbot, main)
    qtbot.keySequence(focused(), main.review_actions["score"].shortcut())  # Review → Score case studies
    qtbot.waitUntil(lambda: any(type(w).__name__ == "ScoringWindow" for w in main.review_windows), timeout=10_000)
    scorer = next(w for w in main.review_windows if type(w).__name__ == "ScoringWindow")
    qtbot.waitUntil(lambda: bool(scorer.rows) and scorer.case_id is not None, timeout=10_000)
    scorer.reviewer_box.setFocus()
    activate(qtbot, scorer)
    reviewer = scorer.reviewer_id
    case = scorer.case_id
    scorer.rows[0].setFocus()
    qtbot.waitUntil(lambda: focused() is scorer.rows[0])
    for ch in "4\t3\t2\t5\t3\t4\tI":
        qtbot.keyClicks(focused(), ch) if ch != "\t" else key(qtbot, Qt.Key.Key_Tab)
    with qtbot.waitSignal(scorer.saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_Return, CTRL)
    (review,) = scoring.reviews(lib, case=case, reviewer=reviewer)
    assert review["submitted"] and review["recommendation"] == "include"
    # the scorer stays open: closing a review window stopped the shared runner on main (issue 10, point 1)

    score_round(review_round)
    activate(qtbot, main)
    qtbot.keySequence(focused(), main.review_actions["chair"].shortcut())  # Review → Panel summary
    qtbot.waitUntil(lambda: any(type(w).__name__ == "ChairWindow" for w in main.review_windows), timeout=10_000)
    chair = next(w for w in main.review_windows if type(w).__name__ == "ChairWindow")
    qtbot.waitUntil(lambda: bool(chair.shown_ids()), timeout=10_000)
    activate(qtbot, chair)
    chair.table.setFocus()
    chair.table.selectRow(0)
    decided = chair.shown_ids()[0]
    key(qtbot, Qt.Key.Key_D, CTRL)  # Record decision…
    question = getattr(chair, "question", None)
    if question is not None and question.isVisible():  # reviews outstanding: it asks first (No is the default)
        activate(qtbot, question)
        key(qtbot, Qt.Key.Key_Y, ALT)  # &Yes
        qtbot.waitUntil(lambda: not question.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: getattr(chair, "dialog", None) is not None and chair.dialog.isVisible(), timeout=5_000)
    dialog = chair.dialog
    activate(qtbot, dialog)
    key(qtbot, Qt.Key.Key_A, ALT)  # Accept (Alt+J reject, Alt+V revise)
    qtbot.waitUntil(lambda: dialog.decision() == "accept", timeout=5_000)  # a mnemonic clicks after a blink
    key(qtbot, Qt.Key.Key_S, ALT)  # Rea&son
    assert focused() is dialog.reason
    qtbot.keyClicks(focused(), "Strong evidence; panel agreed")
    with qtbot.waitSignal(chair.refreshed, timeout=10_000):
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert lib.get(decided)["status"] == "accepted"
    for window in (scorer, chair, main):
        window.close()
