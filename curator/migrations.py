"""Ordered schema migrations, applied forward in one transaction each (``PRAGMA user_version``).

Version N is ``curator/schema/mNNN_*.py``. ``Library`` backs the database up before it applies any
migration to a library that already holds data.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from . import schema


def _discover() -> list[Callable[[sqlite3.Connection], None]]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(schema.__file__).parent)]) if m.name[:1] == "m")
    for number, name in enumerate(names, start=1):
        if not name.startswith(f"m{number:03d}_"):
            raise RuntimeError(f"schema migrations must be numbered without gaps: {name} should be m{number:03d}_*")
    return [importlib.import_module(f"{schema.__name__}.{name}").migrate for name in names]


MIGRATIONS = _discover()
LATEST = len(MIGRATIONS)
