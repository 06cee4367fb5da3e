"""The query language: words, "phrases", OR, NOT/-word, prefix*, field:value, year ranges, has:/missing:.

``parser`` turns text into a tree; the ``Builder`` here turns the tree into a Whoosh query against the open
index, handling abbreviations, vocabulary names and capped prefix expansion in one place. The result is a
Whoosh query plus what the snippets should mark and any notice for the user.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from .filters import filter_query, year_query
from .parser import MAX_QUERY_CHARS, TEXT_FIELDS, Node, QueryError, example, parse_tree
from .phrases import FastPhrase, relax
from .schema import PRESENCE_FIELDS, analyse
from .synonyms import abbreviations, tokens

__all__ = ["QueryError", "compile_query", "filter_query", "relax", "MAX_QUERY_CHARS", "Builder", "FastPhrase"]
PREFIX_CAP = 64  # a prefix searches at most this many words (the most common ones)


@dataclass
class Parsed:
    query: wq.Query | None  # None: no text query (list everything, filtered)
    boost: wq.Query | None  # optional title/summary matches that raise the score
    marks: set[str] = field(default_factory=set)  # stems to mark in snippets
    words: list[str] = field(default_factory=list)  # plain words typed, for "did you mean"
    notice: str | None = None


# -- building Whoosh queries ----------------------------------------------------------------------------------
class Builder:
    """Turns a parse tree into a Whoosh query against one reader (prefixes expand against its words)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.marks: set[str] = set()
        self.words: list[str] = []
        self.boost_terms: set[str] = set()
        self.boost_words: set[str] = set()
        self.notice: str | None = None

    def build(self, node: Node, fieldname: str = "all") -> wq.Query | None:
        kind = node.kind
        if kind == "word":
            return self.word(node, fieldname)
        if kind == "phrase":
            return self.phrase(node.text, fieldname)
        if kind == "field":
            return self.field(node.text, node.children[0])
        if kind == "not":
            inner = self.build(node.children[0], fieldname)
            return None if inner is None else wq.Not(inner)
        if kind == "and":
            return self.conjunction(node.children, fieldname, [self.build(c, fieldname) for c in node.children])
        parts = [q for q in (self.build(c, fieldname) for c in node.children) if q is not None]
        if kind == "or":
            positives = [q for q in parts if not isinstance(q, wq.Not)]
            return wq.Or(positives) if positives else None
        raise AssertionError(kind)

    def conjunction(self, children: list[Node], fieldname: str, built: list[wq.Query | None]) -> wq.Query | None:
        if fieldname == "all":
            built = self.join_long_forms(children, built)
        parts = [q for q in built if q is not None]
        positives = [q for q in parts if not isinstance(q, wq.Not)]
        negatives = [q.query for q in parts if isinstance(q, wq.Not)]
        if not positives and not negatives:
            return None
        base: wq.Query = (wq.And(positives) if len(positives) > 1 else positives[0]) if positives else wq.Every()
        if negatives:
            return wq.AndNot(base, wq.Or(negatives) if len(negatives) > 1 else negatives[0])
        return base

    def join_long_forms(self, children: list[Node], parts: list[wq.Query | None]) -> list[wq.Query | None]:
        """Consecutive plain words that spell out an abbreviation ("blood pressure") also find it ("BP")."""

        def both(toks: tuple[str, ...], short: str) -> wq.Query:
            self.marks.add(short)
            return wq.Or([_phrase("all", toks), wq.Term("all", short)])

        return join_long_forms(children, parts, both)

    def word(self, node: Node, fieldname: str) -> wq.Query | None:
        if node.prefix:
            return self.prefix(node.text, fieldname)
        toks = tokens(node.text)
        if not toks:
            return None
        self.words.append(node.text)
        self.marks.update(toks)
        if len(toks) > 1:
            return self.phrase(node.text, fieldname)
        if fieldname == "all":
            self.boost_terms.add(toks[0])
            self.boost_words.update(analyse(node.text, stemming=False))
            longs = abbreviations().expansions(node.text)
            if longs:
                self.marks.update(t for form in longs for t in form)
                return wq.Or([wq.Term("all", toks[0]), *(_phrase("all", form) for form in longs)])
        return wq.Term(fieldname, toks[0])

    def phrase(self, text: str, fieldname: str) -> wq.Query | None:
        toks = tokens(text)
        if not toks:
            return None
        self.marks.update(toks)
        if len(toks) == 1:
            return self.word(Node("word", text), fieldname)
        if fieldname != "all":
            return wq.And([wq.Term(fieldname, t) for t in toks])
        self.boost_terms.update(toks)
        self.boost_words.update(analyse(text, stemming=False))
        query = _phrase("all", toks)
        short = abbreviations().abbreviation_of(toks)
        if short:
            self.marks.add(short)
            return wq.Or([query, wq.Term("all", short)])
        return query

    def prefix(self, text: str, fieldname: str, stemming: bool = True, cap: int = PREFIX_CAP) -> wq.Query:
        start = text.casefold()
        stem = analyse(text, stemming)
        found = heapq.nlargest(cap + 1, ((info.doc_frequency(), term.decode("utf-8") if
                                          isinstance(term, bytes) else term)
                                         for term, info in self.reader.iter_prefix(fieldname, start)))
        if len(found) > cap:
            found = found[:cap]
            self.notice = (f"'{text}*' matches many words; only the {cap} most common were searched. Type "
                           "more letters to narrow it")
        terms = {t for _, t in found} | ({stem[0]} if len(stem) == 1 else set())
        self.marks.update(terms)
        if not terms:
            return wq.Term(fieldname, start)
        return wq.Or([wq.Term(fieldname, t) for t in sorted(terms)])

    def field(self, key: str, node: Node) -> wq.Query | None:
        if key in TEXT_FIELDS:
            return self.build(node, TEXT_FIELDS[key])
        if node.kind not in ("word", "phrase"):
            raise QueryError(f"'{key}:' takes one value, e.g. {example(key)}")
        value = node.text + ("*" if node.prefix else "")
        if key == "year":
            return year_query(value)
        if key in ("has", "missing"):
            name = value.casefold()
            alias = {"org": "organisation", "area": "clinical_areas", "group": "population_groups",
                     "action": "action_areas"}.get(name, name)
            if alias not in PRESENCE_FIELDS:
                raise QueryError(f"'{key}:{value}': '{value}' is not a field; use one of {', '.join(PRESENCE_FIELDS)}")
            term = wq.Term("has", alias)
            return term if key == "has" else wq.Not(term)
        return filter_query(key, [value])


