"""Closed dialogs are freed, and `bench ui-soak` measures the app's memory over ordinary use (issue 10.8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent

from curator.ui.editor import EditorDialog
from curator.ui.history_view import HistoryDialog

ROOT = Path(__file__).resolve().parents[2]


def _flush_deletes(qtbot) -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(50)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_an_editor_opened_and_closed_is_deleted(qtbot, window, demo_library):
    ids = window.results.ids()[:3]
    opened = []
    for case_id in ids:
        editor = window.open_editor(case_id)
        opened.append(editor)
        editor.widget_for("organisation").setText("Edited then saved")
        with qtbot.waitSignal(editor.saved, timeout=10_000):
            editor.save()
        editor.close()
    _flush_deletes(qtbot)
    assert window.findChildren(EditorDialog) == []
    assert not any(shiboken6.isValid(e) for e in opened)
    assert window.editors == {}
    again = window.open_editor(ids[0])  # opening the same record again works after the old one is gone
    assert again.isVisible() and window.editors[ids[0]] is again  # one editor per case study, keyed by its id


def test_history_and_import_report_dialogs_are_deleted_when_closed(qtbot, window, demo_library, tmp_path):
    window.show_history()
    dialog = window.history_dialog
    assert isinstance(dialog, HistoryDialog) and dialog.isVisible()
    dialog.close()
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"title": "Memory test record", "ics": "E54000057"}), encoding="utf-8")
    window.import_paths([path])
    qtbot.waitUntil(lambda: window.import_dialog is not None, timeout=15_000)
    report = window.import_dialog
    report.close()
    _flush_deletes(qtbot)
    assert not shiboken6.isValid(dialog) and not shiboken6.isValid(report)
    assert window.import_dialog is None


def test_bench_ui_soak_reports_memory_at_start_and_end():
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "curator", "--json", "bench", "ui-soak", "--cycles", "1",
                           "--warmup", "0"],
                          capture_output=True, text=True, env=env, timeout=240, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"rss_start_mb", "rss_end_mb", "growth_mb", "meets_goal", "cycles"} <= set(data)
    assert data["cycles"] == 1 and data["editors_alive"] == 0 and data["rss_end_mb"] > 0


def test_bench_ui_soak_refuses_nonsense():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "curator", "bench", "ui-soak", "--cycles", "0"],
                          capture_output=True, text=True, env=env, timeout=60, cwd=ROOT, check=False)
    assert done.returncode == 2 and "--cycles must be at least 1" in done.stderr
