"""Backups: verified, pruned, taken before risky work, and restorable."""

import datetime as dt
import sqlite3

from curator import backups
from curator.importers import ImportItem
from curator.library import Library
from curator.migrations import LATEST


def test_manual_backup_is_a_sound_copy(library: Library, sample_record):
    library.create(sample_record)
    info = library.backup()
    conn = sqlite3.connect(info.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM case_studies").fetchone()[0] == 1
    conn.close()


def test_retention_keeps_ten_newest_and_one_a_month(tmp_path, library: Library, sample_record):
    library.create(sample_record)
    folder = tmp_path / "b"
    start = dt.datetime(2026, 1, 1, 9)
    for day in range(0, 120, 3):  # 40 backups over four months
        backups.take_backup(library.store.conn, folder, "daily", now=start + dt.timedelta(days=day))
    kept = backups.list_backups(folder)
    months = {b.taken.strftime("%Y-%m") for b in kept}
    assert months == {"2026-01", "2026-02", "2026-03", "2026-04"}
    assert len(kept) <= 10 + 4 and kept[-1].taken == start + dt.timedelta(days=117)


def test_daily_backup_once_per_day_on_open(tmp_path, sample_record):
    with Library.open(tmp_path / "lib") as lib:
        lib.create(sample_record)
    with Library.open(tmp_path / "lib") as lib:
        first = lib.backups()
    with Library.open(tmp_path / "lib") as lib:
        assert len(lib.backups()) == len(first) == 1 and first[0].reason == "daily"


def test_bulk_import_into_a_library_with_data_backs_up_first(library: Library, sample_record):
    library.create(sample_record)
    library.import_records([ImportItem("x#1", {"title": "One new thing"}), ImportItem("x#2", {"title": "Two"})])
    assert any(b.reason == "before-import" for b in library.backups())


def test_restore_backup_backs_up_current_state_first(library: Library, sample_record):
    record, _ = library.create(sample_record)
    snapshot = library.backup()
    library.delete(record["id"])
    library.create(dict(sample_record, title="Something else entirely", organisation="Other"))
    result = library.restore_backup(snapshot.path)
    assert result["records"] == 1 and library.get(record["id"])["title"] == sample_record["title"]
    assert any(b.reason == "before-restore" for b in library.backups())


def test_restore_refuses_a_file_that_is_not_a_backup(library: Library, tmp_path):
    import pytest

    from curator.errors import CuratorError

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CuratorError, match="not a SQLite database"):
        library.restore_backup(junk)
    with pytest.raises(CuratorError, match="no backup file"):
        library.restore_backup(tmp_path / "missing.db")


def test_opening_an_older_schema_migrates_after_a_backup(tmp_path, sample_record):
    from curator.schema import m001_core
    from curator.store import dumps

    folder = tmp_path / "lib"
    folder.mkdir()
    conn = sqlite3.connect(folder / "curator.db", isolation_level=None)
    m001_core.migrate(conn)  # a library written by the first release: schema version 1 only
    record = dict(sample_record, id="cs-0000000001", status="draft", created="2025-01-01T00:00:00Z",
                  updated="2025-01-01T00:00:00Z")
    conn.execute("INSERT INTO case_studies(id, title, status, created, updated, data) VALUES (?,?,?,?,?,?)",
                 (record["id"], record["title"], "draft", record["created"], record["updated"], dumps(record)))
    conn.execute("PRAGMA user_version=1")
    conn.close()
    with Library.open(folder, daily_backup=False) as lib:
        assert [b.reason for b in lib.backups()] == ["before-migration-v2"]
        assert lib.store.user_version == LATEST
        assert lib.get("cs-0000000001")["title"] == sample_record["title"]


def test_check_reports_a_sound_library(library: Library, sample_record):
    library.create(sample_record)
    assert library.check() == {"ok": True, "problems": [], "records": 1}


def test_check_finds_a_tampered_row(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.store.conn.execute("UPDATE case_studies SET title='tampered' WHERE id=?", (record["id"],))
    result = library.check()
    assert not result["ok"] and record["id"] in result["problems"][0]
