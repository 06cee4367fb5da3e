"""``bench review``: a whole review round at scale, each step timed against raw SQLite doing the same writes
or reads in the same run (so the figures are ratios, not machine-dependent seconds)."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

from ..bench.import_bench import synthetic_records
from ..bench.measure import timed
from ..importers import ImportItem
from ..library import Library
from ..vocab import vocabularies
from . import assign, packs, reviewers, sheets
from .merge import merge
from .rubric import current
from .scoring import write_review
from .summary import summary


def run(cases: int = 2000, panel: int = 25, per_case: int = 3) -> dict[str, Any]:
    rng = random.Random(11)
    records = [dict(r, status="submitted") for r in synthetic_records(cases)]
    codes = [t.id for t in vocabularies().ics]
    with tempfile.TemporaryDirectory(prefix="curator-bench-review-") as tmp:
        root = Path(tmp)
        lib = Library.open(root / "lib", daily_backup=False, extensions=False)
        lib.import_records([ImportItem(f"b#{i}", r) for i, r in enumerate(records)], on_duplicate="keep",
                           backup=False)
        people = [reviewers.add(lib, f"Reviewer {n}", f"Org {n}", "clinician", rng.sample(codes, 2))
                  for n in range(panel)]
        t_assign, made = timed(lambda: assign.assign_auto(lib, per_case))
        pairs = [(a["case"], a["reviewer"]) for a in made["assignments"]]
        lib.store.conn.execute("CREATE TEMP TABLE raw_assign(case_id TEXT, reviewer_id TEXT, assigned TEXT)")
        t_raw_assign, _ = timed(lambda: _raw(lib, "INSERT INTO raw_assign VALUES (?, ?, 'x')", pairs))

        rubric = current(lib)
        by_id = {p.id: p for p in people}
        scores = [{c["id"]: rng.randint(1, 5) for c in rubric["criteria"]} for _ in pairs]

        def score_all() -> None:
            with lib.store.transaction():
                for (case_id, rid), values in zip(pairs, scores, strict=True):
                    write_review(lib, case_id, by_id[rid], rubric["version"], values, "include", "", draft=False,
                                 source="curator")

        t_score, _ = timed(score_all)
        lib.store.conn.execute("CREATE TEMP TABLE raw_reviews(case_id TEXT, reviewer_id TEXT, scores TEXT)")
        t_raw_score, _ = timed(lambda: _raw(lib, "INSERT INTO raw_reviews VALUES (?, ?, ?)",
                                            [(c, r, json.dumps(s)) for (c, r), s in zip(pairs, scores, strict=True)]))
        t_summary, data = timed(lambda: summary(lib))
        t_raw_read, _ = timed(lambda: [json.loads(r["scores"]) for r in lib.store.query("SELECT * FROM reviews")])

        busiest = max(people, key=lambda p: sum(1 for _, r in pairs if r == p.id))
        lib.store.conn.execute("DELETE FROM reviews WHERE reviewer_id=?", (busiest.id,))
        t_pack, made_pack = timed(lambda: packs.make_pack(lib, busiest.id, root / "r.curatorpack"))
        pack = packs.ReviewPack.open(root / "r.curatorpack")
        for case_id in pack.case_ids():
            pack.score(case_id, {c["id"]: 3 for c in rubric["criteria"]}, "include")
        pack.save()
        t_merge, _ = timed(lambda: merge(lib, root / "r.curatorpack"))
        t_sheet, _ = timed(lambda: sheets.make_sheet(lib, busiest.id, root / "r.xlsx"))
        lib.close()
    return {
        "cases": cases, "reviewers": panel, "reviews": len(pairs),
        "assign": {"seconds": round(t_assign, 3), "ratio_to_raw_insert": round(t_assign / t_raw_assign, 1)},
        "score_all": {"seconds": round(t_score, 3), "ratio_to_raw_insert": round(t_score / t_raw_score, 1)},
        "summary": {"seconds": round(t_summary, 3), "ratio_to_raw_read": round(t_summary / t_raw_read, 1),
                    "alpha": data["agreement"]["krippendorff_alpha"]},
        "one_reviewer": {"cases": len(made_pack["cases"]), "pack_s": round(t_pack, 3), "merge_s": round(t_merge, 3),
                         "sheet_and_word_s": round(t_sheet, 3)},
    }


def _raw(lib: Library, sql: str, rows: list[tuple]) -> None:
    with lib.store.transaction() as conn:
        conn.executemany(sql, rows)


def human(r: dict[str, Any]) -> str:
    one = r["one_reviewer"]
    return (f"{r['cases']} case studies, {r['reviewers']} reviewers, {r['reviews']} reviews\n"
            f"assign: {r['assign']['seconds']} s ({r['assign']['ratio_to_raw_insert']}× raw insert)\n"
            f"score every review: {r['score_all']['seconds']} s ({r['score_all']['ratio_to_raw_insert']}× raw insert)\n"
            f"summary + alpha: {r['summary']['seconds']} s ({r['summary']['ratio_to_raw_read']}× raw read)\n"
            f"one reviewer's {one['cases']} cases: pack {one['pack_s']} s, merge {one['merge_s']} s, "
            f"sheet + Word pack {one['sheet_and_word_s']} s")
