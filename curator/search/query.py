"""The query language: words, "phrases", OR, NOT/-word, prefix*, field:value, year ranges, has:/missing:.

A small hand-written parser (not Whoosh's) so every mistake gets a plain message that says what to type
instead, and so abbreviations, vocabulary names and capped prefix expansion are handled in one place.
The result is a Whoosh query plus what the snippets should mark and any notice for the user.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from ..errors import CuratorError, ValidationError
from ..model import STATUSES, YEAR_RANGE
from ..vocab import Vocabulary, vocabularies
from .schema import PRESENCE_FIELDS
from .synonyms import abbreviations, tokens

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
PREFIX_CAP = 64  # a prefix searches at most this many words (the most common ones)
_YEAR = re.compile(r"^(\d{4})?(?:\.\.(\d{4})?)?$")

TEXT_FIELDS = {"title": "title", "org": "org", "summary": "summary"}
TAG_FIELDS = {"ics": "ics", "region": "region", "area": "area", "group": "group", "action": "action"}
OTHER_FIELDS = ("status", "year", "has", "missing", "programme")
ALL_FIELDS = (*TEXT_FIELDS, *TAG_FIELDS, *OTHER_FIELDS)


class QueryError(CuratorError):
    """A query that cannot be understood; the message says how to fix it."""


@dataclass
class Node:
    kind: str  # word, phrase, field, not, and, or
    text: str = ""
    children: list[Node] = field(default_factory=list)
    prefix: bool = False


@dataclass
class Parsed:
    query: wq.Query | None  # None: no text query (list everything, filtered)
    boost: wq.Query | None  # optional title/summary matches that raise the score
    marks: set[str] = field(default_factory=set)  # stems to mark in snippets
    words: list[str] = field(default_factory=list)  # plain words typed, for "did you mean"
    notice: str | None = None


# -- lexing and parsing ---------------------------------------------------------------------------------------
_TOKEN = re.compile(r'\s*(?:(\()|(\))|(")|([^\s()"]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
        if match.group(1):
            out.append(("(", "("))
        elif match.group(2):
            out.append((")", ")"))
        elif match.group(3):
            end = text.find('"', pos)
            if end < 0:
                start = text[pos:pos + 20].strip()
                raise QueryError(f'the quotation mark before "{start}" is never closed; add a closing " to search '
                                 "for that exact phrase, or remove the quotation mark")
            out.append(("phrase", text[pos:end]))
            pos = end + 1
        else:
            out.append(("word", match.group(4)))
    return out


class _Parser:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError("a closing bracket ')' has no opening '(' before it; remove it or add '('")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek() == ("word", "OR"):
            self.take()
            if self.peek() in (None, (")", ")")):
                raise QueryError("OR needs a word on both sides, e.g. 'asthma OR COPD'")
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Node("or", children=parts)

    def and_expr(self) -> Node:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok[0] != ")" and tok != ("word", "OR"):
            if tok == ("word", "AND"):
                self.take()
                continue
            parts.append(self.unary())
        if not parts:
            raise QueryError("an OR or a bracket has nothing after it; add a word, e.g. 'asthma OR COPD'")
        return parts[0] if len(parts) == 1 else Node("and", children=parts)

    def unary(self) -> Node:
        kind, text = self.take()
        if (kind, text) == ("word", "NOT"):
            if self.peek() in (None, (")", ")"), ("word", "OR")):
                raise QueryError("NOT needs a word after it, e.g. 'diabetes NOT type1'")
            return Node("not", children=[self.unary()])
        if kind == "word" and text.startswith("-") and len(text) > 1:
            self.toks[self.i - 1] = ("word", text[1:])
            self.i -= 1
            return Node("not", children=[self.unary()])
        if kind == "(":
            if self.peek() is None:
                raise QueryError("the bracket '(' is never closed; add ')' or remove the '('")
            node = self.or_expr()
            if self.peek() != (")", ")"):
                raise QueryError("the bracket '(' is never closed; add ')' or remove the '('")
            self.take()
            return node
        if kind == "phrase":
            return Node("phrase", text)
        name, sep, value = text.partition(":")
        if sep and name:
            key = name.casefold()
            if key not in ALL_FIELDS:
                raise QueryError(f"'{name}:' is not a field search knows; use one of "
                                 f"{', '.join(f + ':' for f in ALL_FIELDS)} (or leave out the colon)")
            if not value:
                nxt = self.peek()
                if nxt is None or nxt[0] == ")":
                    raise QueryError(f"'{name}:' needs something after it, e.g. {_example(key)}")
                inner = self.unary()
            else:
                inner = Node("word", value.rstrip("*"), prefix=value.endswith("*") and len(value) > 1)
            return Node("field", key, [inner])
        return Node("word", text.rstrip("*") or text, prefix=text.endswith("*") and len(text) > 1)


def _example(key: str) -> str:
    return {"year": "year:2022 or year:2021..2023", "has": "has:outcomes", "missing": "missing:outcomes",
            "status": "status:published", "ics": "ics:E54000057 or ics:\"Greater Manchester\""}.get(
        key, f'{key}:word or {key}:"two words"')


def parse_tree(text: str) -> Node | None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; search takes up to {MAX_QUERY_CHARS:,}. "
                         "Use a few distinctive words instead")
    toks = _lex(text)
    if not toks:
        return None
    if len(toks) > MAX_TERMS:
        raise QueryError(f"the query has {len(toks)} words; search takes up to {MAX_TERMS}. Use fewer, more "
                         "distinctive words")
    return _Parser(toks).parse()


# -- building Whoosh queries ----------------------------------------------------------------------------------
class Builder:
    """Turns a parse tree into a Whoosh query against one reader (prefixes expand against its words)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.marks: set[str] = set()
        self.words: list[str] = []
        self.boost_terms: set[str] = set()
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
        abbrev = abbreviations()
        plain = [c.kind == "word" and not c.prefix for c in children]
        if sum(plain) < 2:
            return parts
        out: list[wq.Query | None] = []
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
                self.marks.add(short)
                out.append(wq.Or([wq.Phrase("all", list(toks)), wq.Term("all", short)]))
                i += length
            else:
                out.append(parts[i])
                i += 1
        return out

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
        query = _phrase("all", toks)
        short = abbreviations().abbreviation_of(toks)
        if short:
            self.marks.add(short)
            return wq.Or([query, wq.Term("all", short)])
        return query

    def prefix(self, text: str, fieldname: str) -> wq.Query:
        start = text.casefold()
        stem = tokens(text)
        found = heapq.nlargest(PREFIX_CAP + 1, ((info.doc_frequency(), term.decode("utf-8") if
                                                 isinstance(term, bytes) else term)
                                                for term, info in self.reader.iter_prefix(fieldname, start)))
        if len(found) > PREFIX_CAP:
            found = found[:PREFIX_CAP]
            self.notice = (f"'{text}*' matches many words; only the {PREFIX_CAP} most common were searched. Type "
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
            raise QueryError(f"'{key}:' takes one value, e.g. {_example(key)}")
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
    return wq.Phrase(fieldname, list(toks)) if len(toks) > 1 else wq.Term(fieldname, toks[0])


def year_query(value: str) -> wq.Query:
    """A year or a range as OR of year terms (Whoosh's NumericRange misses wide ranges in 2.7.5)."""
    match = _YEAR.match(value.strip())
    if not match or not (match.group(1) or match.group(2)):
        raise QueryError(f"year:{value}: a year is four digits, e.g. year:2022, or a range, e.g. year:2021..2023")
    low, high = match.group(1), match.group(2)
    if ".." not in value:
        high = low
    if low and high and int(low) > int(high):
        raise QueryError(f"year:{value}: the range runs backwards; write year:{high}..{low}")
    first = max(int(low) if low else YEAR_RANGE[0], YEAR_RANGE[0])
    last = min(int(high) if high else YEAR_RANGE[1], YEAR_RANGE[1])
    terms = [wq.Term("year", str(y)) for y in range(first, last + 1)]
    if not terms:
        return wq.NullQuery
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _vocab_terms(vocabulary: Vocabulary, value: str, label: str) -> list[str]:
    """Ids for a value: an exact id/name/label, else every term whose name contains it ("manchester")."""
    term = vocabulary.find(value)
    if term is not None:
        return [term.id]
    needle = value.casefold().strip()
    hits = [t.id for t in vocabulary.terms
            if len(needle) >= 3 and any(needle in n.casefold() for n in (t.label, *t.aliases))]
    if hits:
        return hits
    try:
        vocabulary.resolve(value, label)
    except ValidationError as err:
        raise QueryError(f"{label}: {err.detail}") from err
    raise AssertionError


def filter_query(key: str, values: list[Any]) -> wq.Query:
    """Terms for one filter key (OR across values); values are ids, codes or labels as import accepts."""
    vocab = vocabularies()
    ids: list[Any] = []
    for value in values:
        text = str(value).strip()
        if key == "status":
            status = text.casefold().replace(" ", "_")
            if status not in STATUSES:
                raise QueryError(f"status: '{text}' is not a status; use one of {', '.join(STATUSES)}")
            ids.append(status)
        elif key == "year":
            return wq.Or([year_query(str(v)) for v in values])
        elif key == "programme":
            ids.append(text)
        elif key in TAG_FIELDS:
            vocabulary = {"ics": vocab.ics, "region": vocab.regions, "area": vocab.areas, "group": vocab.groups,
                          "action": vocab.actions}[key]
            ids.extend(_vocab_terms(vocabulary, text, key))
        else:
            raise QueryError(f"'{key}' is not a filter; use ics, region, area, group, status, year, programme "
                             "or action")
    terms = [wq.Term(key, i) for i in dict.fromkeys(ids)]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


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
        boost = wq.Or([wq.Term(f, t) for t in sorted(builder.boost_terms) for f in ("title", "summary")])
    return Parsed(built, boost, builder.marks, builder.words, builder.notice)
