"""``bench ui-soak --cycles N``: the desktop app's memory after N cycles of ordinary use (offscreen).

A cycle opens a case study in the editor, edits, saves and closes it, runs a search, and switches to the
Coverage tab and back (``curator/ui/soak.py``, run in a child process so this module never imports Qt). The
goal (issue 10.8): resident memory grows by at most 30 MB over 200 cycles.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..errors import CuratorError

GOAL_MB = 30.0
GOAL_CYCLES = 200
CODE = "import sys; from curator.ui.soak import main; sys.exit(main(sys.argv[1:]))"


def register(commands: Any, groups: Any) -> None:
    bench = groups("bench", "measure speed and memory")
    p = bench.add_parser("ui-soak", help="memory of the desktop app (offscreen) over N cycles of open, edit, "
                         "save and close the editor, search, and Coverage and back; goal: ≤ 30 MB over 200")
    p.add_argument("--cycles", type=int, default=GOAL_CYCLES, help=f"cycles to run (default {GOAL_CYCLES})")
    p.add_argument("--warmup", type=int, default=3, help="cycles run before the start figure is taken, so fonts "
                   "and caches loaded once are not counted as growth (default 3)")
    p.set_defaults(func=cmd_bench_ui_soak)


def run_soak(cycles: int, warmup: int = 3, timeout: float | None = None) -> dict[str, Any]:
    """Run the soak in a child process and return its figures, judged against the goal scaled to ``cycles``."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    done = subprocess.run([sys.executable, "-c", CODE, "--cycles", str(cycles), "--warmup", str(warmup)], capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise CuratorError("the desktop app stopped during the soak: " + (done.stderr.strip()[-400:] or
                                                                          f"exit status {done.returncode}"))
    data = json.loads(lines[-1])
    allowed = GOAL_MB * cycles / GOAL_CYCLES
    data.update(goal_mb_per_200_cycles=GOAL_MB, allowed_mb=round(allowed, 1),
                meets_goal=data["growth_mb"] <= allowed)
    return data


def cmd_bench_ui_soak(ctx, args) -> None:
    if args.cycles < 1 or args.warmup < 0:
        raise CuratorError("--cycles must be at least 1 and --warmup at least 0, e.g. --cycles 200")
    ctx.emit(run_soak(args.cycles, args.warmup), lambda d: (
        f"Desktop app, {d['cycles']} cycles (after {d['warmup_cycles']} warm-up cycles): resident memory "
        f"{d['rss_start_mb']} MB at start, {d['rss_end_mb']} MB at the end, growth {d['growth_mb']} MB "
        f"({d['per_cycle_kb']} kB a cycle); {d['editors_alive']} editors left alive; {d['seconds']} s. "
        f"Goal ≤ {d['allowed_mb']} MB for {d['cycles']} cycles ({GOAL_MB:g} MB per {GOAL_CYCLES}): "
        f"{'met' if d['meets_goal'] else 'not met'}."))
