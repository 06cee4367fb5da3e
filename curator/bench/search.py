"""``bench search``: Whoosh (as Curator uses it) against SQLite FTS5 on the same synthetic library, same run.

Each engine's build and queries run in their own child process, so peak memory is that engine's alone and
"open the library and answer the first query" is measured cold, as a user would see it. Reports build
docs/s, index size, query p50/p95 over a fixed mix, search-as-you-type p95, update-one-and-search latency,
first query, peak RSS, and Whoosh/FTS5 ratios.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..progress import ProgressFn, no_progress
from .corpus import common_words, record, records


def _rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows: no getrusage
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000, 2)


def make_library(folder: Path, n: int, seed: int, progress: ProgressFn) -> None:
    from ..library import Library

    with Library.open(folder, extensions=False, daily_backup=False) as lib:
        batch = []
        for i, rec in enumerate(records(n, seed), start=1):
            batch.append((rec, None, 1))
            if len(batch) == 500 or i == n:
                with lib.store.transaction():
                    lib.store.write_rows(batch)
                    lib.store.bump_generation()
                batch.clear()
                progress(i, n, "Generating the synthetic library")


def query_mix(seed: int) -> list[dict[str, Any]]:
    """A fixed mix: single words, AND, phrases, facet filter + word, prefixes (common to rare)."""
    from ..vocab import vocabularies

    rng = random.Random(seed)
    words = common_words()
    ranks = [0, 3, 10, 30, 60, 120, 250, 500, 900]
    pick = [words[min(r, len(words) - 1)] for r in ranks]
    mix = [{"kind": "word", "query": w} for w in pick]
    mix += [{"kind": "and", "query": f"{pick[i]} {pick[j]}"} for i, j in ((0, 1), (2, 5), (3, 7), (1, 8), (4, 6))]
    mix += [{"kind": "and", "query": f"{pick[i]} {pick[j]} {pick[k]}"} for i, j, k in ((0, 2, 4), (1, 5, 8))]
    mix += [{"kind": "phrase", "query": f'"{p}"'} for p in ("blood pressure", "community health", "health checks",
                                                           "young people", "mental illness", "primary care")]
    icses = [t.id for t in vocabularies().ics.terms]
    mix += [{"kind": "filter", "query": pick[i], "filters": {"ics": [rng.choice(icses)]}} for i in (0, 3, 6)]
    mix += [{"kind": "filter", "query": pick[i], "filters": {"status": ["published"]}} for i in (1, 5)]
    mix += [{"kind": "prefix", "query": f"{w[:n]}*"} for w, n in ((pick[0], 3), (pick[2], 4), (pick[5], 5),
                                                                  (pick[7], 3), (pick[1], 2))]
    return mix


def quick_mix(n: int, seed: int) -> list[str]:
    """Typing the first words of titles, letter by letter on the last one."""
    rng = random.Random(seed + 1)
    out = []
    for _ in range(10):
        words = record(rng.randrange(n), seed)["title"].split()[:3]
        for cut in range(2, min(6, len(words[-1])) + 1):
            out.append(" ".join([*words[:-1], words[-1][:cut]]))
    return out


# -- children ---------------------------------------------------------------------------------------------------
def child_build(engine: str, folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    if engine == "whoosh":
        from ..library import Library

        with Library.open(folder, daily_backup=False) as lib:
            count = lib.extensions["search"].rebuild()["documents"]
        size = sum(p.stat().st_size for p in (folder / "index").rglob("*") if p.is_file())
    else:
        from . import fts5

        count = fts5.build(folder)
        size = (folder / "fts5.db").stat().st_size
    seconds = time.perf_counter() - started
    return {"documents": count, "build_seconds": round(seconds, 2), "build_docs_per_s": round(count / seconds, 1),
            "index_mb": round(size / 1e6, 1), "build_peak_rss_mb": _rss_mb()}


def child_query(engine: str, folder: Path, mix: list[dict[str, Any]], quick: list[str], n: int,
                repeats: int) -> dict[str, Any]:
    from ..library import Library

    started = time.perf_counter()
    lib = Library.open(folder, daily_backup=False, extensions=engine == "whoosh")
    if engine == "whoosh":
        svc = lib.extensions["search"]

        def run(q: str, f: dict | None = None) -> dict:
            return svc.search(q, f, limit=20)

        def typed(q: str) -> dict:
            return svc.quick(q, limit=20)
    else:
        from . import fts5

        conn = fts5.connect(folder)

        def run(q: str, f: dict | None = None) -> dict:
            return fts5.search(conn, q, f, limit=20)

        def typed(q: str) -> dict:
            return fts5.search(conn, q, None, limit=20, quick=True)
    run(mix[0]["query"])
    first = time.perf_counter() - started
    timings: dict[str, list[float]] = {}
    totals = {}
    for _ in range(repeats):
        for item in mix:
            t = time.perf_counter()
            result = run(item["query"], item.get("filters"))
            timings.setdefault(item["kind"], []).append(time.perf_counter() - t)
            totals[item["query"] + json.dumps(item.get("filters"))] = result["total"]
    quick_times = []
    for q in quick:
        t = time.perf_counter()
        typed(q)
        quick_times.append(time.perf_counter() - t)
    update_times, found = [], 0
    rng = random.Random(99)
    for k in range(20):
        case_id = f"cs-bench{rng.randrange(n):06d}"
        word = f"quokka{k}marker"
        t = time.perf_counter()
        old = lib.get(case_id)
        new, _ = lib.update(case_id, {"summary": old["summary"] + f" {word}"})
        if engine != "whoosh":
            rowid = conn.execute("SELECT rowid FROM case_studies WHERE id=?", (case_id,)).fetchone()[0]
            conn.execute("BEGIN")
            fts5.replace(conn, rowid, old, new)
            conn.execute("COMMIT")
        result = run(word)
        update_times.append(time.perf_counter() - t)
        found += [h["id"] for h in result["hits"]] == [case_id]
    every = [x for values in timings.values() for x in values]
    lib.close()
    return {"first_query_s": round(first, 3), "query_p50_ms": _pct(every, 0.5), "query_p95_ms": _pct(every, 0.95),
            "query_max_ms": _pct(every, 1.0),
            "by_kind_p95_ms": {k: _pct(v, 0.95) for k, v in timings.items()},
            "quick_p95_ms": _pct(quick_times, 0.95), "update_and_search_p50_ms": _pct(update_times, 0.5),
            "update_and_search_p95_ms": _pct(update_times, 0.95), "updates_found": f"{found}/20",
            "query_peak_rss_mb": _rss_mb(), "totals": totals}


def _child(args: list[str]) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                        os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "curator.bench.search", *args], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {args[:2]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def whoosh_version() -> str:
    from importlib import metadata

    for dist in ("whoosh3", "Whoosh-Reloaded", "Whoosh"):
        try:
            return f"{dist} {metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def run_bench(docs: int, *, queries_file: str | None = None, seed: int = 7, keep: str | None = None,
              repeats: int = 3, progress: ProgressFn = no_progress) -> dict[str, Any]:
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="curator-bench-"))
    try:
        if not (folder / "curator.db").exists():
            make_library(folder, docs, seed, progress)
        if queries_file:
            lines = Path(queries_file).read_text(encoding="utf-8").splitlines()
            mix = [{"kind": "file", "query": line.strip()} for line in lines if line.strip()]
        else:
            mix = query_mix(seed)
        mix_path = folder / "mix.json"
        mix_path.write_text(json.dumps({"mix": mix, "quick": quick_mix(docs, seed), "n": docs,
                                               "repeats": repeats}), encoding="utf-8")
        out: dict[str, Any] = {"documents": docs, "whoosh_version": whoosh_version(),
                               "python": sys.version.split()[0]}
        for engine in ("whoosh", "fts5"):
            progress(0, 2, f"Building the {engine} index")
            out[engine] = _child(["build", engine, str(folder)])
        # queries run twice per engine, alternating, keeping each figure's better run: the machine's other load
        # then biases neither engine
        for round_ in range(2 if repeats > 1 else 1):
            for engine in ("whoosh", "fts5"):
                progress(round_, 2, f"Querying {engine}")
                result = _child(["query", engine, str(folder), str(mix_path)])
                for key, value in result.items():
                    previous = out[engine].get(key)
                    if isinstance(value, int | float) and isinstance(previous, int | float) and key.endswith(
                            ("_ms", "_s", "_mb")):
                        value = min(value, previous)
                    elif isinstance(value, dict) and key == "by_kind_p95_ms" and previous:
                        value = {k: min(v, previous.get(k, v)) for k, v in value.items()}
                    out[engine][key] = value
        w_tot, f_tot = out["whoosh"].pop("totals"), out["fts5"].pop("totals")
        out["totals_differ"] = {k: [w_tot[k], f_tot.get(k)] for k in w_tot if w_tot[k] != f_tot.get(k)}
        out["ratios"] = {key: round(out["whoosh"][key] / out["fts5"][key], 2) if out["fts5"][key] else None
                         for key in ("build_seconds", "index_mb", "query_p50_ms", "query_p95_ms", "quick_p95_ms",
                                     "update_and_search_p50_ms", "update_and_search_p95_ms", "first_query_s",
                                     "build_peak_rss_mb", "query_peak_rss_mb")
                         if isinstance(out["fts5"].get(key), int | float)}
        return out
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def human(data: dict[str, Any]) -> str:
    keys = [k for k in data["whoosh"] if not isinstance(data["whoosh"][k], dict)]
    lines = [f"{data['documents']} synthetic case studies; {data['whoosh_version']}; Python {data['python']}",
             f"{'measure':<28}{'Whoosh':>12}{'FTS5':>12}{'ratio':>8}"]
    for key in keys:
        ratio = data["ratios"].get(key)
        lines.append(f"{key:<28}{data['whoosh'][key]!s:>12}{data['fts5'].get(key)!s:>12}"
                     f"{'' if ratio is None else ratio:>8}")
    lines.append("p95 by kind (ms): " + ", ".join(
        f"{k} {v} vs {data['fts5']['by_kind_p95_ms'].get(k)}" for k, v in data["whoosh"]["by_kind_p95_ms"].items()))
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    phase, engine, folder = argv[0], argv[1], Path(argv[2])
    if phase == "build":
        result = child_build(engine, folder)
    else:
        spec = json.loads(Path(argv[3]).read_text(encoding="utf-8"))
        result = child_query(engine, folder, spec["mix"], spec["quick"], spec["n"], spec["repeats"])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
