"""Schema 3: tables for the Word area: PII findings dismissed as not personal data, and guide editions.

A guide edition keeps a copy of each record exactly as it went in (with its version and the decision that let
it in), so ``export guide --edition N`` rewrites that edition unchanged however the records move on.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    """CREATE TABLE pii_dismissals (
        case_id TEXT NOT NULL,
        finding TEXT NOT NULL,
        kind TEXT NOT NULL,
        excerpt TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        PRIMARY KEY (case_id, finding)
    ) WITHOUT ROWID""",
    """CREATE TABLE guide_editions (
        number INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        user TEXT NOT NULL,
        title TEXT NOT NULL,
        options TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE guide_edition_records (
        edition INTEGER NOT NULL REFERENCES guide_editions(number) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        case_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        decision TEXT NOT NULL DEFAULT '',
        record TEXT NOT NULL,
        PRIMARY KEY (edition, case_id)
    ) WITHOUT ROWID""",
)


def migrate(conn: sqlite3.Connection) -> None:
    """Run statement by statement inside the caller's transaction (``executescript`` would commit it)."""
    for statement in STATEMENTS:
        conn.execute(statement)
