"""The team library from the window: sync from the File menu, see others' work, resolve a conflict."""

from __future__ import annotations

import pytest

from curator.library import Library
from curator.team import sync
from curator.ui.settings import Settings, ini_settings
from tests.ui.conftest import make_window


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(ini_settings(tmp_path / "settings.ini"))


def _trigger(window, name: str) -> None:
    action = next(a for a in window.findChildren(type(window.team.actions[name])) if a.objectName() == name)
    assert action.isEnabled(), f"{name} is disabled"
    action.trigger()


def test_sync_and_resolve_a_conflict_from_the_window(qtbot, tmp_path, team_url, sample_record, settings):
    asha = Library.open(tmp_path / "asha", daily_backup=False)
    tom = Library.open(tmp_path / "tom", daily_backup=False)
    try:
        sync.connect(asha, team_url)
        sync.connect(tom, team_url)
        record, _ = asha.create(sample_record)
        sync.sync(asha)
        window = make_window(qtbot, tom, settings)
        file_menu = window.menuBar().actions()[0].menu()
        assert {"team_connect", "team_sync", "team_conflicts"} <= {a.objectName() for a in file_menu.actions()}
        _trigger(window, "team_sync")
        qtbot.waitUntil(lambda: window.team.last is not None, timeout=30_000)
        assert window.team.last["pulled"] == 1
        qtbot.waitUntil(lambda: record["id"] in window.results.ids(), timeout=15_000)

        # the same field changed on both sides: the window says so and the dialog resolves it
        asha.update(record["id"], {"summary": "Asha's summary."})
        sync.sync(asha)
        tom.update(record["id"], {"summary": "Tom's summary."})
        window.team.last = None
        _trigger(window, "team_sync")
        qtbot.waitUntil(lambda: window.team.last is not None, timeout=30_000)
        assert window.team.last["conflicts"] == [record["id"]]
        assert "conflict" in window.statusBar().currentMessage()
        dialog = window.team.show_conflicts()
        table = dialog.view.table  # the same merge view as a near-duplicate import
        qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=5_000)
        assert table.item(0, 1).text() == "Tom's summary."
        assert table.item(0, 2).text() == "Asha's summary."
        assert table.item(0, 4).text() == "Tom's summary."  # yours until you choose
        table.cellWidget(0, 3).setCurrentIndex(1)  # Your colleague's
        assert table.item(0, 4).text() == "Asha's summary."
        dialog.resolve_button.click()
        qtbot.waitUntil(lambda: not dialog.items, timeout=15_000)
        assert tom.get(record["id"])["summary"] == "Asha's summary."
        dialog.close()
        window.close()
    finally:
        asha.close()
        tom.close()


def test_offline_sync_says_so_without_losing_anything(qtbot, tmp_path, settings, sample_record, monkeypatch):
    lib = Library.open(tmp_path / "lib", daily_backup=False)
    try:
        with lib.store.transaction():
            lib.store.conn.execute("INSERT INTO team_link (id, url, client_id, last_seq, connected) VALUES "
                                   "(1, 'postgresql://nobody@/x?host=/nonexistent', 'c', 0, 'now')")
        record, _ = lib.create(sample_record)
        window = make_window(qtbot, lib, settings)
        monkeypatch.setattr("curator.ui.team_menu.QMessageBox.warning", lambda *a: None)
        window.team.sync(manual=False)
        qtbot.waitUntil(lambda: not window.team.running, timeout=30_000)
        assert "not synced" in window.statusBar().currentMessage()
        assert lib.get(record["id"])["title"] == sample_record["title"]
        assert sync.outgoing(lib) == [record["id"]]
        window.close()
    finally:
        lib.close()


def test_share_a_saved_search_sync_from_the_toolbar_and_read_the_status(qtbot, tmp_path, team_url, settings):
    """Mark a saved search shared from the sidebar's menu, press the toolbar's Sync, and see it arrive in a
    colleague's sidebar; the status window names the role and what is waiting."""
    from PySide6.QtWidgets import QToolBar

    from curator.history import now_iso

    asha = Library.open(tmp_path / "asha", daily_backup=False)
    tom = Library.open(tmp_path / "tom", daily_backup=False)
    try:
        for lib in (asha, tom):
            sync.connect(lib, team_url)
        with asha.store.transaction() as conn:
            conn.execute("INSERT INTO saved_searches (name, query, created) VALUES ('Boaters', 'boat*', ?)",
                         (now_iso(),))
        window = make_window(qtbot, asha, settings)
        toolbar = window.findChild(QToolBar, "main-toolbar")
        sync_button = next(a for a in toolbar.actions() if a.objectName() == "team_sync_toolbar")
        assert sync_button.isVisible()
        saved = window.facets.saved
        qtbot.waitUntil(lambda: saved.count() == 1 and saved.item(0).text() == "Boaters", timeout=10_000)
        saved.setCurrentRow(0)
        menu = __import__("curator.ui.library_menu", fromlist=["saved_menu"]).saved_menu(window)
        share = next(a for a in menu.actions() if a.text().startswith("&Share"))
        assert not share.isChecked()
        share.trigger()
        qtbot.waitUntil(lambda: saved.item(0).text() == "Boaters (shared)", timeout=10_000)
        assert "next team sync" in window.statusBar().currentMessage()
        sync_button.trigger()
        qtbot.waitUntil(lambda: window.team.last is not None, timeout=30_000)
        assert window.team.last["review_rows_pushed"] == 1

        other = make_window(qtbot, tom, Settings(ini_settings(tmp_path / "tom.ini")))
        other.team.sync(manual=True)
        qtbot.waitUntil(lambda: other.facets.saved.item(0).text() == "Boaters (shared)", timeout=30_000)
        # exporting the guide from a linked library says to sync first (editions are numbered once per team)
        from curator.ui.guide_dialog import GuideDialog

        guide = GuideDialog(tom, other.runner, parent=other)
        assert "shared with a team" in guide.message.text() and "Sync first" in guide.message.text()
        guide.close()
        dialog = other.team.show_status()
        qtbot.waitUntil(lambda: dialog.fields["role"].text() != "…", timeout=30_000)
        assert dialog.fields["role"].text().startswith("Lead")
        assert dialog.fields["to_push"].text() == "0" and dialog.fields["conflicts"].text() == "0"
        from PySide6.QtCore import Qt as _Qt
        from PySide6.QtWidgets import QWidget

        focusable = [w for w in dialog.findChildren(QWidget) if w.focusPolicy() & _Qt.FocusPolicy.TabFocus
                     and w.isVisible()]
        assert focusable and all(w.accessibleName() or getattr(w, "text", lambda: "")() for w in focusable)
        dialog.close()
        # the main window still searches after the status window came and went
        other.search_box.setText("boat")
        qtbot.waitUntil(lambda: other.last_result.get("query") == "boat", timeout=15_000)
        other.close()
        window.close()
    finally:
        asha.close()
        tom.close()


def test_the_sync_button_is_hidden_until_the_library_is_linked(qtbot, tmp_path, settings):
    from PySide6.QtWidgets import QToolBar

    lib = Library.open(tmp_path / "lib", daily_backup=False)
    try:
        window = make_window(qtbot, lib, settings)
        toolbar = window.findChild(QToolBar, "main-toolbar")
        button = next(a for a in toolbar.actions() if a.objectName() == "team_sync_toolbar")
        assert not button.isVisible() and not window.team.actions["team_status"].isEnabled()
        window.close()
    finally:
        lib.close()
