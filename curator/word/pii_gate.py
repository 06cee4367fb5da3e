"""The PII gate over a library: scan records with their dismissals, and dismiss one finding with a reason.

A dismissal is kept per record and finding (kind + matched text), so it survives edits elsewhere in the record
but not a change to that text. Each dismissal is also an audit row in the record's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import CuratorError
from ..history import now_iso, os_user
from ..pii import KINDS, scan_record, warnings_for


def dismissed(library: Any, case_id: str) -> set[str]:
    return {r["finding"] for r in library.store.query("SELECT finding FROM pii_dismissals WHERE case_id=?",
                                                      (case_id,))}


def save_warnings(record: dict[str, Any], library: Any) -> list[str]:
    """The save check: a warning per finding not already dismissed for this record (never a refusal)."""
    return warnings_for(record, dismissed(library, record["id"]) if record.get("id") else ())


def all_dismissed(library: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in library.store.query("SELECT case_id, finding FROM pii_dismissals"):
        out.setdefault(row["case_id"], set()).add(row["finding"])
    return out


def scan(library: Any, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings not dismissed, across ``records`` (each must carry its id)."""
    skip = all_dismissed(library)
    findings = []
    for record in records:
        findings.extend(scan_record(record, skip.get(record.get("id"), ())))
    return findings


def dismiss(library: Any, case_id: str, finding: str, reason: str) -> dict[str, Any]:
    """Record that one finding is not personal data; refuses an id that is not a current finding."""
    if not reason or not reason.strip():
        raise CuratorError("say why this is not personal data: --reason \"…\" (it is kept in the history)")
    record = library.get(case_id)
    current = scan_record(record)
    match = next((f for f in current if f["finding"] == finding), None)
    if match is None:
        known = ", ".join(f"{f['finding']} ({KINDS[f['kind']]} in {f['field']})" for f in current) or "none"
        raise CuratorError(f"'{finding}' is not a finding in {case_id}; its findings are: {known}. Run "
                           f"'check-pii {case_id}' to see them")
    with library.store.transaction():
        library.store.conn.execute(
            "INSERT OR REPLACE INTO pii_dismissals(case_id, finding, kind, excerpt, reason, at, user) "
            "VALUES (?,?,?,?,?,?,?)", (case_id, finding, match["kind"], match["excerpt"], reason.strip(), now_iso(),
                                       os_user()))
        library.record_event(case_id, f"Dismiss possible {KINDS[match['kind']]} as not personal data",
                             f"{match['field']}: '{match['match']}': {reason.strip()}")
    return {"id": case_id, "finding": finding, "kind": match["kind"], "field": match["field"],
            "excerpt": match["excerpt"], "reason": reason.strip()}
