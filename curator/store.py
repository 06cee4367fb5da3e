"""The SQLite database of one library: connection, transactions, and rows <-> records.

SQLite is the single source of truth. Each record is stored whole as JSON (so unknown fields survive) with the
columns and tags that lists, filters and facets need beside it. Writes happen inside ``transaction()``, which
takes the write lock up front (``BEGIN IMMEDIATE``) so two processes queue instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import CuratorError
from .migrations import LATEST, MIGRATIONS
from .model import TAG_FIELDS
from .vocab import vocabularies

BUSY_TIMEOUT_MS = 10_000


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Read a library on a read-only disk or share: ``mode=ro``, or, where SQLite cannot create the WAL index
    beside it, ``immutable=1`` (the file cannot change under us: nobody can write there)."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)


class Store:
    """One open ``curator.db``. Thread-safe: every statement runs under one re-entrant lock."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        #: why a library asked for read-write was opened read-only (a full disk), for the person to see
        self.degraded: str | None = None
        try:
            if read_only:
                self.conn = _connect_read_only(path)
            else:
                try:
                    self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                                                timeout=BUSY_TIMEOUT_MS / 1000)
                    self.conn.execute("PRAGMA journal_mode=WAL")
                except sqlite3.OperationalError as err:
                    if not path.exists() or not any(w in str(err).casefold() for w in ("i/o", "full", "readonly")):
                        raise
                    # a full disk (no room for the WAL index) or a read-only file: still let people read
                    self.conn = _connect_read_only(path)
                    self.read_only = True
                    self.degraded = (f"the library could not be opened for changes ({err}; is the disk full?), so "
                                     "it is open to read only: free some space to make changes again")
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._refuse_foreign()
        except sqlite3.DatabaseError as err:
            from .errors import explain

            raise explain(err, path) from err
        self.conn.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA cache_size=-32000")  # 32 MB: imports insert on random keys
        self.db = sqlite_utils.Database(self.conn)
        self.lock = threading.RLock()
        self._depth = 0
        #: set when a transaction was rolled back because of Ctrl+C, so the CLI can say truthfully what was kept
        self.interrupted_rollback = False

    def _refuse_foreign(self) -> None:
        """A SQLite file of another program is refused, never "migrated" into a Curator library."""
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if (version == 0 and tables) or (version > 0 and "case_studies" not in tables):
            self.conn.close()
            raise CuratorError(f"{self.path} is a SQLite database of another program, not a Curator library "
                               f"(it holds {', '.join(sorted(tables)[:4]) or 'no tables'}); nothing was changed: "
                               "open the folder of a Curator library with --library DIR")

    # -- schema -----------------------------------------------------------------------------------------
    @property
    def user_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def needs_migration(self) -> bool:
        version = self.user_version
        if version > LATEST:
            raise CuratorError(f"{self.path} was written by a newer Curator (schema {version}, this one knows "
                               f"{LATEST}); update Curator before opening this library")
        if version < LATEST and self.read_only:
            raise CuratorError(f"{self.path} is on a read-only disk and was written by an older Curator, which this "
                               "one would have to upgrade; copy the library folder somewhere you can write to")
        return version < LATEST

    def migrate(self) -> None:
        with self.lock:
            for number in range(self.user_version + 1, LATEST + 1):
                with self.transaction():
                    MIGRATIONS[number - 1](self.conn)
                    self.conn.execute(f"PRAGMA user_version={number}")

    def has_data(self) -> bool:
        return self.user_version > 0 and self.conn.execute("SELECT 1 FROM case_studies LIMIT 1").fetchone() is not None

    # -- transactions -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: commit on success, roll back on any exception. Nested calls join the outer one."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            if self.read_only:
                raise CuratorError(
                    "nothing was changed: " + (self.degraded or f"{self.path.parent} is read-only, so this library "
                                               "can be read and exported but not changed; copy the folder "
                                               "somewhere you can write to"))
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException as err:
                with contextlib.suppress(sqlite3.Error):  # a failed COMMIT/IO error may have ended it already
                    self.conn.execute("ROLLBACK")
                self.interrupted_rollback = isinstance(err, KeyboardInterrupt)
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            cur = self.conn.execute(sql, params)
            cols = [c[0] for c in cur.description or ()]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        with self.lock:
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # -- config -----------------------------------------------------------------------------------------
    def get_config(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM config WHERE key=?", (key,))
        return default if value is None else value

    def set_config(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT INTO config(key, value) VALUES (?, ?) "
                              "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    def bump_generation(self) -> int:
        """A counter that every change to records increases; the search index compares against it."""
        self.conn.execute("INSERT INTO config(key, value) VALUES ('generation', '1') "
                          "ON CONFLICT(key) DO UPDATE SET value=CAST(value AS INTEGER) + 1")
        return int(self.scalar("SELECT value FROM config WHERE key='generation'"))

    @property
    def generation(self) -> int:
        return int(self.get_config("generation", "0") or 0)

    # -- records ----------------------------------------------------------------------------------------
    def state(self, case_id: str) -> dict[str, Any] | None:
        """What history stores about one record: the record itself and whether it is in the trash."""
        with self.lock:
            row = self.conn.execute("SELECT data, deleted, version FROM case_studies WHERE id=?",
                                    (case_id,)).fetchone()
        if row is None:
            return None
        return {"record": json.loads(row[0]), "deleted": row[1], "version": row[2]}

    def write_state(self, case_id: str, state: dict[str, Any] | None) -> None:
        """Make the stored row equal ``state`` (``None`` removes it). Call inside a transaction."""
        if state is None:
            self.conn.execute("DELETE FROM case_studies WHERE id=?", (case_id,))
            return
        self.write_rows([(state["record"], state.get("deleted"), state.get("version", 1))])

    def write_rows(self, rows: list[tuple], *, new: bool = False) -> None:
        """Insert or replace whole records with their tags (batched for imports).

        Each row is ``(record, deleted, version)`` or, with the record already encoded, ``(…, data_json)``.
        ``new=True`` promises none of the ids exists yet (a plain INSERT: a clash fails instead of overwriting).
        """
        regions = vocabularies().region_of
        params = []
        tags = []
        for record, deleted, version, *encoded in rows:
            params.append((record["id"], record["title"], record.get("organisation") or "", record.get("ics"),
                           regions(record.get("ics")), record["status"], record.get("year"), record["created"],
                           record["updated"], deleted, version, encoded[0] if encoded else dumps(record)))
            for field in TAG_FIELDS:
                tags.extend((record["id"], field, value) for value in record.get(field) or [])
        insert = ("INSERT INTO case_studies(id, title, organisation, ics, region, status, year, created, updated,"
                  " deleted, version, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
        if new:
            self.conn.executemany(insert, params)
            self.conn.executemany("INSERT INTO case_tags(case_id, kind, value) VALUES (?,?,?)", tags)
            return
        self.conn.executemany("DELETE FROM case_tags WHERE case_id=?", [(p[0],) for p in params])
        self.conn.executemany(
            insert + " ON CONFLICT(id) DO UPDATE SET"
            " title=excluded.title, organisation=excluded.organisation, ics=excluded.ics, region=excluded.region,"
            " status=excluded.status, year=excluded.year, created=excluded.created, updated=excluded.updated,"
            " deleted=excluded.deleted, version=excluded.version, data=excluded.data", params)
        self.conn.executemany("INSERT OR IGNORE INTO case_tags(case_id, kind, value) VALUES (?,?,?)", tags)

    def exists(self, case_id: str) -> bool:
        return self.scalar("SELECT 1 FROM case_studies WHERE id=?", (case_id,)) is not None

    def close(self) -> None:
        with self.lock:
            if not self.read_only:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("PRAGMA optimize")
            self.conn.close()
