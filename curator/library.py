"""A library: one folder holding the database, search index, attachments, backups and log.

``Library`` is the one facade the CLI and the UI call. Every change is one transaction that also writes its
history, then tells listeners (the search index, open windows) what changed. Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import backups as backups_mod
from . import history as history_mod
from . import merge as merge_mod
from . import recovery
from .duplicates import DuplicateIndex
from .errors import CuratorError, NotFound, RecordErrors
from .history import Changes, Recorder, now_iso
from .importers import ImportItem
from .model import STATUSES, normalise, ordered
from .progress import CancelToken, ProgressFn, no_progress
from .store import Store, dumps
from .vocab import vocabularies
from .workflow import check_transition

APP_NAME = "Curator"
DB_NAME = "curator.db"
ON_DUPLICATE = ("skip", "keep", "update")
IMPORT_CHUNK = 500

#: Extensions attached to every opened library ("module:function(library)"), e.g. the search index.
EXTENSIONS: list[str] = ["curator.search.integration:attach"]
#: Checks run on every saved record ("module:function(record, library) -> list[str]"); they warn, never refuse.
SAVE_CHECKS: list[str] = ["curator.word.pii_gate:save_warnings"]


def _load(spec: str) -> Callable[..., Any] | None:
    """The named function, or None when its module is not part of this build (a broken module still raises)."""
    module, func = spec.split(":")
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name and module.startswith(err.name):
            return None
        raise
    return getattr(loaded, func)


def save_warnings(record: dict[str, Any], library: Library) -> list[str]:
    """Warnings from the save checks (e.g. possible patient-identifiable data) for a record about to be saved."""
    out: list[str] = []
    for spec in SAVE_CHECKS:
        check = _load(spec)
        if check is not None:
            out.extend(check(record, library))
    return out


def default_library_dir() -> Path:
    """``CURATOR_LIBRARY`` if set, else the per-user data folder (``platformdirs``)."""
    env = os.environ.get("CURATOR_LIBRARY")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def new_id() -> str:
    return "cs-" + secrets.token_hex(5)


@dataclass
class ImportReport:
    """What an import did, record by record (the ``import`` command's JSON)."""

    imported: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False

    def as_json(self) -> dict[str, Any]:
        out = {"imported": self.imported, "refused": self.refused, "warnings": self.warnings,
               "duplicates": self.duplicates}
        if self.notes:
            out["notes"] = self.notes
        if self.cancelled:
            out["cancelled"] = True
        return out


class _ImportCancelled(Exception):
    """Raised inside an import's transaction to roll it back when the user cancels."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import cancelled")
        self.report = report


class Library:
    """An open library folder. Use ``Library.open()``; close it (or use ``with``) when done."""

    def __init__(self, folder: Path, *, daily_backup: bool = True, extensions: bool = True,
                 create: bool = True) -> None:
        self.folder = folder
        #: things the person opening the library should know (a skipped daily backup, a read-only folder)
        self.warnings: list[str] = []
        from .location import location_risk

        risk = location_risk(folder)  # OneDrive, SharePoint or a network share: SQLite's locking is unsafe there
        if risk is not None:
            self.warnings.append(risk.message(folder))
        self.read_only = recovery.is_read_only(folder)
        try:
            if not self.read_only:
                folder.mkdir(parents=True, exist_ok=True)
                for sub in (self.attachments_dir, self.backups_dir, self.logs_dir):
                    sub.mkdir(exist_ok=True)
        except OSError as err:
            raise CuratorError(f"cannot use {folder} as a library folder ({err.strerror}); choose a folder you "
                               "can write to with --library DIR") from err
        if (folder / DB_NAME).is_dir() or not folder.is_dir():
            raise CuratorError(f"{folder} is not a library folder; choose another with --library DIR")
        recovery.check_before_open(folder, create=create)
        if self.read_only:
            self.warnings.append(f"{folder} is read-only: you can read and export this library but not change it")
        self.store = Store(self.db_path, read_only=self.read_only)
        if self.store.degraded:
            self.read_only = True
            self.warnings.append(self.store.degraded)
        self.listeners: list[Callable[[Changes], None]] = []
        self.extensions: dict[str, Any] = {}
        self._closed = False
        if self.store.needs_migration():
            if self.store.has_data():
                self.backup(f"before-migration-v{self.store.user_version + 1}")
            self.store.migrate()
        self._daily: threading.Thread | None = None
        if daily_backup and not self.read_only and self.store.has_data() \
                and not backups_mod.taken_today(self.backups_dir):
            self._daily_backup()
        if extensions:
            for spec in EXTENSIONS:
                attach = _load(spec)
                if attach is not None:
                    attach(self)

    def _daily_backup(self) -> None:
        """The first open of the day backs up; when the disk is short of room (or the backup fails) reading
        goes on and the person is told, rather than every command failing."""
        room, needed, free = backups_mod.room_for(self.store.conn, self.backups_dir)
        if not room:
            self.warnings.append(f"today's backup was skipped: it needs {needed // 2**20 + 1} MB and the disk has "
                                 f"{max(free, 0) // 2**20} MB free; free some space (the backup is taken the next "
                                 "time the library is opened)")
            return
        self._start_daily_backup()  # in the background: it must not hold up the first search (issue 15)

    @classmethod
    def open(cls, folder: str | Path | None = None, **kwargs: Any) -> Library:
        return cls(Path(folder).expanduser() if folder else default_library_dir(), **kwargs)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.wait_for_daily_backup()
        for ext in self.extensions.values():
            with contextlib.suppress(Exception):
                ext.close()
        self.store.close()

    # -- paths ------------------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def index_dir(self) -> Path:
        return self.folder / "index"

    @property
    def attachments_dir(self) -> Path:
        return self.folder / "attachments"

    @property
    def backups_dir(self) -> Path:
        return self.folder / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.folder / "logs"

    @property
    def log_path(self) -> Path:
        return self.logs_dir / "curator.log"

    # -- change notification ----------------------------------------------------------------------------
    def _notify(self, changes: Changes) -> Changes:
        if getattr(self, "_deferred", None) is not None:  # inside an import's transaction: tell after the commit
            self._deferred.append(changes)
            return changes
        for listener in list(self.listeners):
            listener(changes)
        return changes

    # -- reads ------------------------------------------------------------------------------------------
    def get(self, case_id: str, *, include_deleted: bool = True) -> dict[str, Any]:
        state = self.store.state(case_id)
        if state is None or (state["deleted"] and not include_deleted):
            raise NotFound(f"no case study with id '{case_id}'; run 'python -m curator list' to see the ids")
        return ordered(state["record"])

    def is_deleted(self, case_id: str) -> bool:
        state = self.store.state(case_id)
        return bool(state and state["deleted"])

    def count(self, *, include_deleted: bool = False) -> int:
        where = "" if include_deleted else " WHERE deleted IS NULL"
        return self.store.scalar(f"SELECT COUNT(*) FROM case_studies{where}")

    def _filters(self, status: str | None = None, ics: str | None = None, area: str | None = None,
                 group: str | None = None, region: str | None = None, action: str | None = None,
                 trash: bool = False) -> tuple[str, list[Any]]:
        """SQL WHERE clause for list filters; values accept the same codes, ids and labels as import."""
        vocab = vocabularies()
        clauses = ["deleted IS NOT NULL" if trash else "deleted IS NULL"]
        params: list[Any] = []
        if status:
            if status not in STATUSES:
                raise CuratorError(f"--status: '{status}' is not a status; use one of {', '.join(STATUSES)}")
            clauses.append("status = ?")
            params.append(status)
        if ics:
            clauses.append("ics = ?")
            params.append(vocab.ics.resolve(ics, "--ics").id)
        if region:
            clauses.append("region = ?")
            params.append(vocab.regions.resolve(region, "--region").id)
        for kind, value, vocabulary, name in (("clinical_areas", area, vocab.areas, "--area"),
                                              ("population_groups", group, vocab.groups, "--group"),
                                              ("action_areas", action, vocab.actions, "--action")):
            if value:
                clauses.append("id IN (SELECT case_id FROM case_tags WHERE kind = ? AND value = ?)")
                params.extend([kind, vocabulary.resolve(value, name).id])
        return " AND ".join(clauses), params

    def list_records(self, *, limit: int | None = None, offset: int = 0, **filters: Any) -> dict[str, Any]:
        """``{"total", "items": [{"id", "title", "ics", "status", "updated"}]}``, newest first."""
        where, params = self._filters(**filters)
        total = self.store.scalar(f"SELECT COUNT(*) FROM case_studies WHERE {where}", params)
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
        items = self.store.query(f"SELECT id, title, ics, status, updated FROM case_studies WHERE {where} "
                                 f"ORDER BY updated DESC, id{page}", params)
        return {"total": total, "items": items}

    def iter_records(self, *, include_deleted: bool = False, ids: Iterable[str] | None = None,
                     **filters: Any) -> Iterator[dict[str, Any]]:
        """Whole records, oldest first, read in pages so 50,000 records never sit in memory at once."""
        where, params = self._filters(**filters)
        if include_deleted:
            where = where.replace("deleted IS NULL", "1")
        wanted = set(ids) if ids is not None else None
        last = ""
        while True:
            rows = self.store.query(f"SELECT id, data FROM case_studies WHERE {where} AND id > ? ORDER BY id "
                                    "LIMIT 1000", [*params, last])
            if not rows:
                return
            for row in rows:
                if wanted is None or row["id"] in wanted:
                    yield ordered(json.loads(row["data"]))
            last = rows[-1]["id"]

    def history(self, case_id: str) -> list[dict[str, Any]]:
        if not self.store.exists(case_id) and not self.store.scalar("SELECT 1 FROM history WHERE case_id=?",
                                                                     (case_id,)):
            raise NotFound(f"no case study with id '{case_id}'; run 'python -m curator list' to see the ids")
        return history_mod.record_history(self.store, case_id)

    # -- single-record writes ---------------------------------------------------------------------------
    def _write(self, label: str, action: str, case_id: str, before: dict[str, Any] | None,
               after: dict[str, Any] | None, note: str | None = None) -> None:
        recorder = Recorder(self.store, label, action, note=note)
        self.store.write_state(case_id, after)
        recorder.add(case_id, before, after)
        recorder.flush()
        self.store.bump_generation()

    def create(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Save a new case study (from the editor or a script); returns the record and warnings."""
        record, warnings = normalise(raw)
        warnings += save_warnings(record, self)
        with self.store.transaction():
            if not record.get("id") or self.store.exists(record["id"]):
                record["id"] = self._unused_id()
            stamp = now_iso()
            record["created"] = stamp
            record["updated"] = stamp
            after = {"record": ordered(record), "deleted": None, "version": 1}
            self._write(f"Add {_short(record['title'])}", "create", record["id"], None, after)
        self._notify(Changes(f"Add {_short(record['title'])}", {record["id"]}))
        return ordered(record), warnings

    def update(self, case_id: str, fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Replace the given fields; everything else stays. Status changes follow the workflow."""
        if not isinstance(fields, dict):
            raise CuratorError("the update must be a JSON object of the fields to change")
        if fields.get("id") not in (None, case_id):
            raise CuratorError(f"the update names id '{fields['id']}' but you asked to update '{case_id}'; "
                               "remove the id or use the right one")
        with self.store.transaction():
            before = self._state_or_raise(case_id)
            current = before["record"]
            merged = {**current, **{k: v for k, v in fields.items() if k not in ("created", "updated")}}
            record, warnings = normalise({k: v for k, v in merged.items() if k != "id"})  # the stored id stands
            record["id"] = case_id
            warnings += save_warnings(record, self)
            if record["status"] != current["status"]:
                check_transition(current["status"], record["status"])
            record["id"] = case_id
            record["created"] = current["created"]
            record["updated"] = current["updated"]
            if ordered(record) == ordered(current):
                return ordered(current), warnings
            record["updated"] = now_iso()
            after = {"record": ordered(record), "deleted": before["deleted"], "version": before["version"] + 1}
            label = f"Edit {_short(record['title'])}"
            self._write(label, "update", case_id, before, after)
        self._notify(Changes(label, {case_id}))
        return ordered(record), warnings

    def set_status(self, case_id: str, status: str, *, reason: str | None = None) -> dict[str, Any]:
        """Move along the workflow; ``reason`` (e.g. the chair's decision) is kept in the history row."""
        with self.store.transaction():
            before = self._state_or_raise(case_id)
            record = dict(before["record"])
            check_transition(record["status"], status)
            record["status"] = status
            record["updated"] = now_iso()
            after = {"record": record, "deleted": before["deleted"], "version": before["version"] + 1}
            label = f"Change status to {status.replace('_', ' ')}"
            self._write(label, "status", case_id, before, after, note=reason)
        self._notify(Changes(label, {case_id}))
        return ordered(record)

    def delete(self, case_id: str) -> dict[str, Any]:
        """Move a case study to the trash (``restore`` or ``undo`` brings it back)."""
        with self.store.transaction():
            before = self._state_or_raise(case_id)
            if before["deleted"]:
                raise CuratorError(f"case study '{case_id}' is already in the trash; 'restore {case_id}' brings it "
                                   "back")
            after = dict(before, deleted=now_iso(), version=before["version"] + 1)
            label = f"Delete {_short(before['record']['title'])}"
            self._write(label, "delete", case_id, before, after)
        self._notify(Changes(label, removed={case_id}))
        return ordered(before["record"])

    def restore(self, case_id: str) -> dict[str, Any]:
        with self.store.transaction():
            before = self.store.state(case_id)
            if before is None:
                raise NotFound(f"no case study with id '{case_id}' in the library or its trash")
            if not before["deleted"]:
                raise CuratorError(f"case study '{case_id}' is not in the trash; nothing to restore")
            after = dict(before, deleted=None, version=before["version"] + 1)
            label = f"Restore {_short(before['record']['title'])}"
            self._write(label, "restore", case_id, before, after)
        self._notify(Changes(label, {case_id}))
        return ordered(before["record"])

    def record_event(self, case_id: str, label: str, note: str | None = None) -> None:
        """Audit an event about a record that does not change it (a PII finding dismissed, a review decision
        note): a history row with action 'note', which undo skips. Call inside ``store.transaction()`` to make it
        part of a larger change."""
        with self.store.transaction():
            state = self._state_or_raise(case_id)
            recorder = Recorder(self.store, label, "note", note=note)
            recorder.add(case_id, state, state)
            recorder.flush()

    def trash(self) -> list[dict[str, Any]]:
        return self.store.query("SELECT id, title, ics, status, deleted FROM case_studies "
                                "WHERE deleted IS NOT NULL ORDER BY deleted DESC")

    def _state_or_raise(self, case_id: str) -> dict[str, Any]:
        state = self.store.state(case_id)
        if state is None:
            raise NotFound(f"no case study with id '{case_id}'; run 'python -m curator list' to see the ids")
        return state

    def _unused_id(self, *taken: set[str]) -> str:
        """A fresh id; with ``taken`` sets (an import's held and new ids) no query per record is needed."""
        while True:
            candidate = new_id()
            if any(candidate in ids for ids in taken) if taken else self.store.exists(candidate):
                continue
            return candidate

    # -- undo / redo ------------------------------------------------------------------------------------
    def undo(self, expected_batch: str | None = None) -> Changes:
        return self._notify(history_mod.undo(self.store, expected_batch))

    def undo_target(self) -> dict[str, Any] | None:
        """The change undo would revert: ``{"batch", "label", "count"}`` (count: history rows, one per record)."""
        return history_mod.undo_target(self.store)

    def redo(self) -> Changes:
        return self._notify(history_mod.redo(self.store))

    def undo_label(self) -> str | None:
        target = history_mod.undo_target(self.store)
        return target["label"] if target else None

    def redo_label(self) -> str | None:
        target = history_mod.redo_target(self.store)
        return target["label"] if target else None

    # -- import -----------------------------------------------------------------------------------------
    def duplicate_index(self) -> DuplicateIndex:
        index = DuplicateIndex()
        for row in self.store.query("SELECT id, title, organisation FROM case_studies WHERE deleted IS NULL"):
            index.add(row["id"], row["title"], row["organisation"])
        return index

    def import_records(self, items: list[ImportItem], *, on_duplicate: str = "skip",
                       progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                       backup: bool = True) -> ImportReport:
        """Validate each item, flag near-duplicates, store the good ones; each is accepted or refused alone.

        The whole import is one transaction and one undo step: a kill, Ctrl+C, full disk or Cancel leaves the
        library exactly as before (a cancelled report lists nothing imported). Listeners hear of it only after
        the commit. Undo and another import wait for a running import (they queue on the write lock).
        """
        if backup and len(items) > 1 and not self.read_only and self.store.has_data():
            self.backup("before-import")  # outside the transaction: a backup reads the committed state
        self._deferred: list[Changes] | None = []
        try:
            with self.store.transaction():  # the chunk transactions inside join this one
                report = self._import_in_transaction(items, on_duplicate=on_duplicate, progress=progress,
                                                     cancel=cancel, backup=False)
                if report.cancelled:
                    raise _ImportCancelled(report)
        except _ImportCancelled as stop:
            report = stop.report
            report.imported.clear()
            self._deferred = []
        finally:
            deferred, self._deferred = self._deferred or [], None
        for changes in deferred:
            self._notify(changes)
        return report

    def _import_in_transaction(self, items: list[ImportItem], *, on_duplicate: str = "skip",
                               progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                               backup: bool = True) -> ImportReport:
        """Validate each item, flag near-duplicates, store the good ones; each is accepted or refused alone.

        Runs inside ``import_records``' one transaction: the chunks below only batch the inserts.
        The whole import is one undo step.
        """
        if on_duplicate not in ON_DUPLICATE:
            raise CuratorError(f"--on-duplicate must be one of {', '.join(ON_DUPLICATE)}, not '{on_duplicate}'")
        report = ImportReport()
        total = len(items)
        if backup and total > 1 and self.store.has_data():
            self.backup("before-import")
        dups = self.duplicate_index()
        held_ids = {row[0] for row in self.store.conn.execute("SELECT id FROM case_studies")}
        recorder = Recorder(self.store, _import_label(items), "import")
        pending: list[tuple[dict[str, Any], dict[str, Any] | None, ImportItem]] = []
        changed: set[str] = set()
        seen_ids: set[str] = set()

        def flush() -> None:
            if not pending:
                return
            with self.store.transaction():
                rows, updates = [], []
                for after_record, before, item in pending:
                    for name, content in item.attachments:
                        self._store_attachment(name, content)
                    version = (before["version"] + 1) if before else 1
                    data = dumps(after_record)  # encoded once: the row and its history share it
                    (updates if before else rows).append((after_record, None, version, data))
                    recorder.add_encoded(after_record["id"], before,
                                         f'{{"record":{data},"deleted":null,"version":{version}}}',
                                         action="update" if before else "import")
                self.store.write_rows(rows, new=True)
                self.store.write_rows(updates)
                recorder.flush()
                self.store.bump_generation()
            for after_record, _, item in pending:
                report.imported.append({"id": after_record["id"], "title": after_record["title"],
                                        "source": item.source})
                changed.add(after_record["id"])
            pending.clear()

        for n, item in enumerate(items, start=1):
            if cancel is not None and cancel.cancelled:
                report.cancelled = True
                break
            progress(n - 1, total, f"Importing {item.source}")
            for message in item.warnings:
                report.warnings.append({"source": item.source, "message": message})
            report.notes.extend(dict(note, source=item.source) for note in item.notes)
            try:
                record, warnings = normalise(item.raw)
            except RecordErrors as err:
                report.refused.append({"source": item.source, "error": str(err),
                                       "fields": [e.field for e in err.errors]})
                continue
            for message in warnings:
                report.warnings.append({"source": item.source, "message": message})
            listed = {a.get("sha256") for a in record["attachments"]}  # a reader may list them with alt text
            for name, content in item.attachments:
                digest = hashlib.sha256(content).hexdigest()
                if digest not in listed:
                    listed.add(digest)
                    record["attachments"].append({"name": name, "sha256": digest})

            before = None
            given_id = record.get("id")
            match_id = None
            if given_id and (given_id in seen_ids or given_id in held_ids):
                match_id = given_id
            else:
                found = dups.find(record["title"], record["organisation"])
                match_id = found.id if found else None
            if match_id:
                existing_title = next((r["title"] for r, _, _ in pending if r["id"] == match_id), None) or \
                    self.store.scalar("SELECT title FROM case_studies WHERE id=?", (match_id,)) or ""
                action = {"skip": "skipped", "keep": "kept as a new record", "update": "updated the match"}[
                    on_duplicate]
                report.duplicates.append({"source": item.source, "title": record["title"], "match_id": match_id,
                                          "match_title": existing_title, "action": on_duplicate, "raw": item.raw})
                hint = "" if on_duplicate != "skip" else \
                    "; use --on-duplicate keep to add it anyway or --on-duplicate update to replace the match"
                report.warnings.append({"source": item.source, "message":
                                        f"'{record['title']}' closely matches {match_id} '{existing_title}': "
                                        f"{action}{hint}"})
                if on_duplicate == "skip":
                    continue
                if on_duplicate == "update":
                    flush()  # the match may be in this batch
                    before = self.store.state(match_id)
                    if before is None or before["deleted"]:
                        before = None
                    else:  # fields the file gives replace, the rest and the status stay (merge.py)
                        record = merge_mod.merge_given(before["record"], merge_mod.given_fields(item.raw, record))
                        record["id"] = match_id
                        record["created"] = before["record"]["created"]
                        record["updated"] = now_iso()
                if before is None and (not record.get("id") or record["id"] in seen_ids
                                       or record["id"] in held_ids):
                    record["id"] = self._unused_id(held_ids, seen_ids)
            elif not given_id:
                record["id"] = self._unused_id(held_ids, seen_ids)
            stamp = now_iso()
            record.setdefault("created", stamp)
            record.setdefault("updated", stamp)
            seen_ids.add(record["id"])
            dups.add(record["id"], record["title"], record["organisation"])
            pending.append((ordered(record), before, item))
            if len(pending) >= IMPORT_CHUNK:
                flush()
        flush()
        progress(total, total, "Import finished")
        if changed:
            self._notify(Changes(recorder.label, changed))
        return report

    def _store_attachment(self, name: str, content: bytes) -> Path:
        digest = hashlib.sha256(content).hexdigest()
        target = self.attachments_dir / digest
        if not target.exists():
            partial = target.with_suffix(".partial")
            partial.write_bytes(content)
            partial.replace(target)
        return target

    def attachment_path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", str(sha256)):  # never a path built from anything but a digest
            raise NotFound(f"'{str(sha256)[:70]}' is not an attachment digest (64 hex digits)")
        path = self.attachments_dir / sha256
        if not path.is_file():
            raise NotFound(f"attachment {sha256[:12]}… is not in this library's attachments folder")
        return path

    # -- export -----------------------------------------------------------------------------------------
    def export_json(self, path: Path, **filters: Any) -> int:
        """Write every record (interchange format) atomically; returns how many."""
        records = list(self.iter_records(**filters))
        write_text_atomic(path, json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return len(records)

    # -- backups and integrity --------------------------------------------------------------------------
    def _start_daily_backup(self) -> None:
        """The daily backup (copy + integrity check) from its own read connection, on a thread: at 50,000
        records it takes seconds, and WAL lets it read while the library is used. ``backup()``,
        ``backups()`` and ``close()`` wait for it; a failure is logged and kept in ``daily_backup_error``."""
        self.daily_backup_error: str | None = None

        def run() -> None:
            conn = sqlite3.connect(str(self.db_path))
            try:
                backups_mod.take_backup(conn, self.backups_dir, "daily")
            except Exception as err:  # noqa: BLE001 - reported, never lost
                self.daily_backup_error = str(err)
                logging.getLogger("curator").warning("daily backup failed: %s", err)
            finally:
                conn.close()

        self._daily = threading.Thread(target=run, name="curator-daily-backup", daemon=True)
        self._daily.start()

    def wait_for_daily_backup(self) -> None:
        daily = getattr(self, "_daily", None)  # a migration backs up before the daily backup is set up
        if daily is not None:
            daily.join()
            self._daily = None

    def backup(self, reason: str = "manual") -> backups_mod.BackupInfo:
        self.wait_for_daily_backup()
        with self.store.lock:
            return backups_mod.take_backup(self.store.conn, self.backups_dir, reason)

    def backups(self) -> list[backups_mod.BackupInfo]:
        self.wait_for_daily_backup()
        return backups_mod.list_backups(self.backups_dir)

    def restore_backup(self, path: Path) -> dict[str, Any]:
        """Replace the library's database with a backup, after backing up the current state."""
        path = Path(path)
        if not path.is_absolute() and not path.exists():
            path = self.backups_dir / path
        backups_mod.verify_backup_file(path)
        safety = self.backup("before-restore")
        with self.store.lock:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                source.backup(self.store.conn)
            finally:
                source.close()
            if self.store.needs_migration():
                self.store.migrate()
            with self.store.transaction():
                self.store.bump_generation()
        self._notify(Changes(f"Restore backup {path.name}", everything=True))
        return {"restored": str(path), "safety_backup": str(safety.path), "records": self.count()}

    def check(self) -> dict[str, Any]:
        """Integrity of the database and of each stored record."""
        problems = backups_mod.integrity_problems(self.store.conn)
        problems += [f"foreign key: {tuple(r)}" for r in self.store.conn.execute("PRAGMA foreign_key_check")]
        for row in self.store.query("SELECT id, title, status, data FROM case_studies"):
            try:
                record = json.loads(row["data"])
            except json.JSONDecodeError:
                problems.append(f"{row['id']}: stored JSON is unreadable")
                continue
            if record.get("id") != row["id"] or record.get("title") != row["title"] \
                    or record.get("status") != row["status"]:
                problems.append(f"{row['id']}: columns disagree with the stored record")
        return {"ok": not problems, "problems": problems, "records": self.count()}


def _import_label(items: list[ImportItem]) -> str:
    """'Import from cases.json' (the undo menu then reads 'Undo import from cases.json')."""
    files = list(dict.fromkeys(re.split(r"[#:]", item.source, maxsplit=1)[0] for item in items))
    return f"Import from {files[0]}" if len(files) == 1 else f"Import from {len(files)} files"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _short(title: str, width: int = 50) -> str:
    title = " ".join(title.split())
    return f"'{title}'" if len(title) <= width else f"'{title[: width - 1]}…'"


def write_text_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside the target, then rename: a crash never leaves half a file."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise CuratorError(f"cannot write {path}: the folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CuratorError(f"cannot write {path} ({err.strerror}); choose another place") from err


__all__ = ["Library", "ImportReport", "default_library_dir", "write_text_atomic", "dumps"]
