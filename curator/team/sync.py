"""Sync a library with its team database: pull everyone's changes, merge field by field, push ours.

Offline first: the library works alone and a sync catches up whenever the server is reachable. Each pulled
batch is applied with its bookkeeping (base versions, last change number) in one local transaction, and each
push batch is one server transaction, so a sync killed at any moment leaves both sides consistent, and the next
one completes (a push whose local bookkeeping was lost is recognised when it comes back in the pull: same
content, nothing to do).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import CuratorError, NotFound
from ..history import Changes, Recorder, now_iso
from ..model import ordered
from ..store import dumps
from . import editions as editions_mod
from . import link, server
from . import rows as rows_mod
from .merge3 import merge_records

if TYPE_CHECKING:
    from ..library import Library

BATCH = 500
MAX_ROUNDS = 5
TAKE = ("mine", "theirs")


@dataclass
class SyncReport:
    pulled: int = 0
    pushed: int = 0
    merged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    last_seq: int = 0
    rows_pulled: int = 0
    rows_pushed: int = 0
    editions_pulled: int = 0
    editions_pushed: int = 0
    role: str = "lead"
    held_back: int = 0  # local changes this person's team role may not send
    notes: list[str] = field(default_factory=list)  # what a person should be told (renumbered, renamed)

    def as_json(self) -> dict[str, Any]:
        return {"pulled": self.pulled, "pushed": self.pushed, "merged": self.merged, "conflicts": self.conflicts,
                "last_seq": self.last_seq, "review_rows_pulled": self.rows_pulled,
                "review_rows_pushed": self.rows_pushed, "editions_pulled": self.editions_pulled,
                "editions_pushed": self.editions_pushed, "role": self.role, "held_back": self.held_back,
                "notes": self.notes}


@dataclass(frozen=True)
class Role:
    """What this person's PostgreSQL login may write (``team access-sql``): a lead (or the database's owner,
    before any roles are set up) everything; a reviewer only their own scores; a reader nothing."""

    name: str
    reviewer_id: str | None = None

    def allows(self, table: str, row: dict[str, Any]) -> bool:
        if self.name == "lead":
            return True
        return self.name == "reviewer" and table == "reviews" and row.get("reviewer_id") == self.reviewer_id


def role_of(conn: Any) -> Role:
    names = {r[0] for r in conn.execute(
        "SELECT rolname FROM pg_roles WHERE rolname IN ('curator_lead', 'curator_reviewer', 'curator_read') "
        "AND pg_has_role(current_user, oid, 'MEMBER')").fetchall()}
    if "curator_lead" in names or not names:
        return Role("lead")
    if "curator_reviewer" in names:
        row = conn.execute("SELECT reviewer_id FROM reviewer_logins WHERE login = current_user").fetchone()
        return Role("reviewer", row[0] if row else None)
    return Role("read")


def _content(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """What sync compares: the record and whether it is in the trash (local version numbers are local)."""
    if state is None:
        return None
    return {"record": state["record"], "deleted": state.get("deleted")}


# -- the link ----------------------------------------------------------------------------------------------
def linked(library: Library) -> dict[str, Any] | None:
    rows = library.store.query("SELECT url, client_id, last_seq, last_sync, connected FROM team_link")
    return rows[0] if rows else None


def _link_or_raise(library: Library) -> dict[str, Any]:
    row = linked(library)
    if row is None:
        raise CuratorError("this library is not linked to a team library; connect first with "
                           "'team connect postgresql://YOUR-NAME@SERVER/DATABASE'")
    return row


def connect(library: Library, url: str) -> dict[str, Any]:
    """Link the library to a team database, creating its schema on first connect."""
    bare, password = link.split_password(url)
    if password:
        link.store_password(bare, password)
    conn = link.connect(bare) if not password else _connect_with(bare, password)
    try:
        version = server.migrate(conn)
    finally:
        conn.close()
    current = linked(library)
    with library.store.transaction():
        if current is None or current["url"] != bare:
            library.store.conn.execute("DELETE FROM team_link")
            for table in ("team_base", "team_row_base", "team_conflicts"):
                library.store.conn.execute(f"DELETE FROM {table}")
            library.store.conn.execute("INSERT INTO team_link (id, url, client_id, last_seq, connected) "
                                       "VALUES (1, ?, ?, 0, ?)", (bare, uuid.uuid4().hex, now_iso()))
    return {"url": bare, "schema": version, "password_kept": bool(password)}


def _connect_with(url: str, password: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(url, password=password, autocommit=True, connect_timeout=10,
                               application_name="curator")
    except psycopg.OperationalError as err:
        raise CuratorError(f"cannot reach the team database ({str(err).strip().splitlines()[0]}); check the "
                           "address, your name and password") from err


def disconnect(library: Library) -> None:
    with library.store.transaction():
        for table in ("team_link", "team_base", "team_row_base", "team_conflicts"):
            library.store.conn.execute(f"DELETE FROM {table}")


# -- what is waiting -----------------------------------------------------------------------------------------
def _base_versions(library: Library) -> dict[str, int]:
    return dict(library.store.conn.execute("SELECT id, version FROM team_base").fetchall())


def _conflict_ids(library: Library) -> set[str]:
    return {r[0] for r in library.store.conn.execute("SELECT id FROM team_conflicts").fetchall()}


def outgoing(library: Library) -> list[str]:
    """Ids of case studies changed here since this library last agreed with the server (conflicts excluded).

    One query: the stored record text is compared with the text last agreed. (Text that differs only in key
    order would be sent again unchanged, which is harmless.)"""
    rows = library.store.conn.execute(
        "SELECT c.id FROM case_studies c LEFT JOIN team_base b ON b.id = c.id "
        "WHERE (b.id IS NULL OR b.record IS NOT c.data OR b.deleted IS NOT c.deleted) "
        "AND c.id NOT IN (SELECT id FROM team_conflicts) ORDER BY c.rowid").fetchall()
    return [r[0] for r in rows]


def status(library: Library, *, online: bool = True) -> dict[str, Any]:
    row = _link_or_raise(library)
    result: dict[str, Any] = {"url": row["url"], "last_sync": row["last_sync"], "last_seq": row["last_seq"],
                              "to_push": len(outgoing(library)), "to_pull": None,
                              "conflicts": len(_conflict_ids(library)), "online": False}
    if online:
        try:
            conn = link.connect(row["url"], timeout=5)
        except CuratorError as err:
            result["offline_reason"] = str(err)
            return result
        try:
            result["to_pull"] = server.count_after(conn, row["last_seq"])
            result["role"] = role_of(conn).name
            result["online"] = True
        finally:
            conn.close()
    return result


# -- applying server versions locally ------------------------------------------------------------------------
class _Applier:
    """Writes server versions into the library with history: one history batch per pulled batch (so undo takes
    a whole sync step back, as it does an import), one row per record."""

    def __init__(self, library: Library, label: str) -> None:
        self.library = library
        self.recorder = Recorder(library.store, label, "sync")
        self.changed: set[str] = set()
        self.removed: set[str] = set()

    def apply(self, case_id: str, content: dict[str, Any], *, note_label: str | None = None) -> None:
        before = self.library.store.state(case_id)
        if _content(before) == content:
            return
        version = (before["version"] + 1) if before else 1
        after = {"record": ordered(content["record"]), "deleted": content.get("deleted"), "version": version}
        self.library.store.write_state(case_id, after)
        self.recorder.add(case_id, before, after, action=None if before else "create")
        (self.removed if after["deleted"] else self.changed).add(case_id)

    def finish(self) -> None:
        """Call inside the transaction, after the last ``apply``."""
        if self.changed or self.removed:
            self.recorder.flush()
            self.library.store.bump_generation()

    def notify(self) -> None:
        """Call after the transaction commits: the search index and open windows catch up."""
        if self.changed or self.removed:
            self.library._notify(Changes(self.recorder.label, self.changed, removed=self.removed))  # noqa: SLF001


def _attachment_digests(record_json: str) -> set[str]:
    return {a["sha256"] for a in json.loads(record_json).get("attachments") or [] if a.get("sha256")}


def _upload_attachments(library: Library, cur: Any, digests: set[str]) -> None:
    """Send the files the pushed records refer to and the server lacks, in the push's own transaction, so a
    record on the server never points at a file it does not have."""
    if not digests:
        return
    cur.execute("SELECT sha256 FROM attachments WHERE sha256 = ANY(%s)", (sorted(digests),))
    have = {r[0] for r in cur.fetchall()}
    for digest in sorted(digests - have):
        path = library.attachments_dir / digest
        if not path.is_file():
            continue  # listed but missing here too: 'check' reports it; the record still syncs
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != digest:
            continue  # damaged copy: never spread it
        cur.execute("INSERT INTO attachments (sha256, content) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (digest, content))


def _download_attachments(library: Library, conn: Any, records_json: list[str]) -> None:
    """Fetch the files pulled records refer to that this library lacks (content-addressed: written once,
    verified, never overwritten)."""
    wanted = set().union(*(_attachment_digests(r) for r in records_json)) if records_json else set()
    missing = sorted(d for d in wanted if not (library.attachments_dir / d).is_file())
    if not missing:
        return
    for digest, content in conn.execute("SELECT sha256, content FROM attachments WHERE sha256 = ANY(%s)",
                                        (missing,)).fetchall():
        content = bytes(content)
        if hashlib.sha256(content).hexdigest() != digest:
            continue
        partial = library.attachments_dir / f"{digest}.partial"
        partial.write_bytes(content)
        partial.replace(library.attachments_dir / digest)


def _set_base(library: Library, case_id: str, version: int, record_json: str, deleted: str | None) -> None:
    library.store.conn.execute("INSERT OR REPLACE INTO team_base (id, version, record, deleted) VALUES (?, ?, ?, ?)",
                               (case_id, version, record_json, deleted))


def _local_text(library: Library, case_id: str) -> tuple[str, str | None] | None:
    row = library.store.conn.execute("SELECT data, deleted FROM case_studies WHERE id = ?", (case_id,)).fetchone()
    return (row[0], row[1]) if row else None


def _add_conflict(library: Library, case_id: str, kind: str, fields: list[str], theirs: dict[str, Any],
                  version: int) -> None:
    library.store.conn.execute(
        "INSERT OR REPLACE INTO team_conflicts (id, kind, fields, theirs, their_version, found) "
        "VALUES (?, ?, ?, ?, ?, ?)", (case_id, kind, dumps(fields), dumps(theirs), version, now_iso()))


def _pull(library: Library, conn: Any, report: SyncReport) -> int:
    """Apply every server change after our last change number; returns how many rows came."""
    came = 0
    while True:
        last = _link_or_raise(library)["last_seq"]
        rows = conn.execute(server.PULL, (last, BATCH)).fetchall()
        if not rows:
            return came
        _download_attachments(library, conn, [r[4] for r in rows if not r[3]])
        applier = _Applier(library, "Sync from team library")
        with library.store.transaction():
            conflicts = _conflict_ids(library)
            for case_id, version, seq, deleted, record_json in rows:
                local = _local_text(library, case_id)
                base_row = library.store.conn.execute("SELECT record, deleted FROM team_base WHERE id = ?",
                                                      (case_id,)).fetchone()
                base_text = (base_row[0], base_row[1]) if base_row else None
                if local == (record_json, deleted):  # already the same here (often our own push coming back)
                    library.store.conn.execute("DELETE FROM team_conflicts WHERE id = ?", (case_id,))
                    _set_base(library, case_id, version, record_json, deleted)
                    last = max(last, seq)
                    continue
                theirs = {"record": json.loads(record_json), "deleted": deleted}
                if local is None or local == base_text:
                    # unchanged here since we last agreed (or already the same): take theirs
                    applier.apply(case_id, theirs)
                    library.store.conn.execute("DELETE FROM team_conflicts WHERE id = ?", (case_id,))
                elif case_id in conflicts:  # still unresolved: keep the newest server version to compare with
                    fields = json.loads(library.store.conn.execute(
                        "SELECT fields FROM team_conflicts WHERE id = ?", (case_id,)).fetchone()[0])
                    _add_conflict(library, case_id, "fields", fields, theirs, version)
                else:
                    mine = {"record": json.loads(local[0]), "deleted": local[1]}
                    base = {"record": json.loads(base_text[0]), "deleted": base_text[1]} if base_text else None
                    _merge_one(library, case_id, base, mine, theirs, version, report, applier)
                _set_base(library, case_id, version, record_json, deleted)
                last = max(last, seq)
            library.store.conn.execute("UPDATE team_link SET last_seq = ?", (last,))
            applier.finish()
        applier.notify()
        report.pulled += len(rows)
        came += len(rows)


def _merge_one(library: Library, case_id: str, base: dict[str, Any] | None, mine: dict[str, Any],
               theirs: dict[str, Any], version: int, report: SyncReport, applier: _Applier) -> None:
    """Both sides changed the case study since they last agreed: merge what merges, keep the rest as a conflict."""
    if theirs["deleted"] and not mine["deleted"]:
        # deleted there, edited here: keep the edit and ask
        _add_conflict(library, case_id, "deleted_theirs", [], theirs, version)
        report.conflicts.append(case_id)
        return
    if mine["deleted"] and not theirs["deleted"]:
        # deleted here, edited there: keep their edit (restored here) and ask
        applier.apply(case_id, theirs)  # restored here, with their edit
        _add_conflict(library, case_id, "deleted_mine", [], theirs, version)
        report.conflicts.append(case_id)
        return
    merged = merge_records(base["record"] if base else None, mine["record"], theirs["record"])
    content = {"record": merged.result, "deleted": mine["deleted"]}
    applier.apply(case_id, content)
    if merged.conflicts:
        _add_conflict(library, case_id, "fields", merged.conflicts, theirs, version)
        report.conflicts.append(case_id)
    else:
        report.merged.append(case_id)


def _push(library: Library, conn: Any, report: SyncReport, role: Role) -> int:
    """Send local changes with optimistic concurrency; a case study changed on the server meanwhile waits for
    the next pull. Returns how many were accepted."""
    accepted = 0
    waiting = outgoing(library)
    if role.name != "lead":  # reviewers and readers cannot write case studies: kept here, counted, not sent
        report.held_back = len(waiting)
        return 0
    bases = _base_versions(library)
    for start in range(0, len(waiting), BATCH):
        ids = waiting[start:start + BATCH]
        done: list[tuple[str, int, str, str | None]] = []
        updates: list[tuple[str, str, str | None, tuple]] = []
        inserts: list[tuple[str, str, str | None, tuple]] = []
        for case_id in ids:
            local = _local_text(library, case_id)  # sent exactly as stored, so "changed" stays a text compare
            if local is None:
                continue
            record_json, deleted = local
            if case_id in bases:
                updates.append((case_id, record_json, deleted, (deleted, record_json, case_id, bases[case_id])))
            else:
                inserts.append((case_id, record_json, deleted, (case_id, deleted, record_json)))
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (server.PUSH_LOCK,))
            _upload_attachments(library, cur, set().union(*(_attachment_digests(b[1]) for b in updates + inserts))
                                if updates or inserts else set())
            kept = []
            for statement, batch in ((server.UPDATE, updates), (server.INSERT, inserts)):
                if not batch:
                    continue
                # one round trip for the batch (pipeline mode), one result set per row
                cur.executemany(statement, [params for *_, params in batch], returning=True)
                for case_id, record_json, deleted, _params in batch:
                    row = cur.fetchone()
                    if row is not None:  # None: changed on the server since we pulled; merged next round
                        done.append((case_id, row[0], record_json, deleted))
                        kept.append((case_id, row[0], deleted, record_json))
                    cur.nextset()
            if kept:
                cur.executemany(server.KEEP_VERSION, kept)
        with library.store.transaction():
            for case_id, version, record_json, deleted in done:
                _set_base(library, case_id, version, record_json, deleted)
        accepted += len(done)
    report.pushed += accepted
    return accepted


def _pull_rows(library: Library, conn: Any, report: SyncReport) -> None:
    """Review data, shared saved searches and guide editions after our last row change number (a cursor of its
    own: rows and case studies share the server's change numbers but are read separately)."""
    while True:
        last = library.store.conn.execute("SELECT last_row_seq FROM team_link").fetchone()[0]
        rows = conn.execute(server.PULL_ROWS, (last, BATCH)).fetchall()
        if not rows:
            return
        with library.store.transaction():
            plain = [r for r in rows if r[0] != editions_mod.TABLE]
            report.rows_pulled += rows_mod.apply(library, plain, report.notes)
            for table, key, _seq, text, deleted in rows:
                if table == editions_mod.TABLE and not deleted:
                    report.editions_pulled += editions_mod.apply(library, int(key), text, report.notes)
            library.store.conn.execute("UPDATE team_link SET last_row_seq = ?", (max(r[2] for r in rows),))


def _push_rows(library: Library, conn: Any, report: SyncReport, role: Role) -> int:
    """Rows this role may write, then (leads) the guide editions made here; an edition whose number a colleague
    took first is renumbered here and sent in the next round."""
    sent, held = rows_mod.waiting(library, role.allows)
    report.held_back += held
    accepted: list[tuple[int, str]] = []
    taken: list[int] = []
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (server.PUSH_LOCK,))
        rows_mod.push(library, cur, sent)
        if role.name == "lead":
            accepted, taken, highest = editions_mod.push(library, cur)
    rows_mod.remember(library, sent)  # only once the server has committed them
    if accepted:
        editions_mod.remember(library, accepted)
    if taken:
        report.notes += editions_mod.renumber_taken(library, taken, highest)
    report.rows_pushed += len(sent)
    report.editions_pushed += len(accepted)
    return len(sent) + len(accepted) + len(taken)


