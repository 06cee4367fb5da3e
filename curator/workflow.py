"""The status workflow a case study follows from first draft to the published guide.

Transitions are explicit so a refusal can explain itself. Imports may carry any status: records arrive from
other systems in every state, and refusing them would lose work.
"""

from __future__ import annotations

from .errors import TransitionRefused
from .model import STATUSES

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "archived"),
    "submitted": ("in_review", "draft", "archived"),
    "in_review": ("accepted", "rejected", "submitted"),
    "accepted": ("published", "in_review", "archived"),
    "rejected": ("in_review", "archived"),
    "published": ("archived",),
    "archived": ("draft",),
}

STATUS_LABELS = {
    "draft": "Draft", "submitted": "Submitted", "in_review": "In review", "accepted": "Accepted",
    "rejected": "Rejected", "published": "Published", "archived": "Archived",
}

_WHY = {
    "published": "only an accepted case study can be published",
    "accepted": "a case study is accepted after review: move it to in_review first",
    "rejected": "a case study is rejected after review: move it to in_review first",
    "in_review": "only a submitted case study (or an accepted or rejected one being reconsidered) goes to review",
}


def allowed(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def check_transition(current: str, new: str) -> None:
    """Raise ``TransitionRefused`` saying why and what is allowed instead."""
    if new not in STATUSES:
        raise TransitionRefused(f"'{new}' is not a status; use one of {', '.join(STATUSES)}")
    if new == current:
        raise TransitionRefused(f"the case study is already {new}")
    if new not in allowed(current):
        reason = _WHY.get(new, f"{new} does not follow {current}")
        options = ", ".join(allowed(current)) or "none"
        raise TransitionRefused(f"cannot change status from {current} to {new}: {reason}. "
                                f"From {current} you can go to: {options}")
