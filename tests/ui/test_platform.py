"""Start-up measurement and the binding work-around: things a user never sees until they go wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel

from curator.ui.compat import none_is_immortal

ROOT = Path(__file__).resolve().parents[2]


def test_many_qt_calls_do_not_wear_out_none(qtbot):
    """PySide6 6.12 on Python 3.11 drops a reference to None per void call; the app must survive a long day."""
    assert none_is_immortal()
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")
    assert sys.getrefcount(None) > 1_000_000 or sys.version_info >= (3, 12)
    assert before - sys.getrefcount(None) <= 20_000


def test_bench_startup_reports_the_ratio_against_importing_qt():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "curator", "--json", "bench", "startup", "--docs", "40",
                             "--runs", "1"], capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["docs"] == 40 and data["startup_seconds"] > data["qt_import_seconds"] > 0
    assert abs(data["ratio"] - data["startup_seconds"] / data["qt_import_seconds"]) < 0.05


def test_bench_startup_refuses_nonsense():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "curator", "bench", "startup", "--docs", "0"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2 and "--docs and --runs must be at least 1" in result.stderr
