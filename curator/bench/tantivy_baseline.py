"""The second baseline: the same search in tantivy (Rust), through its Python binding.

Same text and tags as Curator: the analysed words Curator indexes (``plan.analysed``, split on spaces by
tantivy's whitespace tokenizer, so positions and stems are Curator's) in ``all`` and a title field, and the
facet values Curator counts as raw, fast text fields. Per query: total, the top 20 with title matches boosted
(should-clauses on ``title``, weight 3), facet counts by one terms aggregation per facet in one request, and
the same Python snippets from SQLite for the page shown. Prefixes expand to the 64 most frequent words, as
Curator's do.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from ..search.snippets import snippet
from .plan import FACETS, FILTER_FACET, Plan, analysed, facet_values, plan, plan_terms

TITLE_BOOST = 3.0
PREFIX_CAP = 64


def available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def _schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("rid", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("all", tokenizer_name="whitespace", index_option="position")
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    return builder.build()


def build(folder: Path) -> int:
    import tantivy

    path = folder / "tantivy"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    index = tantivy.Index(_schema(), path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    from ..search.schema import document

    conn = sqlite3.connect(str(folder / "curator.db"))
    count = 0
    for rowid, data in conn.execute("SELECT rowid, data FROM case_studies WHERE deleted IS NULL"):
        record = json.loads(data)
        writer.add_document(_doc(rowid, record, document(record, 1)))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    conn.close()
    return count


def _doc(rowid: int, record: dict[str, Any], doc: dict[str, Any]) -> Any:
    import tantivy

    out = tantivy.Document()
    out.add_text("rid", str(rowid))
    out.add_text("title", analysed(doc["title"]))
    out.add_text("all", analysed(doc["all"]))
    for facet, value in facet_values(record):
        out.add_text(facet, value)
    return out


class Engine:
    """One open tantivy index plus the SQLite library it mirrors."""

    def __init__(self, folder: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(folder / "tantivy"))
        self.schema = self.index.schema
        self.conn = sqlite3.connect(str(folder / "curator.db"), check_same_thread=False)
        self.searcher = self.index.searcher()

    def reload(self) -> None:
        self.index.reload()
        self.searcher = self.index.searcher()

    def replace(self, rowid: int, new: dict[str, Any]) -> None:
        from ..search.schema import document

        writer = self.index.writer(heap_size=15_000_000, num_threads=1)
        writer.delete_documents_by_term("rid", str(rowid))
        writer.add_document(_doc(rowid, new, document(new, 1)))
        writer.commit()
        writer.wait_merging_threads()
        self.reload()

    def _query(self, p: Plan, field: str = "all") -> Any:
        Q, Occur = self.tantivy.Query, self.tantivy.Occur
        kind = p[0]
        if kind == "term":
            return Q.term_query(self.schema, field, p[1])
        if kind == "phrase":
            return Q.phrase_query(self.schema, field, list(p[1]))
        if kind == "prefix":
            words = {t for t, _ in self.searcher.terms_with_prefix(field, p[1], limit=PREFIX_CAP)}
            if p[2]:
                words.add(p[2])
            return Q.term_set_query(self.schema, field, sorted(words)) if words else Q.empty_query()
        if kind == "or":
            return Q.boolean_query([(Occur.Should, self._query(c, field)) for c in p[1]])
        if kind == "not":
            return self._query(("and", [], [p[1]]), field)
        clauses = [(Occur.Must, self._query(c, field)) for c in p[1]] or [(Occur.Must, Q.all_query())]
        clauses += [(Occur.MustNot, self._query(c, field)) for c in p[2]]
        return clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)

    def search(self, text: str, filters: dict[str, list[str]] | None = None, limit: int = 20, offset: int = 0,
               facets: bool = True) -> dict[str, Any]:
        Q, Occur = self.tantivy.Query, self.tantivy.Occur
        p = plan(text)
        if p is None:
            return {"query": text, "total": 0, "hits": [], "facets": {}}  # only stop words, as Curator says
        matched = self._query(p)
        clauses = [(Occur.Must, matched)]
        for key, values in (filters or {}).items():
            facet = FILTER_FACET[key]
            clauses.append((Occur.Must, Q.term_set_query(self.schema, facet, [str(v) for v in values])))
        filtered = clauses[0][1] if len(clauses) == 1 else Q.boolean_query(clauses)
        boosts = [(Occur.Should, Q.boost_query(Q.term_query(self.schema, "title", t), TITLE_BOOST))
                  for t in sorted(plan_terms(p))]
        ranked = Q.boolean_query([(Occur.Must, filtered), *boosts]) if boosts else filtered
        result = self.searcher.search(ranked, limit=limit, offset=offset, count=True)
        counts: dict[str, dict[str, int]] = {}
        if facets:
            aggs = {name: {"terms": {"field": name, "size": 1000}} for name in FACETS}
            found = self.searcher.aggregate(filtered, aggs)
            counts = {name: {b["key"]: b["doc_count"] for b in found.get(name, {}).get("buckets", [])}
                      for name in FACETS}
        rowids = [self.searcher.doc(address)["rid"][0] for _, address in result.hits]
        rows = {}
        if rowids:
            marks = ",".join("?" * len(rowids))
            for rowid, case_id, title, data in self.conn.execute(
                    f"SELECT rowid, id, title, data FROM case_studies WHERE rowid IN ({marks})", rowids):
                rows[str(rowid)] = (case_id, title, data)
        words = plan_terms(p)
        hits = []
        for (score, _), rowid in zip(result.hits, rowids, strict=True):
            case_id, title, data = rows[rowid]
            hits.append({"id": case_id, "title": title, "score": score, "snippet": snippet(json.loads(data), words)})
        return {"query": text, "total": result.count, "hits": hits, "facets": counts}

    def size_mb(self, folder: Path) -> float:
        return round(sum(f.stat().st_size for f in (folder / "tantivy").rglob("*") if f.is_file()) / 1e6, 1)
