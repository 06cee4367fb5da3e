"""Backups of ``curator.db`` with SQLite's online backup API, each one verified before it is trusted.

Taken before any migration or bulk import, once a day on first open, and on request. Retention keeps the
newest ten plus the newest of every month, so a mistake noticed weeks later can still be undone.

Names are unique even when two processes back up in the same second (microseconds and the process id), the
``.partial`` file is created exclusively and the finished file is linked into place without ever replacing
another, and ``.partial`` files a killed process left behind are removed. The daily backup is skipped, with a
warning, when the disk has too little room for it, so a full disk never stops anyone reading.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import CuratorError, NotFound

KEEP_LATEST = 10
#: a .partial file older than this was left by a process that died (a backup takes seconds)
ORPHAN_SECONDS = 3600
#: room to leave on the disk beyond the backup's own size
SPARE_BYTES = 16 * 2**20
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


def remove_orphans(folder: Path, older_than: float = ORPHAN_SECONDS) -> list[Path]:
    """Delete ``.partial`` files a killed backup left behind (never one a running backup may still be writing)."""
    removed = []
    cutoff = time.time() - older_than
    for path in folder.glob("curator-*.partial"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed


def room_for(conn: sqlite3.Connection, folder: Path) -> tuple[bool, int, int]:
    """(enough room?, bytes needed, bytes free) for a backup of ``conn``'s database into ``folder``."""
    pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    needed = pages * size + SPARE_BYTES
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return True, needed, -1
    return free >= needed, needed, free


def _exclusive_partial(folder: Path, now: dt.datetime, reason: str) -> tuple[Path, Path]:
    """A new ``.partial`` file (created exclusively) and the final name it will take."""
    while True:
        unique = f"{now:%f}{os.getpid() % 100000:05d}"
        path = folder / f"curator-{now:%Y%m%d-%H%M%S}-{unique}-{reason}.db"
        partial = path.with_suffix(".partial")
        try:
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            now = now + dt.timedelta(microseconds=1)
            continue
        if path.exists():
            partial.unlink(missing_ok=True)
            now = now + dt.timedelta(microseconds=1)
            continue
        return partial, path


def take_backup(conn: sqlite3.Connection, folder: Path, reason: str, now: dt.datetime | None = None) -> BackupInfo:
    """Copy the live database to a new file, check it, and prune old backups."""
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise CuratorError(f"a backup reason is lower-case letters, digits and '-', not '{reason}'")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_orphans(folder)
        now = now or dt.datetime.now()
        partial, path = _exclusive_partial(folder, now, reason)
    except OSError as err:
        raise CuratorError(f"cannot write a backup in {folder} ({err.strerror}); {_os_advice(err)}") from err
    try:
        dest = sqlite3.connect(str(partial))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
            problems = integrity_problems(dest)
        finally:
            dest.close()
        if problems:
            raise CuratorError(f"the backup failed its integrity check ({problems[0]}); the library itself may be "
                               "damaged: run 'python -m curator check'")
        _place(partial, path)
    except sqlite3.Error as err:
        raise CuratorError(f"the backup could not be written to {folder} ({err}); {_sqlite_advice(err)}") from err
    except OSError as err:
        raise CuratorError(f"the backup could not be written to {folder} ({err.strerror}); {_os_advice(err)}"
                           ) from err
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    prune(folder)
    return BackupInfo(path, now.replace(microsecond=0), reason)


def _place(partial: Path, path: Path) -> None:
    """Give the finished file its name without ever replacing another file: a hard link fails if the name is
    taken; where the file system has no hard links (FAT, some shares) a rename after a check is the fallback."""
    try:
        os.link(partial, path)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV) or path.exists():
            raise
        partial.replace(path)


def _os_advice(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "the disk is full: free some space and try again"
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the folder is read-only: copy the library somewhere you can write to"
    return "check the folder and try again"


def _sqlite_advice(err: sqlite3.Error) -> str:
    text = str(err).casefold()
    if "full" in text:
        return "the disk is full: free some space and try again"
    if "readonly" in text or "read-only" in text:
        return "the folder is read-only: copy the library somewhere you can write to"
    return "check the folder and try again"


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


def verify_backup_file(path: Path, latest: int | None = None) -> int:
    """Refuse a file that is not a sound Curator database, or one from a newer Curator, before anything is
    overwritten with it; returns its schema version."""
    if latest is None:
        from .migrations import LATEST as latest
    if not path.is_file():
        raise NotFound(f"no backup file at {path}; run 'python -m curator backups' to list them")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = integrity_problems(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise CuratorError(f"{path} is not a SQLite database ({err}); choose a file from 'backups'") from err
    if problems:
        raise CuratorError(f"{path} fails its integrity check ({problems[0]}); choose an older backup")
    if "case_studies" not in tables:
        raise CuratorError(f"{path} is a SQLite database but not a Curator library; choose a file from 'backups'")
    if version > latest:
        raise CuratorError(f"{path} was written by a newer Curator (schema {version}, this one knows {latest}); "
                           "nothing was changed: update Curator to restore it, or choose an older backup")
    return version
