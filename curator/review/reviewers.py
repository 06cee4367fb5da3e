"""Reviewers of the expert reference group and their declared conflicts of interest.

A conflict is an ICS (stored as its ONS code) or an organisation; the reviewer's own organisation always
counts. A reviewer is never deleted, only marked removed, so old scores keep a name.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from ..errors import CuratorError, NotFound
from ..history import now_iso
from ..library import Library
from ..vocab import vocabularies


@dataclass
class Reviewer:
    id: str
    name: str
    organisation: str = ""
    role: str = ""
    conflict_ics: list[str] = field(default_factory=list)
    conflict_orgs: list[str] = field(default_factory=list)
    removed: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "organisation": self.organisation, "role": self.role,
                "conflicts": {"ics": self.conflict_ics, "organisations": self.conflict_orgs},
                **({"removed": self.removed} if self.removed else {})}

    def conflict_with(self, record: dict[str, Any]) -> str | None:
        """Why this reviewer may not review ``record`` (same ICS or organisation), or None."""
        ics = record.get("ics")
        if ics and ics in self.conflict_ics:
            term = vocabularies().ics.by_id.get(ics)
            return f"declared a conflict with {term.label if term else ics}"
        places = [record.get("organisation") or "", *(record.get("partners") or [])]
        for org in [self.organisation, *self.conflict_orgs]:
            if org and any(_contains(place, org) for place in places):
                why = "works at" if org == self.organisation else "declared a conflict with"
                return f"{why} {org}"
        return None


@functools.lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    """Case, punctuation and spacing folded (cached: assignment checks every reviewer against every case)."""
    return " ".join(re.sub(r"[^\w&]+", " ", text.casefold()).split())


def _contains(place: str, org: str) -> bool:
    """Whole-word containment, so 'Leeds Teaching Hospitals' matches 'Leeds Teaching Hospitals NHS Trust'."""
    needle = _norm(org)
    return bool(needle) and f" {needle} " in f" {_norm(place)} "


def _from_row(row: dict[str, Any]) -> Reviewer:
    conflicts = json.loads(row["conflicts"])
    return Reviewer(row["id"], row["name"], row["organisation"], row["role"], conflicts.get("ics", []),
                    conflicts.get("organisations", []), row["removed"])


def split_conflicts(values: list[str]) -> tuple[list[str], list[str]]:
    """ICS codes or names become ICS codes; anything else is an organisation."""
    ics: list[str] = []
    orgs: list[str] = []
    for value in values:
        value = " ".join(str(value).split())
        if not value:
            continue
        term = vocabularies().ics.find(value)
        if term is not None:
            if term.id not in ics:
                ics.append(term.id)
        elif value not in orgs:
            orgs.append(value)
    return ics, orgs


def add(library: Library, name: str, organisation: str = "", role: str = "",
        conflicts: list[str] | None = None) -> Reviewer:
    name = " ".join((name or "").split())
    if not name:
        raise CuratorError("a reviewer needs a name: reviewer add \"Dr Ada Example\" --org ORG")
    clash = [r for r in list_reviewers(library) if r.name.casefold() == name.casefold()]
    if clash:
        raise CuratorError(f"there is already a reviewer called {name} ({clash[0].id}); use a fuller name to "
                           "tell them apart")
    ics, orgs = split_conflicts(conflicts or [])
    reviewer = Reviewer("rv-" + secrets.token_hex(3), name, " ".join(organisation.split()),
                        " ".join(role.split()), ics, orgs)
    with library.store.transaction() as conn:
        conn.execute("INSERT INTO reviewers(id, name, organisation, role, conflicts, created) VALUES (?,?,?,?,?,?)",
                     (reviewer.id, reviewer.name, reviewer.organisation, reviewer.role,
                      json.dumps({"ics": ics, "organisations": orgs}), now_iso()))
    return reviewer


def set_conflicts(library: Library, ref: str, conflicts: list[str]) -> Reviewer:
    reviewer = get(library, ref)
    ics, orgs = split_conflicts(conflicts)
    with library.store.transaction() as conn:
        conn.execute("UPDATE reviewers SET conflicts=? WHERE id=?",
                     (json.dumps({"ics": ics, "organisations": orgs}), reviewer.id))
    return get(library, reviewer.id)


def edit(library: Library, ref: str, *, name: str | None = None, organisation: str | None = None,
         role: str | None = None, conflicts: list[str] | None = None) -> Reviewer:
    """Change what is given (None leaves a field as it is); the id stays, so scores and files keep their owner."""
    reviewer = get(library, ref)
    new_name = reviewer.name if name is None else " ".join(name.split())
    if not new_name:
        raise CuratorError(f"a reviewer needs a name; {reviewer.name} keeps theirs until you give a new one")
    clash = [r for r in list_reviewers(library) if r.name.casefold() == new_name.casefold() and r.id != reviewer.id]
    if clash:
        raise CuratorError(f"there is already a reviewer called {new_name} ({clash[0].id}); use a fuller name to "
                           "tell them apart")
    ics, orgs = (reviewer.conflict_ics, reviewer.conflict_orgs) if conflicts is None else split_conflicts(conflicts)
    with library.store.transaction() as conn:
        conn.execute("UPDATE reviewers SET name=?, organisation=?, role=?, conflicts=? WHERE id=?",
                     (new_name, reviewer.organisation if organisation is None else " ".join(organisation.split()),
                      reviewer.role if role is None else " ".join(role.split()),
                      json.dumps({"ics": ics, "organisations": orgs}), reviewer.id))
    return get(library, reviewer.id)


def remove(library: Library, ref: str) -> Reviewer:
    """Mark a reviewer as no longer on the panel; their submitted scores stay, their open assignments go."""
    reviewer = get(library, ref)
    with library.store.transaction() as conn:
        conn.execute("UPDATE reviewers SET removed=? WHERE id=?", (now_iso(), reviewer.id))
        open_cases = [r["case_id"] for r in library.store.query(
            "SELECT case_id FROM review_assignments WHERE reviewer_id=? AND case_id NOT IN (SELECT case_id FROM "
            "reviews WHERE reviewer_id=? AND submitted IS NOT NULL)", (reviewer.id, reviewer.id))]
        conn.executemany("DELETE FROM review_assignments WHERE reviewer_id=? AND case_id=?",
                         [(reviewer.id, case_id) for case_id in open_cases])
        for case_id in open_cases:
            if library.store.exists(case_id):
                library.record_event(case_id, f"Reviewer {reviewer.name} unassigned", "left the panel")
    return get(library, reviewer.id, include_removed=True)


def list_reviewers(library: Library, *, include_removed: bool = False) -> list[Reviewer]:
    where = "" if include_removed else " WHERE removed IS NULL"
    return [_from_row(r) for r in library.store.query(f"SELECT * FROM reviewers{where} ORDER BY name, id")]


def get(library: Library, ref: str, *, include_removed: bool = False) -> Reviewer:
    """A reviewer by id or by name (any case)."""
    rows = library.store.query("SELECT * FROM reviewers WHERE id=?", (ref,)) or \
        library.store.query("SELECT * FROM reviewers WHERE lower(name)=lower(?) ORDER BY removed IS NOT NULL, "
                            "created DESC", (" ".join(str(ref).split()),))
    if not rows or (rows[0]["removed"] and not include_removed):
        raise NotFound(f"no reviewer '{ref}' on the panel; run 'python -m curator reviewer list' to see them, or "
                       "'reviewer add NAME' to add one")
    return _from_row(rows[0])


def lookup(library: Library) -> dict[str, Reviewer]:
    """Every reviewer ever added, by id (removed ones too, so old scores keep a name)."""
    return {r.id: r for r in list_reviewers(library, include_removed=True)}
