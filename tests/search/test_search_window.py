"""The window's search box goes through the as-you-type path: one page, the exact total, more on scroll."""

from __future__ import annotations

import pytest

from curator.ui.queries import PAGE
from curator.ui.settings import Settings, ini_settings

pytest.importorskip("pytestqt")


@pytest.fixture
def window(qtbot, search_library, tmp_path, monkeypatch):
    from curator.ui.editor import EditorDialog
    from curator.ui.main_window import MainWindow

    monkeypatch.setattr(EditorDialog, "confirm_close", lambda self: "discard")
    service = search_library.extensions["search"]
    calls: list[tuple[str, str, dict]] = []
    for name in ("quick", "search"):
        real = getattr(service, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls.append((_name, args[0] if args else kwargs.get("query"), kwargs))
            return _real(*args, **kwargs)

        monkeypatch.setattr(service, name, spy)
    win = MainWindow(search_library, Settings(ini_settings(tmp_path / "settings.ini")), ask_about_drafts=False)
    qtbot.addWidget(win)
    win.resize(900, 500)
    win.show()
    qtbot.waitUntil(lambda: win.loaded, timeout=20_000)
    win.calls = calls
    yield win
    win.close()


def test_search_box_uses_quick_with_exact_total_and_pages_on_scroll(qtbot, window, search_library):
    service = search_library.extensions["search"]
    window.calls.clear()
    qtbot.keyClicks(window.search_box, "health")
    qtbot.waitUntil(lambda: window.last_result.get("query") == "health", timeout=20_000)
    typed = [c for c in window.calls if c[1] == "health"]
    assert typed and {c[0] for c in typed} == {"quick"}  # never the full search(limit=200)
    first = [c for c in typed if not c[2].get("offset")]
    assert first[-1][2]["limit"] == PAGE and first[-1][2]["facets"] is True
    full = service.search("health", limit=200)
    assert full["total"] > PAGE  # the demo + known records: enough to page
    model = window.results.results
    assert len(window.last_result["hits"]) == PAGE  # the answer to a keystroke is one page
    assert window.last_result["total"] == full["total"]
    assert window.last_result["facets"] == full["facets"]
    # scrolling to the end asks for the next pages, appended in the same order as search() ranks them
    for _ in range(10):
        if len(model.rows) == full["total"]:
            break
        bar = window.results.verticalScrollBar()
        bar.setValue(bar.maximum())
        window.search.more()
        qtbot.waitUntil(lambda: not window.search._paging, timeout=20_000)
    assert [r["id"] for r in model.rows] == [h["id"] for h in full["hits"]]
    assert window.count_label.text().startswith(f"{full['total']} case studies")
    assert "showing" not in window.count_label.text()
    pages = [c for c in window.calls if c[0] == "quick" and c[1] == "health" and c[2].get("offset")]
    assert pages and all(c[2]["facets"] is False for c in pages)
