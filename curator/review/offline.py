"""What offline review packs and Excel sheets share: the cases a reviewer gets, the library's register of
files it issued, and the checks and merge when one comes back.

A file is merged only whole: every check passes (known reviewer, issued by this library and unaltered, not
merged before, no case study changed since, every score in range) or nothing at all is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import CuratorError
from ..history import now_iso, os_user
from ..library import Library
from . import reviewers as reviewers_mod
from . import rubric as rubric_mod
from .scoring import check_review, write_review

KIND_WORDS = {"pack": "review pack", "sheet": "scoring sheet"}
#: Fields left out of what is sent to reviewers: they need the case study, not how to reach its lead.
WITHHELD = ("contact", "declarations", "signoff")


class MergeRefused(CuratorError):
    """A returned pack or sheet that cannot be merged; nothing was merged."""


def content_digest(record: dict[str, Any]) -> str:
    """SHA-256 of what a reviewer reads: the record without its status and timestamps, so a status change
    alone (e.g. submitted → in_review) does not count as the case study changing."""
    content = {k: v for k, v in record.items() if k not in ("status", "created", "updated")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def for_reviewer(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in WITHHELD}


def cases_for(library: Library, reviewer: reviewers_mod.Reviewer) -> list[dict[str, Any]]:
    """The reviewer's assigned case studies (not in the trash) with their version and content digest."""
    rows = library.store.query(
        "SELECT c.id, c.version FROM review_assignments a JOIN case_studies c ON c.id = a.case_id "
        "WHERE a.reviewer_id = ? AND c.deleted IS NULL ORDER BY c.id", (reviewer.id,))
    if not rows:
        raise CuratorError(f"{reviewer.name} has no case studies assigned; run 'review assign' first")
    out = []
    for row in rows:
        record = library.get(row["id"])
        out.append({"id": row["id"], "title": record["title"], "version": row["version"],
                    "content_sha256": content_digest(record), "record": record})
    return out


def own_reviews(library: Library, reviewer_id: str) -> dict[str, dict[str, Any]]:
    """The reviewer's own reviews so far, to pre-fill a pack or sheet (they never see anyone else's)."""
    rows = library.store.query("SELECT case_id, scores, recommendation, comment FROM reviews WHERE reviewer_id=?",
                               (reviewer_id,))
    return {r["case_id"]: {"scores": json.loads(r["scores"]), "recommendation": r["recommendation"],
                           "comment": r["comment"]} for r in rows}


def register(library: Library, file_id: str, kind: str, reviewer: reviewers_mod.Reviewer, digest: str,
             case_ids: list[str]) -> None:
    with library.store.transaction() as conn:
        conn.execute("INSERT INTO review_files(id, kind, reviewer_id, issued, digest) VALUES (?,?,?,?,?)",
                     (file_id, kind, reviewer.id, now_iso(), digest))
        for case_id in case_ids:
            library.record_event(case_id, f"Offline {KIND_WORDS[kind]} made for {reviewer.name}", file_id)


@dataclass
class Returned:
    """A pack or sheet as read back, before any check against the library."""

    kind: str
    file_id: str
    reviewer_id: str
    reviewer_name: str
    rubric_version: int
    cases: list[dict[str, Any]]  # {"id", "version", "content_sha256"}
    digest: str  # over what the library issued
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)  # case id → scores/recommendation/comment


