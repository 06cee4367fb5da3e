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
    there before the chair can accept or reject). Called inside the assignment's transaction: both or neither."""
    for case_id in case_ids:
        if library.store.scalar("SELECT status FROM case_studies WHERE id=?", (case_id,)) == "submitted":
            library.set_status(case_id, "in_review", reason=why)


def propose(library: Library, per_case: int = 3) -> dict[str, Any]:
    """The automatic assignment as it would be, without writing anything, so a person can see and change it first.

    ``{"per_case", "assignments": [{"case", "reviewer"}] (new), "short": [{"case", "needed", "reason"}],
    "cases": [{"id", "title", "held", "proposed", "conflicts": {reviewer: why}}],
    "reviewers": [{"id", "name", "load", "new"}]}``: ``load`` counts open case studies already held.
    """
    if per_case < 1:
        raise CuratorError(f"--per-case must be at least 1, not {per_case}")
    panel = reviewers_mod.list_reviewers(library)
    if not panel:
        raise CuratorError("there are no reviewers yet; add them first (Review › Reviewers…, or "
                           "'python -m curator reviewer add NAME')")
    cases = reviewable_cases(library)
    current = library.store.query("SELECT case_id, reviewer_id FROM review_assignments")
    held: dict[str, set[str]] = {}
    for row in current:
        held.setdefault(row["case_id"], set()).add(row["reviewer_id"])
    open_cases = set(cases)
    load = Counter({r.id: 0 for r in panel})
    load.update(row["reviewer_id"] for row in current if row["case_id"] in open_cases and row["reviewer_id"] in load)
    before = dict(load)
    eligible, conflicts, titles = {}, {}, {}
    for case_id in cases:
        record = library.get(case_id)
        titles[case_id] = record["title"]
        conflicts[case_id] = {r.id: why for r in panel if (why := r.conflict_with(record)) is not None}
        eligible[case_id] = [r.id for r in panel if r.id not in held.get(case_id, set())
                             and r.id not in conflicts[case_id]]
    plan = _plan(cases, eligible, {c: per_case - len(held.get(c, ())) for c in cases}, load)
    new = [{"case": case_id, "reviewer": rid} for case_id in cases for rid in plan.get(case_id, [])]
    short = [{"case": c, "needed": per_case - len(held.get(c, ())) - len(plan.get(c, [])),
              "reason": f"only {len(eligible[c])} more reviewer(s) without a conflict"}
             for c in cases if per_case - len(held.get(c, ())) - len(plan.get(c, [])) > 0]
    return {"per_case": per_case, "assignments": new, "short": short,
            "cases": [{"id": c, "title": titles[c], "held": sorted(held.get(c, set())), "proposed": plan.get(c, []),
                       "conflicts": conflicts[c]} for c in cases],
            "reviewers": [{"id": r.id, "name": r.name, "load": before[r.id], "new": load[r.id] - before[r.id]}
                          for r in panel]}


def assign_auto(library: Library, per_case: int = 3) -> dict[str, Any]:
    """Top up every reviewable case study to ``per_case`` reviewers without a conflict, balancing load.

    Returns ``{"assignments": [{"case", "reviewer"}] (new ones), "short": [{"case", "needed", "reason"}]}``.
    """
    with library.store.transaction():  # the plan and its writing see the same library
        proposal = propose(library, per_case)
        apply_plan(library, [dict(a, how="auto") for a in proposal["assignments"]])
    return {"assignments": proposal["assignments"], "short": proposal["short"]}


def apply_plan(library: Library, add: list[dict[str, Any]], remove: list[dict[str, Any]] = ()
               ) -> dict[str, Any]:
    """Apply a (possibly hand-edited) plan, all or nothing: ``add`` items are ``{"case", "reviewer", "how":
    "auto"|"manual", "override_reason"}`` (a conflict needs the reason), ``remove`` items ``{"case", "reviewer"}``.

    Automatic ones get one history row per case study naming everyone; manual ones go through ``assign``.
    """
    names = {r.id: r.name for r in reviewers_mod.list_reviewers(library)}
    stamp = now_iso()
    added, removed = [], []
    with library.store.transaction() as conn:
        for item in remove:
            removed.append(unassign(library, item["case"], item["reviewer"]))
        auto: dict[str, list[str]] = {}
        for item in add:
            if item.get("how", "manual") == "auto" and not item.get("override_reason"):
                reviewer = reviewers_mod.get(library, item["reviewer"])
                record = library.get(item["case"], include_deleted=False)
                if record["status"] not in REVIEWABLE:
                    raise CuratorError(f"case study {item['case']} is {record['status']}; only submitted or "
                                       "in-review case studies are reviewed")
                if reviewer.conflict_with(record):
                    raise CuratorError(f"{reviewer.name} has a conflict with {item['case']} "
                                       f"({reviewer.conflict_with(record)}); give a reason to override it")
                if assignments(library, reviewer=reviewer.id, case=item["case"]):
                    raise CuratorError(f"{reviewer.name} is already assigned to {item['case']}")
                conn.execute("INSERT INTO review_assignments(case_id, reviewer_id, assigned, how) VALUES (?,?,?,?)",
                             (item["case"], reviewer.id, stamp, "auto"))
                auto.setdefault(item["case"], []).append(reviewer.id)
                added.append({"case": item["case"], "reviewer": reviewer.id, "conflict": None,
                              "override_reason": None})
            else:
                added.append(assign(library, item["case"], item["reviewer"],
                                    override_reason=item.get("override_reason")))
        for case_id, rids in auto.items():  # one audit row per case study, naming everyone assigned to it
            library.record_event(case_id, f"Assigned to reviewer{'s' if len(rids) > 1 else ''} "
                                 + ", ".join(names[rid] for rid in rids), "automatic assignment")
        _send_to_review(library, sorted(auto), "Reviewers assigned")
    return {"assignments": added, "removed": removed}


def _plan(cases: list[str], eligible: dict[str, list[str]], need: dict[str, int], load: Counter
          ) -> dict[str, list[str]]:
    """Greedy, most constrained case first, least-loaded reviewer first; then move new assignments from the
    busiest to the least busy reviewer while that narrows the gap. Ties break on a stable hash, so panels mix
    instead of forming fixed pairs, and the same library always gets the same plan."""
    def tie(case_id: str, rid: str) -> bytes:
        return hashlib.sha256(f"{case_id}:{rid}".encode()).digest()

    plan: dict[str, list[str]] = {}
    for case_id in sorted(cases, key=lambda c: (len(eligible[c]) - need[c], c)):
        if need[case_id] <= 0:
            continue
        chosen = sorted(eligible[case_id], key=lambda rid: (load[rid], tie(case_id, rid)))[:need[case_id]]
        plan[case_id] = chosen
        load.update(chosen)
    moved = True
    while moved:
        moved = False
        for hi in sorted(load, key=lambda rid: -load[rid]):
            for lo in sorted(load, key=lambda rid: load[rid]):
                if load[hi] - load[lo] <= 1:
                    break
                case_id = next((c for c, rids in plan.items() if hi in rids and lo in eligible[c]
                                and lo not in rids), None)
                if case_id:
                    plan[case_id] = [lo if rid == hi else rid for rid in plan[case_id]]
                    load[hi] -= 1
                    load[lo] += 1
                    moved = True
                    break
            if moved:
                break
    return plan


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
