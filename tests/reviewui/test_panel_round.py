"""A whole panel round from the window alone (issue 11): reviewers with a conflict, a proposed assignment applied,
packs and sheets written, a sheet filled as a reviewer would and dropped back on the window, the scores in the
chair's window, a decision, the panel report; every dialog checked for size, keyboard and names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from curator.demo import load_demo
from curator.review import assign as assign_mod
from curator.review import reviewers as reviewers_mod
from curator.review import scoring
from curator.ui.review_assign import AssignDialog
from curator.ui.review_chair import LATE_TEXT, SUMMARY_COLUMNS
from curator.ui.review_reviewers import ReviewersDialog
from curator.ui.settings import Settings, ini_settings
from tests.ui.conftest import make_window

from .a11y import check_dialog


@pytest.fixture
def main(qtbot, library, tmp_path, monkeypatch):
    """The main window on the demo library; "Open file / folder" recorded instead of starting Word."""
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    load_demo(library)
    win = make_window(qtbot, library, Settings(ini_settings(tmp_path / "settings.ini")))
    win.opened = opened
    yield win
    for w in list(win.review_windows):
        w.close()
    win.close()


def trigger(main, name: str):
    action = main.findChild(QAction, name)
    assert action is not None and action.text(), name
    action.trigger()
    return main.review_windows[-1]


def wait_idle(qtbot, main) -> None:
    qtbot.waitUntil(lambda: main.runner.pending_writes == 0, timeout=15_000)


def add_reviewer(qtbot, dialog: ReviewersDialog, name: str, org: str, ics_label: str | None = None) -> None:
    rows = dialog.table.rowCount()
    form = dialog.add()
    check_dialog(form)
    qtbot.keyClicks(form.name, name)
    qtbot.keyClicks(form.organisation, org)
    qtbot.keyClicks(form.role, "clinician")
    if ics_label:
        qtbot.keyClicks(form.ics_filter, ics_label)
        visible = [r for r in range(form.ics.count()) if not form.ics.item(r).isHidden()]
        assert len(visible) == 1
        form.ics.setFocus()
        form.ics.setCurrentRow(visible[0])
        qtbot.keyClick(form.ics, Qt.Key.Key_Space)  # tick it from the keyboard
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        form.accept()
    assert dialog.table.rowCount() == rows + 1


def drop(main, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    main.dropEvent(event)


def test_a_full_panel_round_from_the_window(qtbot, main, tmp_path, monkeypatch):
    lib = main.library
    reviewable = assign_mod.reviewable_cases(lib)
    conflicted_case = lib.get(reviewable[0])
    from curator.vocab import vocabularies

    ics_label = vocabularies().ics.by_id[conflicted_case["ics"]].label

    # 1. three reviewers, one declaring a conflict with the first case study's ICS
    panel = trigger(main, "review_reviewers")
    qtbot.waitUntil(lambda: panel.status.text() != "Loading…", timeout=10_000)
    assert "python -m curator" not in panel.status.text()
    check_dialog(panel)
    add_reviewer(qtbot, panel, "Dr Asha Patel", "Leeds Teaching Hospitals NHS Trust", ics_label)
    add_reviewer(qtbot, panel, "Tom Byrne", "Healthwatch Cornwall")
    add_reviewer(qtbot, panel, "Maya Okoro", "UKHSA")
    asha = reviewers_mod.get(lib, "Dr Asha Patel")
    assert asha.conflict_ics == [conflicted_case["ics"]]
    panel.close()

    # 2. assignment: 2 per case study, proposal first, the conflicted cell refuses a tick without a reason
    dialog: AssignDialog = trigger(main, "review_assign")
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=10_000)
    check_dialog(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.per_case.setValue(2)
        qtbot.mouseClick(dialog.propose_button, Qt.MouseButton.LeftButton)
    assert assign_mod.assignments(lib) == []  # a proposal writes nothing
    people = [p["id"] for p in dialog.proposal["reviewers"]]
    row, col = 0, people.index(asha.id)
    assert dialog.proposal["cases"][0]["id"] == conflicted_case["id"]
    assert dialog.table.item(row, col).text() == "⚠ conflict"
    dialog.table.setFocus()
    dialog.table.setCurrentCell(row, col)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    reason = dialog.reason_dialog
    assert reason is not None and reason.isVisible()
    check_dialog(reason)
    reason.reject()  # no reason: stays unassigned
    assert dialog.table.item(row, col).text() == "⚠ conflict"
    loads = [dialog.table.item(dialog.table.rowCount() - 1, c).text() for c in range(len(people))]
    assert sum(int(n) for n in loads) == 2 * len(reviewable)
    dialog.has_due.setChecked(True)
    dialog.due.setDate(dialog.due.date().currentDate().addDays(-1))  # due yesterday: whoever has not scored is late
    with qtbot.waitSignal(dialog.applied, timeout=15_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    for case_id in reviewable:
        who = {a["reviewer"] for a in assign_mod.assignments(lib, case=case_id)}
        assert len(who) == 2
    assert asha.id not in {a["reviewer"] for a in assign_mod.assignments(lib, case=conflicted_case["id"])}
    assert scoring.due(lib) == (dt.date.today() - dt.timedelta(days=1)).isoformat()
    dialog.close()

    # 3. packs and sheets to a folder, then "Open folder"
    out = tmp_path / "to send"
    out.mkdir()
    send = trigger(main, "review_send")
    qtbot.waitUntil(lambda: send.people.count() == 3, timeout=10_000)
    check_dialog(send)
    send.folder.setText(str(out))
    with qtbot.waitSignal(send.sent, timeout=30_000) as sent:
        qtbot.mouseClick(send.write_button, Qt.MouseButton.LeftButton)
    result = sent.args[0]
    assert len(result["files"]) == 3 and all("pack" in f and "sheet" in f for f in result["files"])
    folder_button = next(b for b in send.result_box.buttons() if "folder" in b.text().replace("&", "").lower())
    folder_button.click()
    assert main.opened == [str(out.resolve())]
    send.close()

    # 4. Tom fills his sheet in Excel (openpyxl here) and it is dropped on the main window
    tom = next(f for f in result["files"] if f["name"] == "Tom Byrne")
    wb = load_workbook(tom["sheet"])
    ws = wb["Scores"]
    for r in range(2, 2 + len(tom["cases"])):
        for c in range(4, 10):
            ws.cell(r, c).value = 4 if r % 2 else 3
        ws.cell(r, 10).value = "Include"
    wb.save(tom["sheet"])
    asha_pack = next(f for f in result["files"] if f["name"] == "Dr Asha Patel")["pack"]
    drop(main, [Path(tom["sheet"]), Path(asha_pack)])
    merge = main.review_windows[-1]
    qtbot.waitUntil(lambda: merge.result is not None, timeout=30_000)
    check_dialog(merge)
    outcome = {merge.report.item(r, 0).text(): merge.report.item(r, 2).text() for r in range(merge.report.rowCount())}
    assert outcome[Path(tom["sheet"]).name] == "✓ Merged"
    assert outcome[Path(asha_pack).name] == "✗ Refused"
    assert "no scores yet" in merge.report.item(1, 3).text()
    assert len(scoring.reviews(lib, reviewer=reviewers_mod.get(lib, "Tom Byrne").id)) == len(tom["cases"])

    # 5. the chair sees Tom's scores, the due date and who is late; a decision with reviews outstanding asks first
    merge.chair_button.click()
    chair = main.review_windows[-1]
    qtbot.waitUntil(lambda: bool(chair.cases), timeout=10_000)
    assert "Reviews due" in chair.due.text() and LATE_TEXT in chair.due.text()
    late = {chair.progress.item(r, 0).text(): chair.progress.item(r, 5).text() for r in range(chair.progress.rowCount())}
    assert late == {"Dr Asha Patel": LATE_TEXT, "Maya Okoro": LATE_TEXT, "Tom Byrne": ""}
    case_id = tom["cases"][0]
    assert chair.cases[case_id]["n"] == 1 and chair.cases[case_id]["assigned"] == 2
    chair.select(case_id)
    assert chair.record_decision() is None
    question = chair.question
    assert question.isVisible() and "not in yet" in question.text()
    question.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: chair.dialog is not None and chair.dialog.isVisible(), timeout=5_000)
    decision = chair.dialog
    check_dialog(decision)
    decision.choice.buttons()[0].click()
    qtbot.keyClicks(decision.reason, "Strong evidence from one reviewer; panel agreed")
    with qtbot.waitSignal(chair.decided, timeout=10_000):
        decision.record_button.click()
    assert lib.get(case_id)["status"] == "accepted"
    qtbot.waitUntil(lambda: chair.table.item(chair.shown_ids().index(case_id), SUMMARY_COLUMNS.index("Decision"))
                    .text() == "Accept", timeout=10_000)

    # 6. the panel report, then "Open file"
    report = tmp_path / "panel report.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), "Word documents (*.docx)"))
    main.findChild(QAction, "review_report").trigger()
    qtbot.waitUntil(lambda: getattr(main, "review_result", None) is not None, timeout=30_000)
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    tables = "\n".join(c.text for t in Document(str(report)).tables for row in t.rows for c in row.cells)
    assert "Expert reference group review report" in text
    assert lib.get(case_id)["title"] in tables and "accept" in tables
    file_button = next(b for b in main.review_result.buttons() if "file" in b.text().replace("&", "").lower())
    file_button.click()
    assert main.opened[-1] == str(report.resolve())

    # 7. every score to CSV
    scores = tmp_path / "scores.csv"
    main.review_result = None
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(scores), "CSV files (*.csv)"))
    main.findChild(QAction, "review_export").trigger()
    qtbot.waitUntil(lambda: main.review_result is not None, timeout=30_000)
    lines = scores.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("case_id,title,reviewer_id") and len(lines) == 1 + len(tom["cases"])
