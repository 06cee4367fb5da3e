"""History of every change, and undo/redo built on it.

Each operation writes, in its own transaction, one history row per record it touched: when, which OS user,
the state before and after. Rows of one operation share a ``batch`` id, so undo reverts a whole import or a
whole status change as one step, exactly as the user did it. Undo and redo are themselves history rows, so
the audit trail never loses anything, and both the CLI and the UI use this same mechanism.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from .errors import CuratorError, NothingToUndo
from .store import Store, dumps

#: Actions that change records and can be undone; 'undo', 'redo' and 'note' (audit events) are not.
REGULAR = "action NOT IN ('undo', 'redo', 'note')"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some sandboxes and services
        return "unknown"


@dataclass
class Changes:
    """What one operation changed, for listeners (search index, UI views) to refresh only that."""

    label: str
    ids: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)  # deleted, trashed or undone out of existence
    everything: bool = False  # a restored backup or a migration: refresh all


class Recorder:
    """Writes the history rows of one operation (one batch) inside the caller's transaction."""

    def __init__(self, store: Store, label: str, action: str, undo_of: str | None = None,
                 note: str | None = None) -> None:
        self.store = store
        self.batch = uuid.uuid4().hex
        self.label = label
        self.action = action
        self.undo_of = undo_of
        self.note = note
        self.at = now_iso()
        self.user = os_user()
        self.rows: list[tuple] = []

    def add(self, case_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
            action: str | None = None) -> None:
        self.rows.append((self.batch, case_id, action or self.action, self.label, self.at, self.user,
                          None if before is None else dumps(before), None if after is None else dumps(after),
                          self.undo_of, self.note))

    def add_encoded(self, case_id: str, before: dict[str, Any] | None, after_json: str,
                    action: str | None = None) -> None:
        """``add`` with the after-state already JSON-encoded (imports encode each record once)."""
        self.rows.append((self.batch, case_id, action or self.action, self.label, self.at, self.user,
                          None if before is None else dumps(before), after_json, self.undo_of, self.note))

    def flush(self) -> None:
        self.store.conn.executemany(
            "INSERT INTO history(batch, case_id, action, label, at, user, before, after, undo_of, note)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)", self.rows)
        self.rows.clear()


def _last_regular_seq(store: Store) -> int:
    return store.scalar(f"SELECT COALESCE(MAX(seq), 0) FROM history WHERE {REGULAR}")


def undo_target(store: Store) -> dict[str, Any] | None:
    """The newest operation not yet undone: {batch, label, count}."""
    row = store.query(f"SELECT batch, label FROM history WHERE {REGULAR} AND undone=0 ORDER BY seq DESC LIMIT 1")
    if not row:
        return None
    count = store.scalar("SELECT COUNT(*) FROM history WHERE batch=?", (row[0]["batch"],))
    return {"batch": row[0]["batch"], "label": row[0]["label"], "count": count}


def redo_target(store: Store) -> dict[str, Any] | None:
    """The operation most recently undone, unless a new change has been made since (which clears redo)."""
    rows = store.query("SELECT seq, undo_of FROM history WHERE action='undo' ORDER BY seq DESC LIMIT 1")
    if not rows or rows[0]["seq"] < _last_regular_seq(store):
        return None
    # walk back over undo/redo pairs to the newest batch that is still undone
    for row in store.query("SELECT DISTINCT undo_of FROM history WHERE action='undo' ORDER BY seq DESC"):
        batch = row["undo_of"]
        if store.scalar("SELECT undone FROM history WHERE batch=? LIMIT 1", (batch,)) == 1:
            later = store.scalar(f"SELECT COUNT(*) FROM history WHERE {REGULAR} AND seq > "
                                 "(SELECT MAX(seq) FROM history WHERE undo_of=? AND action='undo')", (batch,))
            if later:
                return None
            label = store.scalar("SELECT label FROM history WHERE batch=? LIMIT 1", (batch,))
            count = store.scalar("SELECT COUNT(*) FROM history WHERE batch=?", (batch,))
            return {"batch": batch, "label": label, "count": count}
    return None


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    return a["record"] == b["record"] and a.get("deleted") == b.get("deleted")


def _apply(store: Store, batch: str, direction: str) -> Changes:
    rows = store.query("SELECT seq, case_id, before, after, label FROM history WHERE batch=? ORDER BY seq", (batch,))
    label = rows[0]["label"]
    verb = "Undo" if direction == "undo" else "Redo"
    changes = Changes(f"{verb} {label[0].lower()}{label[1:]}")
    recorder = Recorder(store, changes.label, direction, undo_of=batch)
    ordered = reversed(rows) if direction == "undo" else rows
    for row in ordered:
        expected_json, target_json = (row["after"], row["before"]) if direction == "undo" else \
            (row["before"], row["after"])
        current = store.state(row["case_id"])
        expected = json.loads(expected_json) if expected_json else None
        if not _same(current, expected):
            raise CuratorError(f"cannot {direction} '{label}': case study {row['case_id']} has changed since; "
                               "look at 'history' for that record and edit it by hand")
        target = json.loads(target_json) if target_json else None
        if target is not None:
            target = dict(target, version=(current["version"] if current else 0) + 1)
        store.write_state(row["case_id"], target)
        recorder.add(row["case_id"], current, target)
        if target is None or target.get("deleted"):
            changes.removed.add(row["case_id"])
        else:
            changes.ids.add(row["case_id"])
    recorder.flush()
    store.conn.execute("UPDATE history SET undone=? WHERE batch=?", (1 if direction == "undo" else 0, batch))
    store.bump_generation()
    return changes


def undo(store: Store, expected_batch: str | None = None) -> Changes:
    """Revert the newest change; with ``expected_batch``, only if that is still the newest (a person confirmed
    undoing that one, and another process may have changed the library since)."""
    with store.transaction():
        target = undo_target(store)
        if target is None:
            raise NothingToUndo("nothing to undo: the library's history has no change left to revert")
        if expected_batch is not None and target["batch"] != expected_batch:
            raise CuratorError(f"nothing was undone: the newest change is now '{target['label']}', made since you "
                               "asked; choose Undo again to see what it would revert")
        return _apply(store, target["batch"], "undo")


def redo(store: Store) -> Changes:
    with store.transaction():
        target = redo_target(store)
        if target is None:
            raise NothingToUndo("nothing to redo: redo is available straight after an undo, before any new change")
        return _apply(store, target["batch"], "redo")


def _changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    b = (before or {}).get("record", {})
    a = (after or {}).get("record", {})
    fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k) and k not in ("updated", "created"))
    if (before or {}).get("deleted") != (after or {}).get("deleted"):
        fields.append("deleted")
    return fields


def record_history(store: Store, case_id: str) -> list[dict[str, Any]]:
    """Every change to one record, oldest first, with the fields each one changed."""
    out = []
    for row in store.query("SELECT seq, at, user, action, label, note, before, after, undone FROM history "
                           "WHERE case_id=? ORDER BY seq", (case_id,)):
        before = json.loads(row["before"]) if row["before"] else None
        after = json.loads(row["after"]) if row["after"] else None
        out.append({"seq": row["seq"], "at": row["at"], "user": row["user"], "action": row["action"],
                    "label": row["label"], "note": row["note"], "undone": bool(row["undone"]), "fields": _changed_fields(before, after),
                    "before": before, "after": after})
    return out
