"""Read-only questions the window asks the library, answered off the UI thread. No Qt here.

``run_search`` goes through the search service's as-you-type path (``quick()``: the exact total, one page of
``PAGE`` rows, facet counts for the first page) when the library has one (``extensions["search"]``), else a
plain SQL fallback with the same result shape (title/organisation words, the same filters and facets), so the
window works on a library whose index is unavailable. Later pages are asked for with ``offset``. ``row_details`` fills the result columns the search
hits do not carry, and ``coverage_counts`` feeds the heat-map.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from ..library import Library
from ..vocab import vocabularies

#: Filter key -> (SQL over case_studies c) used by the fallback; tag kinds go through case_tags.
_COLUMN_FILTERS = {"ics": "c.ics", "region": "c.region", "status": "c.status", "year": "c.year"}
_TAG_FILTERS = {"area": "clinical_areas", "group": "population_groups", "action": "action_areas"}
_FACET_TAGS = ("clinical_areas", "population_groups")


def search_service(library: Library) -> Any | None:
    return library.extensions.get("search")


#: Rows per page in the window: a keystroke reads, ranks and snippets only what fits on screen.
PAGE = 20
#: Rows per page when the box is empty (browsing the library, newest first: nothing to rank, so a longer page).
BROWSE_PAGE = 200
#: Filter keys whose facet counts are disjunctive (OR within a facet): the facets each one counts for.
#: Regions and their ICSs are one facet (ticking a region ticks its ICSs).
DISJUNCTIVE = {"ics": ("ics", "region"), "region": ("ics", "region"), "area": ("clinical_areas",),
               "group": ("population_groups",), "status": ("status",)}


def page_size(query: str) -> int:
    return PAGE if (query or "").strip() else BROWSE_PAGE


def _search(library: Library, query: str, clean: dict[str, list[str]], limit: int, offset: int = 0,
            facets: bool = True) -> dict[str, Any]:
    service = search_service(library)
    if service is not None:
        # the first page also asks for "did you mean" (computed only when nothing matches)
        return service.quick(query, limit=limit, filters=clean or None, offset=offset, facets=facets,
                             suggest=facets and offset == 0)
    return fallback_search(library, query, clean, limit, offset)


def run_search(library: Library, query: str, filters: dict[str, list[str]] | None = None, limit: int = PAGE,
               offset: int = 0, facets: bool = True) -> dict[str, Any]:
    """The search contract's result dict for one page, from the as-you-type path or the SQL fallback.

    Facet counts are disjunctive within a facet: with Midlands ticked, London's count is what ticking London
    too would add, not "(0)". Each ticked facet's counts come from the same search without that facet's filter.
    """
    clean = {k: list(v) for k, v in (filters or {}).items() if v}
    result = _search(library, query, clean, limit, offset, facets)
    if not facets:
        return result
    groups: dict[tuple[str, ...], set[str]] = {}
    for key in clean:
        if key in DISJUNCTIVE:
            groups.setdefault(DISJUNCTIVE[key], set()).add(key)
    for facet_keys, filter_keys in groups.items():
        others = {k: v for k, v in clean.items() if k not in filter_keys and
                  not (set(DISJUNCTIVE.get(k, ())) & set(facet_keys))}
        wider = _search(library, query, others, 1)
        for facet in facet_keys:
            result.setdefault("facets", {})[facet] = (wider.get("facets") or {}).get(facet, {})
    return result


def _where(query: str, filters: dict[str, list[str]]) -> tuple[str, list[Any]]:
    clauses = ["c.deleted IS NULL"]
    params: list[Any] = []
    for word in query.split():
        clauses.append("(c.title LIKE ? OR c.organisation LIKE ?)")
        params += [f"%{word}%", f"%{word}%"]
    for key, values in filters.items():
        marks = ",".join("?" * len(values))
        if key in _COLUMN_FILTERS:
            clauses.append(f"{_COLUMN_FILTERS[key]} IN ({marks})")
            params += [int(v) if key == "year" and str(v).isdigit() else v for v in values]
        elif key in _TAG_FILTERS:
            clauses.append(f"c.id IN (SELECT case_id FROM case_tags WHERE kind=? AND value IN ({marks}))")
            params += [_TAG_FILTERS[key], *values]
    return " AND ".join(clauses), params


def mark_words(text: str, words: Iterable[str]) -> str:
    """HTML-escape ``text`` and wrap each occurrence of the words in <b>…</b> (the snippet contract)."""
    words = [w for w in words if w]
    if not words:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [html.escape(text[last:match.start()]), f"<b>{html.escape(match.group())}</b>"]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def fallback_search(library: Library, query: str, filters: dict[str, list[str]], limit: int,
                    offset: int = 0) -> dict[str, Any]:
    where, params = _where(query, filters)
    store = library.store
    total = store.scalar(f"SELECT COUNT(*) FROM case_studies c WHERE {where}", params)
    rows = store.query(f"SELECT c.id, c.title FROM case_studies c WHERE {where} ORDER BY c.updated DESC, c.id "
                       f"LIMIT {int(limit)} OFFSET {int(offset)}", params)
    words = query.split()
    hits = [{"id": r["id"], "title": r["title"], "score": 1.0, "snippet": mark_words(r["title"], words)}
            for r in rows]
    facets: dict[str, dict[str, int]] = {}
    for key, column in (("region", "c.region"), ("ics", "c.ics"), ("status", "c.status"), ("year", "c.year")):
        facets[key] = {str(r["k"]): r["n"] for r in store.query(
            f"SELECT {column} AS k, COUNT(*) AS n FROM case_studies c WHERE {where} AND {column} IS NOT NULL "
            f"GROUP BY {column}", params)}
    for kind in _FACET_TAGS:
        facets[kind] = {r["k"]: r["n"] for r in store.query(
            f"SELECT t.value AS k, COUNT(*) AS n FROM case_tags t JOIN case_studies c ON c.id = t.case_id "
            f"WHERE t.kind = ? AND {where} GROUP BY t.value", [kind, *params])}
    facets["programme"] = {}
    return {"query": query, "total": total, "hits": hits, "facets": facets, "suggestion": None,
            "notice": "search index unavailable: matching titles and organisations only"}


def row_details(library: Library, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Columns for the result list (ICS name, region, area labels, status, updated), one query per kind."""
    if not ids:
        return {}
    vocab = vocabularies()
    marks = ",".join("?" * len(ids))
    out: dict[str, dict[str, Any]] = {}
    for row in library.store.query(f"SELECT id, title, ics, region, status, updated, organisation, year, created, "
                                   f"json_extract(data, '$.programme') AS programme FROM case_studies "
                                   f"WHERE id IN ({marks})", ids):
        term = vocab.ics.by_id.get(row["ics"] or "")
        out[row["id"]] = dict(row, ics_label=term.label if term else (row["ics"] or ""), areas=[], actions=[])
    for row in library.store.query(f"SELECT case_id, kind, value FROM case_tags WHERE kind IN ('clinical_areas', "
                                   f"'action_areas') AND case_id IN ({marks})", ids):
        area = row["kind"] == "clinical_areas"
        term = (vocab.areas if area else vocab.actions).by_id.get(row["value"])
        if row["case_id"] in out:
            out[row["case_id"]]["areas" if area else "actions"].append(term.short_label if term else row["value"])
    return out


def coverage_counts(library: Library, statuses: list[str] | None = None) -> dict[tuple[str, str], int]:
    """Case studies per (ICS code, clinical area id), trash excluded; optionally only some statuses."""
    where, params = "c.deleted IS NULL AND c.ics IS NOT NULL", []
    if statuses:
        where += f" AND c.status IN ({','.join('?' * len(statuses))})"
        params = list(statuses)
    rows = library.store.query(
        "SELECT c.ics AS ics, t.value AS area, COUNT(*) AS n FROM case_studies c JOIN case_tags t "
        f"ON t.case_id = c.id AND t.kind = 'clinical_areas' WHERE {where} GROUP BY c.ics, t.value", params)
    return {(r["ics"], r["area"]): r["n"] for r in rows}
