"""The panel screens one by one (issue 11): rubric versions, reviewer edit/remove and refusals, a conflict override
with a reason, merge refusals, the empty screens' wording, and the screenshot views."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QMessageBox

from curator.review import assign as assign_mod
from curator.review import reviewers as reviewers_mod
from curator.review import rubric as rubric_mod
from curator.review import scoring
from curator.ui.review_assign import HEADING_WIDTH, AssignDialog
from curator.ui.review_chair import ChairWindow
from curator.ui.review_menu import SCREENSHOT_VIEWS
from curator.ui.review_merge import MergeDialog
from curator.ui.review_reviewers import ReviewerForm, ReviewersDialog
from curator.ui.review_rubric import RubricDialog
from curator.ui.review_scoring import ScoringWindow
from curator.ui.review_sources import LibrarySource
from curator.ui.settings import Settings, ini_settings
from curator.ui.workers import Runner
from curator.vocab import vocabularies
from tests.ui.conftest import make_window

from .a11y import check_dialog
from .conftest import full_scores

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(qtbot):
    errors: list[BaseException] = []
    run = Runner(errors.append)
    run.errors = errors
    yield run
    run.shutdown()


def opened(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_rubric_edit_saves_a_new_version_and_shows_the_one_scores_use(qtbot, review_round, runner):
    lib = review_round.library
    case = review_round.cases_of("tom")[0]
    scoring.submit(lib, case, review_round.panel["tom"].id, full_scores(4), "include")
    dialog = opened(qtbot, RubricDialog(lib, runner))
    qtbot.waitUntil(lambda: dialog.list.count() == 6, timeout=10_000)
    check_dialog(dialog)
    assert "version 1: 1 review" in dialog.info.text()
    dialog.list.setCurrentRow(1)
    dialog.levels["5"].setFocus()
    dialog.levels["5"].selectAll()
    qtbot.keyClicks(dialog.levels["5"], "Independent evaluation with a comparison group")
    dialog.weight.setValue(2.5)
    dialog.list.setCurrentRow(0)  # moving away keeps the edit
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.save()
    current = rubric_mod.current(lib)
    assert current["version"] == 2
    assert current["criteria"][1]["levels"]["5"] == "Independent evaluation with a comparison group"
    assert current["criteria"][1]["weight"] == 2.5
    assert "Saved as version 2" in dialog.info.text() and "version 1: 1 review" in dialog.info.text()
    dialog.levels["3"].setPlainText("")  # an empty descriptor is refused with the core's message
    dialog.save()
    qtbot.waitUntil(lambda: runner.pending_writes == 0, timeout=10_000)
    box = next(w for w in dialog.findChildren(QMessageBox) if w.isVisible())
    assert "levels must describe each score" in box.text()
    assert rubric_mod.current(lib)["version"] == 2


def test_reviewer_edit_remove_and_a_refused_name(qtbot, review_round, runner):
    lib = review_round.library
    dialog = opened(qtbot, ReviewersDialog(lib, runner))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=10_000)
    names = [dialog.table.item(r, 0).text() for r in range(4)]
    dialog.table.selectRow(names.index("Sam Lee"))
    form = dialog.edit()
    check_dialog(form)
    form.organisation.setText("Moss Side Primary Care Network")
    form.orgs.setPlainText("Healthwatch Cornwall\n")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        form.accept()
    sam = reviewers_mod.get(lib, "Sam Lee")
    assert (sam.organisation, sam.conflict_orgs) == ("Moss Side Primary Care Network", ["Healthwatch Cornwall"])
    form = dialog.add()
    form.name.setText("tom byrne")
    form.accept()
    qtbot.waitUntil(lambda: form.isVisible() and runner.pending_writes == 0, timeout=10_000)
    box = next(w for w in dialog.findChildren(QMessageBox) if w.isVisible())
    assert "already a reviewer called tom byrne" in box.text()
    assert form.name.text() == "tom byrne"  # what was typed is kept to correct
    form.reject()
    dialog.table.selectRow([dialog.table.item(r, 0).text() for r in range(4)].index("Tom Byrne"))
    question = dialog.remove()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        question.button(QMessageBox.StandardButton.Yes).click()
    assert [r.name for r in reviewers_mod.list_reviewers(lib)] == ["Dr Asha Patel", "Maya Okoro", "Sam Lee"]


def test_the_conflict_list_is_filtered_by_icb_name_code_or_region_as_typed(qtbot):
    """The reviewer form's ICS filter finds an ICS the way the editor's picker does, key by key."""
    form = opened(qtbot, ReviewerForm())

    def shown() -> list[str]:
        return [form.ics.item(r).data(Qt.ItemDataRole.UserRole) for r in range(form.ics.count())
                if not form.ics.item(r).isHidden()]

    for written in ("NHS Kent and Medway Integrated Care Board", "Kent and Medway ICB", "E54000032"):
        form.ics_filter.clear()
        for letter in written:
            qtbot.keyClicks(form.ics_filter, letter)
            assert "E54000032" in shown(), form.ics_filter.text()
        assert shown() == ["E54000032"]
    form.ics_filter.clear()
    assert len(shown()) == 42
    qtbot.keyClicks(form.ics_filter, "South East")
    south_east = {t.id for t in vocabularies().ics if t.extra["region"] == "South East"}
    assert set(shown()) == south_east | {vocabularies().ics.find("South East London").id}


def test_a_conflict_override_needs_a_reason_and_is_kept_in_history(qtbot, review_round, runner):
    lib = review_round.library
    maya = review_round.panel["maya"]
    free = next(c for c in assign_mod.reviewable_cases(lib)
                if maya.id not in {a["reviewer"] for a in assign_mod.assignments(lib, case=c)})
    reviewers_mod.edit(lib, maya.id, conflicts=[lib.get(free)["ics"]])
    dialog = opened(qtbot, AssignDialog(lib, runner))
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=10_000)
    people = [p["id"] for p in dialog.proposal["reviewers"]]
    conflicted = [(r, people.index(rid)) for r, case in enumerate(dialog.proposal["cases"])
                  for rid in case["conflicts"] if rid not in case["held"]]
    row, col = conflicted[0]
    case_id = dialog.proposal["cases"][row]["id"]
    dialog.table.setCurrentCell(row, col)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    dialog.reason_dialog.setTextValue("The only paediatric asthma nurse on the panel")
    dialog.reason_dialog.accept()
    assert dialog.table.item(row, col).text().startswith("⚠ ✓ proposed")
    assert "1 conflict override" in dialog.summary.text()
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        dialog.apply()
    assert people[col] in {a["reviewer"] for a in assign_mod.assignments(lib, case=case_id)}
    assert any("Conflict overridden" in h["label"] for h in lib.history(case_id))


def test_each_case_study_heading_fits_even_when_bold(qtbot, review_round, runner):
    """The current row's heading is drawn bold; each title is elided to fit that, never cut mid-letter."""
    dialog = opened(qtbot, AssignDialog(review_round.library, runner))
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=10_000)
    header = dialog.table.verticalHeader()
    bold = header.font()
    bold.setBold(True)
    fit = QFontMetrics(bold)
    titles = [case["title"] for case in dialog.proposal["cases"]]
    headings = [dialog.table.verticalHeaderItem(r).text() for r in range(len(titles))]
    assert any(h.endswith("…") for h in headings)  # the demo's long titles are shortened…
    for title, heading in zip(titles, headings, strict=True):
        assert fit.horizontalAdvance(heading) <= HEADING_WIDTH < header.maximumWidth()  # …to fit in bold
        assert heading == title or title.startswith(heading[:-1])