def sync(library: Library) -> SyncReport:
    """Pull, merge, push until both sides agree (or only conflicts are left). Raises ``CuratorError`` offline."""
    row = _link_or_raise(library)
    conn = link.connect(row["url"])
    report = SyncReport()
    import psycopg

    try:
        role = role_of(conn)
        report.role = role.name
        for _ in range(MAX_ROUNDS):
            report.held_back = 0
            _pull(library, conn, report)
            _pull_rows(library, conn, report)
            pushed = _push(library, conn, report, role) + _push_rows(library, conn, report, role)
            if not pushed:
                break
        _pull(library, conn, report)
        _pull_rows(library, conn, report)
    except psycopg.OperationalError as err:
        raise CuratorError(f"the connection to the team database was lost ({_first_line(err)}); what was "
                           "received is kept, and the next 'team sync' carries on") from err
    except psycopg.Error as err:
        raise CuratorError(f"the team database refused the sync ({_first_line(err)}); this library is "
                           "unchanged by the refused part. Ask whoever runs the team database") from err
    finally:
        conn.close()
    with library.store.transaction():
        library.store.conn.execute("UPDATE team_link SET last_sync = ?", (now_iso(),))
    report.last_seq = _link_or_raise(library)["last_seq"]
    report.conflicts = sorted(_conflict_ids(library))
    return report


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


