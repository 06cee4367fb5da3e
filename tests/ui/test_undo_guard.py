"""Undo asks first for a big change or one this window did not make; the label follows outside changes (10.6)."""

from __future__ import annotations

from curator.importers import ImportItem
from curator.library import Library

from .conftest import settle


def _items(n: int, prefix: str) -> list[ImportItem]:
    return [ImportItem(f"batch.json#{i + 1}", {"title": f"{prefix} outreach clinic number {i + 1}",
                                               "ics": "E54000057", "organisation": f"Org {i}"}) for i in range(n)]


def test_undo_of_a_change_made_by_another_process_asks_first(qtbot, window, demo_library):
    count = demo_library.count()
    with Library.open(demo_library.folder, daily_backup=False) as other:  # as the CLI would, in its own process
        other.import_records(_items(3, "Elsewhere"), backup=False)
    qtbot.waitUntil(lambda: "import" in window.actions_["undo"].text().lower(), timeout=10_000)
    assert demo_library.count() == count + 3
    window.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "undo_prompt", None) is not None, timeout=10_000)
    prompt = window.undo_prompt
    assert "Import from batch.json" in prompt.text() and "not made in this window" in prompt.text()
    settle(qtbot, window)
    assert demo_library.count() == count + 3  # nothing undone until the person says so
    next(b for b in prompt.buttons() if b.text() == "Undo").click()
    qtbot.waitUntil(lambda: demo_library.count() == count, timeout=10_000)


def test_undo_of_more_than_fifty_records_asks_and_cancel_keeps_them(qtbot, window, demo_library):
    count = demo_library.count()
    with qtbot.waitSignal(window.bridge.changed, timeout=10_000):
        window.runner.write(demo_library.import_records, _items(60, "Bulk"), backup=False)
    settle(qtbot, window)
    window.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "undo_prompt", None) is not None, timeout=10_000)
    prompt = window.undo_prompt
    assert "60 case studies" in prompt.text() and "not made in this window" not in prompt.text()
    prompt.button(prompt.StandardButton.Cancel).click()
    settle(qtbot, window)
    assert demo_library.count() == count + 60


def test_a_small_change_made_here_undoes_without_asking(qtbot, window, demo_library):
    case_id = window.results.ids()[0]
    window.runner.write(demo_library.update, case_id, {"organisation": "Changed here"})
    qtbot.waitUntil(lambda: window.actions_["undo"].text().startswith("&Undo edit"), timeout=10_000)
    window.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: demo_library.get(case_id)["organisation"] != "Changed here", timeout=10_000)
    assert getattr(window, "undo_prompt", None) is None
