"""Guide editions in a team library: one numbering for the whole team, each edition exactly as it went out.

An edition is written once and never changes, so it travels as one shared row (``tbl = 'guide_editions'``, key
its number) holding the whole edition: options, and every case study as it went in with this laptop's version,
the team's version (the same number on every laptop) and the decision that let it in. The first laptop to send
a number keeps it; an edition exported offline under a number a colleague already sent is renumbered, never
overwritten, and the sync says so (the cover of its file shows the old number until it is exported again).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..store import dumps
from ..word import editions as word_editions
from . import rows, server

if TYPE_CHECKING:
    from ..library import Library

TABLE = "guide_editions"


def _sent(library: Library) -> set[int]:
    return {int(r[0]) for r in library.store.conn.execute("SELECT key FROM team_row_base WHERE tbl = ?", (TABLE,))}


def _origin(library: Library, number: int) -> dict[str, Any] | None:
    """What names an edition wherever it goes: the laptop's link id and the moment it was exported."""
    row = library.store.conn.execute("SELECT created FROM guide_editions WHERE number = ?", (number,)).fetchone()
    link = library.store.conn.execute("SELECT client_id FROM team_link").fetchone()
    return {"client": link[0] if link else "", "created": row[0]} if row else None


def _team_versions(library: Library, cur: Any, records: list[dict[str, Any]]) -> dict[str, int | None]:
    """The team's version of each record as it went in: the one this laptop last agreed with the server when the
    text is the same, else the server's history of the record (sent later); None if it never reached the team."""
    out: dict[str, int | None] = {}
    unknown = []
    for item in records:
        base = library.store.conn.execute("SELECT version, record FROM team_base WHERE id = ?",
                                          (item["case_id"],)).fetchone()
        if base and json.loads(base[1]) == item["record"]:
            out[item["case_id"]] = base[0]
        else:
            unknown.append(item)
    if unknown:
        cur.execute("SELECT id, version, record FROM cs_versions WHERE id = ANY(%s) ORDER BY version",
                    ([i["case_id"] for i in unknown],))
        history: dict[str, list[tuple[int, str]]] = {}
        for case_id, version, text in cur.fetchall():
            history.setdefault(case_id, []).append((version, text))
        for item in unknown:
            out[item["case_id"]] = next((v for v, text in history.get(item["case_id"], [])
                                         if json.loads(text) == item["record"]), None)
    return out


def _payload(library: Library, cur: Any, number: int) -> dict[str, Any]:
    conn = library.store.conn
    head = conn.execute("SELECT created, user, title, options FROM guide_editions WHERE number = ?",
                        (number,)).fetchone()
    records = [{"position": r[0], "case_id": r[1], "version": r[2], "status": r[3], "decision": r[4],
                "record": json.loads(r[5])}
               for r in conn.execute("SELECT position, case_id, version, status, decision, record FROM "
                                     "guide_edition_records WHERE edition = ? ORDER BY position", (number,))]
    team = _team_versions(library, cur, records)
    for item in records:
        item["team_version"] = team.get(item["case_id"])
    return {"number": number, "created": head[0], "user": head[1], "title": head[2], "options": json.loads(head[3]),
            "origin": _origin(library, number), "records": records}


def push(library: Library, cur: Any) -> tuple[list[tuple[int, str]], list[int], int]:
    """Send the editions made here that the team library lacks, inside the push transaction.

    Returns what was accepted (number, text), the numbers a colleague's edition already holds, and the highest
    number on the server; the caller remembers the first and renumbers the second once the push commits."""
    accepted: list[tuple[int, str]] = []
    taken: list[int] = []
    sent = _sent(library)
    numbers = [r[0] for r in library.store.conn.execute("SELECT number FROM guide_editions ORDER BY number")]
    for number in numbers:
        if number in sent:
            continue
        payload = _payload(library, cur, number)
        text = dumps(payload)
        cur.execute(server.PUT_NEW_ROW, (TABLE, str(number), text))
        if cur.fetchone() is not None:
            accepted.append((number, text))
            continue
        cur.execute(server.GET_ROW, (TABLE, str(number)))
        theirs = cur.fetchone()
        if theirs is not None and json.loads(theirs[0]).get("origin") == payload["origin"]:
            accepted.append((number, theirs[0]))  # our own earlier send whose bookkeeping was lost
        else:
            taken.append(number)
    highest = 0
    if taken:
        cur.execute(server.MAX_EDITION, (TABLE,))
        highest = int(cur.fetchone()[0])
    return accepted, taken, highest


def remember(library: Library, accepted: list[tuple[int, str]]) -> None:
    """Once the push has committed: these editions are the team's, with the team's versions noted here too."""
    with library.store.transaction():
        conn = library.store.conn
        for number, text in accepted:
            _remember_in(library, number, text)
            for item in json.loads(text)["records"]:
                conn.execute("UPDATE guide_edition_records SET team_version = ? WHERE edition = ? AND case_id = ?",
                             (item.get("team_version"), number, item["case_id"]))


def _digest(text: str) -> str:
    """Kept in ``team_row_base``: the edition's origin, not its whole text (editions never change)."""
    return dumps({"origin": json.loads(text).get("origin")})


def renumber_taken(library: Library, taken: list[int], server_highest: int) -> list[str]:
    """Move editions whose number a colleague's edition holds past every number in use; returns what to tell.
    The next round of the sync sends them under their new numbers."""
    with library.store.transaction():
        return [_move_up(library, number, server_highest) for number in taken]


def _move_up(library: Library, number: int, at_least: int = 0) -> str:
    """Renumber local edition ``number`` past every edition known here and on the server; call in a transaction."""
    highest = library.store.conn.execute("SELECT coalesce(MAX(number), 0) FROM guide_editions").fetchone()[0]
    new = max(highest, at_least, number) + 1
    note = (f"Exported on this laptop as edition {number}, a number a colleague's edition already had in the "
            f"team library, so it is edition {new}; its file's cover says {number} until it is exported again "
            f"(export guide --edition {new}).")
    word_editions.renumber(library, number, new, note)
    return f"Guide edition {number} made here is now edition {new}: a colleague published an edition {number} first."


def apply(library: Library, number: int, text: str, notes: list[str]) -> bool:
    """A colleague's edition, pulled: kept as it went out. Call inside a local transaction."""
    conn = library.store.conn
    if number in _sent(library):
        return False
    payload = json.loads(text)
    if _origin(library, number) == payload.get("origin"):  # ours, sent before the bookkeeping was lost
        _remember_in(library, number, text)
        return False
    if conn.execute("SELECT 1 FROM guide_editions WHERE number = ?", (number,)).fetchone():
        notes.append(_move_up(library, number))
    conn.execute("INSERT INTO guide_editions (number, created, user, title, options, path, note) "
                 "VALUES (?, ?, ?, ?, ?, '', ?)",
                 (number, payload["created"], payload["user"], payload["title"], dumps(payload["options"]),
                  f"From the team library: exported by {payload['user']}."))
    conn.executemany(
        "INSERT INTO guide_edition_records (edition, position, case_id, version, status, decision, record, "
        "team_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(number, r["position"], r["case_id"], r.get("team_version") or 0, r.get("status", ""),
          r.get("decision", ""), json.dumps(r["record"], ensure_ascii=False), r.get("team_version"))
         for r in payload["records"]])
    _remember_in(library, number, text)
    return True


def _remember_in(library: Library, number: int, text: str) -> None:
    rows.agree(library, TABLE, str(number), _digest(text))
