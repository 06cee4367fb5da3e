"""Review data and shared saved searches on the team database: reviewers, rubric versions, assignments, scores,
decisions, and the saved searches someone marked shared.

These are small tables whose rows have a natural owner (a score belongs to its reviewer, a decision to the
chair), so they sync row by row with the last writer winning, rather than field by field. Each laptop keeps, per
row, the text it last agreed with the server (``team_row_base``), so finding what changed here is a comparison,
and a row removed here is sent as deleted. Tables go in dependency order (reviewers before their assignments).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..store import dumps
from . import server

if TYPE_CHECKING:
    from ..library import Library


@dataclass(frozen=True)
class Shared:
    table: str
    key: tuple[str, ...]  # the columns that name a row on every laptop
    local_only: tuple[str, ...] = ()  # columns that are this laptop's own (an autoincrement number)
    where: str = ""  # only these rows are shared (saved searches: those marked shared)


SHARED = (
    Shared("reviewers", ("id",)),
    Shared("rubrics", ("version",)),
    Shared("review_assignments", ("case_id", "reviewer_id")),
    Shared("reviews", ("case_id", "reviewer_id")),
    Shared("review_decisions", ("case_id", "at", "user"), local_only=("seq",)),
    Shared("saved_searches", ("name",), where="shared = 1"),
)
BY_TABLE = {s.table: s for s in SHARED}


def _tables(library: Library) -> list[Shared]:
    present = {r[0] for r in library.store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return [s for s in SHARED if s.table in present]


def _columns(library: Library, table: str) -> list[str]:
    return [r[1] for r in library.store.conn.execute(f"PRAGMA table_info({table})")]


def _local_rows(library: Library, shared: Shared, only: dict[str, Any] | None = None) -> dict[str, str]:
    """Every row of a shared table as ``{key: canonical JSON text}`` (or just the row named by ``only``)."""
    cols = [c for c in _columns(library, shared.table) if c not in shared.local_only]
    sql = f"SELECT {', '.join(cols)} FROM {shared.table}"
    params: list[Any] = []
    conditions = [shared.where] if shared.where else []
    if only is not None:
        conditions += [f"{k} IS ?" for k in shared.key]
        params = [only.get(k) for k in shared.key]
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    out = {}
    for row in library.store.conn.execute(sql, params):
        data = dict(zip(cols, row, strict=True))
        out[_key(shared, data)] = dumps(data)
    return out


def _key(shared: Shared, data: dict[str, Any]) -> str:
    return json.dumps([data.get(k) for k in shared.key], ensure_ascii=False)


Sent = list[tuple[str, str, str | None]]


def waiting(library: Library, allowed: Callable[[str, dict[str, Any]], bool] | None = None) -> tuple[Sent, int]:
    """Rows changed or removed here since the last agreement, as ``(table, key, text, or None if removed)``,
    and how many more changed rows ``allowed(table, row)`` (what this person's team role may write) held back."""
    conn = library.store.conn
    out: Sent = []
    held = 0
    for shared in _tables(library):
        local = _local_rows(library, shared)
        base = dict(conn.execute("SELECT key, data FROM team_row_base WHERE tbl = ?", (shared.table,)).fetchall())
        changed = [(key, text, text) for key, text in local.items() if base.get(key) != text]
        changed += [(key, None, base[key]) for key in base.keys() - local.keys()]  # removed: judged by its last text
        for key, text, row in changed:
            if allowed is None or allowed(shared.table, json.loads(row)):
                out.append((shared.table, key, text))
            else:
                held += 1
    return out, held


def _base_text(library: Library, table: str, key: str) -> str:
    row = library.store.conn.execute("SELECT data FROM team_row_base WHERE tbl = ? AND key = ?",
                                     (table, key)).fetchone()
    return row[0] if row else "{}"


def push(library: Library, cur: Any, sent: Sent) -> None:
    """Send ``sent`` (from ``waiting``) inside the push transaction; ``remember`` it once that commits."""
    for table, key, text in sent:
        body = text if text is not None else _base_text(library, table, key)  # a removal sends the last text
        data = json.loads(body)
        cur.execute(server.PUT_ROW, (table, key, body, text is None, data.get("reviewer_id"), data.get("case_id")))


def agree(library: Library, table: str, key: str, text: str | None) -> None:
    """Note what this laptop and the server now agree a row is (None: removed on both); call in a transaction."""
    if text is None:
        library.store.conn.execute("DELETE FROM team_row_base WHERE tbl = ? AND key = ?", (table, key))
    else:
        library.store.conn.execute("INSERT OR REPLACE INTO team_row_base (tbl, key, data) VALUES (?, ?, ?)",
                                   (table, key, text))


def remember(library: Library, sent: Sent) -> int:
    with library.store.transaction():
        for table, key, text in sent:
            agree(library, table, key, text)
    return len(sent)


def _make_room(library: Library, shared: Shared, data: dict[str, Any], notes: list[str]) -> None:
    """A shared saved search arriving under the name of one kept only on this laptop: the one here is renamed
    (never overwritten), and the sync says so."""
    if shared.table != "saved_searches":
        return
    conn = library.store.conn
    mine = conn.execute("SELECT name, query FROM saved_searches WHERE name = ? AND shared = 0",
                        (data.get("name"),)).fetchone()
    if mine is None or mine[1] == data.get("query"):
        return
    n, new = 1, f"{mine[0]} (mine)"
    while conn.execute("SELECT 1 FROM saved_searches WHERE name = ?", (new,)).fetchone():
        n += 1
        new = f"{mine[0]} (mine {n})"
    conn.execute("UPDATE saved_searches SET name = ? WHERE name = ?", (new, mine[0]))
    notes.append(f"Your saved search '{mine[0]}' is now called '{new}': a colleague shared one with that name.")


def apply(library: Library, rows: list[tuple[str, str, int, str, bool]], notes: list[str] | None = None) -> int:
    """Write pulled rows into the local tables; call inside a local transaction. ``notes`` collects what a
    person should be told (a saved search of theirs renamed to make room)."""
    conn = library.store.conn
    notes = notes if notes is not None else []
    applied = 0
    present = _tables(library)
    for table, key, _seq, text, deleted in rows:
        shared = BY_TABLE.get(table)
        if shared is None or shared not in present:
            continue  # a table this Curator does not know: kept on the server, ignored here
        data = json.loads(text)
        base = conn.execute("SELECT data FROM team_row_base WHERE tbl = ? AND key = ?", (table, key)).fetchone()
        mine = _local_rows(library, shared, data).get(key)
        if mine is not None and mine != (base[0] if base else None) and mine != text:
            continue  # changed here too and not yet sent: this laptop's later write wins when it is pushed
        where = " AND ".join(f"{k} IS ?" for k in shared.key) + (f" AND {shared.where}" if shared.where else "")
        key_values = [data.get(k) for k in shared.key]
        if deleted:
            try:
                conn.execute(f"DELETE FROM {shared.table} WHERE {where}", key_values)
            except sqlite3.IntegrityError:
                continue  # still referred to here (a reviewer with assignments): kept until those go
            agree(library, table, key, None)
            applied += 1
            continue
        _make_room(library, shared, data, notes)
        cols = [c for c in _columns(library, shared.table) if c in data and c not in shared.local_only]
        values = [data[c] for c in cols]
        marks = ", ".join("?" * len(cols))
        if shared.local_only:  # no shared unique key to upsert on: replace the matching row
            conn.execute(f"DELETE FROM {shared.table} WHERE {where}", key_values)
            conn.execute(f"INSERT INTO {shared.table} ({', '.join(cols)}) VALUES ({marks})", values)
        else:  # upsert, never delete: other rows refer to this one (assignments to their reviewer)
            updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in shared.key)
            conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
            conn.execute(f"INSERT INTO {shared.table} ({', '.join(cols)}) VALUES ({marks}) "
                         f"ON CONFLICT ({', '.join(shared.key)}) {conflict}", values)
        agree(library, table, key, text)
        applied += 1
    return applied
