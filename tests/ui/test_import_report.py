"""The import report: a field-by-field merge for "Update the match" (10.4), and where things went (10.7)."""

from __future__ import annotations

import json

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
