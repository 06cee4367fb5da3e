"""Schema 3: tables for the Word area (PII dismissals, guide editions)."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Reserved for word; run statement by statement inside the caller's transaction."""
