"""Backups of ``curator.db`` with SQLite's online backup API, each one verified before it is trusted.

Taken before any migration or bulk import, once a day on first open, and on request. Retention keeps the
newest ten plus the newest of every month, so a mistake noticed weeks later can still be undone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import CuratorError, NotFound

KEEP_LATEST = 10
_NAME = re.compile(r"^curator-(\d{8})-(\d{6})(?:-(\d+))?-([a-z0-9-]+)\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken: dt.datetime
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "taken": self.taken.isoformat(timespec="seconds"), "reason": self.reason,
                "bytes": self.path.stat().st_size if self.path.exists() else 0}


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in the folder, oldest first."""
    out = []
    for path in folder.glob("curator-*.db"):
        match = _NAME.match(path.name)
        if match:
            taken = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
            out.append(BackupInfo(path, taken, match.group(4)))
    return sorted(out, key=lambda b: (b.taken, b.path.name))


def take_backup(conn: sqlite3.Connection, folder: Path, reason: str, now: dt.datetime | None = None) -> BackupInfo:
    """Copy the live database to a new file, check it, and prune old backups."""
    folder.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    stem = f"curator-{now:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}-{reason}.db"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}-{reason}.db"
    partial = path.with_suffix(".partial")
    dest = sqlite3.connect(str(partial))
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
        problems = integrity_problems(dest)
    finally:
        dest.close()
    if problems:
        partial.unlink(missing_ok=True)
        raise CuratorError(f"the backup failed its integrity check ({problems[0]}); the library itself may be "
                           "damaged: run 'python -m curator check'")
    partial.replace(path)
    prune(folder)
    return BackupInfo(path, now.replace(microsecond=0), reason)


def prune(folder: Path) -> list[Path]:
    """Delete backups beyond the newest ten, keeping the newest of each month."""
    backups = list_backups(folder)
    keep = {b.path for b in backups[-KEEP_LATEST:]}
    newest_of_month: dict[str, BackupInfo] = {}
    for b in backups:
        newest_of_month[b.taken.strftime("%Y-%m")] = b
    keep |= {b.path for b in newest_of_month.values()}
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b.path)
    return removed


def taken_today(folder: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return any(b.taken.date() == today for b in list_backups(folder))


def verify_backup_file(path: Path) -> None:
    """Refuse a file that is not a sound Curator database before anything is overwritten with it."""
    if not path.is_file():
        raise NotFound(f"no backup file at {path}; run 'python -m curator backups' to list them")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = integrity_problems(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise CuratorError(f"{path} is not a SQLite database ({err}); choose a file from 'backups'") from err
    if problems:
        raise CuratorError(f"{path} fails its integrity check ({problems[0]}); choose an older backup")
    if "case_studies" not in tables:
        raise CuratorError(f"{path} is a SQLite database but not a Curator library; choose a file from 'backups'")
