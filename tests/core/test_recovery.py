"""Recovery works from the state that needs it: a damaged, truncated, missing or foreign curator.db, a backup
from a newer Curator, a read-only library. Driven through the CLI as a person would."""

from __future__ import annotations

import os
import sqlite3

import pytest

from curator.library import Library
from curator.migrations import LATEST
from tests.helpers import run_cli


@pytest.fixture
def lib_with_backup(tmp_path, sample_record):
    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        library.create(sample_record)
        library.create(dict(sample_record, title="A second case study", organisation="Other"))
        info = library.backup("manual")
    return folder, info.path


def test_garbage_database_lists_and_restores_backups(lib_with_backup, capsys):
    folder, backup = lib_with_backup
    (folder / "curator.db").write_bytes(b"this is not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (folder / f"curator.db{suffix}").unlink(missing_ok=True)
    result = run_cli(capsys, "--library", folder, "--json", "list")
    assert result.code == 2 and "restore-backup" in result.json["error"] and "Traceback" not in result.err
    listed = run_cli(capsys, "--library", folder, "--json", "backups")
    assert listed.code == 0 and backup.name in [os.path.basename(b["path"]) for b in listed.json["backups"]]
    restored = run_cli(capsys, "--library", folder, "--json", "restore-backup", backup.name)
    assert restored.code == 0, restored.err
    assert restored.json["records"] == 2 and "curator-damaged-" in restored.json["damaged_kept"]
    assert os.path.exists(restored.json["damaged_kept"])  # the damaged file is kept, never deleted
    assert run_cli(capsys, "--library", folder, "--json", "list").json["total"] == 2
    assert run_cli(capsys, "--library", folder, "--json", "check").json["ok"]


def test_truncated_database_is_restorable(lib_with_backup, capsys):
    folder, backup = lib_with_backup
    db = folder / "curator.db"
    with Library.open(folder) as library:  # checkpoint: everything in the main file
        library.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    result = run_cli(capsys, "--library", folder, "--json", "list")
    assert result.code == 2 and "Traceback" not in result.err and "bug" not in result.err
    restored = run_cli(capsys, "--library", folder, "--json", "restore-backup", str(backup))
    assert restored.code == 0, restored.err
    assert run_cli(capsys, "--library", folder, "--json", "list").json["total"] == 2


def test_backup_from_a_newer_curator_is_refused_before_anything_is_overwritten(lib_with_backup, capsys):
    folder, backup = lib_with_backup
    newer = folder / "backups" / "curator-20990101-000000-manual.db"
    newer.write_bytes(backup.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version={LATEST + 1}")
    conn.close()
    with Library.open(folder) as library:
        library.create({"title": "Made after the backup"})
    before = (folder / "curator.db").stat().st_mtime_ns, len(list((folder / "backups").iterdir()))
    result = run_cli(capsys, "--library", folder, "--json", "restore-backup", newer.name)
    assert result.code == 2 and "newer Curator" in result.json["error"] and "nothing was changed" in result.json["error"]
    assert ((folder / "curator.db").stat().st_mtime_ns, len(list((folder / "backups").iterdir()))) == before
    assert run_cli(capsys, "--library", folder, "--json", "list").json["total"] == 3


def test_missing_database_beside_backups_is_said_plainly(lib_with_backup, capsys):
    folder, backup = lib_with_backup
    for name in ("curator.db", "curator.db-wal", "curator.db-shm"):
        (folder / name).unlink(missing_ok=True)
    result = run_cli(capsys, "--library", folder, "--json", "list")
    assert result.code == 2 and "is missing" in result.json["error"] and "restore-backup" in result.json["error"]
    assert not (folder / "curator.db").exists()  # no empty library was opened in its place
    assert run_cli(capsys, "--library", folder, "--json", "restore-backup", backup.name).code == 0
    assert run_cli(capsys, "--library", folder, "--json", "list").json["total"] == 2


def test_foreign_sqlite_file_is_refused_not_migrated(tmp_path, capsys):
    folder = tmp_path / "lib"
    folder.mkdir()
    conn = sqlite3.connect(folder / "curator.db")
    conn.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    result = run_cli(capsys, "--library", folder, "--json", "list")
    assert result.code == 2 and "another program" in result.json["error"]
    conn = sqlite3.connect(folder / "curator.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    assert tables == {"invoices"} and version == 0


def test_restore_refuses_a_foreign_or_garbage_backup_file(lib_with_backup, tmp_path, capsys):
    folder, _ = lib_with_backup
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\0" * 4096)
    result = run_cli(capsys, "--library", folder, "--json", "restore-backup", str(junk))
    assert result.code == 2 and "Traceback" not in result.err
    assert run_cli(capsys, "--library", folder, "--json", "list").json["total"] == 2
