"""A process killed in the middle of a large import leaves every committed record whole and no half record."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from curator.bench.import_bench import synthetic_records
from curator.library import IMPORT_CHUNK, Library

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def committed_count(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM case_studies").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_import_keeps_committed_records_whole(tmp_path):
    records = synthetic_records(12_000, seed=11)
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    lib = tmp_path / "lib"
    proc = subprocess.Popen([sys.executable, "-m", "curator", "--library", str(lib), "import", str(src),
                             "--on-duplicate", "keep"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while committed_count(lib / "curator.db") == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed; use more records"

    with Library.open(lib) as library:
        assert library.check()["ok"]
        count = library.count()
        assert 0 < count < len(records)
        assert count % IMPORT_CHUNK == 0  # whole chunks only: nothing half-written
        by_title = {r["title"]: r for r in records}
        history_rows = library.store.scalar("SELECT COUNT(*) FROM history")
        assert history_rows == count  # every stored record has its history row, and no more
        for record in library.iter_records():
            source = by_title[record["title"]]
            assert record["summary"] == source["summary"] and record["body"] == source["body"]
            assert record["outcomes"] == source["outcomes"]
            tags = {r["value"] for r in library.store.query("SELECT value FROM case_tags WHERE case_id=? AND "
                                                            "kind='clinical_areas'", (record["id"],))}
            assert tags == set(record["clinical_areas"])
