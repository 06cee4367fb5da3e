"""``bench search``: Curator (Whoosh) against FTS5 done well and tantivy, on the same synthetic library, same run.

Every figure is the full work the window needs: the total, the top 20, facet counts and 20 snippets (as-you-type
too: the window asks each keystroke's first page with facet counts, and Curator's with "did you mean" where
nothing matches). Latencies come from one process with the engines interleaved query by query, the
median of ``--repeats`` passes per query, so the machine's other load biases no engine. Builds, peak memory
while searching and "a fresh process gives its first full answer" run one engine per child process. Also
reported: every prefix of the mix typed letter by letter (``quick()``), saving one record and finding it by a new
word, and whether totals and facet counts agree between the engines.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..progress import ProgressFn, no_progress
from .corpus import common_words, records


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


def typed_prefixes(mix: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every query of the mix typed letter by letter (each prefix with the query's filters)."""
    out, seen = [], set()
    for item in mix:
        text = item["query"]
        for cut in range(1, len(text) + 1):
            prefix = text[:cut]
            key = (prefix, json.dumps(item.get("filters"), sort_keys=True))
            if prefix.strip() and key not in seen:
                seen.add(key)
                out.append({"query": prefix, "filters": item.get("filters")})
    return out


# -- engines ----------------------------------------------------------------------------------------------------
ENGINES = ("curator", "fts5", "tantivy")


class Engines:
    """The three engines open on one library, each answering ``search`` and ``quick`` with the same shapes."""

    def __init__(self, folder: Path, names: tuple[str, ...]) -> None:
        from ..library import Library

        self.folder = folder
        self.names = names
        self.lib = Library.open(folder, daily_backup=False, extensions="curator" in names)
        self.svc = self.lib.extensions.get("search")
        self.tantivy: Any = None
        if "fts5" in names:
            from . import fts5

            self.conn = fts5.connect(folder)
        else:
            import sqlite3

            self.conn = sqlite3.connect(str(folder / "curator.db"), isolation_level=None)
        if "tantivy" in names:
            from .tantivy_baseline import Engine

            self.tantivy = Engine(folder)

    def search(self, engine: str, text: str, filters: dict | None = None, quick: bool = False) -> dict[str, Any]:
        if engine == "curator":
            if quick:  # what ui.queries.run_search asks for a keystroke's first page
                return self.svc.quick(text, limit=20, filters=filters, facets=True, suggest=True)
            return self.svc.search(text, filters, limit=20)
        if engine == "fts5":
            from . import fts5

            return fts5.search(self.conn, text, filters, limit=20)
        return self.tantivy.search(text, filters, limit=20)

    def save(self, engine: str, case_id: str, word: str) -> None:
        """Save through the library (every engine pays SQLite, history and the PII check). For the baselines,
        Curator's index writer is not woken until ``settle``: its background commit would otherwise share the
        cores with the baseline's timed save and search."""
        old = self.lib.get(case_id)
        quiet = self.svc is not None and engine != "curator"
        if quiet:
            self.svc._nudge = lambda: None  # the change is queued; settle() writes it
        try:
            new, _ = self.lib.update(case_id, {"summary": old["summary"] + f" {word}"})
        finally:
            if quiet:
                del self.svc._nudge
        if engine == "fts5":
            from . import fts5

            rowid = self.conn.execute("SELECT rowid FROM case_studies WHERE id=?", (case_id,)).fetchone()[0]
            self.conn.execute("BEGIN")
            fts5.replace(self.conn, rowid, old, new)
            self.conn.execute("COMMIT")
        elif engine == "tantivy":
            rowid = self.conn.execute("SELECT rowid FROM case_studies WHERE id=?", (case_id,)).fetchone()[0]
            self.tantivy.replace(rowid, new)

    def settle(self) -> None:
        """Untimed, between engines: Curator's index catches up, so the next engine's turn starts quiet."""
        if self.svc is not None:
            self.svc.flush()

    def close(self) -> None:
        self.lib.close()


