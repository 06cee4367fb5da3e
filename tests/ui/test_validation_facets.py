"""Issue 10, points 13, 15 and 16: validation in the user's words, the filters pane keeps its width, facet counts
that say what ticking would add, Status in workflow order, short Undo/Redo, the welcome, the first demo open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.library import Library
from curator.model import field_label, parse_date
from curator.vocab import vocabularies
from curator.workflow import STATUS_LABELS
from tests.ui.conftest import make_window, settle

ROOT = Path(__file__).resolve().parents[2]


def open_new_editor(qtbot, window):
    window.actions_["new_record"].trigger()
    editor = next(iter(window.editors.values()))
    qtbot.waitExposed(editor)
    return editor


def save(qtbot, editor, signal):
    with qtbot.waitSignal(signal, timeout=10_000):
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


# -- point 13 ---------------------------------------------------------------------------------------------
def test_a_uk_date_is_accepted_and_stored_as_iso(qtbot, window, demo_library):
    editor = open_new_editor(qtbot, window)
    editor.widget_for("title").setText("Canal boat health checks")
    editor.widget_for("review_by").setText("31/03/2027")
    save(qtbot, editor, editor.saved)
    assert demo_library.get(editor.case_id)["review_by"] == "2027-03-31"
    assert parse_date("3/4/2027") == "2027-04-03" and parse_date("31/02/2027") is None


def test_errors_name_the_field_by_its_label_outline_it_and_mark_its_tab(qtbot, window, demo_library):
    editor = open_new_editor(qtbot, window)
    editor.widget_for("title").setText("Canal boat health checks")
    editor.widget_for("review_by").setText("next spring")
    editor.widget_for("key_actions").set_value([{"action": "", "audience": "clinicians"}])
    editor.widget_for("key_actions").changed.emit()
    save(qtbot, editor, editor.validationFailed)
    message = editor.error_for("review_by")
    assert message.startswith("Review by:") and "review_by" not in message and "31/03/2027" in message
    assert editor.error_for("key_actions").startswith("Key actions, row 1, action:")
    assert editor.widget_for("review_by").property("invalid") is True
    assert editor.widget_for("title").property("invalid") in (None, False)
    assert editor.tabs.tabText(0).startswith("⚠") and editor.tabs.tabText(3).startswith("⚠")
    assert not editor.tabs.tabText(1).startswith("⚠")
    editor.widget_for("review_by").setText("2027-03-31")
    editor.widget_for("key_actions").set_value([])
    editor.widget_for("key_actions").changed.emit()
    save(qtbot, editor, editor.saved)
    assert editor.widget_for("review_by").property("invalid") is False
    assert not any(editor.tabs.tabText(i).startswith("⚠") for i in range(editor.tabs.count()))


def test_the_cli_keeps_the_field_path_in_its_messages(demo_library):
    from curator.errors import RecordErrors

    try:
        demo_library.create({"title": "t", "review_by": "next spring"})
    except RecordErrors as err:
        assert str(err).startswith("review_by: ")  # the CLI's shape, unchanged
    assert field_label("outcomes[2].value") == "Outcomes, row 3, value"


# -- point 15 ---------------------------------------------------------------------------------------------
def test_ticking_a_region_keeps_the_filters_pane_and_names_the_region(qtbot, window):
    window.resize(1360, 800)
    qtbot.waitUntil(lambda: window.width() >= 1000)
    before = window.splitter.sizes()[0]
    region = window.facets.parents[("region", "north_west")] if ("region", "north_west") in window.facets.parents \
        else next(v for (k, _), v in window.facets.parents.items() if k == "region")
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        region.setCheckState(0, Qt.CheckState.Checked)
    settle(qtbot, window)
    QApplication.processEvents()
    assert window.splitter.sizes()[0] >= min(before, 200)
    assert window.facets.width() >= window.facets.minimumWidth() > 100
    name = region.data(0, Qt.ItemDataRole.UserRole + 1)
    text = window.count_label.text()
    assert f"filtered by {name}" in text
    first_ics = region.child(0).data(0, Qt.ItemDataRole.UserRole + 1)
    assert first_ics not in text


# -- point 16 ---------------------------------------------------------------------------------------------
def test_facet_counts_are_disjunctive_within_a_facet(qtbot, window, demo_library):
    vocab = vocabularies()
    regions = [r.id for r in vocab.regions]
    counts = {r: demo_library.list_records(region=r)["total"] for r in regions}
    ticked, other = sorted((r for r in regions if counts[r]), key=counts.get)[-2:]
    with qtbot.waitSignal(window.resultsShown, timeout=10_000):
        window.facets.parents[("region", ticked)].setCheckState(0, Qt.CheckState.Checked)
    settle(qtbot, window)
    label = window.facets.parents[("region", other)].text(0)
    assert label.endswith(f"({counts[other]})"), label  # what ticking it would add, not "(0)"
    # other facets still narrow with the filter: AND across facets
    published_here = demo_library.list_records(region=ticked, status="published")["total"]
    assert window.facets.leaves[("status", "published")].text(0).endswith(f"({published_here})")


def test_status_sorts_in_workflow_order(qtbot, window):
    column = 4
    window.results.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    shown = [window.results.model().index(r, column).data() for r in range(window.results.model().rowCount())]
    order = list(STATUS_LABELS.values())
    assert shown == sorted(shown, key=order.index) and len(set(shown)) > 2
    assert shown != sorted(shown)  # alphabetical would put Accepted first


def test_undo_and_redo_have_short_toolbar_labels_and_full_tooltips(qtbot, window, demo_library):
    record = demo_library.list_records(limit=1)["items"][0]
    window.runner.write(demo_library.set_status, record["id"], "draft" if record["status"] != "draft" else
                        "submitted")
    settle(qtbot, window)
    undo = window.actions_["undo"]
    qtbot.waitUntil(lambda: undo.isEnabled(), timeout=10_000)
    toolbar = window.findChild(type(window.addToolBar("probe")), "main-toolbar")
    button = toolbar.widgetForAction(undo)
    assert button.text() == "Undo"
    assert undo.text().replace("&", "").startswith("Undo ") and len(undo.text()) > 10
    assert undo.text().replace("&", "") in undo.toolTip() and "Ctrl+Z" in undo.toolTip()
    assert toolbar.widgetForAction(window.actions_["redo"]).text() == "Redo"


def test_an_empty_library_shows_a_welcome_and_loads_the_demo_from_it(qtbot, library, settings):
    window = make_window(qtbot, library, settings)
    assert "Welcome to Curator" in window.preview.toPlainText()
    assert str(library.folder) in window.preview.toPlainText()
    assert "Clear the filters" not in window.preview.toPlainText()
    assert "empty" in window.count_label.text()
    with qtbot.waitSignal(window.resultsShown, timeout=20_000):
        window.preview.anchorClicked.emit(__import__("PySide6.QtCore").QtCore.QUrl("curator:demo"))
    qtbot.waitUntil(lambda: window.last_result.get("total", 0) == 28, timeout=20_000)
    window.close()


def test_the_first_open_of_a_demo_library_never_says_the_index_was_missing(qtbot, tmp_path, settings):
    folder = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "curator", "--library", str(folder), "demo"], check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # as 'make run' does
    library = Library.open(folder)
    try:
        window = make_window(qtbot, library, settings)  # waits for the first answer, which builds the index
        assert "missing" not in window.count_label.text() and not window.last_result.get("notice")
        settle(qtbot, window)
        assert window.last_result["total"] == 28
        window.close()
    finally:
        library.close()