def _phrase(fieldname: str, toks: tuple[str, ...] | list[str]) -> wq.Query:
    return FastPhrase(fieldname, list(toks)) if len(toks) > 1 else wq.Term(fieldname, toks[0])


def compile_query(text: str, reader: Any) -> Parsed:
    """Parse and build; ``reader`` expands prefixes. Raises ``QueryError`` with a plain message."""
    tree = parse_tree(text or "")
    if tree is None:
        return Parsed(None, None)
    builder = Builder(reader)
    built = builder.build(tree)
    if built is None:
        return Parsed(wq.NullQuery, None, notice="the query has only very common words (such as 'the' or "
                      "'and'), which search ignores; add a more distinctive word")
    if isinstance(built, wq.Not):
        built = wq.AndNot(wq.Every(), built.query)
    boost = None
    if builder.boost_terms:
        boost = wq.Or([*(wq.Term("title", t) for t in sorted(builder.boost_terms)),
                       *(wq.Term("quick", w, boost=1.5) for w in sorted(builder.boost_words))])
    return Parsed(built, boost, builder.marks, builder.words, builder.notice)


def join_long_forms(children: list[Node], parts: list[Any], both: Any) -> list[Any]:
    """Walk ``children`` (with ``parts``, each child's compiled query); where consecutive plain words spell out
    an abbreviation, put ``both(tokens, short)`` in place of their parts. Shared by the Whoosh query and the
    benchmark's engine-neutral plans, so every engine expands the same words."""
    abbrev = abbreviations()
    plain = [c.kind == "word" and not c.prefix for c in children]
    if sum(plain) < 2:
        return parts
    out: list[Any] = []
    i = 0
    while i < len(children):
        found = None
        for length in range(min(abbrev.longest + 2, len(children) - i), 1, -1):
            if not all(plain[i:i + length]) or parts[i] is None:
                continue
            toks = tuple(t for c in children[i:i + length] for t in tokens(c.text))
            short = abbrev.abbreviation_of(toks)
            if short:
                found = (length, toks, short)
                break
        if found:
            length, toks, short = found
            out.append(both(toks, short))
            i += length
        else:
            out.append(parts[i])
            i += 1
    return out
