"""Editing: save, inline validation, undo/redo, status workflow, dirty editors, crash-recovered drafts."""

from __future__ import annotations

from PySide6.QtCore import Qt

from curator.ui.drafts import Drafts

from .conftest import make_window, settle


def _select(qtbot, window, case_id):
    """Select a case study and wait until it is shown. The window selects the first hit by itself, so when that
    is already the one asked for, selecting it again changes nothing and no new signal comes."""
    qtbot.waitUntil(lambda: bool(window.results.ids()), timeout=10_000)
    window.results.select_id(case_id)
    qtbot.waitUntil(lambda: window.current_record is not None and window.current_record.get("id") == case_id,
                    timeout=10_000)


def _find(library, title_start):
    return next(r["id"] for r in library.list_records()["items"] if r["title"].startswith(title_start))


def test_edit_and_save_then_undo_brings_the_old_text_back(qtbot, window, demo_library):
    case_id = _find(demo_library, "Mosque-based")
    old = demo_library.get(case_id)["title"]
    _select(qtbot, window, case_id)
    editor = window.open_editor(case_id)
    title = editor.widget_for("title")
    title.selectAll()
    qtbot.keyClicks(title, "Mosque heart checks")
    assert editor.dirty
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert demo_library.get(case_id)["title"] == "Mosque heart checks"
    assert not editor.dirty
    qtbot.waitUntil(lambda: "Mosque heart checks" in window.preview.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: window.actions_["undo"].text().startswith("&Undo edit"), timeout=10_000)
    window.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: demo_library.get(case_id)["title"] == old, timeout=10_000)
    qtbot.waitUntil(lambda: old in window.preview.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: window.actions_["redo"].isEnabled(), timeout=10_000)
    window.actions_["redo"].trigger()
    qtbot.waitUntil(lambda: demo_library.get(case_id)["title"] == "Mosque heart checks", timeout=10_000)


def test_an_unknown_ics_is_marked_inline_and_nothing_is_saved(qtbot, window, demo_library):
    case_id = _find(demo_library, "Mosque-based")
    before = demo_library.get(case_id)
    history_rows = len(demo_library.history(case_id))
    editor = window.open_editor(case_id)
    editor.ics.combo.setEditText("Narnia and the Wardrobe")
    editor.widget_for("summary").edit.setPlainText("Changed summary that must not be saved")
    with qtbot.waitSignal(editor.validationFailed, timeout=10_000) as blocker:
        editor.save()
    assert [e.field for e in blocker.args[0]] == ["ics"]
    message = editor.error_for("ics")
    assert "'Narnia and the Wardrobe' is not a known ICS" in message
    assert editor.error_for("title") == ""
    assert editor.tabs.currentIndex() == 0
    assert demo_library.get(case_id) == before
    assert len(demo_library.history(case_id)) == history_rows


def test_every_field_round_trips_through_the_editor(qtbot, window, demo_library, sample_record):
    record, _ = demo_library.create(dict(sample_record, custom_field={"kept": True}))
    editor = window.open_editor(record["id"])
    assert editor.collect()["ics"] == record["ics"]
    assert editor.widget_for("outcomes").value() == record["outcomes"]
    assert not editor.dirty
    outcomes = editor.widget_for("outcomes")
    outcomes.add_row({"measure": "Referrals", "value": "212"})
    outcomes.table.setCurrentCell(1, 0)
    outcomes.move(-1)
    editor.widget_for("partners").add("Faith leaders")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()
    saved = demo_library.get(record["id"])
    assert [o["measure"] for o in saved["outcomes"]] == ["Referrals", "Men checked"]
    assert saved["partners"][-1] == "Faith leaders"
    assert saved["custom_field"] == {"kept": True}
    assert saved["contact"] == record["contact"] and saved["summary"] == record["summary"]


def test_new_case_study_needs_a_title(qtbot, window, demo_library):
    editor = window.new_record() or next(iter(window.editors.values()))
    count = demo_library.count()
    with qtbot.waitSignal(editor.validationFailed, timeout=10_000):
        editor.save()
    assert "is required" in editor.error_for("title")
    editor.widget_for("title").setText("Community pharmacy BP checks")
    editor.ics.set_value("E54000057")
    with qtbot.waitSignal(editor.saved, timeout=10_000) as blocker:
        editor.save()
    assert demo_library.count() == count + 1
    assert demo_library.get(blocker.args[0])["ics"] == "E54000057"


def test_status_toolbar_offers_only_allowed_moves(qtbot, window, demo_library):
    case_id = _find(demo_library, "Mental health drop-ins")  # a draft
    _select(qtbot, window, case_id)
    enabled = {k.split(":")[1] for k, a in window.actions_.items() if k.startswith("status:") and a.isEnabled()}
    assert enabled == {"submitted", "archived"}
    window.actions_["status:submitted"].trigger()
    qtbot.waitUntil(lambda: demo_library.get(case_id)["status"] == "submitted", timeout=10_000)
    qtbot.waitUntil(lambda: window.actions_["undo"].text() == "&Undo change status to submitted", timeout=10_000)
    qtbot.waitUntil(lambda: window.actions_["status:in_review"].isEnabled(), timeout=10_000)


def test_delete_and_undo(qtbot, window, demo_library):
    case_id = _find(demo_library, "Mental health drop-ins")
    _select(qtbot, window, case_id)
    window.actions_["delete"].trigger()
    next(b for b in window.confirm_prompt.buttons() if b.text() == "Move to trash").click()  # it asks first
    qtbot.waitUntil(lambda: case_id not in window.results.ids(), timeout=10_000)
    assert demo_library.is_deleted(case_id)
    window.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: case_id in window.results.ids(), timeout=10_000)


def test_a_dirty_editor_asks_before_closing(qtbot, window, demo_library, monkeypatch):
    case_id = _find(demo_library, "Mosque-based")
    editor = window.open_editor(case_id)
    editor.widget_for("organisation").setText("Changed organisation")
    editor.write_draft()
    draft = Drafts(demo_library).folder / f"{editor.draft_key}.json"
    assert draft.exists()
    answers = iter(["cancel", "discard"])
    monkeypatch.setattr(type(editor), "confirm_close", lambda self: next(answers))
    assert not editor.close()
    assert editor.isVisible()
    assert editor.close()
    assert not draft.exists()
    assert demo_library.get(case_id)["organisation"] != "Changed organisation"


def test_drafts_survive_a_crash_and_are_offered_back(qtbot, demo_library, settings):
    case_id = _find(demo_library, "Mosque-based")
    drafts = Drafts(demo_library)
    drafts.save(drafts.new_key(case_id), case_id, {"summary": "Typed before the power cut"})
    window = MainWindow_with_prompt = make_window(qtbot, demo_library, settings)
    window.offer_drafts()
    assert window.drafts_prompt is not None and "1 unsaved edit" in window.drafts_prompt.text()
    window.drafts_prompt.close()
    editors = MainWindow_with_prompt.recover_drafts()
    assert len(editors) == 1
    assert editors[0].widget_for("summary").value() == "Typed before the power cut"
    assert editors[0].dirty
    with qtbot.waitSignal(editors[0].saved, timeout=10_000):
        editors[0].save()
    assert demo_library.get(case_id)["summary"] == "Typed before the power cut"
    assert Drafts(demo_library).pending() == []
    settle(qtbot, window)
    window.close()
