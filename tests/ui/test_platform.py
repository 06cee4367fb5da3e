"""Start-up measurement and the binding work-around: things a user never sees until they go wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel

from curator.ui import compat
from curator.ui.compat import needs_workaround, none_is_immortal

ROOT = Path(__file__).resolve().parents[2]


def test_many_qt_calls_do_not_wear_out_none(qtbot):
    """PySide6 6.12 on Python 3.11 drops a reference to None per void call; the app must survive a long day:
    either the installed binding does not leak (the pin excludes 6.12.0) or the guarded work-around is on."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")
    if needs_workaround():
        assert none_is_immortal()
    else:
        assert abs(before - sys.getrefcount(None)) < 1_000, "this PySide6 loses references: add it to AFFECTED"


def test_workaround_is_guarded_to_the_affected_release():
    """Only CPython before 3.12 with PySide6 6.12.0 gets the reference-count patch; anything else is left alone."""
    assert needs_workaround("6.12.0", (3, 11), "cpython")
    assert not needs_workaround("6.11.3", (3, 11), "cpython")
    assert not needs_workaround("6.10.3", (3, 11), "cpython")
    assert not needs_workaround("6.12.0", (3, 12), "cpython")
    assert not needs_workaround("6.12.0", (3, 11), "pypy")
    assert compat.binding_version() not in compat.AFFECTED, "pyproject pins PySide6-Essentials!=6.12.0"
    if not needs_workaround():
        assert compat.keep_none_alive() is False  # importing curator.ui changed nothing


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
