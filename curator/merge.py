"""Field-by-field merge of two versions of one record: *mine* (the library's) and *theirs* (a file's, a
colleague's), like Zotero's duplicate merge. No Qt: the import report and the CLI use it now, and a sync
conflict can use it later with its own labels.

The plan lists, per field, both values and a choice; the default keeps mine where theirs gives nothing (absent,
empty) and for the fields named in ``keep_mine`` (the workflow status and the record's identity), and takes
theirs otherwise. For an object field (a contact), "theirs" means theirs' given keys over mine, so a file that
gives only an email never blanks the contact's name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Kept from the library's record unless a person chooses otherwise.
KEEP_MINE = ("id", "status", "created", "updated")
MINE, THEIRS = "mine", "theirs"


def is_given(value: Any) -> bool:
    """True for a value that says something: not None, not blank text, not an empty list or object."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple)):
        return bool(value)
    if isinstance(value, dict):
        return any(is_given(v) for v in value.values())
    return True


@dataclass
class FieldMerge:
    """One field: both values and which one the result takes."""

    field: str
    mine: Any
    theirs: Any
    choice: str = MINE

    @property
    def theirs_over_mine(self) -> Any:
        if isinstance(self.theirs, dict) and isinstance(self.mine, dict):
            return {**self.mine, **{k: v for k, v in self.theirs.items() if is_given(v)}}
        return self.theirs

    @property
    def result(self) -> Any:
        return copy.deepcopy(self.mine if self.choice == MINE else self.theirs_over_mine)

    @property
    def differs(self) -> bool:
        return is_given(self.theirs) and self.theirs_over_mine != self.mine


def plan(mine: dict[str, Any], theirs: dict[str, Any], *, fields: Iterable[str] | None = None,
         keep_mine: Iterable[str] = KEEP_MINE) -> list[FieldMerge]:
    """Every field of either version (or those named), with the default choice."""
    keep = set(keep_mine)
    names = list(fields) if fields is not None else list(dict.fromkeys([*mine, *theirs]))
    out = []
    for name in names:
        a, b = mine.get(name), theirs.get(name)
        choice = MINE if name in keep or not is_given(b) else THEIRS
        out.append(FieldMerge(name, copy.deepcopy(a), copy.deepcopy(b), choice))
    return out


def result(merges: Iterable[FieldMerge], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The merged record: ``base`` (usually mine) with each planned field's result."""
    out = copy.deepcopy(base) if base is not None else {}
    for item in merges:
        value = item.result
        if value is None and item.field not in out:
            continue
        out[item.field] = value
    return out


def merge_given(mine: dict[str, Any], theirs: dict[str, Any], keep_mine: Iterable[str] = KEEP_MINE) -> dict[str, Any]:
    """The default merge in one call: what theirs gives replaces, everything else (and ``keep_mine``) stays."""
    return result(plan(mine, theirs, keep_mine=keep_mine), base=mine)


def given_fields(raw: Any, normalised: dict[str, Any]) -> dict[str, Any]:
    """The normalised values of the fields an incoming record actually gave (keys present and not empty in the
    raw input); defaults that normalising filled in are not "given". Attachments read from a file count."""
    raw = raw if isinstance(raw, dict) else {}
    out = {k: v for k, v in normalised.items() if k in raw and is_given(raw[k])}
    if normalised.get("attachments"):
        out["attachments"] = normalised["attachments"]
    return out
