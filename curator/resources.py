"""Where the files shipped in ``resources/`` live (the app never reads ``../shared`` at run time)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder beside the package; ``CURATOR_RESOURCES`` overrides it (frozen builds)."""
    override = os.environ.get("CURATOR_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller build keeps resources/ at its root
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