def test_merge_reports_a_file_that_is_not_a_review(qtbot, review_round, runner, tmp_path):
    bogus = tmp_path / "notes.xlsx"
    bogus.write_bytes(b"not a workbook")
    dialog = opened(qtbot, MergeDialog(review_round.library, runner))
    check_dialog(dialog)
    dialog.add_paths([bogus])
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    assert dialog.report.item(0, 2).text() == "✗ Refused"
    assert "neither a review pack nor an Excel scoring sheet" in dialog.report.item(0, 3).text()
    assert "0 files merged, 1 refused" in dialog.summary.text()


def test_empty_screens_point_to_the_menu_not_the_command_line(qtbot, library, runner):
    chair = ChairWindow(library, runner=runner)
    qtbot.addWidget(chair)
    with qtbot.waitSignal(chair.refreshed, timeout=10_000):
        chair.show()
    assert "Review › Assign reviewers" in chair.due.text() and "python -m" not in chair.due.text()
    window = ScoringWindow(LibrarySource(library), runner=runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "no reviewers" in window.statusBar().currentMessage(), timeout=10_000)
    assert "Review › Reviewers" in window.statusBar().currentMessage()
    assign = opened(qtbot, AssignDialog(library, runner))
    qtbot.waitUntil(lambda: assign.summary.text() != "Proposing…", timeout=10_000)
    assert "Review › Reviewers" in assign.summary.text() and not assign.apply_button.isEnabled()


