"""The baseline: the same search done well with SQLite FTS5, as an FTS5-based Curator would do it.

"Done well" (issue 15, point 4): the same analysed words Curator indexes (``plan.analysed``) in a contentless
FTS5 table (title, summary and everything, BM25 weights 3 / 1.5 / 1); facets from one compact tags table
(``tags(rowid, facet, value)``, the values Curator counts) in one GROUP BY over the matches, instead of joining
the 130 MB ``case_studies`` table per facet; the same page cache as Curator's store (32 MB) with the index
memory-mapped as Whoosh's is; ``optimize`` after the build; the same Python snippets on the page shown. Kept
in its own database file so its size is measured exactly.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ..search.snippets import snippet
from .plan import FILTER_FACET, Plan, analysed, facet_values, plan, plan_terms

WEIGHTS = (3.0, 1.5, 1.0)
CACHE_KB = 32000  # Curator's store: PRAGMA cache_size=-32000
MMAP_BYTES = 1 << 30


def connect(folder: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(folder / "curator.db"), isolation_level=None, check_same_thread=False)
    conn.execute(f"ATTACH DATABASE '{folder / 'fts5.db'}' AS ftsdb")
    for schema in ("main", "ftsdb"):
        conn.execute(f"PRAGMA {schema}.cache_size=-{CACHE_KB}")
        conn.execute(f"PRAGMA {schema}.mmap_size={MMAP_BYTES}")
    return conn


def texts(record: dict[str, Any]) -> tuple[str, str, str]:
    from ..search.schema import document

    doc = document(record, 1)
    return analysed(doc["title"]), analysed(record.get("summary") or ""), analysed(doc["all"])


def build(folder: Path) -> int:
    (folder / "fts5.db").unlink(missing_ok=True)
    conn = connect(folder)
    conn.execute("CREATE VIRTUAL TABLE ftsdb.fts USING fts5(title, summary, body, content='', "
                 "tokenize=\"unicode61 remove_diacritics 0 tokenchars '._'\")")
    conn.execute("CREATE TABLE ftsdb.tags (rowid INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL)")
    conn.execute("BEGIN")
    count = 0
    for rowid, data in conn.execute("SELECT rowid, data FROM case_studies WHERE deleted IS NULL"):
        record = json.loads(data)
        conn.execute("INSERT INTO fts(rowid, title, summary, body) VALUES (?,?,?,?)", (rowid, *texts(record)))
        conn.executemany("INSERT INTO tags(rowid, facet, value) VALUES (?,?,?)",
                         [(rowid, f, v) for f, v in facet_values(record)])
        count += 1
    conn.execute("CREATE INDEX ftsdb.tags_rowid ON tags(rowid, facet, value)")
    conn.execute("CREATE INDEX ftsdb.tags_value ON tags(facet, value, rowid)")
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.execute("COMMIT")
    conn.execute("ANALYZE ftsdb")
    conn.close()
    return count


def replace(conn: sqlite3.Connection, rowid: int, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Contentless FTS5 deletes by giving the old text back; tags are replaced."""
    conn.execute("INSERT INTO fts(fts, rowid, title, summary, body) VALUES ('delete', ?,?,?,?)", (rowid, *texts(old)))
    conn.execute("INSERT INTO fts(rowid, title, summary, body) VALUES (?,?,?,?)", (rowid, *texts(new)))
    conn.execute("DELETE FROM tags WHERE rowid=?", (rowid,))
    conn.executemany("INSERT INTO tags(rowid, facet, value) VALUES (?,?,?)",
                     [(rowid, f, v) for f, v in facet_values(new)])


def _quote(tok: str) -> str:
    return '"' + tok.replace('"', '""') + '"'


def to_match(p: Plan) -> str:
    """A plan as an FTS5 MATCH expression."""
    kind = p[0]
    if kind == "term":
        return _quote(p[1])
    if kind == "phrase":
        return _quote(" ".join(p[1]))
    if kind == "prefix":
        return f"({_quote(p[1])}* OR {_quote(p[2])})" if p[2] else f"{_quote(p[1])}*"
    if kind == "or":
        return "(" + " OR ".join(to_match(c) for c in p[1]) + ")"
    if kind == "not":
        return to_match(("and", [], [p[1]]))
    positives, negatives = p[1], p[2]
    text = " AND ".join(to_match(c) for c in positives) if positives else ""
    if not positives:
        raise ValueError("FTS5 cannot express NOT without a positive word")
    for neg in negatives:
        text = f"({text}) NOT {to_match(neg)}"
    return f"({text})"


def search(conn: sqlite3.Connection, text: str, filters: dict[str, list[str]] | None = None, limit: int = 20,
           offset: int = 0, facets: bool = True) -> dict[str, Any]:
    """Total, a page of the top matches (title weighted), facet counts and snippets, as Curator's search."""
    p = plan(text)
    where, params = [], []
    for key, values in (filters or {}).items():
        facet = FILTER_FACET[key]
        where.append(f"EXISTS (SELECT 1 FROM tags t WHERE t.rowid = f.rowid AND t.facet=? AND t.value IN "
                     f"({','.join('?' * len(values))}))")
        params += [facet, *map(str, values)]
    if p is None:
        return {"query": text, "total": 0, "hits": [], "facets": {}}  # only stop words, as Curator says
    conn.execute("DROP TABLE IF EXISTS temp.m")
    conn.execute(f"CREATE TEMP TABLE m AS SELECT f.rowid AS r, bm25(fts, {', '.join(map(str, WEIGHTS))}) AS s "
                 f"FROM fts f WHERE fts MATCH ? {''.join(' AND ' + w for w in where)}", [to_match(p), *params])
    total = conn.execute("SELECT COUNT(*) FROM m").fetchone()[0]
    top = conn.execute("SELECT c.id, c.title, m.s, c.data FROM (SELECT r, s FROM m ORDER BY s LIMIT ? OFFSET ?) m "
                       "JOIN case_studies c ON c.rowid = m.r ORDER BY m.s", (int(limit), int(offset))).fetchall()
    counts: dict[str, dict[str, int]] = {}
    if facets:
        counts = {name: {} for name in ("region", "ics", "clinical_areas", "population_groups", "status", "year",
                                        "programme")}
        for facet, value, n in conn.execute("SELECT t.facet, t.value, COUNT(*) FROM m JOIN tags t ON t.rowid = m.r "
                                            "GROUP BY t.facet, t.value ORDER BY 3 DESC"):
            counts[facet][value] = n
    marks = plan_terms(p)
    hits = [{"id": i, "title": t, "score": -s, "snippet": snippet(json.loads(d), marks)} for i, t, s, d in top]
    return {"query": text, "total": total, "hits": hits, "facets": counts}
