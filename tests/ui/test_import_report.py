"""The import report: a field-by-field merge for "Update the match" (10.4), and where things went (10.7)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from curator import merge


def _report(qtbot, window, path):
    window.import_paths([path])
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=15_000)
    return window.import_dialog


def test_update_the_match_merges_field_by_field_and_keeps_the_rest(qtbot, window, demo_library, tmp_path):
    held = next(demo_library.get(r["id"]) for r in demo_library.list_records(status="published")["items"]
                if demo_library.get(r["id"])["programme"])
    resubmission = {"title": held["title"], "organisation": held["organisation"], "ics": held["ics"],
                    "summary": "Resubmitted: a shorter summary.", "year": 2025}
    path = tmp_path / "resubmission.json"
    path.write_text(json.dumps([resubmission]), encoding="utf-8")
    dialog = _report(qtbot, window, path)
    assert dialog.tabs.currentIndex() == 2
    dialog.update_button.click()
    qtbot.waitUntil(lambda: getattr(dialog, "merge_dialog", None) is not None, timeout=10_000)
    view = dialog.merge_dialog.view
    shown = {m.field for m in view.rows}
    assert "summary" in shown and "programme" not in shown and "status" not in shown
    assert view.choice_for("summary") == merge.THEIRS and view.choice_for("status") == merge.MINE
    assert view.table.horizontalHeaderItem(1).text().startswith("In the library")
    assert view.table.horizontalHeaderItem(2).text() == "In the file"
    year_row = [m.field for m in view.rows].index("year")
    view.choose(year_row, merge.MINE)  # a person keeps the library's year
    with qtbot.waitSignal(dialog.resolved, timeout=10_000) as blocker:
        dialog.merge_dialog.apply_button.click()
    assert blocker.args[1].startswith(f"Updated {held['id']}: Summary from the file")
    after = demo_library.get(held["id"])
    assert after["summary"] == "Resubmitted: a shorter summary." and after["year"] == held["year"]
    for field in ("programme", "clinical_areas", "population_groups", "action_areas", "key_actions", "partners",
                  "ahsn", "status", "body"):
        assert after[field] == held[field], field


def _word_file(path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("Community gardening for refugee families in Leeds", style="Title")
    doc.add_paragraph("Integrated Care System: NHS West Yorkshire ICB")
    doc.add_heading("The challenge", level=1)
    doc.add_paragraph("Families newly settled in Leeds had little contact with primary care.")
    doc.save(path)
    return path


def test_report_shows_where_things_went_names_refusals_and_offers_fixes(qtbot, window, demo_library, tmp_path):
    records = [{"title": "Maternity outreach in Grimsby", "ics": "E54000057", "clinical_areas": ["matrnity"]},
               {"title": "Stop-smoking clinics in Hull markets", "ics": "E54000057", "year": "twenty"}]
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(records), encoding="utf-8")
    window.import_paths([batch, _word_file(tmp_path / "leeds.docx")])
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=20_000)
    dialog = window.import_dialog
    notes = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
    assert any("The challenge" in n and "→ body" in n for n in notes), notes
    refused = [dialog.refused.item(i).text() for i in range(dialog.refused.count())]
    assert refused[0].startswith("'Maternity outreach in Grimsby' (batch.json#1)")
    assert refused[1].startswith("'Stop-smoking clinics in Hull markets'")

    dialog.tabs.setCurrentIndex(1)
    dialog.refused.setCurrentRow(0)
    assert dialog.accept_button.isEnabled() and "'matrnity' → 'Maternity'" in dialog.fix_state.text()
    with qtbot.waitSignal(dialog.refixed, timeout=10_000) as blocker:
        dialog.accept_button.click()
    new_id = blocker.args[1].split()[2]
    assert demo_library.get(new_id)["clinical_areas"] == ["adult_maternity"]

    dialog.refused.setCurrentRow(1)
    assert not dialog.accept_button.isEnabled() and dialog.edit_button.isEnabled()
    dialog.edit_button.click()
    editor = next(e for e in window.editors.values() if e.case_id is None)
    assert editor.widget_for("title").text() == "Stop-smoking clinics in Hull markets"
    editor._closing_ok = True
    editor.close()

    dialog.tabs.setCurrentIndex(0)
    dialog.imported.setFocus()
    dialog.imported.setCurrentRow(0)
    case_id = dialog.imported.item(0).text().split()[0]
    qtbot.keyClick(dialog.imported, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(e.case_id == case_id for e in window.editors.values()), timeout=5_000)
