"""The baseline: the same search done with SQLite FTS5, as an FTS5-based Curator would do it.

Same text per field as the Whoosh index (``search.schema.document``), contentless (text stays in
``case_studies``, like Whoosh's lean index) with a small side table for the programme facet, porter stemming, BM25 with the same field weights, the same
facets (GROUP BY over the matches) and the same Python snippets. Kept in its own database file so its size
is measured exactly.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from ..search.schema import document
from ..search.snippets import snippet
from ..search.synonyms import tokens

WEIGHTS = (3.0, 1.5, 1.0)
_WORD = re.compile(r'"[^"]*"|\S+')


def connect(folder: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(folder / "curator.db"), isolation_level=None)
    conn.execute(f"ATTACH DATABASE '{folder / 'fts5.db'}' AS ftsdb")
    return conn


def texts(record: dict[str, Any]) -> tuple[str, str, str]:
    doc = document(record, 1)
    return doc["title"], record.get("summary") or "", doc["all"]


def build(folder: Path) -> int:
    (folder / "fts5.db").unlink(missing_ok=True)
    conn = connect(folder)
    conn.execute("CREATE VIRTUAL TABLE ftsdb.fts USING fts5(title, summary, body, content='', "
                 "tokenize='porter unicode61')")
    conn.execute("CREATE TABLE ftsdb.facts (rowid INTEGER PRIMARY KEY, programme TEXT)")
    conn.execute("BEGIN")
    count = 0
    for rowid, data in conn.execute("SELECT rowid, data FROM case_studies WHERE deleted IS NULL").fetchall():
        record = json.loads(data)
        conn.execute("INSERT INTO fts(rowid, title, summary, body) VALUES (?,?,?,?)", (rowid, *texts(record)))
        conn.execute("INSERT INTO facts(rowid, programme) VALUES (?,?)", (rowid, record.get("programme") or ""))
        count += 1
    conn.execute("COMMIT")
    conn.close()
    return count


def replace(conn: sqlite3.Connection, rowid: int, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Contentless FTS5 (SQLite 3.40) deletes by giving the old text back."""
    conn.execute("INSERT INTO fts(fts, rowid, title, summary, body) VALUES ('delete', ?,?,?,?)", (rowid, *texts(old)))
    conn.execute("INSERT INTO fts(rowid, title, summary, body) VALUES (?,?,?,?)", (rowid, *texts(new)))


def to_match(text: str, quick: bool = False) -> str:
    """Our query syntax (words, "phrases", prefix*, OR, NOT/-word) as an FTS5 MATCH expression."""
    out: list[str] = []
    for part in _WORD.findall(text):
        if part in ("OR", "NOT", "AND"):
            out.append(part)
        elif part.startswith('"'):
            out.append(part if part.endswith('"') and len(part) > 1 else part + '"')
        elif part.startswith("-") and len(part) > 1:
            out.extend(["NOT", _word(part[1:])])
        else:
            out.append(_word(part))
    if quick and out and not text.endswith(" ") and not out[-1].endswith("*"):
        out[-1] += "*"
    expression = " ".join(out)
    return f"{{title summary}} : ({expression})" if quick else expression


def _word(word: str) -> str:
    star = word.endswith("*")
    clean = word.rstrip("*").replace('"', "")
    return f'"{clean}"' + ("*" if star else "")


FACET_SQL = {"region": "c.region", "ics": "c.ics", "status": "c.status", "year": "c.year"}


def search(conn: sqlite3.Connection, text: str, filters: dict[str, list[str]] | None = None, limit: int = 20,
           quick: bool = False) -> dict[str, Any]:
    where, params = ["c.deleted IS NULL"], []
    for key, values in (filters or {}).items():
        column = {"ics": "c.ics", "region": "c.region", "status": "c.status"}[key]
        where.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)
    conn.execute("DROP TABLE IF EXISTS temp.m")
    conn.execute(f"CREATE TEMP TABLE m AS SELECT f.rowid AS r, bm25(fts, {', '.join(map(str, WEIGHTS))}) AS s "
                 f"FROM fts f CROSS JOIN case_studies c ON c.rowid = f.rowid WHERE fts MATCH ? AND {' AND '.join(where)}",
                 [to_match(text, quick), *params])
    total = conn.execute("SELECT COUNT(*) FROM m").fetchone()[0]
    top = conn.execute(f"SELECT c.id, c.title, m.s, c.data FROM m JOIN case_studies c ON c.rowid = m.r "
                       f"ORDER BY m.s LIMIT {int(limit)}").fetchall()
    facets: dict[str, dict[str, int]] = {}
    if not quick:
        for name, expr in FACET_SQL.items():
            facets[name] = dict(conn.execute(f"SELECT {expr}, COUNT(*) FROM m JOIN case_studies c ON c.rowid = m.r "
                                             "GROUP BY 1 ORDER BY 2 DESC").fetchall())
        facets["programme"] = dict(conn.execute("SELECT p.programme, COUNT(*) FROM m JOIN facts p ON p.rowid = m.r "
                                                "GROUP BY 1 ORDER BY 2 DESC").fetchall())
        for name in ("clinical_areas", "population_groups"):
            facets[name] = dict(conn.execute(
                "SELECT t.value, COUNT(*) FROM m JOIN case_studies c ON c.rowid = m.r JOIN case_tags t ON "
                "t.case_id = c.id AND t.kind = ? GROUP BY 1 ORDER BY 2 DESC", (name,)).fetchall())
    marks = {t for word in re.findall(r"\w+", text) for t in tokens(word)}
    hits = [{"id": i, "title": t, "score": -s, "snippet": snippet(json.loads(d), marks)} for i, t, s, d in top]
    return {"query": text, "total": total, "hits": hits, "facets": facets}
