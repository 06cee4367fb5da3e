"""Schema 4: tables for the expert reference group review."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Reserved for review; run statement by statement inside the caller's transaction."""
