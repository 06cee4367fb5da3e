"""Recovery that works from the state that needs it: a library whose ``curator.db`` is missing, damaged, not a
database at all, or on a read-only disk.

``backups`` and ``restore-backup`` come here and never open the damaged database: the backups are listed from
the folder, and a restore checks the backup first (sound, a Curator library, not from a newer Curator), moves
the damaged file aside (kept, never deleted), then puts the backup in place. ``check_before_open`` is what
``Library`` asks before it opens a database, so a missing or garbage file is named plainly.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any

from . import backups as backups_mod
from . import logs  # noqa: F401 - gives the "curator" logger a handler, so nothing is ever printed on stderr
from .errors import CuratorError, NotFound

DB_NAME = "curator.db"
SQLITE_HEADER = b"SQLite format 3\x00"


def is_read_only(folder: Path) -> bool:
    """True when the library folder (or its database) exists and this user cannot write to it."""
    if not folder.is_dir():
        return False
    db = folder / DB_NAME
    return not os.access(folder, os.W_OK) or (db.exists() and not os.access(db, os.W_OK))


def check_before_open(folder: Path, *, create: bool = True) -> None:
    """Refuse, with what to do, a folder whose database is missing beside backups or is not a database."""
    db = folder / DB_NAME
    backups_dir = folder / "backups"
    if not db.exists():
        found = backups_mod.list_backups(backups_dir) if backups_dir.is_dir() else []
        if found:
            raise CuratorError(f"{db} is missing, but the folder holds {len(found)} backup(s) (the newest from "
                               f"{found[-1].taken:%d %B %Y %H:%M}); nothing was created: put the newest back with "
                               f"'python -m curator --library {folder} restore-backup {found[-1].path.name}' "
                               "(list them with 'backups')")
        if not create:
            raise NotFound(f"there is no library in {folder}; create one with 'python -m curator init'")
        return
    try:
        with db.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as err:
        raise CuratorError(f"cannot read {db} ({err.strerror}); check that you may read the folder") from err
    if header and header != SQLITE_HEADER:
        raise CuratorError(f"{db} is damaged or is not a database (it does not start like one); list the backups "
                           f"with 'python -m curator --library {folder} backups' and put one back with "
                           "'restore-backup FILE'")


def list_backups(folder: Path) -> list[backups_mod.BackupInfo]:
    """The library's backups, oldest first, without opening its database."""
    return backups_mod.list_backups(folder / "backups")


def resolve_backup(folder: Path, name: str | Path) -> Path:
    path = Path(name)
    if not path.is_absolute() and not path.exists():
        path = folder / "backups" / path
    return path


def database_opens(db: Path) -> bool:
    """True when ``db`` is a sound SQLite file (so a safety backup of it can be taken the ordinary way)."""
    if not db.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            return backups_mod.integrity_problems(conn) == []
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def restore(folder: Path, name: str | Path) -> dict[str, Any]:
    """Put a backup back, whatever state the current database is in; returns what was done."""
    from .library import Library

    path = resolve_backup(folder, name)
    backups_mod.verify_backup_file(path)  # refused (sound? Curator? newer schema?) before anything is touched
    if is_read_only(folder):
        raise CuratorError(f"{folder} is read-only, so no backup can be put back there; copy the library folder "
                           "somewhere you can write to")
    db = folder / DB_NAME
    if database_opens(db):
        with Library.open(folder, daily_backup=False) as library:
            return library.restore_backup(path)
    kept = None
    if db.exists():
        kept = db.with_name(f"curator-damaged-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.db")
        os.replace(db, kept)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    partial = db.with_name(DB_NAME + ".partial")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    os.replace(partial, db)
    with Library.open(folder, daily_backup=False) as library:
        with library.store.transaction():
            library.store.bump_generation()  # the search index sees that everything changed
        records = library.count()
    return {"restored": str(path), "safety_backup": str(kept) if kept else None, "records": records,
            "damaged_kept": str(kept) if kept else None}