def test_each_screenshot_view_opens_its_screen_loaded(qtbot, review_round, tmp_path):
    main = make_window(qtbot, review_round.library, Settings(ini_settings(tmp_path / "s.ini")))
    saved: list = []
    for view, kind in (("reviewers", ReviewersDialog), ("rubric", RubricDialog), ("assign", AssignDialog),
                       ("merge", MergeDialog)):
        count = len(saved)
        SCREENSHOT_VIEWS[view](main, saved.append)
        qtbot.waitUntil(lambda c=count, k=kind: len(saved) > c and isinstance(saved[-1], k), timeout=10_000)
        check_dialog(saved[-1])
    assert saved[0].table.rowCount() == 4 and saved[1].list.count() == 6
    assert saved[2].table.rowCount() == len(assign_mod.reviewable_cases(review_round.library)) + 1
    # the two review windows of the README's pictures: saved once their content is on screen
    for view, kind in (("scoring", ScoringWindow), ("chair", ChairWindow)):
        count = len(saved)
        SCREENSHOT_VIEWS[view](main, saved.append)
        qtbot.waitUntil(lambda c=count, k=kind: len(saved) > c and isinstance(saved[-1], k), timeout=10_000)
    scoring_window, chair = saved[-2:]
    assert scoring_window.current["record"]["title"] in scoring_window.text.toPlainText()
    assert scoring_window.reviewer_id == review_round.panel["asha"].id and len(scoring_window.rows) == 6
    assert chair.selected_id() and chair.cases[chair.selected_id()]["title"] in chair.detail.toPlainText()
    for w in main.review_windows:
        w.close()
    main.close()


def test_screenshot_of_the_assignment_screen_from_the_command_line(review_round, tmp_path):
    out = tmp_path / "assign.png"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--library", str(review_round.library.folder),
                           "--screenshot", str(out), "--view", "assign"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000


def test_review_menu_has_every_contract_action_with_its_own_access_key(qtbot, library, tmp_path):
    main = make_window(qtbot, library, Settings(ini_settings(tmp_path / "s.ini")))
    menu = next(a.menu() for a in main.menuBar().actions() if a.text().replace("&", "") == "Review")
    names = {a.objectName() for a in menu.actions() if not a.isSeparator()}
    assert {"review_reviewers", "review_rubric", "review_assign", "review_send", "review_merge", "review_report",
            "review_export"} <= names
    keys = [a.text().split("&")[1][0].lower() for a in menu.actions() if "&" in a.text()]
    assert len(keys) == len(set(keys)) == len([a for a in menu.actions() if not a.isSeparator()])
    main.close()


def test_send_and_merge_stop_on_cancel(review_round, tmp_path):
    from curator.progress import Cancelled, CancelToken
    from curator.review import send
    from curator.review.merge import merge_files

    token = CancelToken()
    token.cancel()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        send.send(review_round.library, out, cancel=token)
    assert list(out.iterdir()) == []
    with pytest.raises(Cancelled):
        merge_files(review_round.library, [tmp_path / "x.xlsx"], cancel=token)


def test_send_to_a_missing_folder_is_refused_in_words_and_can_be_retried(qtbot, review_round, runner, tmp_path):
    from curator.ui.review_send import SendDialog

    dialog = opened(qtbot, SendDialog(review_round.library, runner))
    qtbot.waitUntil(lambda: dialog.people.count() == 4, timeout=10_000)
    check_dialog(dialog)
    dialog.folder.setText(str(tmp_path / "not there"))
    dialog.write()
    qtbot.waitUntil(lambda: bool(runner.errors) and runner.pending_writes == 0, timeout=10_000)
    assert "is not a folder; choose an existing folder" in str(runner.errors[0])
    assert dialog.write_button.isEnabled()


def test_enter_in_a_field_proposes_and_never_applies(qtbot, review_round, runner):
    lib = review_round.library
    before = assign_mod.assignments(lib)
    dialog = opened(qtbot, AssignDialog(lib, runner))
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=10_000)
    dialog.per_case.setFocus()
    dialog.per_case.setValue(4)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.keyClick(dialog.per_case, Qt.Key.Key_Return)
    assert dialog.proposal["per_case"] == 4 and dialog.isVisible()
    qtbot.wait(200)
    assert assign_mod.assignments(lib) == before