def _check(library: Library, ret: Returned) -> tuple[reviewers_mod.Reviewer, dict[str, Any]]:
    what = KIND_WORDS[ret.kind]
    known = reviewers_mod.lookup(library).get(ret.reviewer_id)
    if known is None or known.removed:
        why = f"left the panel on {known.removed[:10]}" if known else "is not on this library's panel"
        raise MergeRefused(f"unknown reviewer: this {what} belongs to {ret.reviewer_name} ({ret.reviewer_id}), who "
                           f"{why}; merge it into the library it was made from; nothing merged")
    reviewer = known
    issued = library.store.query("SELECT * FROM review_files WHERE id=?", (ret.file_id,))
    if not issued or issued[0]["kind"] != ret.kind or issued[0]["reviewer_id"] != reviewer.id:
        raise MergeRefused(f"this {what} ({ret.file_id[:8]}) was not made by this library for {reviewer.name}; "
                           "merge it into the library it came from; nothing merged")
    if issued[0]["digest"] != ret.digest:
        raise MergeRefused(f"tampered file: this {what} for {reviewer.name} has been altered since it was made "
                           "(its case studies or manifest differ from what was sent); ask the reviewer for their "
                           "scores in a new one; nothing merged")
    if issued[0]["merged"]:
        raise MergeRefused(f"this {what} for {reviewer.name} was already merged on {issued[0]['merged'][:10]} by "
                           f"{issued[0]['merged_by']}; a file is merged once, so no score is counted twice. For "
                           f"changed scores make a new {what}; nothing merged")
    changed = []
    for case in ret.cases:
        state = library.store.state(case["id"])
        if state is None or state["deleted"]:
            changed.append(f"{case['id']} is no longer in the library")
        elif state["version"] != case["version"] and content_digest(state["record"]) != case["content_sha256"]:
            changed.append(f"{case['id']} has changed since the {what} was made (version {case['version']} then, "
                           f"{state['version']} now)")
    if changed:
        raise MergeRefused("case study changed: " + "; ".join(changed) + f"; the reviewer scored text that is no "
                           f"longer current: send them a new {what} for it; nothing merged")
    rubric = rubric_mod.get(library, ret.rubric_version)
    assigned = {r["case_id"] for r in library.store.query(
        "SELECT case_id FROM review_assignments WHERE reviewer_id=?", (reviewer.id,))}
    in_file = {c["id"] for c in ret.cases}
    for case_id in ret.responses:
        if case_id not in in_file:
            raise MergeRefused(f"tampered file: scores for {case_id}, which was not sent in this {what}; nothing "
                               "merged")
        if case_id not in assigned:
            raise MergeRefused(f"{reviewer.name} is no longer assigned to {case_id}; assign them again or remove "
                               f"its scores from the {what}; nothing merged")
    return reviewer, rubric


def merge_returned(library: Library, ret: Returned, source: str) -> dict[str, Any]:
    """Check everything, then write every review, all in one transaction (so two people merging the same file
    at once queue, and the second is refused as already merged); returns the merge report."""
    with library.store.transaction() as conn:
        reviewer, rubric = _check(library, ret)
        checked = [_checked_response(ret, rubric, case["id"]) for case in ret.cases if case["id"] in ret.responses]
        if not checked:
            raise MergeRefused(f"this {KIND_WORDS[ret.kind]} for {reviewer.name} holds no scores yet; nothing "
                               "merged")
        merged = []
        for case_id, scores, rec, comment, draft in checked:  # in the file's order
            outcome = write_review(library, case_id, reviewer, ret.rubric_version, scores, rec, comment,
                                   draft=draft, source=ret.kind)
            merged.append({"case": case_id, "outcome": "draft" if draft and outcome != "kept" else outcome})
        conn.execute("UPDATE review_files SET merged=?, merged_by=? WHERE id=?", (now_iso(), os_user(), ret.file_id))
    scored = {m["case"] for m in merged}
    return {"file": source, "kind": ret.kind, "reviewer": reviewer.id, "merged": merged,
            "not_scored": [c["id"] for c in ret.cases if c["id"] not in scored]}


def _checked_response(ret: Returned, rubric: dict[str, Any], case_id: str) -> tuple:
    response = ret.responses[case_id]
    where = case_id if ret.kind == "pack" else f"{case_id} (row {response.get('row')})"
    draft = _incomplete(rubric, response)
    try:
        scores, rec, comment = check_review(rubric, response.get("scores") or {}, response.get("recommendation"),
                                            response.get("comment") or "", where, draft=draft)
    except CuratorError as err:
        raise MergeRefused(f"{err}; correct it in the {KIND_WORDS[ret.kind]} and merge again; nothing merged"
                           ) from None
    return case_id, scores, rec, comment, draft


def _incomplete(rubric: dict[str, Any], response: dict[str, Any]) -> bool:
    scores = response.get("scores") or {}
    return any(scores.get(c["id"]) in (None, "") for c in rubric["criteria"]) or not response.get("recommendation")
