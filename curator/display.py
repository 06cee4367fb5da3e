"""Choosing where the window is drawn, before Qt is imported.

Without a display, Qt's own message blames a missing ``libxcb-cursor0``, which sends people down the wrong path.
This says plainly what is wrong, and lets the unattended modes (``--screenshot``, ``--bench-ready``) draw
offscreen by themselves. Qt-free, so it can run before PySide6 is loaded.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping, Sequence

NO_DISPLAY = ("no display found: run Curator on a desktop, or without one use `xvfb-run make run` "
              "(or `--screenshot OUT.png`, which needs no display)")
UNATTENDED_FLAGS = ("--screenshot", "--bench-ready")


def unattended(argv: Sequence[str]) -> bool:
    """Whether the arguments ask for a mode that needs no person watching (screenshot, benchmark)."""
    return any(arg == flag or arg.startswith(flag + "=") for arg in argv for flag in UNATTENDED_FLAGS)


def has_display(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a window could be shown: always on Windows and macOS; on Linux an X11 or Wayland display."""
    if not platform.startswith("linux"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def choose_platform(argv: Sequence[str], environ: MutableMapping[str, str] | None = None,
                    platform: str = sys.platform) -> str | None:
    """Set ``QT_QPA_PLATFORM`` where it must be chosen for the user; return a message when nothing can work.

    A platform the user chose (``QT_QPA_PLATFORM``) is always respected.
    """
    env = os.environ if environ is None else environ
    if env.get("QT_QPA_PLATFORM"):
        return None
    if has_display(env, platform):
        return None
    if unattended(argv):
        env["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return NO_DISPLAY
