"""Guide editions: what went into each exported guide, so any edition can be written again unchanged.

Each edition keeps its options (title, grouping, statuses, date) and a copy of every record as it went in, with
its version (and, in a team library, the team's version, the same on every laptop) and the status decision
that let it in. The change log of an edition compares it with the edition before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import CuratorError, NotFound
from ..history import os_user


@dataclass
class Edition:
    number: int
    created: str
    title: str
    options: dict[str, Any]
    records: list[dict[str, Any]]  # as they went in, in guide order
    versions: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)


def decision_for(library: Any, case_id: str) -> str:
    """The latest status change (label, date and reason) that still stands, or '' if none was recorded."""
    rows = library.store.query("SELECT label, at, note FROM history WHERE case_id=? AND action='status' AND undone=0 "
                               "ORDER BY seq DESC LIMIT 1", (case_id,))
    if not rows:  # never moved through the workflow here: say how it arrived with its status
        rows = library.store.query("SELECT label, at, note FROM history WHERE case_id=? AND action IN "
                                   "('create', 'import') ORDER BY seq LIMIT 1", (case_id,))
    if not rows:
        return ""
    row = rows[0]
    return f"{row['label']} on {row['at'][:10]}" + (f": {row['note']}" if row["note"] else "")


def record_versions(library: Any, ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in library.store.query(f"SELECT id, version FROM case_studies WHERE id IN ({marks})", chunk):
            out[row["id"]] = row["version"]
    return out


def save_edition(library: Any, edition: Edition, path: str) -> Edition:
    """Record an edition exactly as it was written (its number, versions and decisions are those printed)."""
    with library.store.transaction():
        if library.store.scalar("SELECT 1 FROM guide_editions WHERE number=?", (edition.number,)):
            raise CuratorError(f"another export recorded edition {edition.number} while this one was being written; "
                               "export the guide again")
        library.store.conn.execute(
            "INSERT INTO guide_editions(number, created, user, title, options, path) VALUES (?,?,?,?,?,?)",
            (edition.number, edition.created, os_user(), edition.title,
             json.dumps(edition.options, ensure_ascii=False), path))
        library.store.conn.executemany(
            "INSERT INTO guide_edition_records(edition, position, case_id, version, status, decision, record) "
            "VALUES (?,?,?,?,?,?,?)",
            [(edition.number, i, r["id"], edition.versions.get(r["id"], 0), r.get("status", ""),
              edition.decisions.get(r["id"], ""), json.dumps(r, ensure_ascii=False))
             for i, r in enumerate(edition.records)])
    return edition


def renumber(library: Any, old: int, new: int, note: str) -> None:
    """Give edition ``old`` the number ``new`` (free), keeping everything in it; call inside a transaction.

    Used when a team library already has an edition with this number from another laptop: an edition is never
    overwritten, so the one not yet shared moves up, and ``note`` says why its file shows the old number."""
    conn = library.store.conn
    conn.execute("INSERT INTO guide_editions (number, created, user, title, options, path, note) "
                 "SELECT ?, created, user, title, options, path, trim(note || ' ' || ?) FROM guide_editions "
                 "WHERE number = ?", (new, note, old))
    conn.execute("UPDATE guide_edition_records SET edition = ? WHERE edition = ?", (new, old))
    conn.execute("DELETE FROM guide_editions WHERE number = ?", (old,))


def load_edition(library: Any, number: int) -> Edition:
    rows = library.store.query("SELECT number, created, title, options FROM guide_editions WHERE number=?", (number,))
    if not rows:
        last = library.store.scalar("SELECT MAX(number) FROM guide_editions")
        hint = f"editions 1 to {last} exist" if last else "no guide has been exported from this library yet"
        raise NotFound(f"there is no guide edition {number}; {hint} ('guide editions' lists them)")
    head = rows[0]
    items = library.store.query("SELECT case_id, version, decision, record FROM guide_edition_records "
                                "WHERE edition=? ORDER BY position", (number,))
    try:
        records = [json.loads(r["record"]) for r in items]
        options = json.loads(head["options"])
    except json.JSONDecodeError as err:
        raise CuratorError(f"guide edition {number} is damaged in the database ({err}); run 'check'") from err
    return Edition(head["number"], head["created"], head["title"], options, records,
                   {r["case_id"]: r["version"] for r in items}, {r["case_id"]: r["decision"] for r in items})


def list_editions(library: Any) -> list[dict[str, Any]]:
    rows = library.store.query("SELECT e.number, e.created, e.user, e.title, e.options, e.path, e.note, "
                               "(SELECT COUNT(*) FROM guide_edition_records r WHERE r.edition = e.number) AS records "
                               "FROM guide_editions e ORDER BY e.number")
    out = []
    for row in rows:
        options = json.loads(row["options"])
        out.append({"edition": row["number"], "created": row["created"], "user": row["user"], "title": row["title"],
                    "records": row["records"], "group_by": options.get("group_by"),
                    "statuses": options.get("statuses"), "path": row["path"], "note": row["note"]})
    return out


def same_as_last(library: Any, edition: Edition) -> Edition | None:
    """The last edition when ``edition`` would print exactly what it printed (same title, options, case studies
    as they stand, openings and counts): exporting again then reuses it instead of making a copy."""
    last = library.store.scalar("SELECT MAX(number) FROM guide_editions")
    if not last:
        return None
    previous = load_edition(library, last)
    def content(e: Edition) -> Any:
        return (e.title, {k: v for k, v in e.options.items() if k != "created"},
                json.loads(json.dumps(e.records, ensure_ascii=False)))
    return previous if content(previous) == content(edition) else None


#: Fields a reader sees change; a change only to status, dates or review bookkeeping is not an update to them.
READER_FIELDS = ("title", "organisation", "ics", "ahsn", "programme", "clinical_areas", "population_groups",
                 "action_areas", "key_actions", "local_groups", "period", "year", "partners", "summary", "body",
                 "outcomes", "context_figures", "lessons", "evaluation_type", "source_url", "additional_sources",
                 "contact", "contact_consent", "review_by", "attachments")


def change_log(library: Any, edition: Edition) -> dict[str, Any]:
    """What a reader would notice against the previous edition: case studies added, removed and updated (by
    title; an update is a change to printed text, not a status or version bump). None for the first."""
    before_number = library.store.scalar("SELECT MAX(number) FROM guide_editions WHERE number < ?",
                                         (edition.number,))
    if not before_number:
        return {"previous": None, "added": [], "removed": [], "updated": [], "revised": []}
    previous = load_edition(library, before_number)
    before = {r["id"]: r for r in previous.records}
    now = {r["id"]: r for r in edition.records}
    updated = [now[i]["title"] for i in now if i in before and
               any(now[i].get(f) != before[i].get(f) for f in READER_FIELDS)]
    return {"previous": previous.number,
            "added": [now[i]["title"] for i in now if i not in before],
            "removed": [before[i]["title"] for i in before if i not in now],
            "updated": updated, "revised": updated}


def contents(library: Any, number: int) -> dict[str, Any]:
    """Which case studies went into edition ``number``, at which version: this laptop's version and, once the
    edition is in a team library, the team's version (the same on every laptop)."""
    load_edition(library, number)  # says clearly when there is no such edition
    head = library.store.query("SELECT number, created, user, title, note FROM guide_editions WHERE number=?",
                               (number,))[0]
    items = library.store.query("SELECT case_id, version, team_version, status, decision, record FROM "
                                "guide_edition_records WHERE edition=? ORDER BY position", (number,))
    return {"edition": head["number"], "created": head["created"], "user": head["user"], "title": head["title"],
            "note": head["note"],
            "records": [{"id": r["case_id"], "title": json.loads(r["record"]).get("title", ""),
                         "version": r["version"], "team_version": r["team_version"], "status": r["status"],
                         "decision": r["decision"]} for r in items]}
