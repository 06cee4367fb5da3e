"""A process killed in the middle of an import leaves the library as it was before the import or after it,
never between, and sound (the kill trials of ``bench faults``, small here; the bench runs 25 kills of 5,000)."""

import json
import os
import signal
import subprocess
import sys
import time

from curator.bench import faults
from curator.bench.import_bench import synthetic_records
from curator.library import Library

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_kills_at_random_moments_leave_the_count_before_or_after(tmp_path):
    data = faults.run(trials=5, docs=300, seed=3, sigint_every=0, folder=tmp_path)
    assert data["between"] == 0 and data["check_failed"] == 0 and data["ok"], faults.human(data)
    assert data["before"] >= 1, "no kill landed during an import: " + faults.human(data)


def test_ctrl_c_during_an_import_keeps_nothing_and_says_so(tmp_path):
    records = synthetic_records(1500, seed=11)
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    lib = tmp_path / "lib"
    Library.open(lib).close()
    proc = subprocess.Popen([sys.executable, "-m", "curator", "--library", str(lib), "import", str(src),
                             "--on-duplicate", "keep"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    wal = lib / "curator.db-wal"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 200_000):
        time.sleep(0.02)  # the import's transaction is writing pages
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    with Library.open(lib) as library:
        assert library.check()["ok"]
        count = library.count()
    message = err.decode()
    assert "Traceback" not in message
    if count == 0:
        assert proc.returncode == 2 and "nothing from it was saved" in message
    else:  # the import had finished: the message must not claim otherwise
        assert count == len(records) and "nothing" not in message


def test_cancel_rolls_the_whole_import_back_and_tells_no_one(library):
    from curator.importers import ImportItem
    from curator.progress import CancelToken

    heard = []
    library.listeners.append(heard.append)
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if done == 700:  # after the first chunk of 500 was written inside the transaction
            token.cancel()

    items = [ImportItem(f"x#{i}", r) for i, r in enumerate(synthetic_records(900, seed=4))]
    report = library.import_records(items, on_duplicate="keep", progress=progress, cancel=token)
    assert report.cancelled and report.imported == [] and library.count() == 0 and heard == []
    assert library.store.scalar("SELECT COUNT(*) FROM history") == 0
    report = library.import_records(items, on_duplicate="keep")
    assert len(report.imported) == 900 == library.count() and len(heard) == 1


def test_ctrl_c_while_starting_prints_no_traceback(tmp_path):
    # from the moment Python starts running Curator's package (not during the interpreter's own start-up, which
    # no Python code can intercept: about a tenth of a second, longer on a loaded machine)
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen([sys.executable, "-m", "curator", "--library", str(tmp_path / "lib"), "list"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=dict(os.environ, PYTHONPATH=ROOT))
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err.decode(), err.decode()
