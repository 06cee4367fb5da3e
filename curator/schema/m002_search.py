"""Schema 2: saved searches, and the search index's bookkeeping (what SQLite generation it reflects, and
changes another process could not index because it could not take the index's writer lock)."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Run statement by statement inside the caller's transaction."""
    conn.execute("CREATE TABLE saved_searches (name TEXT PRIMARY KEY COLLATE NOCASE, query TEXT NOT NULL, "
                 "created TEXT NOT NULL)")
    conn.execute("CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("CREATE TABLE search_pending (case_id TEXT PRIMARY KEY)")
