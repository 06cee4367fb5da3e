"""``bench sync``: several libraries converge through one PostgreSQL server started for the run.

Figures: the first full sync (one laptop sends N case studies; each other laptop receives them), then every
laptop edits 1% of the case studies (different ones) and the laptops sync in turn until all agree; the longest
single incremental sync is reported. The baseline, measured in the same run on the same server, is the bare
transport: one ``executemany`` INSERT of the same N records' JSON.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ..bench.corpus import records as synthetic
from ..importers import ImportItem
from ..library import Library
from . import link, sync
from .localserver import LocalServer


def run(docs: int, clients: int = 3) -> dict[str, Any]:
    server = LocalServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="curator-bench-sync-") as tmp:
            return _measure(server, Path(tmp), docs, max(2, clients))
    finally:
        server.stop()


def _measure(server: LocalServer, root: Path, docs: int, clients: int) -> dict[str, Any]:
    rows = [{k: v for k, v in r.items() if k != "id"} for r in synthetic(docs)]  # the library names them
    baseline_url = server.new_database()
    conn = link.connect(baseline_url)
    conn.execute("CREATE TABLE raw (id text PRIMARY KEY, record text NOT NULL)")
    import json

    started = time.perf_counter()
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany("INSERT INTO raw VALUES (%s, %s)",
                        [(f"cs-{i:010x}", json.dumps(r, ensure_ascii=False)) for i, r in enumerate(rows)])
    baseline = time.perf_counter() - started
    conn.close()

    url = server.new_database()
    libs = [Library.open(root / f"laptop{n}", daily_backup=False, extensions=False) for n in range(clients)]
    try:
        for lib in libs:
            sync.connect(lib, url)
        libs[0].import_records([ImportItem(source="bench", raw=r) for r in rows], on_duplicate="keep")
        started = time.perf_counter()
        sync.sync(libs[0])
        first_push = time.perf_counter() - started
        first_pulls = []
        for lib in libs[1:]:
            started = time.perf_counter()
            sync.sync(lib)
            first_pulls.append(time.perf_counter() - started)
        ids = sorted(r["id"] for r in libs[0].iter_records())
        edits = max(1, docs // 100)
        for n, lib in enumerate(libs):
            for case_id in ids[n * edits:(n + 1) * edits]:
                lib.update(case_id, {"summary": f"Edited on laptop {n} during the benchmark."})
        incremental: list[float] = []
        started_all = time.perf_counter()
        for _round in range(3):
            for lib in libs:
                started = time.perf_counter()
                sync.sync(lib)
                incremental.append(time.perf_counter() - started)
            if all(not sync.outgoing(lib) for lib in libs) and _same(libs):
                break
        converge = time.perf_counter() - started_all
        converged = _same(libs)
    finally:
        for lib in libs:
            lib.close()
    return {"docs": docs, "clients": clients, "edits_per_client": edits, "first_push_s": round(first_push, 2),
            "first_pull_s": round(max(first_pulls), 2), "raw_insert_s": round(baseline, 2),
            "first_push_ratio": round(first_push / baseline, 1) if baseline else None,
            "incremental_max_s": round(max(incremental), 2), "converge_s": round(converge, 2),
            "converged": converged,
            "meets_goal": converged and max(first_push, *first_pulls) <= 60 and max(incremental) <= 2}


def _same(libs: list[Library]) -> bool:
    first = {r["id"]: r for r in libs[0].iter_records()}
    return all({r["id"]: r for r in lib.iter_records()} == first for lib in libs[1:])


def human(d: dict[str, Any]) -> str:
    return (f"{d['clients']} laptops, {d['docs']} case studies, each editing {d['edits_per_client']}\n"
            f"first full sync: send {d['first_push_s']} s (bare INSERT of the same JSON {d['raw_insert_s']} s, "
            f"{d['first_push_ratio']}×); receive {d['first_pull_s']} s\n"
            f"incremental sync, longest: {d['incremental_max_s']} s; all converged in {d['converge_s']} s: "
            f"{'yes' if d['converged'] else 'NO'}\n"
            f"goal (first ≤ 60 s, incremental ≤ 2 s): {'met' if d['meets_goal'] else 'missed'}")
