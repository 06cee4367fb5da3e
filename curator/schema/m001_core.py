"""Schema 1: case studies, their tags, history and config."""

from __future__ import annotations

import sqlite3


def _script(conn: sqlite3.Connection, script: str) -> None:
    """Run DDL statement by statement: ``executescript`` would commit the caller's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def migrate(conn: sqlite3.Connection) -> None:
    _script(conn, """
        CREATE TABLE case_studies (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            organisation TEXT NOT NULL DEFAULT '',
            ics TEXT,
            region TEXT,
            status TEXT NOT NULL,
            year INTEGER,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            data TEXT NOT NULL
        );
        CREATE INDEX case_studies_status ON case_studies(status);
        CREATE INDEX case_studies_ics ON case_studies(ics);
        CREATE INDEX case_studies_updated ON case_studies(updated);
        CREATE TABLE case_tags (
            case_id TEXT NOT NULL REFERENCES case_studies(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (case_id, kind, value)
        ) WITHOUT ROWID;
        CREATE INDEX case_tags_kind_value ON case_tags(kind, value);
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            batch TEXT NOT NULL,
            case_id TEXT NOT NULL,
            action TEXT NOT NULL,
            label TEXT NOT NULL,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            before TEXT,
            after TEXT,
            undone INTEGER NOT NULL DEFAULT 0,
            undo_of TEXT,
            note TEXT
        );
        CREATE INDEX history_case ON history(case_id, seq);
        CREATE INDEX history_batch ON history(batch);
        CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT);
        """)
