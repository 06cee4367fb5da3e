"""Issue 11, driven as a user: the guide through the Publish menu (with the PII gate), editions, Word forms, the
personal-data check, the trash, backups, help, and the library-management additions to the panes."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox, QWidget

from curator.ui import guide_dialog, publish_common, publish_menu

from .conftest import settle, shown_titles

NHS_NUMBER = "943 476 5919"  # a valid Modulus 11 check digit


@pytest.fixture
def opened(monkeypatch):
    """What the app asked the desktop to open (nothing is opened in a test)."""
    calls: list[Path] = []

    def record(path):
        calls.append(Path(path))
        return True

    for module in (publish_common, guide_dialog, publish_menu):
        monkeypatch.setattr(module, "open_path", record)
    from curator.ui import backups_dialog

    monkeypatch.setattr(backups_dialog, "open_path", record)
    return calls


def _open(window, name: str):
    before = len(window.publish_windows)
    window.publish_actions[name].trigger()
    assert len(window.publish_windows) == before + 1
    return window.publish_windows[-1]


def _guide_dialog(qtbot, window, out: Path):
    dialog = _open(window, "export_guide")
    qtbot.waitUntil(lambda: "will go in" in dialog.count_label.text(), timeout=10_000)
    dialog.out.setText(str(out))
    return dialog


def _texts(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_export_guide_through_the_dialog(qtbot, window, demo_library, tmp_path, opened):
    accepted = [r["title"] for s in ("accepted", "published") for r in demo_library.iter_records(status=s)]
    dialog = _guide_dialog(qtbot, window, tmp_path / "guide")
    assert dialog.count_label.text().startswith(f"{len(accepted)} case studies")
    draft = next(demo_library.iter_records(status="submitted"))
    demo_library.set_status(draft["id"], "in_review")
    demo_library.set_status(draft["id"], "accepted")  # accepted meanwhile in the window: the count follows
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith(f"{len(accepted) + 1} case"), timeout=10_000)
    accepted.append(draft["title"])
    dialog.statuses["published"].setChecked(False)  # the count follows the ticks
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith(f"{len(accepted) - 6} case"), timeout=10_000)
    dialog.statuses["published"].setChecked(True)
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith(f"{len(accepted)} case"), timeout=10_000)
    dialog.out.setFocus()
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as got:
        qtbot.keyClick(dialog.out, Qt.Key.Key_Return)  # Enter exports: Export is the default button
    out = tmp_path / "guide.docx"  # '.docx' added to a name typed without one
    assert got.args[0]["path"] == str(out.resolve()) and out.is_file()
    text = _texts(out)
    for title in accepted:
        assert title in text
    assert dialog.open_guide.isVisible() and dialog.open_folder.isVisible()
    qtbot.mouseClick(dialog.open_guide, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
    assert opened == [out.resolve(), out.resolve().parent]


def test_a_missing_template_is_explained_in_the_dialog(qtbot, window, tmp_path):
    dialog = _guide_dialog(qtbot, window, tmp_path / "guide.docx")
    dialog.template.setText(str(tmp_path / "our-styles.docx"))
    with qtbot.waitSignal(window.runner.idle, timeout=30_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not written" in dialog.message.text(), timeout=10_000)
    assert "Word template" in dialog.message.text() and "no such file" in dialog.message.text()
    assert not (tmp_path / "guide.docx").exists() and dialog.export_button.isEnabled()
    dialog.message.setText("")
    dialog.out.setText(str(tmp_path / "guide.pdf"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "must end in .docx" in dialog.message.text()


def test_pii_stops_the_guide_until_dismissed_with_a_reason(qtbot, demo_library, settings, tmp_path):
    from .conftest import make_window

    target = next(demo_library.iter_records(status="accepted"))
    demo_library.update(target["id"], {"summary": f"{target['summary']} Patient NHS number {NHS_NUMBER}."})
    window = make_window(qtbot, demo_library, settings)
    out = tmp_path / "guide.docx"
    dialog = _guide_dialog(qtbot, window, out)
    with qtbot.waitSignal(dialog.blocked, timeout=60_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    view = dialog.findings
    assert not out.exists()
    assert view.isVisible() and view.table.rowCount() == 1
    row = [view.table.item(0, c).text() for c in range(4)]
    assert row == [target["title"], "summary", "NHS number", row[3]] and NHS_NUMBER in row[3]
    assert "not written" in dialog.message.text()

    qtbot.mouseClick(view.dismiss_button, Qt.MouseButton.LeftButton)
    reason = view.reason_dialog
    assert reason is not None and not reason.ok.isEnabled()  # a reason is required
    qtbot.keyClicks(reason.reason, "Illustrative number from the NHS Data Dictionary, not a patient")
    with qtbot.waitSignal(view.dismissed, timeout=10_000):
        qtbot.mouseClick(reason.ok, Qt.MouseButton.LeftButton)
    assert view.table.rowCount() == 0
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert out.is_file() and target["title"] in _texts(out)
    notes = [h for h in demo_library.history(target["id"]) if "Dismiss possible NHS number" in h["label"]]
    assert len(notes) == 1 and "NHS Data Dictionary" in notes[0]["note"]
    window.close()


def test_editions_list_change_log_and_export_again(qtbot, window, demo_library, tmp_path, opened):
    from curator.word.guide import export_guide

    export_guide(demo_library, tmp_path / "one.docx")
    first = next(demo_library.iter_records(status="accepted"))
    demo_library.set_status(first["id"], "in_review")
    export_guide(demo_library, tmp_path / "two.docx")
    dialog = _open(window, "guide_editions")
    qtbot.waitUntil(lambda: dialog.details is not None, timeout=10_000)
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 0).text() == "2"
    log = dialog.log.toPlainText()
    assert "Changes since edition 1" in log and first["title"] in log.split("Removed")[1].split("Revised")[0]
    dialog.table.selectRow(1)
    qtbot.waitUntil(lambda: dialog.details["number"] == 1, timeout=10_000)
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as got:
        dialog.export_again(tmp_path / "again.docx")
    assert got.args[0]["edition"] == 1 and got.args[0]["rewritten"]
    assert first["title"] in _texts(tmp_path / "again.docx")  # edition 1 as it was, with the record it held
    box = dialog.result_box
    assert isinstance(box, publish_common.ResultBox) and box.path == (tmp_path / "again.docx").resolve()
    box.open_folder.click()
    assert opened == [tmp_path.resolve()]


def test_submission_forms_blank_and_for_the_selected_record(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(publish_menu, "ask_save_path", lambda *a: tmp_path / "blank")
    window.publish_actions["template_submission"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "result_box", None) is not None, timeout=10_000)
    assert window.result_box.path == (tmp_path / "blank.docx").resolve() and Document(str(window.result_box.path))
    window.result_box.close()
    qtbot.waitUntil(lambda: window.current_record is not None, timeout=10_000)
    record = window.current_record
    monkeypatch.setattr(publish_menu, "ask_save_path", lambda *a: tmp_path / "one.docx")
    window.result_box = None
    window.publish_actions["export_submission"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "result_box", None) is not None, timeout=10_000)
    assert record["title"] in _texts(tmp_path / "one.docx")


def test_check_for_personal_data_over_the_selection(qtbot, demo_library, settings):
    from .conftest import make_window

    target = next(demo_library.iter_records(status="draft"))
    demo_library.update(target["id"], {"lessons": ["Write to the patient at SW1A 1AA"]})
    window = make_window(qtbot, demo_library, settings)
    window.results.select_id(target["id"])
    opened: list[str] = []
    window.open_editor = lambda case_id=None, **kw: opened.append(case_id)
    dialog = _open(window, "check_pii")
    assert dialog.scope_selection.isChecked() and "(1)" in dialog.scope_selection.text()
    with qtbot.waitSignal(dialog.checked, timeout=10_000) as got:
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert [(f["id"], f["kind"]) for f in got.args[0]] == [(target["id"], "postcode")]
    qtbot.mouseClick(dialog.view.open_button, Qt.MouseButton.LeftButton)
    assert opened == [target["id"]]
    window.close()


def test_delete_see_it_in_trash_restore_and_bulk_delete_is_one_undo(qtbot, window, demo_library):
    settle(qtbot, window)
    first_id = window.results.ids()[0]
    title = next(r["title"] for r in window.results.results.rows if r["id"] == first_id)
    window.results.select_id(first_id)
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Delete)
    next(b for b in window.confirm_prompt.buttons() if b.text() == "Move to trash").click()  # it asks first
    qtbot.waitUntil(lambda: demo_library.is_deleted(first_id), timeout=10_000)
    settle(qtbot, window)
    assert title not in shown_titles(window)
    trash = _open(window, "trash")
    qtbot.waitUntil(lambda: trash.table.rowCount() == 1, timeout=10_000)
    assert trash.table.item(0, 0).text() == title
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trash.table.rowCount() == 0, timeout=10_000)
    settle(qtbot, window)
    assert title in shown_titles(window) and not demo_library.is_deleted(first_id)

    view = window.results
    view.selectRow(0)
    view.selectionModel().select(view.proxy.index(1, 0), view.selectionModel().SelectionFlag.Select |
                                 view.selectionModel().SelectionFlag.Rows)
    two = view.ids()[:2]
    view.setFocus()
    window.actions_["delete"].trigger()
    prompt = window.confirm_prompt
    assert "2 case studies" in prompt.text()  # several at once are asked about once
    next(b for b in prompt.buttons() if b.text() == "Move to trash").click()
    qtbot.waitUntil(lambda: trash.table.rowCount() == 2, timeout=10_000)
    assert all(demo_library.is_deleted(i) for i in two)
    window.actions_["undo"].trigger()  # one step brings both back
    qtbot.waitUntil(lambda: trash.table.rowCount() == 0, timeout=10_000)
    assert not any(demo_library.is_deleted(i) for i in two)

    demo_library.delete(two[0])
    qtbot.waitUntil(lambda: trash.table.rowCount() == 1, timeout=10_000)
    box = trash.empty_trash()
    assert isinstance(box, QMessageBox) and box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: trash.table.rowCount() == 0, timeout=10_000)
    assert not demo_library.store.exists(two[0])
    trash.close()


def test_back_up_then_restore_brings_the_library_back(qtbot, window, demo_library, opened):
    settle(qtbot, window)
    before = sorted(r["id"] for r in demo_library.iter_records())
    dialog = _open(window, "backups")
    qtbot.waitUntil(lambda: dialog.status.text() != "", timeout=10_000)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=20_000)
    assert dialog.table.item(0, 1).text() == "Backed up by hand"
    gone = before[:3]
    for case_id in gone:
        demo_library.delete(case_id)
    demo_library.create({"title": "Added after the backup", "ics": "E54000057"})
    assert sorted(r["id"] for r in demo_library.iter_records()) != before
    dialog.table.selectRow(0)
    box = dialog.restore_selected()
    with qtbot.waitSignal(dialog.restored, timeout=30_000) as got:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert got.args[0]["records"] == len(before)
    assert sorted(r["id"] for r in demo_library.iter_records()) == before
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)  # the safety backup taken first
    assert "Restored" in dialog.status.text()
    settle(qtbot, window)
    assert "Added after the backup" not in shown_titles(window)
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("The library is sound")
    dialog.close()


def test_help_data_folder_and_log(qtbot, window, demo_library, opened):
    window.activateWindow()
    window.publish_actions["help"].trigger()
    assert window.publish_actions["help"].shortcut().toString() == "F1"
    dialog = window.publish_windows[-1]
    text = dialog.browser.toPlainText()
    for heading in ("Getting started", "The yearly cycle", "Searching", "Keyboard shortcuts"):
        assert heading in text
    assert "Export the guide" in text and "Ctrl+Shift+G" in text  # the live shortcut table
    window.publish_actions["open_data_folder"].trigger()
    window.publish_actions["open_log"].trigger()
    assert opened == [demo_library.folder, demo_library.log_path]
    dialog.close()


def test_saved_searches_rename_reorder_delete_from_the_sidebar(qtbot, window, demo_library):
    service = demo_library.extensions["search"]
    for name, query in (("asthma", "asthma"), ("boaters", "boaters")):
        service.save_search(name, query)
    window.refresh_saved_searches()
    saved = window.facets.saved
    names = lambda: [saved.item(i).text() for i in range(saved.count())]  # noqa: E731
    saved.setCurrentRow(1)
    saved.setFocus()
    qtbot.keyClick(saved, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: names() == ["boaters", "asthma"], timeout=10_000)
    assert saved.currentItem().text() == "boaters"
    qtbot.keyClick(saved, Qt.Key.Key_F2)
    dialog = window.saved_rename_dialog
    dialog.setTextValue("Canal boaters")
    dialog.accept()
    qtbot.waitUntil(lambda: names() == ["Canal boaters", "asthma"], timeout=10_000)
    saved.setCurrentRow(1)
    qtbot.keyClick(saved, Qt.Key.Key_Delete)
    next(b for b in window.saved_delete_box.buttons() if b.text() == "Forget").click()
    qtbot.waitUntil(lambda: names() == ["Canal boaters"], timeout=10_000)
    assert [s["name"] for s in service.saved_searches()] == ["Canal boaters"]
    assert not demo_library.trash(), "Delete in the sidebar deleted a case study"


def test_share_a_saved_search_by_keyboard_from_its_menu(qtbot, window, demo_library):
    """Menu key (or Shift+F10) opens the saved search's menu by keyboard; Share marks it shared, the sidebar says
    so, and the status bar says it goes to the team once the library is linked (this one is not)."""
    service = demo_library.extensions["search"]
    service.save_search("asthma", "asthma")
    window.refresh_saved_searches()
    saved = window.facets.saved
    saved.setCurrentRow(0)
    saved.setFocus()
    for key, mods in ((Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
                      (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)):
        window.saved_context_menu = None
        qtbot.keyClick(saved, key, mods)
        assert window.saved_context_menu is not None, f"{key} did not open the saved search's menu"
        window.saved_context_menu.close()
    share = next(a for a in window.saved_context_menu.actions() if a.text() == "&Share with team library")
    assert share.isCheckable() and not share.isChecked()
    share.trigger()
    qtbot.waitUntil(lambda: saved.item(0).text() == "asthma (shared)", timeout=10_000)
    assert "once this library is linked" in window.statusBar().currentMessage()
    assert service.saved_searches() == [{"name": "asthma", "query": "asthma", "shared": True}]
    # running, renaming and unsharing still work on the name, not the "(shared)" text
    saved.setCurrentRow(0)
    qtbot.keyClick(saved, Qt.Key.Key_Menu)
    unshare = next(a for a in window.saved_context_menu.actions() if a.text() == "&Share with team library")
    assert unshare.isChecked()
    window.saved_context_menu.close()
    unshare.trigger()
    qtbot.waitUntil(lambda: saved.item(0).text() == "asthma", timeout=10_000)


def test_bulk_status_and_tag_from_the_context_menu_then_one_undo(qtbot, window, demo_library, tmp_path):
    from curator.ui.library_menu import bulk_status, bulk_tags, selected_ids, selection_menu

    window.search_box.setText("status:draft")
    qtbot.waitUntil(lambda: window.results.model().rowCount() >= 2 and
                    window.last_result.get("query") == "status:draft", timeout=10_000)
    window.results.selectAll()
    ids = selected_ids(window)
    assert len(ids) >= 2
    from PySide6.QtWidgets import QMenu

    menu = QMenu()
    selection_menu(window, ids, menu)
    assert [a.text() for a in menu.actions() if a.text()][:3] == [
        f"Change &status of {len(ids)} case studies", f"&Add a tag to {len(ids)} case studies",
        f"&Remove a tag from {len(ids)} case studies"]
    bulk_status(window, ids, "submitted")
    qtbot.waitUntil(lambda: hasattr(window, "last_bulk_result"), timeout=10_000)
    assert sorted(window.last_bulk_result["changed"]) == sorted(ids)
    del window.last_bulk_result
    bulk_tags(window, ids, "area", "cyp_asthma", True)
    qtbot.waitUntil(lambda: hasattr(window, "last_bulk_result"), timeout=10_000)
    assert all("cyp_asthma" in demo_library.get(i)["clinical_areas"] for i in ids)
    window.actions_["undo"].trigger()  # undo first reads what it would undo, then writes
    qtbot.waitUntil(lambda: not any("cyp_asthma" in demo_library.get(i)["clinical_areas"]
                                    for i in window.last_bulk_result["changed"]), timeout=10_000)
    assert not any("cyp_asthma" in demo_library.get(i)["clinical_areas"] for i in window.last_bulk_result["changed"])
    assert all(demo_library.get(i)["status"] == "submitted" for i in ids)  # the status step stays
    from curator.ui.library_menu import export_word_forms

    export_word_forms(window, ids[:2], tmp_path)
    qtbot.waitUntil(lambda: getattr(window, "result_box", None) is not None, timeout=20_000)
    assert sorted(p.name.split("-cs-")[1] for p in tmp_path.glob("*.docx")) == sorted(f"{i[3:]}.docx" for i in ids[:2])


def test_column_chooser_shows_organisation_and_remembers(qtbot, window, settings):
    from curator.ui.library_menu import ALL_COLUMNS, column_menu

    settle(qtbot, window)
    header = window.results.horizontalHeader()
    col = next(n for n, (key, _h) in enumerate(ALL_COLUMNS) if key == "organisation")
    assert header.isSectionHidden(col)
    menu = column_menu(window)
    next(a for a in menu.actions() if a.text() == "Organisation").trigger()
    assert not header.isSectionHidden(col)
    row = window.results.results.rows[0]
    assert window.results.model().index(0, col).data() in {r["organisation"] for r in window.results.results.rows}
    assert row["organisation"]
    assert settings.q.value("results/columns") in (["organisation"], "organisation")
    window.results.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    shown = [window.results.model().index(r, col).data() for r in range(window.results.model().rowCount())]
    assert shown == sorted(shown, key=str.casefold)


def test_new_case_study_from_a_coverage_gap(qtbot, window):
    from curator.ui.library_menu import coverage_menu

    with qtbot.waitSignal(window.coverage.loaded, timeout=10_000):
        window.tabs.setCurrentIndex(1)
    table = window.coverage.table
    row, column = window.coverage.find_cell("E54000057", "ext_liver")
    assert table.item(row, column).text() == "–"  # a gap
    table.setCurrentCell(row, column)
    menu = coverage_menu(window)
    action = next(a for a in menu.actions() if a.objectName() == "coverage_new_case")
    assert action.isEnabled()
    action.trigger()
    editor = next(iter(window.editors.values()))
    values = editor.collect()
    assert values["ics"] == "E54000057" and values["clinical_areas"] == ["ext_liver"]


# -- every dialog: fits a small screen, keyboard reachable, named for screen readers ------------------------
def _focus_chain(dialog: QWidget) -> list[QWidget]:
    chain, widget = [], dialog.nextInFocusChain()
    while widget is not dialog and widget not in chain:
        if widget.isVisibleTo(dialog) and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


@pytest.mark.parametrize("name", ["export_guide", "guide_editions", "check_pii", "trash", "backups", "help"])
def test_dialogs_fit_the_screen_are_keyboard_usable_and_named(qtbot, window, name):
    dialog = _open(window, name)
    qtbot.waitUntil(lambda: window.runner.pending_writes == 0, timeout=10_000)
    QApplication.processEvents()
    assert isinstance(dialog, QDialog) and dialog.accessibleName() == dialog.windowTitle()
    assert dialog.width() <= 1366 and dialog.height() <= 768
    assert dialog.minimumSizeHint().width() <= 1366 and dialog.minimumSizeHint().height() <= 768
    chain = _focus_chain(dialog)
    assert chain, "nothing takes the keyboard"
    for widget in chain:
        assert widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text()), widget
    buttons = [w.text().replace("&", "") for w in chain if isinstance(w, QAbstractButton)]
    assert "Close" in buttons
    mnemonics = [w.text() for w in chain if isinstance(w, QAbstractButton) and "&" in w.text()]
    keys = [t[t.index("&") + 1].lower() for t in mnemonics]
    assert len(keys) == len(set(keys)), f"two buttons share an Alt key: {mnemonics}"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)


def test_publish_actions_have_contract_names_and_no_shortcut_clash(window):
    from PySide6.QtGui import QAction

    names = {a.objectName() for a in window.findChildren(QAction)}
    assert {"export_guide", "guide_editions", "template_submission", "export_submission", "check_pii", "trash",
            "backups", "help"} <= names
    keys = [s.toString() for a in window.findChildren(QAction) for s in a.shortcuts()]
    assert len(keys) == len(set(keys)), "two actions share a shortcut"
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus.index("Publish") < menus.index("Help") and "Library" in menus


def test_cancelled_guide_writes_nothing(demo_library, tmp_path):
    from curator.progress import Cancelled, CancelToken
    from curator.ui.guide_dialog import guide_job

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        guide_job(demo_library, tmp_path / "g.docx", {}, lambda *a: None, token)
    assert not (tmp_path / "g.docx").exists() and not list(tmp_path.glob("*.partial"))
    assert demo_library.store.scalar("SELECT COUNT(*) FROM guide_editions") == 0


@pytest.mark.parametrize("view", ["guide", "pii"])
def test_screenshot_views(demo_library, tmp_path, view):
    import subprocess
    import sys

    out = tmp_path / f"{view}.png"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "main.py"), "--library", str(demo_library.folder),
                           "--screenshot", str(out), "--view", view], capture_output=True, timeout=120, cwd=root,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_the_current_search_as_json(qtbot, window, tmp_path, monkeypatch):
    import json

    from curator.ui import library_menu

    monkeypatch.setattr(library_menu, "ask_save_path", lambda *a: tmp_path / "search.json")
    window.search_box.setText("asthma")
    qtbot.waitUntil(lambda: window.last_result.get("query") == "asthma", timeout=10_000)
    total = window.last_result["total"]
    window.result_box = None
    window.publish_actions["export_search"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "result_box", None) is not None, timeout=10_000)
    records = json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))
    assert total >= 1 and len(records) == total
    assert [r["id"] for r in records] == [h["id"] for h in window.last_result["hits"]][:total]
