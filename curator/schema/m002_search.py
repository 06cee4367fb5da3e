"""Schema 2: tables for the search area (saved searches, index bookkeeping)."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Reserved for search; run statement by statement inside the caller's transaction."""
