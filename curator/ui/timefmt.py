"""Stored times (UTC, ``2026-11-29T20:48:05Z``) shown in the user's own time zone.

Everything Curator stores is UTC so that laptops and the team server agree; a person reading "Last sync" or
the history wants their own clock (an hour ahead of UTC in a British summer).
"""

from __future__ import annotations

import datetime as dt


def local_time(stamp: str | None, seconds: bool = False, default: str = "") -> str:
    """``YYYY-MM-DD HH:MM[:SS]`` in local time; anything unparsable is shown as it was stored."""
    if not stamp:
        return default
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp.replace("T", " ").rstrip("Z")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_date(stamp: str | None) -> str:
    """``YYYY-MM-DD`` in local time (a change made at 00:30 BST belongs to that day, not the one before)."""
    return local_time(stamp)[:10]
