"""Scores: a reviewer's scores, recommendation and comment for one case study; blind visibility; progress.

Blind scoring: a reviewer sees only their own review until they have submitted it; the chair sees every
submitted review. Each save is audited in the case study's history (an event, so undo never touches it).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..errors import CuratorError
from ..history import now_iso
from ..library import Library
from . import reviewers as reviewers_mod
from . import rubric as rubric_mod

SOURCES = ("curator", "pack", "sheet")
DUE_KEY = "review.due"


def _row(row: dict[str, Any], names: dict[str, reviewers_mod.Reviewer]) -> dict[str, Any]:
    reviewer = names.get(row["reviewer_id"])
    return {"case": row["case_id"], "reviewer": row["reviewer_id"], "reviewer_name": reviewer.name if reviewer else "",
            "rubric_version": row["rubric_version"], "scores": json.loads(row["scores"]),
            "recommendation": row["recommendation"], "comment": row["comment"], "submitted": row["submitted"],
            "saved": row["saved"], "source": row["source"]}


def reviews(library: Library, *, case: str | None = None, reviewer: str | None = None,
            include_drafts: bool = False) -> list[dict[str, Any]]:
    clauses = ["1"] if include_drafts else ["submitted IS NOT NULL"]
    params: list[Any] = []
    for column, value in (("case_id", case), ("reviewer_id", reviewer)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    rows = library.store.query(f"SELECT * FROM reviews WHERE {' AND '.join(clauses)} ORDER BY case_id, submitted, "
                               "reviewer_id", params)
    names = reviewers_mod.lookup(library)
    return [_row(r, names) for r in rows]


#: the longest review comment (a few pages); a longer one is refused with a message, never stored
MAX_COMMENT_CHARS = 20_000


def check_review(rubric: dict[str, Any], scores: dict[str, Any], recommendation: Any, comment: str, where: str,
                 *, draft: bool = False) -> tuple[dict[str, int], str | None, str]:
    """Validated (scores, recommendation, comment); an exclude needs a reason in the comment."""
    checked = rubric_mod.check_scores(rubric, scores, where, complete=not draft)
    rec = rubric_mod.parse_recommendation(recommendation, where) if recommendation not in (None, "") else None
    comment = (comment or "").strip() if isinstance(comment, str | type(None)) else str(comment).strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise CuratorError(f"{where}: the comment is {len(comment):,} characters, more than the "
                           f"{MAX_COMMENT_CHARS:,} a review comment may hold; shorten it")
    if rec is None and not draft:
        raise CuratorError(f"{where}: a recommendation is needed: include, revise (include with changes) or exclude")
    if rec == "exclude" and not comment:
        raise CuratorError(f"{where}: an exclude needs a reason; say why in the comment")
    return checked, rec, comment


def write_review(library: Library, case_id: str, reviewer: reviewers_mod.Reviewer, rubric_version: int,
                 scores: dict[str, int], recommendation: str | None, comment: str, *, draft: bool, source: str,
                 submitted: str | None = None) -> str:
    """Insert or replace one review and audit it; call inside a transaction. Returns added/replaced/unchanged."""
    before = library.store.query("SELECT * FROM reviews WHERE case_id=? AND reviewer_id=?", (case_id, reviewer.id))
    stamp = now_iso()
    if draft and before and before[0]["submitted"]:
        return "kept"  # a draft never replaces a submitted review
    if before and not draft and before[0]["submitted"] and json.loads(before[0]["scores"]) == scores and \
            before[0]["recommendation"] == recommendation and before[0]["comment"] == comment:
        return "unchanged"
    library.store.conn.execute(
        "INSERT OR REPLACE INTO reviews(case_id, reviewer_id, rubric_version, scores, recommendation, comment, "
        "submitted, saved, source) VALUES (?,?,?,?,?,?,?,?,?)",
        (case_id, reviewer.id, rubric_version, json.dumps(scores), recommendation, comment,
         None if draft else (submitted or stamp), stamp, source))
    if not draft:
        note = json.dumps({"rubric_version": rubric_version, "scores": scores, "recommendation": recommendation,
                           "comment": comment, "source": source}, ensure_ascii=False)
        verb = "revised" if before and before[0]["submitted"] else "submitted"
        library.record_event(case_id, f"Review {verb} by {reviewer.name}", note)
    return "replaced" if before and before[0]["submitted"] else "added"


def submit(library: Library, case_id: str, reviewer_ref: str, scores: dict[str, Any], recommendation: Any,
           comment: str = "", *, draft: bool = False) -> dict[str, Any]:
    """Score a case study in Curator (the CLI and the UI's scoring screen)."""
    reviewer = reviewers_mod.get(library, reviewer_ref)
    library.get(case_id, include_deleted=False)
    if not library.store.scalar("SELECT 1 FROM review_assignments WHERE case_id=? AND reviewer_id=?",
                                (case_id, reviewer.id)):
        raise CuratorError(f"{reviewer.name} is not assigned to {case_id}; assign them first with "
                           f"'review assign --case {case_id} --reviewer {reviewer.id}'")
    if draft and reviews(library, case=case_id, reviewer=reviewer.id):
        raise CuratorError(f"{reviewer.name} has already submitted scores for {case_id}; submit the changed scores "
                           "rather than saving a draft")
    rubric = rubric_mod.current(library)
    checked, rec, comment = check_review(rubric, scores, recommendation, comment, case_id, draft=draft)
    with library.store.transaction():
        outcome = write_review(library, case_id, reviewer, rubric["version"], checked, rec, comment, draft=draft,
                               source="curator")
    review = reviews(library, case=case_id, reviewer=reviewer.id, include_drafts=True)[0]
    return dict(review, outcome=outcome)


def scores_visible_to(library: Library, reviewer_ref: str | None, case_id: str) -> list[dict[str, Any]]:
    """The reviews a person may see for one case study: blind until they have submitted their own.

    ``reviewer_ref=None`` is the chair, who sees every submitted review.
    """
    if reviewer_ref is None:
        return reviews(library, case=case_id)
    reviewer = reviewers_mod.get(library, reviewer_ref, include_removed=True)
    own = reviews(library, case=case_id, reviewer=reviewer.id, include_drafts=True)
    if not own or not own[0]["submitted"]:
        return own
    return reviews(library, case=case_id)


def set_due(library: Library, due: str | None) -> None:
    """The date reviews are due (YYYY-MM-DD); after it, reviewers with open assignments show as late."""
    if due:
        try:
            dt.date.fromisoformat(due)
        except ValueError as err:
            raise CuratorError(f"--due '{due}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01") from err
    library.store.set_config(DUE_KEY, due or "")


def progress(library: Library, today: dt.date | None = None) -> dict[str, Any]:
    """Who has scored what and who is late, for the chair's progress view."""
    due = library.store.get_config(DUE_KEY) or None
    today = today or dt.date.today()
    late_now = bool(due) and today > dt.date.fromisoformat(due)
    rows = library.store.query(
        "SELECT a.reviewer_id, a.case_id, r.submitted, r.saved FROM review_assignments a LEFT JOIN reviews r "
        "ON r.case_id = a.case_id AND r.reviewer_id = a.reviewer_id JOIN case_studies c ON c.id = a.case_id "
        "WHERE c.deleted IS NULL ORDER BY a.reviewer_id, a.case_id")
    out = []
    for reviewer in reviewers_mod.list_reviewers(library):
        mine = [r for r in rows if r["reviewer_id"] == reviewer.id]
        outstanding = [r["case_id"] for r in mine if not r["submitted"]]
        out.append({"reviewer": reviewer.id, "name": reviewer.name, "assigned": len(mine),
                    "submitted": len(mine) - len(outstanding),
                    "drafts": sum(1 for r in mine if r["saved"] and not r["submitted"]),
                    "outstanding": outstanding, "late": late_now and bool(outstanding)})
    return {"due": due, "reviewers": out}


def due(library: Library) -> str | None:
    """The due date set for the round (YYYY-MM-DD), or None."""
    return library.store.get_config(DUE_KEY) or None
