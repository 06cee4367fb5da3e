"""The first search of the day is not held up by the daily backup (which runs beside it)."""

from __future__ import annotations

import threading

from curator import backups as backups_mod
from curator.library import Library


def test_daily_backup_does_not_block_opening_and_the_first_search(tmp_path, monkeypatch, demo_records):
    folder = tmp_path / "lib"
    with Library.open(folder, daily_backup=False) as lib:
        lib.create(demo_records[0])
    release, started = threading.Event(), threading.Event()
    real = backups_mod.take_backup

    def slow_backup(*args, **kwargs):
        started.set()
        release.wait(30)  # a daily backup of a large library: seconds
        return real(*args, **kwargs)

    monkeypatch.setattr(backups_mod, "take_backup", slow_backup)
    answer: dict = {}

    def first_search() -> None:
        lib = Library.open(folder)
        answer["lib"] = lib
        answer["result"] = lib.extensions["search"].search(demo_records[0]["title"].split()[0])

    worker = threading.Thread(target=first_search)
    worker.start()
    worker.join(20)
    try:
        assert not worker.is_alive(), "opening the library waited for the daily backup"
        assert answer["result"]["total"] >= 1 and started.is_set()
    finally:
        release.set()
        worker.join(30)
        if "lib" in answer:
            answer["lib"].close()  # waits for the backup
    with Library.open(folder, daily_backup=False) as lib:
        assert [b.reason for b in lib.backups()] == ["daily"]