def _safe(func: Any, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
    from ..errors import CuratorError

    try:
        return func(*args, **kwargs)
    except (CuratorError, ValueError):
        return None  # a prefix that is not a query yet (an open quotation mark): every engine skips it


# -- children (one engine per process where memory or a fresh start is measured) --------------------------------
def child_build(engine: str, folder: Path) -> dict[str, Any]:
    started, cpu = time.perf_counter(), _cpu()
    if engine == "curator":
        from ..library import Library

        with Library.open(folder, daily_backup=False) as lib:
            count = lib.extensions["search"].rebuild()["documents"]
        size = sum(p.stat().st_size for p in (folder / "index").rglob("*") if p.is_file())
    elif engine == "fts5":
        from . import fts5

        count = fts5.build(folder)
        size = (folder / "fts5.db").stat().st_size
    else:
        from . import tantivy_baseline

        count = tantivy_baseline.build(folder)
        size = sum(p.stat().st_size for p in (folder / "tantivy").rglob("*") if p.is_file())
    return {"documents": count, "build_wall_s": round(time.perf_counter() - started, 2),
            "build_cpu_s": round(_cpu() - cpu, 2), "index_mb": round(size / 1e6, 1),
            "build_peak_rss_mb": _rss_mb()}


def child_fresh(engine: str, folder: Path, spawned: float, mix: list[dict[str, Any]],
                typed: list[dict[str, Any]]) -> dict[str, Any]:
    """A fresh process: open the library, give the first full answer (total, top 20, facets, snippets), then
    answer the whole mix and every typed prefix, for this engine's peak memory while searching."""
    engines = Engines(folder, (engine,))
    engines.search(engine, mix[0]["query"], mix[0].get("filters"))
    first = time.time() - spawned
    for item in mix:
        _safe(engines.search, engine, item["query"], item.get("filters"))
    for item in typed:
        _safe(engines.search, engine, item["query"], item.get("filters"), quick=True)
    engines.close()
    return {"first_answer_s": round(first, 3), "search_peak_rss_mb": _rss_mb()}


def child_latency(folder: Path, names: tuple[str, ...], mix: list[dict[str, Any]], typed: list[dict[str, Any]],
                  passes: int, n: int, saves: int = 20) -> dict[str, Any]:
    """All engines in one process, interleaved query by query, ``passes`` times; medians per query."""
    engines = Engines(folder, names)
    for engine in names:  # warm each engine once, outside the figures (first answers are measured apart)
        engines.search(engine, mix[0]["query"])
    full: dict[str, list[list[float]]] = {e: [[] for _ in mix] for e in names}
    totals: dict[str, dict[str, Any]] = {e: {} for e in names}
    first_pass: dict[str, list[float]] = {e: [] for e in names}
    for n_pass in range(passes):
        for i, item in enumerate(mix):
            for engine in names:
                t = time.perf_counter()
                result = engines.search(engine, item["query"], item.get("filters"))
                spent = time.perf_counter() - t
                full[engine][i].append(spent)
                if n_pass == 0:
                    first_pass[engine].append(spent)
                    key = item["query"] + " " + json.dumps(item.get("filters"), sort_keys=True)
                    totals[engine][key] = [result["total"], result["facets"]]
    quick: dict[str, list[list[float]]] = {e: [[] for _ in typed] for e in names}
    quick_totals: dict[str, list[Any]] = {e: [] for e in names}
    for n_pass in range(min(passes, 3)):
        for i, item in enumerate(typed):
            for engine in names:
                t = time.perf_counter()
                result = _safe(engines.search, engine, item["query"], item.get("filters"), quick=True)
                quick[engine][i].append(time.perf_counter() - t)
                if n_pass == 0:
                    quick_totals[engine].append(None if result is None else result["total"])
    saved: dict[str, list[float]] = {e: [] for e in names}
    found = dict.fromkeys(names, 0)
    rng = random.Random(99)
    for k in range(saves):
        for engine in names:
            case_id = f"cs-bench{rng.randrange(n):06d}"
            word = f"quokka{k}{engine}marker"
            t = time.perf_counter()
            engines.save(engine, case_id, word)
            result = engines.search(engine, word)
            saved[engine].append(time.perf_counter() - t)
            found[engine] += [h["id"] for h in result["hits"]] == [case_id]
            engines.settle()
    engines.close()
    out: dict[str, Any] = {}
    # prefixes that are not a query yet (an open quotation mark) are left out of the timings, for every engine
    answered = [i for i in range(len(typed)) if all(quick_totals[e][i] is not None for e in names)]
    for engine in names:
        medians = [statistics.median(v) for v in full[engine]]
        typed_medians = [statistics.median(quick[engine][i]) for i in answered]
        out[engine] = {
            "query_p50_ms": _pct(medians, 0.5), "query_p95_ms": _pct(medians, 0.95),
            "query_max_ms": _pct(medians, 1.0), "first_pass_p95_ms": _pct(first_pass[engine], 0.95),
            "by_kind_p95_ms": {kind: _pct([m for m, it in zip(medians, mix, strict=True) if it["kind"] == kind], 0.95)
                               for kind in dict.fromkeys(it["kind"] for it in mix)},
            "quick_p50_ms": _pct(typed_medians, 0.5), "quick_p95_ms": _pct(typed_medians, 0.95),
            "quick_max_ms": _pct(typed_medians, 1.0),
            "save_find_p50_ms": _pct(saved[engine], 0.5), "save_find_p95_ms": _pct(saved[engine], 0.95),
            "saves_found": f"{found[engine]}/{saves}",
            "totals": totals[engine], "quick_totals": quick_totals[engine]}
    return out


def _cpu() -> float:
    try:
        import resource
    except ImportError:
        return time.process_time()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


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


def _versions() -> dict[str, str]:
    import sqlite3
    from importlib import metadata

    out = {"python": sys.version.split()[0], "whoosh": whoosh_version(), "sqlite": sqlite3.sqlite_version}
    try:
        out["tantivy"] = metadata.version("tantivy")
    except metadata.PackageNotFoundError:
        out["tantivy"] = "not installed"
    return out


def _agreement(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Queries whose totals or facet counts differ between Curator and each baseline."""
    out: dict[str, Any] = {}
    mine = data["curator"].pop("totals")
    mine_quick = data["curator"].pop("quick_totals")
    for engine in names[1:]:
        theirs = data[engine].pop("totals")
        theirs_quick = data[engine].pop("quick_totals")
        differ = {k: [mine[k][0], theirs[k][0]] for k in mine if mine[k][0] != theirs[k][0]}
        facets = [k for k in mine if mine[k][0] == theirs[k][0] and mine[k][1] != theirs[k][1]]
        quick = sum(a != b for a, b in zip(mine_quick, theirs_quick, strict=True) if a is not None)
        out[engine] = {"totals_equal": f"{len(mine) - len(differ)}/{len(mine)}", "totals_differ": differ,
                       "facets_differ": facets, "typed_totals_differ": quick}
    return out


def run_bench(docs: int, *, queries_file: str | None = None, seed: int = 7, keep: str | None = None,
              repeats: int = 5, saves: int = 20, progress: ProgressFn = no_progress) -> dict[str, Any]:
    from .tantivy_baseline import available

    names = ENGINES if available() else ENGINES[:2]
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="curator-bench-"))
    try:
        if not (folder / "curator.db").exists():
            make_library(folder, docs, seed, progress)
        if queries_file:
            lines = Path(queries_file).read_text(encoding="utf-8").splitlines()
            mix = [{"kind": "file", "query": line.strip()} for line in lines if line.strip()]
        else:
            mix = query_mix(seed)
        typed = typed_prefixes(mix)
        spec = folder / "mix.json"
        spec.write_text(json.dumps({"mix": mix, "typed": typed, "n": docs, "passes": repeats, "saves": saves,
                                    "names": list(names)}), encoding="utf-8")
        out: dict[str, Any] = {"documents": docs, "queries": len(mix), "typed_prefixes": len(typed),
                               "passes": repeats, "versions": _versions(), "engines": list(names),
                               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "load_average": _load()}
        for engine in names:
            progress(0, 1, f"Building the {engine} index")
            out[engine] = _child(["build", engine, str(folder)])
        for engine in names:
            progress(0, 1, f"{engine}: first answer and peak memory in a fresh process")
            out[engine].update(_child(["fresh", engine, str(folder), str(spec), repr(time.time())]))
        progress(0, 1, "Querying all engines, interleaved")
        latency = _child(["latency", "-", str(folder), str(spec)])
        for engine in names:
            out[engine].update(latency[engine])
        out["agreement"] = _agreement(out, names)
        out["ratios"] = {engine: {key: round(out["curator"][key] / out[engine][key], 2) if out[engine][key] else None
                                  for key in RATIO_KEYS if isinstance(out[engine].get(key), int | float)}
                         for engine in names[1:]}
        out["load_average_after"] = _load()
        return out
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


RATIO_KEYS = ("query_p50_ms", "query_p95_ms", "query_max_ms", "first_pass_p95_ms", "quick_p50_ms", "quick_p95_ms", "quick_max_ms", "save_find_p50_ms",
              "save_find_p95_ms", "search_peak_rss_mb", "first_answer_s", "build_cpu_s", "build_wall_s", "index_mb")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


ROWS = (("query p50 / p95 / max (ms)", ("query_p50_ms", "query_p95_ms", "query_max_ms")),
        ("query p95, first pass only (ms)", ("first_pass_p95_ms",)),
        ("as-you-type quick() p50 / p95 / max (ms)", ("quick_p50_ms", "quick_p95_ms", "quick_max_ms")),
        ("save one and find it p50 / p95 (ms)", ("save_find_p50_ms", "save_find_p95_ms")),
        ("peak RSS while searching (MB)", ("search_peak_rss_mb",)),
        ("fresh process -> first full answer (s)", ("first_answer_s",)),
        ("build CPU / wall (s)", ("build_cpu_s", "build_wall_s")),
        ("index size (MB)", ("index_mb",)))


def human(data: dict[str, Any]) -> str:
    names = data["engines"]
    v = data["versions"]
    lines = [f"{data['documents']:,} synthetic case studies, {data['queries']} queries x {data['passes']} passes "
             f"(medians), {data['typed_prefixes']} typed prefixes; {data['date']}; load average "
             f"{data['load_average']} -> {data['load_average_after']}",
             f"Python {v['python']}, {v['whoosh']}, SQLite {v['sqlite']}, tantivy {v['tantivy']}", "",
             f"{'':<42}" + "".join(f"{n:>24}" for n in names)
             + "".join(f"{'ratio to ' + n:>22}" for n in names[1:])]
    for label, keys in ROWS:
        cells = [" / ".join(str(data[n].get(k)) for k in keys) for n in names]
        ratios = [" / ".join(str(data["ratios"][n].get(k)) for k in keys) for n in names[1:]]
        lines.append(f"{label:<42}" + "".join(f"{c:>24}" for c in cells) + "".join(f"{r:>22}" for r in ratios))
    lines.append("saves found: " + ", ".join(f"{n} {data[n]['saves_found']}" for n in names))
    lines.append("p95 by kind (ms): " + "; ".join(
        f"{kind} " + " / ".join(str(data[n]["by_kind_p95_ms"].get(kind)) for n in names)
        for kind in data["curator"]["by_kind_p95_ms"]))
    for engine, agree in data["agreement"].items():
        lines.append(f"totals equal to {engine}: {agree['totals_equal']}; facet counts differ where totals match: "
                     f"{len(agree['facets_differ'])}; typed-prefix totals differ: {agree['typed_totals_differ']}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    phase, engine, folder = argv[0], argv[1], Path(argv[2])
    if phase == "build":
        result = child_build(engine, folder)
    else:
        spec = json.loads(Path(argv[3]).read_text(encoding="utf-8"))
        if phase == "fresh":
            result = child_fresh(engine, folder, float(argv[4]), spec["mix"], spec["typed"])
        else:
            result = child_latency(folder, tuple(spec["names"]), spec["mix"], spec["typed"], spec["passes"],
                                   spec["n"], spec["saves"])
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
