"""The panel's view of a round: per case study the weighted mean, median, spread, recommendations and a
disagreement flag; the ranking; and inter-rater agreement (Krippendorff's alpha, ordinal)."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from ..library import Library
from . import rubric as rubric_mod
from .agreement import krippendorff_alpha, units_from_reviews
from .decisions import latest_decisions
from .scoring import reviews as all_reviews

#: A criterion whose scores differ by this much or more is flagged for discussion at the panel meeting.
FLAG_SPREAD = 2


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def case_summary(case: dict[str, Any], reviews: list[dict[str, Any]], rubrics: dict[int, dict[str, Any]]
                 ) -> dict[str, Any]:
    overall = [rubric_mod.weighted_mean(rubrics[r["rubric_version"]], r["scores"]) for r in reviews]
    overall = [v for v in overall if v is not None]
    by_criterion: dict[str, list[int]] = {}
    for review in reviews:
        for cid, score in review["scores"].items():
            by_criterion.setdefault(cid, []).append(score)
    criteria = {cid: {"mean": _round(statistics.fmean(s)), "median": statistics.median(s),
                      "spread": max(s) - min(s)} for cid, s in by_criterion.items()}
    spread = max((c["spread"] for c in criteria.values()), default=None)
    recommendations = Counter(r["recommendation"] for r in reviews if r["recommendation"])
    labels = rubric_mod.labels(*(rubrics[v] for v in sorted(rubrics)))
    reasons = [f"scores differ by {c['spread']} on {labels.get(cid, cid)}" for cid, c in criteria.items()
               if c["spread"] >= FLAG_SPREAD]
    if len(recommendations) > 1:
        reasons.append("reviewers recommend differently: " + ", ".join(f"{k} {v}" for k, v in
                                                                       sorted(recommendations.items())))
    return {"id": case["id"], "title": case["title"], "status": case["status"], "assigned": case["assigned"],
            "n": len(reviews), "mean": _round(statistics.fmean(overall)) if overall else None,
            "median": _round(statistics.median(overall)) if overall else None, "spread": spread,
            "flag": bool(reasons), "flag_reasons": reasons,
            "recommendations": {k: recommendations.get(k, 0) for k in rubric_mod.RECOMMENDATIONS},
            "criteria": criteria}


def summary(library: Library) -> dict[str, Any]:
    """``{"cases": [...ranked...], "agreement": {"krippendorff_alpha", "by_criterion", "reviews", "units"},
    "rubric_version"}``: cases with any assignment or review, best first; unscored ones last."""
    cases = library.store.query(
        "SELECT c.id, c.title, c.status, (SELECT COUNT(*) FROM review_assignments a WHERE a.case_id = c.id) AS "
        "assigned FROM case_studies c WHERE c.deleted IS NULL AND (c.id IN (SELECT case_id FROM review_assignments)"
        " OR c.id IN (SELECT case_id FROM reviews)) ORDER BY c.id")
    current = rubric_mod.current(library)
    rubrics: dict[int, dict[str, Any]] = {current["version"]: current}
    submitted = all_reviews(library)
    by_case: dict[str, list[dict[str, Any]]] = {}
    for review in submitted:
        by_case.setdefault(review["case"], []).append(review)
        if review["rubric_version"] not in rubrics:
            rubrics[review["rubric_version"]] = rubric_mod.get(library, review["rubric_version"])
    decisions = latest_decisions(library)
    rows = [case_summary(case, by_case.get(case["id"], []), rubrics) for case in cases]
    rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), -r["n"], r["id"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["mean"] is not None else None
        row["decision"] = decisions.get(row["id"])
    in_round = {c["id"] for c in cases}
    scored = [r for r in submitted if r["case"] in in_round]
    alpha = krippendorff_alpha(units_from_reviews(scored), "ordinal")
    per_criterion = {c["id"]: _round(krippendorff_alpha(units_from_reviews(scored, [c["id"]]), "ordinal"), 3)
                     for c in current["criteria"]}
    return {"cases": rows, "rubric_version": current["version"],
            "agreement": {"krippendorff_alpha": _round(alpha, 3), "metric": "ordinal", "by_criterion": per_criterion,
                          "reviews": len(scored)}}
