"""Three-way, field-by-field merge of a case study: base (last agreed), mine (this library), theirs (server).

A field changed on one side only takes that side's value; a field changed on both sides to different values is
a conflict, and keeps mine until someone chooses. Timestamps are not fields people edit: ``updated`` takes the
later value and ``created`` the earlier, so they never conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_MISSING = object()
TIMESTAMPS = ("created", "updated")


@dataclass
class Merge:
    result: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)
    mine_only: list[str] = field(default_factory=list)
    theirs_only: list[str] = field(default_factory=list)


def merge_records(base: dict[str, Any] | None, mine: dict[str, Any], theirs: dict[str, Any]) -> Merge:
    """Merge ``mine`` and ``theirs`` against ``base`` (``None``: no common ancestor, so every difference is a
    conflict). Field order follows ``theirs``, then fields only mine has."""
    base = base or {}
    keys = list(dict.fromkeys([*theirs, *mine, *base]))
    result: dict[str, Any] = {}
    merge = Merge(result)
    for key in keys:
        b, m, t = base.get(key, _MISSING), mine.get(key, _MISSING), theirs.get(key, _MISSING)
        if key in TIMESTAMPS:
            values = [v for v in (m, t) if v is not _MISSING and v is not None]
            if values:
                result[key] = max(values) if key == "updated" else min(values)
            continue
        if m == t:
            value = m
        elif m == b:
            value = t
            merge.theirs_only.append(key)
        elif t == b:
            value = m
            merge.mine_only.append(key)
        else:
            value = m
            merge.conflicts.append(key)
        if value is not _MISSING:
            result[key] = value
    return merge
