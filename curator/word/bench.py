"""``bench export``: the guide against bare python-docx writing the same text, measured in the same run.

Records are the demo case studies repeated under new titles in a throwaway library. Times are the best of
``repeats`` runs; peak memory comes from one extra traced run each (tracing slows Python, so it is not timed).
"""

from __future__ import annotations

import io
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_RATIO = 1.5
GOAL_SECONDS = 5.0


def _records(cases: int) -> list[dict[str, Any]]:
    from ..demo import demo_records

    demo = demo_records()
    out = []
    for n in range(cases):
        record = dict(demo[n % len(demo)])
        record["title"] = f"{record['title']} ({n + 1})"
        record["status"] = "accepted"
        record.pop("id", None)
        out.append(record)
    return out


def bare_docx(records: list[dict[str, Any]]) -> bytes:
    """The same text as the guide's case studies, written with python-docx and nothing else."""
    import docx

    document = docx.Document()
    for record in records:
        document.add_heading(record["title"], 2)
        document.add_paragraph(record.get("organisation") or "")
        for text in (record.get("summary") or "", record.get("body") or ""):
            for block in text.split("\n\n"):
                document.add_paragraph(block)
        outcomes = record.get("outcomes") or []
        if outcomes:
            table = document.add_table(rows=1 + len(outcomes), cols=2)
            cells = table._cells
            cells[0].text, cells[1].text = "Measure", "Value"
            for i, row in enumerate(outcomes, start=1):
                cells[2 * i].text, cells[2 * i + 1].text = row["measure"], row["value"]
        for item in (record.get("lessons") or []) + (record.get("partners") or []):
            document.add_paragraph(item, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _timed(func: Callable[[], Any], repeats: int) -> tuple[float, float]:
    best = min(_once(func) for _ in range(repeats))
    tracemalloc.start()
    try:
        func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak / 2**20


def _once(func: Callable[[], Any]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def bench_export(cases: int, repeats: int = 2) -> dict[str, Any]:
    from ..importers import ImportItem
    from ..library import Library
    from .guide import export_guide

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Library.open(folder / "lib", daily_backup=False, extensions=False) as library:
            records = _records(cases)
            library.import_records([ImportItem(f"bench#{i}", r) for i, r in enumerate(records)],
                                   on_duplicate="keep", backup=False)
            stored = list(library.iter_records())
            guide_s, guide_mb = _timed(lambda: export_guide(library, folder / "guide.docx"), repeats)
            base_s, base_mb = _timed(lambda: bare_docx(stored), repeats)
            size = (folder / "guide.docx").stat().st_size
    ratio = guide_s / base_s if base_s else float("inf")
    return {"cases": cases, "guide_seconds": round(guide_s, 2), "baseline_seconds": round(base_s, 2),
            "ratio": round(ratio, 2), "guide_peak_mb": round(guide_mb, 1), "baseline_peak_mb": round(base_mb, 1),
            "guide_bytes": size, "goal_ratio": GOAL_RATIO, "goal_seconds": GOAL_SECONDS,
            "met": ratio <= GOAL_RATIO and guide_s < GOAL_SECONDS}
