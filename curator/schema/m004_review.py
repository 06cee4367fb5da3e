"""Schema 4: tables for the expert reference group review.

Reviews live beside the case studies, not inside the record: a score is the reviewer's opinion, not part of
the case study, so editing or exporting a case study never carries scores with it.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    """CREATE TABLE reviewers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        organisation TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        conflicts TEXT NOT NULL DEFAULT '[]',
        created TEXT NOT NULL,
        removed TEXT
    )""",
    """CREATE TABLE rubrics (
        version INTEGER PRIMARY KEY,
        data TEXT NOT NULL,
        created TEXT NOT NULL,
        user TEXT NOT NULL
    )""",
    """CREATE TABLE review_assignments (
        case_id TEXT NOT NULL,
        reviewer_id TEXT NOT NULL REFERENCES reviewers(id),
        assigned TEXT NOT NULL,
        how TEXT NOT NULL,
        override_reason TEXT,
        PRIMARY KEY (case_id, reviewer_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX review_assignments_reviewer ON review_assignments(reviewer_id)",
    """CREATE TABLE reviews (
        case_id TEXT NOT NULL,
        reviewer_id TEXT NOT NULL REFERENCES reviewers(id),
        rubric_version INTEGER NOT NULL,
        scores TEXT NOT NULL,
        recommendation TEXT,
        comment TEXT NOT NULL DEFAULT '',
        submitted TEXT,
        saved TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (case_id, reviewer_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE review_decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        user TEXT NOT NULL
    )""",
    "CREATE INDEX review_decisions_case ON review_decisions(case_id, seq)",
    """CREATE TABLE review_files (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        reviewer_id TEXT NOT NULL,
        issued TEXT NOT NULL,
        digest TEXT NOT NULL,
        merged TEXT,
        merged_by TEXT
    )""",
)


def migrate(conn: sqlite3.Connection) -> None:
    """Run statement by statement inside the caller's transaction (``executescript`` would commit it)."""
    for statement in STATEMENTS:
        conn.execute(statement)
