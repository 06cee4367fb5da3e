"""``bench startup --docs N``: how long the desktop app takes from process start to its first answered query.

The app runs offscreen in a child process (``--bench-ready`` prints "ready" once the first search answer is on
screen); the baseline is ``python -c "import PySide6.QtWidgets"`` timed the same way in the same run, so the
ratio says how much Curator adds on top of loading Qt itself, whatever the machine. No Qt is imported here.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..library import Library
from ..model import normalise
from ..resources import resource

GOAL_SECONDS = 1.5
APP_CODE = "import sys; from curator.ui.app import main; sys.exit(main(sys.argv[1:]))"


def register(commands: Any, groups: Any) -> None:
    bench = groups("bench", "measure speed and memory")
    p = bench.add_parser("startup", help="time from starting the desktop app to its first answered query "
                         "(offscreen), against importing Qt alone")
    p.add_argument("--docs", type=int, default=1000, help="case studies in the throw-away library (default 1000)")
    p.add_argument("--runs", type=int, default=3, help="starts to time; the median is reported (default 3)")
    p.set_defaults(func=cmd_bench_startup)


def fill_library(folder: Path, docs: int) -> float:
    """A library of ``docs`` varied copies of the demo records, indexed; returns the index build seconds."""
    with resource("demo", "case_studies.json").open(encoding="utf-8") as fh:
        templates = [normalise(raw)[0] for raw in json.load(fh)]
    with Library.open(folder, daily_backup=False) as library:
        rows = []
        for i in range(docs):
            record = dict(templates[i % len(templates)])
            stamp = f"20{20 + i % 6}-0{1 + i % 9}-1{i % 10}T09:00:00Z"
            record.update(id=f"cs-b{i:07d}", title=f"{record['title']} (site {i // len(templates) + 1})",
                          created=stamp, updated=stamp)
            rows.append((record, None, 1))
            if len(rows) == 2000 or i == docs - 1:
                with library.store.transaction():
                    library.store.write_rows(rows)
                    library.store.bump_generation()
                rows = []
        library.backup("daily")  # as on any start after the day's first: no backup during the timed start
        service = library.extensions.get("search")
        return float(service.rebuild()["seconds"]) if service is not None else 0.0


def _timed(args: list[str], env: dict[str, str], until_ready: bool) -> tuple[float, int | None]:
    """Seconds from process start to 'ready' (or to exit), and the peak memory the child reports (kB)."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    rss = None
    try:
        if until_ready:
            for line in child.stdout:  # type: ignore[union-attr]
                if line.startswith("ready"):
                    elapsed = time.perf_counter() - start
                    parts = line.split()
                    rss = int(parts[1]) if len(parts) > 1 else None
                    break
            else:
                raise CuratorError("the app exited before answering its first query: "
                                   + (child.stderr.read() if child.stderr else "")[-300:])
        _out, err = child.communicate(timeout=120)
        if not until_ready:
            elapsed = time.perf_counter() - start
            if child.returncode:
                raise CuratorError(f"'python -c import PySide6.QtWidgets' failed: {err.strip()[-300:]}")
    finally:
        if child.poll() is None:
            child.kill()
    return elapsed, rss


def cmd_bench_startup(ctx, args) -> None:
    if args.docs < 1 or args.runs < 1:
        raise CuratorError("--docs and --runs must be at least 1")
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    with tempfile.TemporaryDirectory(prefix="curator-bench-") as tmp:
        folder = Path(tmp) / "library"
        started = time.perf_counter()
        index_seconds = fill_library(folder, args.docs)
        setup = time.perf_counter() - started
        app, baseline, rss = [], [], []
        for _ in range(args.runs):  # interleaved, so a busy moment on the machine hits both alike
            seconds, peak = _timed([sys.executable, "-c", APP_CODE, "--library", str(folder), "--bench-ready"], env,
                                   until_ready=True)
            app.append(seconds)
            rss.append(peak or 0)
            baseline.append(_timed([sys.executable, "-c", "import PySide6.QtWidgets"], env, until_ready=False)[0])
    startup, qt = statistics.median(app), statistics.median(baseline)
    data = {"docs": args.docs, "runs": args.runs, "startup_seconds": round(startup, 3),
            "qt_import_seconds": round(qt, 3), "ratio": round(startup / qt, 2),
            "startup_runs": [round(s, 3) for s in app], "qt_import_runs": [round(s, 3) for s in baseline],
            "peak_rss_mb": round(max(rss) / 1024, 1) if any(rss) else None,
            "setup_seconds": round(setup, 1), "index_build_seconds": round(index_seconds, 1),
            "goal_seconds": GOAL_SECONDS, "meets_goal": startup <= GOAL_SECONDS}
    ctx.emit(data, lambda d: (
        f"Desktop app, {d['docs']} case studies: first query answered {d['startup_seconds']:.2f} s after start "
        f"(median of {d['runs']}); importing PySide6.QtWidgets alone {d['qt_import_seconds']:.2f} s; "
        f"ratio {d['ratio']:.2f}. Peak memory {d['peak_rss_mb']} MB. Goal ≤ {GOAL_SECONDS} s: "
        f"{'met' if d['meets_goal'] else 'not met'}."))
