"""Who reviews what: automatic assignment that balances load and never breaks a conflict, manual changes,
and conflict overrides that need a reason and are kept in the case study's history."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from ..errors import CuratorError
from ..history import now_iso
from ..library import Library
from . import reviewers as reviewers_mod

#: Statuses of case studies that take part in a review round.
REVIEWABLE = ("submitted", "in_review")


def reviewable_cases(library: Library) -> list[str]:
    return [r["id"] for r in library.store.query(
        "SELECT id FROM case_studies WHERE deleted IS NULL AND status IN ('submitted', 'in_review') "
        "ORDER BY created, id")]


def assignments(library: Library, *, reviewer: str | None = None, case: str | None = None
                ) -> list[dict[str, Any]]:
    clauses, params = [], []
    if reviewer:
        clauses.append("reviewer_id = ?")
        params.append(reviewer)
    if case:
        clauses.append("case_id = ?")
        params.append(case)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return library.store.query("SELECT case_id AS 'case', reviewer_id AS reviewer, assigned, how, override_reason "
                               f"FROM review_assignments{where} ORDER BY case_id, reviewer_id", params)


def _send_to_review(library: Library, case_ids: list[str], why: str) -> None:
    """A submitted case study goes to in_review when its reviewers are assigned (the workflow needs it
    there before the chair can accept or reject)."""
    for case_id in case_ids:
        if library.store.scalar("SELECT status FROM case_studies WHERE id=?", (case_id,)) == "submitted":
            library.set_status(case_id, "in_review", reason=why)


def assign_auto(library: Library, per_case: int = 3) -> dict[str, Any]:
    """Top up every reviewable case study to ``per_case`` reviewers: the least-loaded ones without a conflict.

    Returns ``{"assignments": [{"case", "reviewer"}] (new ones), "short": [{"case", "needed", "reason"}]}``.
    """
    if per_case < 1:
        raise CuratorError(f"--per-case must be at least 1, not {per_case}")
    panel = reviewers_mod.list_reviewers(library)
    if not panel:
        raise CuratorError("there are no reviewers yet; add them with 'python -m curator reviewer add NAME'")
    cases = reviewable_cases(library)
    current = library.store.query("SELECT case_id, reviewer_id FROM review_assignments")
    held: dict[str, set[str]] = {}
    for row in current:
        held.setdefault(row["case_id"], set()).add(row["reviewer_id"])
    open_cases = set(cases)
    load = Counter(row["reviewer_id"] for row in current if row["case_id"] in open_cases)
    order = {r.id: n for n, r in enumerate(panel)}
    new: list[dict[str, str]] = []
    short: list[dict[str, Any]] = []
    stamp = now_iso()
    with library.store.transaction() as conn:
        for case_id in cases:
            have = held.get(case_id, set())
            need = per_case - len(have)
            if need <= 0:
                continue
            record = library.get(case_id)
            free = [r for r in panel if r.id not in have and r.conflict_with(record) is None]
            # least loaded first; ties broken by a stable hash so panels mix instead of forming fixed pairs
            free.sort(key=lambda r: (load[r.id], hashlib.sha256(f"{case_id}:{r.id}".encode()).digest(), order[r.id]))
            for reviewer in free[:need]:
                conn.execute("INSERT INTO review_assignments(case_id, reviewer_id, assigned, how) VALUES (?,?,?,?)",
                             (case_id, reviewer.id, stamp, "auto"))
                library.record_event(case_id, f"Assigned to reviewer {reviewer.name}", "automatic assignment")
                load[reviewer.id] += 1
                new.append({"case": case_id, "reviewer": reviewer.id})
            if len(free) < need:
                short.append({"case": case_id, "needed": need - len(free),
                              "reason": f"only {len(free)} more reviewer(s) without a conflict"})
    _send_to_review(library, sorted({a["case"] for a in new}), "Reviewers assigned")
    return {"assignments": new, "short": short}


def assign(library: Library, case_id: str, reviewer_ref: str, *, override_reason: str | None = None
           ) -> dict[str, Any]:
    """Assign one reviewer by hand; a conflict is refused unless overridden with a reason (recorded)."""
    record = library.get(case_id, include_deleted=False)
    reviewer = reviewers_mod.get(library, reviewer_ref)
    if record["status"] not in REVIEWABLE:
        raise CuratorError(f"case study {case_id} is {record['status']}; only submitted or in-review case studies "
                           "are reviewed")
    if assignments(library, reviewer=reviewer.id, case=case_id):
        raise CuratorError(f"{reviewer.name} is already assigned to {case_id}")
    conflict = reviewer.conflict_with(record)
    reason = " ".join((override_reason or "").split())
    if conflict and not reason:
        raise CuratorError(f"{reviewer.name} has a conflict with {case_id} ({conflict}); choose another reviewer, "
                           "or give --override REASON to assign them anyway (the reason is kept in history)")
    with library.store.transaction() as conn:
        conn.execute("INSERT INTO review_assignments(case_id, reviewer_id, assigned, how, override_reason) "
                     "VALUES (?,?,?,?,?)", (case_id, reviewer.id, now_iso(), "manual", reason if conflict else None))
        if conflict:
            library.record_event(case_id, f"Conflict overridden: {reviewer.name} assigned",
                                 f"{reviewer.name} {conflict}. Reason: {reason}")
        else:
            library.record_event(case_id, f"Assigned to reviewer {reviewer.name}", "manual assignment")
    _send_to_review(library, [case_id], "Reviewer assigned")
    return {"case": case_id, "reviewer": reviewer.id, "conflict": conflict, "override_reason": reason or None}


def unassign(library: Library, case_id: str, reviewer_ref: str) -> dict[str, Any]:
    reviewer = reviewers_mod.get(library, reviewer_ref, include_removed=True)
    if not assignments(library, reviewer=reviewer.id, case=case_id):
        raise CuratorError(f"{reviewer.name} is not assigned to {case_id}; nothing to remove")
    if library.store.scalar("SELECT 1 FROM reviews WHERE case_id=? AND reviewer_id=?", (case_id, reviewer.id)):
        raise CuratorError(f"{reviewer.name} has already started scoring {case_id}; their scores stay, so the "
                           "assignment stays too")
    with library.store.transaction() as conn:
        conn.execute("DELETE FROM review_assignments WHERE case_id=? AND reviewer_id=?", (case_id, reviewer.id))
        library.record_event(case_id, f"Reviewer {reviewer.name} unassigned", None)
    return {"case": case_id, "reviewer": reviewer.id, "removed": True}
