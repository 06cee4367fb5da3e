"""Issue 10, point 14: every window fits a 1366×768 laptop and a 1920×1080 screen at 200% (960×540 logical),
with its primary buttons on screen; below ~1200 logical px the preview goes under the results.

Each size runs ``screen_probe.py`` in a subprocess on an offscreen screen of that size (the screen is fixed
when the QApplication starts, so it cannot change inside this test process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT.parent.parent / "shared" / "reference" / "offscreen-screens"
CONFIGS = {
    "1366x768": ({"width": 1366, "height": 768, "dpr": 1}, "1", (1366, 768)),
    "1920x1080 at 200%": ({"width": 1920, "height": 1080, "dpr": 1}, "2", (960, 540)),
}


def screen_file(tmp_path: Path, name: str, size: dict) -> Path:
    """The shared reference config when present, else the same JSON written here (so the test runs anywhere)."""
    shared = SCREENS / f"{size['width']}x{size['height']}.json"
    if shared.exists():
        return shared
    path = tmp_path / f"{size['width']}x{size['height']}.json"
    path.write_text(json.dumps({"synchronousWindowSystemEvents": True, "windowFrameMargins": False, "screens": [
        {"name": name, "x": 0, "y": 0, "logicalDpi": 96, "logicalBaseDpi": 96, **size}]}))
    return path


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict[str, dict]:
    """Both screens probed at once (two subprocesses side by side: half the wall time)."""
    tmp = tmp_path_factory.mktemp("screens")
    running = {}
    for name, (size, scale, _) in CONFIGS.items():
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_SCALE_FACTOR": scale,
               "QT_QPA_PLATFORM": f"offscreen:configfile={screen_file(tmp, name, size)}",
               "CURATOR_LIBRARY": str(tmp / "default")}
        running[name] = subprocess.Popen([sys.executable, str(ROOT / "tests" / "ui" / "screen_probe.py")], env=env,
                                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=240)
        assert process.returncode == 0, stderr[-2000:]
        out[name] = json.loads(stdout.strip().splitlines()[-1])
    return out


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_window_fits_the_screen_with_its_buttons_showing(probes, name):
    result = probes[name]
    assert tuple(result["screen"]) == CONFIGS[name][2]
    for window in ("main", "editor", "import", "scoring", "chair", "decision"):
        shown = result[window]
        assert shown["fits"], (window, shown["size"], result["screen"])
        assert all(shown["buttons"].values()), (window, shown["buttons"])
    assert result["editor"]["buttons"].keys() >= {"save", "cancel"}
    assert result["scoring"]["buttons"].keys() >= {"submit", "draft"}
    if name == "1366x768":  # every reviewer's progress in sight, the late one's too (at 200% the table scrolls)
        assert result["chair"]["reviewers_out_of_sight"] == []
    narrow = result["main"]["size"][0] < 1200
    assert result["main"]["stacked"] is narrow  # the preview goes under the results on a narrow window
    assert result["main"]["filters_width"] >= 180  # and the filters keep their width


def test_a_window_remembered_on_a_larger_screen_opens_inside_this_one(qtbot, demo_library, settings):
    from PySide6.QtWidgets import QApplication

    from tests.ui.conftest import make_window

    area = QApplication.primaryScreen().availableGeometry()
    first = make_window(qtbot, demo_library, settings)
    first.setGeometry(area.x() + 200, area.y() + 100, area.width() + 600, area.height() + 400)
    first.close()
    second = make_window(qtbot, demo_library, settings)
    assert area.contains(second.frameGeometry()), (second.frameGeometry(), area)
    second.close()
