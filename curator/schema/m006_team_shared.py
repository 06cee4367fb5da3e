"""Schema 6: what a team shares beyond case studies and review data.

- ``saved_searches.shared``: a saved search marked shared goes to the team library and reaches every laptop;
  the others stay on this laptop.
- ``guide_editions.note``: why an edition's number differs from the one its file was written with (an edition
  exported offline whose number a colleague had already published is renumbered at sync, never overwritten).
- ``guide_edition_records.team_version``: the team library's version of each case study that went in, the same
  number on every laptop (``version`` is this laptop's own count).
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    "ALTER TABLE saved_searches ADD COLUMN shared INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE guide_editions ADD COLUMN note TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE guide_edition_records ADD COLUMN team_version INTEGER",
)


def migrate(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
