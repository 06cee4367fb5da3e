"""The chair's decision per case study: accept, reject or revise, with a reason, setting the record's status.

accept → accepted, reject → rejected, revise → submitted (sent back to its lead for changes; it stays in the
round and goes to in_review again when re-reviewed). The workflow only accepts or rejects from in_review, so a
case study still submitted (or already decided) is moved through in_review first, in the same transaction;
each status change is a history row carrying the chair's reason.
"""

from __future__ import annotations

from typing import Any

from ..errors import CuratorError
from ..history import now_iso, os_user
from ..library import Library

DECISIONS = {"accept": "accepted", "reject": "rejected", "revise": "submitted"}
#: The status steps from each status the chair can decide from to each decision's status.
_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "submitted": {"accepted": ("in_review", "accepted"), "rejected": ("in_review", "rejected"), "submitted": ()},
    "in_review": {"accepted": ("accepted",), "rejected": ("rejected",), "submitted": ("submitted",)},
    "accepted": {"accepted": (), "rejected": ("in_review", "rejected"), "submitted": ("in_review", "submitted")},
    "rejected": {"accepted": ("in_review", "accepted"), "rejected": (), "submitted": ("in_review", "submitted")},
}


def decide(library: Library, case_id: str, decision: str, reason: str) -> dict[str, Any]:
    """Record the decision and move the case study's status; returns {"case", "decision", "status", "steps"}."""
    if decision not in DECISIONS:
        raise CuratorError(f"the decision must be accept, reject or revise, not '{decision}'")
    reason = " ".join((reason or "").split())
    if not reason:
        raise CuratorError("a decision needs a reason: --reason \"…\" (it is kept in the case study's history)")
    record = library.get(case_id, include_deleted=False)
    status = record["status"]
    if status not in _PATHS:
        raise CuratorError(f"case study {case_id} is {status}; the panel decides only on submitted, in-review, "
                           "accepted or rejected case studies")
    steps = _PATHS[status][DECISIONS[decision]]
    latest = latest_decisions(library, case_id).get(case_id)
    if not steps and latest and latest["decision"] == decision:
        raise CuratorError(f"case study {case_id} was already decided '{decision}' on {latest['at'][:10]}; "
                           "nothing changed")
    note = f"Panel decision: {decision}. {reason}"
    with library.store.transaction() as conn:
        conn.execute("INSERT INTO review_decisions(case_id, decision, reason, at, user) VALUES (?,?,?,?,?)",
                     (case_id, decision, reason, now_iso(), os_user()))
        for step in steps:
            library.set_status(case_id, step, reason=note)
        if not steps:
            library.record_event(case_id, f"Panel decision: {decision}", reason)
    return {"case": case_id, "decision": decision, "reason": reason,
            "status": library.get(case_id)["status"], "steps": list(steps)}


def latest_decisions(library: Library, case_id: str | None = None) -> dict[str, dict[str, Any]]:
    """The most recent decision per case study: {case: {"decision", "reason", "at", "user"}}."""
    where, params = ("WHERE case_id = ?", [case_id]) if case_id else ("", [])
    rows = library.store.query(f"SELECT case_id, decision, reason, at, user FROM review_decisions {where} "
                               "ORDER BY seq", params)
    return {r["case_id"]: {k: r[k] for k in ("decision", "reason", "at", "user")} for r in rows}
