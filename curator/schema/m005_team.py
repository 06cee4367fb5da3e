"""Schema 5: the link to a team library (PostgreSQL) and what this laptop last agreed with it.

``team_base`` holds, per case study, the server version this library last saw and that version's record as JSON
text (compared as text with the stored record, so finding what changed is one query): it is
the common ancestor of a three-way merge, so a field changed on only one side merges by itself. ``team_conflicts``
holds the server's version of a case study whose fields were changed on both sides, until someone resolves it. ``team_row_base`` is the same for review data, row by row.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    """CREATE TABLE team_link (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        url TEXT NOT NULL,
        client_id TEXT NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_row_seq INTEGER NOT NULL DEFAULT 0,
        last_sync TEXT,
        connected TEXT NOT NULL
    )""",
    """CREATE TABLE team_base (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        record TEXT NOT NULL,
        deleted TEXT
    )""",
    """CREATE TABLE team_row_base (
        tbl TEXT NOT NULL,
        key TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (tbl, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE team_conflicts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        fields TEXT NOT NULL,
        theirs TEXT NOT NULL,
        their_version INTEGER NOT NULL,
        found TEXT NOT NULL
    )""",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
