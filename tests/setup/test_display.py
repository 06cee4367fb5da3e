"""Starting the app without a display: a plain message, and the unattended modes draw offscreen by themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from curator.display import NO_DISPLAY, choose_platform

ROOT = Path(__file__).resolve().parents[2]


def test_no_display_on_linux_is_named_not_blamed_on_a_library():
    env: dict[str, str] = {}
    assert choose_platform([], env, platform="linux") == NO_DISPLAY
    assert "xvfb-run make run" in NO_DISPLAY and "libxcb" not in NO_DISPLAY


def test_screenshot_without_a_display_chooses_offscreen():
    env: dict[str, str] = {}
    assert choose_platform(["--screenshot", "x.png"], env, platform="linux") is None
    assert env["QT_QPA_PLATFORM"] == "offscreen"


def test_a_chosen_platform_or_a_display_is_respected():
    env = {"QT_QPA_PLATFORM": "xcb"}
    assert choose_platform([], env, platform="linux") is None and env["QT_QPA_PLATFORM"] == "xcb"
    env = {"DISPLAY": ":0"}
    assert choose_platform([], env, platform="linux") is None and "QT_QPA_PLATFORM" not in env
    assert choose_platform([], {}, platform="win32") is None


def _run(args: list[str], **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(PYTHONPATH=str(ROOT), **extra)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_app_without_a_display_says_so_and_exits(tmp_path):
    result = _run(["--library", str(tmp_path / "lib")])
    assert result.returncode == 2
    assert "no display found" in result.stderr and "xcb" not in result.stderr.replace("xvfb", "")
    assert "Traceback" not in result.stderr


def test_screenshot_without_a_display_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = _run(["--library", str(tmp_path / "lib"), "--screenshot", str(out)])
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_screenshot_of_a_one_record_library_does_not_wait_for_ever(tmp_path, sample_record):
    from curator.library import Library

    lib = Library.open(tmp_path / "lib", daily_backup=False)
    lib.create(sample_record)
    lib.close()
    out = tmp_path / "one.png"
    result = _run(["--library", str(tmp_path / "lib"), "--screenshot", str(out)])
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
