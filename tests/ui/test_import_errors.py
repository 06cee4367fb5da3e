"""Import by menu or drop with its report; errors shown as messages; the app's command-line entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from curator.ui.commands import dropped_paths

ROOT = Path(__file__).resolve().parents[2]


def _import_file(tmp_path, demo_records) -> Path:
    dup = dict(demo_records[0])
    dup.pop("id", None)
    records = [
        {"title": "Pharmacy outreach to farming families", "ics": "Shropshire, Telford and Wrekin"},
        {"title": "Refused record", "ics": "Atlantis"},
        dup,
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_import_report_lists_imported_refused_and_duplicates(qtbot, window, demo_library, demo_records, tmp_path):
    path = _import_file(tmp_path, demo_records)
    window.import_paths([path])
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=15_000)
    dialog = window.import_dialog
    assert "Imported 1, refused 1, near-duplicates 1" in dialog.headline.text()
    assert "Atlantis" in dialog.refused.item(0).text() and "is not a known ICS" in dialog.refused.item(0).text()
    assert dialog.tabs.currentIndex() == 2
    qtbot.waitUntil(lambda: "In the library" in dialog.compare.toPlainText(), timeout=10_000)
    count = demo_library.count()
    with qtbot.waitSignal(dialog.resolved, timeout=10_000) as blocker:
        dialog.keep.click()
    assert blocker.args[1].startswith("Kept as a new case study")
    assert demo_library.count() == count + 1
    assert not dialog.keep.isEnabled()


def test_dropping_files_imports_them(qtbot, window, demo_library, tmp_path):
    good = tmp_path / "one.json"
    good.write_text(json.dumps({"title": "Dropped record", "ics": "E54000057"}), encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    assert dropped_paths(mime) == [good]
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=15_000)
    assert "Imported 1, refused 0" in window.import_dialog.headline.text()
    assert any(r["title"] == "Dropped record" for r in demo_library.list_records()["items"])


def test_an_unreadable_file_is_refused_with_its_reason(qtbot, window, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    window.import_paths([bad])
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=15_000)
    assert "broken.json" in window.import_dialog.refused.item(0).text()


def test_a_refused_action_shows_the_core_message(qtbot, window, demo_library):
    window.runner.write(demo_library.set_status, "cs-missing", "accepted")
    qtbot.waitUntil(lambda: window.reporter.last_dialog is not None, timeout=10_000)
    assert "no case study with id 'cs-missing'" in window.reporter.last_message
    window.reporter.last_dialog.close()


def test_an_unexpected_error_is_logged_and_shown_as_an_apology(qtbot, window, demo_library):
    def broken():
        raise ZeroDivisionError("boom inside a worker")

    window.runner.write(broken)
    qtbot.waitUntil(lambda: window.reporter.last_dialog is not None, timeout=10_000)
    text = window.reporter.last_message
    assert text.startswith("Sorry") and str(demo_library.log_path) in text and "Traceback" not in text
    assert "ZeroDivisionError: boom inside a worker" in demo_library.log_path.read_text(encoding="utf-8")
    window.reporter.last_dialog.close()


def _run_app(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_screenshot_mode_writes_a_png_of_the_loaded_window(demo_library, tmp_path):
    out = tmp_path / "main.png"
    demo_library.close()
    result = _run_app("--library", str(demo_library.folder), "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_screenshot_mode_refuses_an_unusable_library(tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    result = _run_app("--library", str(not_a_folder), "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert "curator-app: error:" in result.stderr and "Traceback" not in result.stderr
