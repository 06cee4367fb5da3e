"""Saved searches kept in the order the user arranged them, renamed and moved from the sidebar or the CLI.

The order is a JSON list of names in the ``config`` table (no schema change): names missing from it (saved before
anyone reordered, or by another process) follow in name order, and names no longer saved are ignored.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import CuratorError

ORDER_KEY = "saved_search_order"


def _order(store: Any) -> list[str]:
    try:
        value = json.loads(store.get_config(ORDER_KEY, "[]") or "[]")
    except json.JSONDecodeError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def arrange(store: Any, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """``rows`` (name order) in the user's order."""
    rank = {name.casefold(): n for n, name in enumerate(_order(store))}
    return sorted(rows, key=lambda r: (rank.get(r["name"].casefold(), len(rank)), r["name"].casefold()))


def listed(store: Any) -> list[dict[str, Any]]:
    """Each saved search with its query and whether it is shared with the team (``shared``)."""
    rows = [dict(r, shared=bool(r["shared"])) for r in
            store.query("SELECT name, query, shared FROM saved_searches ORDER BY name COLLATE NOCASE")]
    return arrange(store, rows)


def _must_exist(store: Any, name: str) -> str:
    found = store.scalar("SELECT name FROM saved_searches WHERE name=?", (name,))
    if found is None:
        names = ", ".join(r["name"] for r in listed(store)) or "none yet"
        raise CuratorError(f"no saved search called '{name}'; saved searches: {names}")
    return str(found)


def rename(store: Any, old: str, new: str) -> dict[str, str]:
    """Rename a saved search, keeping its place; refuses a name already taken by another one."""
    new = " ".join((new or "").split())
    if not new:
        raise CuratorError("a saved search needs a name; type one")
    old = _must_exist(store, old)
    clash = store.scalar("SELECT name FROM saved_searches WHERE name=?", (new,))
    if clash is not None and clash.casefold() != old.casefold():
        raise CuratorError(f"there is already a saved search called '{clash}'; choose another name or delete "
                           "that one first")
    order = [r["name"] for r in listed(store)]
    with store.transaction() as conn:
        conn.execute("UPDATE saved_searches SET name=? WHERE name=?", (new, old))
        conn.execute("INSERT INTO config(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                     "value=excluded.value", (ORDER_KEY, json.dumps([new if n == old else n for n in order])))
    query = store.scalar("SELECT query FROM saved_searches WHERE name=?", (new,))
    return {"name": new, "query": query, "was": old}


def move(store: Any, name: str, position: int) -> list[dict[str, str]]:
    """Put a saved search at ``position`` (1 = top; past the end = last); returns the new order."""
    name = _must_exist(store, name)
    order = [r["name"] for r in listed(store) if r["name"] != name]
    index = min(max(int(position), 1), len(order) + 1) - 1
    order.insert(index, name)
    store.set_config(ORDER_KEY, json.dumps(order))
    return listed(store)


def share(store: Any, name: str, shared: bool = True) -> dict[str, Any]:
    """Mark a saved search shared with the team (the next sync sends it to everyone) or keep it on this laptop
    only (the next sync takes it out of the team's lists; this laptop keeps it)."""
    name = _must_exist(store, name)
    with store.transaction() as conn:
        conn.execute("UPDATE saved_searches SET shared=? WHERE name=?", (int(shared), name))
    return next(r for r in listed(store) if r["name"] == name)


def delete(store: Any, name: str) -> None:
    name = _must_exist(store, name)
    with store.transaction() as conn:
        conn.execute("DELETE FROM saved_searches WHERE name=?", (name,))