# -- conflicts -------------------------------------------------------------------------------------------------
def conflicts(library: Library) -> list[dict[str, Any]]:
    """Each unresolved conflict with, per field, mine and theirs."""
    _link_or_raise(library)
    out = []
    for case_id, kind, fields_json, theirs_json, version, found in library.store.conn.execute(
            "SELECT id, kind, fields, theirs, their_version, found FROM team_conflicts ORDER BY found").fetchall():
        theirs = json.loads(theirs_json)
        mine = _content(library.store.state(case_id)) or {"record": {}, "deleted": None}
        fields = json.loads(fields_json)
        out.append({"id": case_id, "title": mine["record"].get("title") or theirs["record"].get("title"),
                    "kind": kind, "their_version": version, "found": found,
                    "fields": [{"field": f, "mine": mine["record"].get(f), "theirs": theirs["record"].get(f)}
                               for f in fields]})
    return out


def resolve(library: Library, case_id: str, take: str | None = None,
            values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Settle a conflict: ``take`` mine or theirs for every conflicting field, and/or ``values`` per field.
    The result is saved locally (with history) and pushed on the next sync; both versions stay in history."""
    row = library.store.conn.execute("SELECT kind, fields, theirs FROM team_conflicts WHERE id = ?",
                                     (case_id,)).fetchone()
    if row is None:
        raise NotFound(f"case study '{case_id}' has no team conflict; 'team conflicts' lists them")
    if take not in (None, *TAKE):
        raise CuratorError(f"--take must be mine or theirs, not '{take}'")
    values = values or {}
    kind, fields, theirs = row[0], json.loads(row[1]), json.loads(row[2])
    if take is None and not values:
        raise CuratorError("say how to resolve it: --take mine, --take theirs, or FIELD=VALUE for each of "
                       + ", ".join(fields or ["the record"]))
    unknown = [f for f in values if fields and f not in fields]
    if unknown:
        raise CuratorError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in conflict; the "
                           f"conflicting fields are {', '.join(fields)}")
    applier = _Applier(library, f"Resolve team conflict ({take or 'chosen values'})")
    with library.store.transaction():
        mine = _content(library.store.state(case_id))
        if kind == "fields":
            record = dict(mine["record"])
            for name in fields:
                if name in values:
                    record[name] = values[name]
                elif take == "theirs":
                    if name in theirs["record"]:
                        record[name] = theirs["record"][name]
                    else:
                        record.pop(name, None)
                elif take is None:
                    raise CuratorError(f"no value given for '{name}'; add {name}=… or --take mine|theirs")
            from ..model import normalise

            normalised, _warnings = normalise({k: v for k, v in record.items()})
            normalised["created"], normalised["updated"] = record.get("created"), now_iso()
            content = {"record": ordered(normalised), "deleted": mine["deleted"]}
        elif kind == "deleted_theirs":
            content = theirs if take == "theirs" else mine
        else:  # deleted_mine: their edit is here now; mine means delete it again
            content = dict(mine, deleted=now_iso()) if take == "mine" else mine
        applier.apply(case_id, content)
        library.store.conn.execute("DELETE FROM team_conflicts WHERE id = ?", (case_id,))
        applier.finish()
    applier.notify()
    return {"resolved": case_id, "take": take, "fields": fields}
