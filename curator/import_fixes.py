"""What an import report says about one record, in words, and the one-click fix it can offer. No Qt: the CLI's
report and the desktop app's import report share these.

- ``note_text``: a reader's note (which heading of a Word document went to which field) as one line.
- ``suggested_fix``: a refused record whose every problem is a misspelt vocabulary value with a "did you mean"
  suggestion, corrected to the suggestions (the person accepts it; nothing is guessed silently).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .errors import RecordErrors
from .model import FIELD_LABELS, normalise

SUGGESTION = re.compile(r"did you mean '([^']*)' \(([^)]+)\)\?")


def note_text(note: dict[str, Any]) -> str:
    """One report line for a reader's note (e.g. which heading of a Word document went to which field)."""
    what = note.get("heading") or note.get("label") or note.get("name") or note.get("text") or note.get("what") \
        or note.get("kind", "")
    kind = note.get("kind", "")
    target = note.get("field") or note.get("where") or note.get("action") or ""
    detail = note.get("detail") or note.get("note") or ""
    text = f"{kind} '{what}'" if what and what != kind else kind
    return " ".join(part for part in (text, f"→ {target}" if target else "", f"({detail})" if detail else "") if part)


def suggested_fix(raw: Any) -> tuple[dict[str, Any], list[str]] | None:
    """``(corrected raw, what was changed)`` when every problem has a suggestion for a top-level field, else None."""
    if not isinstance(raw, dict):
        return None
    try:
        normalise(raw)
    except RecordErrors as err:
        problems = err.errors
    else:
        return None
    fixed = copy.deepcopy(raw)
    changed = []
    for problem in problems:
        found = SUGGESTION.search(problem.detail)
        field = problem.field
        if found is None or field not in fixed or not isinstance(problem.value, str):
            return None
        label, code = found.groups()
        value = fixed[field]
        if isinstance(value, list) and problem.value in value:
            fixed[field] = [code if v == problem.value else v for v in value]
        elif value == problem.value:
            fixed[field] = code
        else:
            return None
        changed.append(f"{FIELD_LABELS.get(field, field)}: '{problem.value}' → '{label}'")
    return fixed, changed
