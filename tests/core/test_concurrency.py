"""Two processes at once, for real (subprocesses on one library): import + import, import + undo, backup +
backup. Each pair serialises on the write lock; nothing is lost, half-done or impossible to undo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from curator import backups
from curator.bench.import_bench import synthetic_records
from curator.library import Library

ROOT = Path(__file__).resolve().parents[2]


def start(library: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "curator", "--library", str(library), "--json", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=180)
    assert "Traceback" not in err and "bug in Curator" not in err, err
    return proc.returncode, out, err


def source(tmp_path: Path, name: str, n: int, seed: int) -> Path:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in synthetic_records(n, seed=seed)), encoding="utf-8")
    return path


def test_two_imports_at_once_both_land_whole(tmp_path):
    lib = tmp_path / "lib"
    Library.open(lib).close()
    a, b = source(tmp_path, "a", 300, 1), source(tmp_path, "b", 300, 2)
    procs = [start(lib, "import", str(a), "--on-duplicate", "keep"),
             start(lib, "import", str(b), "--on-duplicate", "keep")]
    results = [finish(p) for p in procs]
    with Library.open(lib) as library:
        assert library.check()["ok"]
        count = library.count()
        batches = library.store.scalar("SELECT COUNT(DISTINCT batch) FROM history")
    landed = sum(code == 0 for code, _, _ in results)
    assert count == 300 * landed and batches == landed
    for code, _, err in results:  # one may only wait too long; then it says so and changed nothing
        assert code == 0 or "writing to this library" in err


def test_undo_while_another_process_imports_serialises(tmp_path, sample_record):
    lib = tmp_path / "lib"
    with Library.open(lib) as library:
        library.create(sample_record)
    importing = start(lib, "import", str(source(tmp_path, "a", 600, 3)), "--on-duplicate", "keep")
    time.sleep(0.8)
    undo_code, _, undo_err = finish(start(lib, "undo"))
    import_code, _, _ = finish(importing)
    assert import_code == 0 and (undo_code == 0 or "writing to this library" in undo_err)
    with Library.open(lib) as library:
        assert library.check()["ok"]
        count = library.count()
        assert count in (1, 600, 601)  # the import undone whole, or the earlier create, or nothing yet
        while library.count() and library.undo_label():  # and whatever is left can still be undone, whole
            before = library.count()
            library.undo()
            assert library.count() in (0, 1, before - 600, before - 1)
        assert library.count() == 0


def test_two_backups_in_the_same_second_get_their_own_files(tmp_path, sample_record):
    lib = tmp_path / "lib"
    with Library.open(lib) as library:
        library.create(sample_record)
    for old in (lib / "backups").iterdir():
        old.unlink()
    procs = [start(lib, "backup") for _ in range(3)]
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0, 0, 0], [err for _, _, err in results]
    paths = {json.loads(out)["path"] for _, out, _ in results}
    assert len(paths) == 3
    for path in paths:
        backups.verify_backup_file(Path(path))
    assert not list((lib / "backups").glob("*.partial"))


def test_orphan_partial_files_are_cleaned_up_but_not_a_fresh_one(library, sample_record):
    library.create(sample_record)
    old = library.backups_dir / "curator-20200101-000000-manual.partial"
    fresh = library.backups_dir / "curator-20990101-000000-manual.partial"
    old.write_bytes(b"half a backup")
    fresh.write_bytes(b"being written by another process")
    os.utime(old, (time.time() - 2 * backups.ORPHAN_SECONDS,) * 2)
    library.backup()
    assert not old.exists() and fresh.exists()
