"""``bench faults``: kill ``python -m curator import`` at random moments and check the library each time.

Each trial starts a real import of ``docs`` records in a child process, kills it (SIGKILL, or SIGINT as Ctrl+C)
after a random delay within the import's measured duration, then opens the library: the record count must be
the count before the import or the count after it, never between, and ``check`` must be sound. The figures are
how many trials ended at "before", at "after" (the import finished first), and any that were neither.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .import_bench import synthetic_records

SEED_RECORDS = 20


def _count(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM case_studies").fetchone()[0]
    finally:
        conn.close()


def _import(lib: Path, src: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "curator", "--library", str(lib), "import", str(src),
                             "--on-duplicate", "keep"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def run(trials: int = 25, docs: int = 5000, seed: int = 1, sigint_every: int = 5,
        folder: Path | None = None) -> dict[str, Any]:
    """Run the kill trials; every trial must end at the count before or after and with ``check`` sound."""
    from ..library import Library

    rng = random.Random(seed)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                        os.environ.get("PYTHONPATH", "")]))
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        work = Path(tmp)
        src = work / "big.jsonl"
        src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in synthetic_records(docs, seed=seed)),
                       encoding="utf-8")
        lib = work / "lib"
        from ..importers import ImportItem

        with Library.open(lib, extensions=False) as library:
            library.import_records([ImportItem(f"seed#{i}", r) for i, r in
                                    enumerate(synthetic_records(SEED_RECORDS, seed=seed + 1))], backup=False)
        started = time.perf_counter()
        proc = _import(lib, src, env)
        proc.communicate()
        full = time.perf_counter() - started
        results = []
        for n in range(trials):
            before = _count(lib / "curator.db")
            delay = rng.uniform(0.05, full * 1.05)
            sig = signal.SIGINT if sigint_every and n % sigint_every == sigint_every - 1 else signal.SIGKILL
            proc = _import(lib, src, env)
            time.sleep(delay)
            killed = proc.poll() is None
            if killed:
                proc.send_signal(sig)
            _, err = proc.communicate()
            after = _count(lib / "curator.db")
            with Library.open(lib, extensions=False, daily_backup=False) as library:
                check = library.check()
            outcome = "before" if after == before else "after" if after == before + docs else "between"
            results.append({"trial": n + 1, "signal": sig.name if killed else None, "delay": round(delay, 2),
                            "before": before, "count": after, "outcome": outcome, "check_ok": check["ok"],
                            "stderr": err.decode("utf-8", "replace").strip()[-300:]})
    outcomes = [r["outcome"] for r in results]
    return {"trials": trials, "docs": docs, "import_seconds": round(full, 2),
            "before": outcomes.count("before"), "after": outcomes.count("after"),
            "between": outcomes.count("between"), "check_failed": sum(not r["check_ok"] for r in results),
            "ok": "between" not in outcomes and all(r["check_ok"] for r in results), "results": results}


def human(data: dict[str, Any]) -> str:
    lines = [f"{data['trials']} kills during an import of {data['docs']} records (a full import takes "
             f"{data['import_seconds']} s): {data['before']} ended with the count before, {data['after']} with the "
             f"count after, {data['between']} between; check failed {data['check_failed']} times."]
    lines += [f"  trial {r['trial']}: {r['signal'] or 'finished'} after {r['delay']} s → {r['outcome']}"
              + ("" if r["check_ok"] else " (check FAILED)") for r in data["results"]]
    lines.append("OK: every import was all or nothing." if data["ok"] else "FAILED: see the trials above.")
    return "\n".join(lines)
