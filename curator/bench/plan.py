"""The benchmark's queries as an engine-neutral plan, so FTS5 and tantivy answer what Curator answers.

The baselines index the same analysed words Curator indexes (``search.schema.analyse``: stop words out,
Porter stems, ``A&E`` kept) and tag values (``search.schema.packed``), and their queries are built here from
Curator's own parse tree with the same abbreviation expansions and prefix rule. Differences in totals then
come from the engines, not from three tokenisers.

A plan is nested tuples: ``("term", tok)``, ``("phrase", toks)``, ``("prefix", start, stem_or_None)``,
``("or", [plans])``, ``("and", [positive plans], [negative plans])``.
"""

from __future__ import annotations

from typing import Any

from ..search.parser import Node, parse_tree
from ..search.query import join_long_forms
from ..search.schema import analyse, packed
from ..search.synonyms import abbreviations, tokens

Plan = tuple
#: Facet names and their position in ``packed()``, as the search contract names them.
FACETS = {"region": 3, "ics": 4, "status": 5, "year": 6, "programme": 7, "clinical_areas": 8,
          "population_groups": 9}
FILTER_FACET = {"ics": "ics", "region": "region", "status": "status", "year": "year", "programme": "programme",
                "area": "clinical_areas", "group": "population_groups"}


def analysed(text: str) -> str:
    """Text as Curator indexes it: analysed words joined by spaces (positions as Curator numbers them)."""
    return " ".join(analyse(text))


def facet_values(record: dict[str, Any]) -> list[tuple[str, str]]:
    """``(facet, value)`` pairs of one record, exactly the values Curator's facet counts use."""
    values = packed(record, 1)
    out: list[tuple[str, str]] = []
    for name, pos in FACETS.items():
        value = values[pos]
        for item in value if isinstance(value, tuple) else (value,):
            if item:
                out.append((name, str(item)))
    return out


def plan(text: str) -> Plan | None:
    """The plan for one query of the mix (words, "phrases", OR, NOT/-word, prefix*); None: list everything."""
    tree = parse_tree(text or "")
    return None if tree is None else _build(tree)


def _build(node: Node) -> Plan | None:
    kind = node.kind
    if kind == "word":
        return _word(node)
    if kind == "phrase":
        return _phrase(tokens(node.text))
    if kind == "field":
        raise ValueError(f"the baselines do not take field queries ('{node.text}:'); use filters")
    if kind == "not":
        inner = _build(node.children[0])
        return None if inner is None else ("not", inner)
    if kind == "and":
        parts = _join_long_forms(node.children, [_build(c) for c in node.children])
        parts = [p for p in parts if p is not None]
        positives = [p for p in parts if p[0] != "not"]
        negatives = [p[1] for p in parts if p[0] == "not"]
        if not positives and not negatives:
            return None
        return ("and", positives, negatives)
    parts = [p for p in (_build(c) for c in node.children) if p is not None and p[0] != "not"]
    return ("or", parts) if parts else None


def _word(node: Node) -> Plan | None:
    if node.prefix:
        stem = analyse(node.text)
        return ("prefix", node.text.casefold(), stem[0] if len(stem) == 1 else None)
    toks = tokens(node.text)
    if not toks:
        return None
    if len(toks) > 1:
        return _phrase(toks)
    longs = abbreviations().expansions(node.text)
    if longs:
        return ("or", [("term", toks[0]), *(_phrase(form, expand=False) for form in longs)])
    return ("term", toks[0])


def _phrase(toks: tuple[str, ...], expand: bool = True) -> Plan | None:
    if not toks:
        return None
    if len(toks) == 1:
        return ("term", toks[0])
    short = abbreviations().abbreviation_of(tuple(toks)) if expand else None
    found: Plan = ("phrase", tuple(toks))
    return ("or", [found, ("term", short)]) if short else found


def _join_long_forms(children: list[Node], parts: list[Plan | None]) -> list[Plan | None]:
    """``search.query.join_long_forms`` with plans: consecutive words spelling an abbreviation also find it."""
    return join_long_forms(children, parts, lambda toks, short: (
        "or", [("phrase", toks) if len(toks) > 1 else ("term", toks[0]), ("term", short)]))


def plan_terms(p: Plan | None) -> set[str]:
    """Every analysed word a plan names (for title boosts and snippet marks)."""
    if p is None:
        return set()
    kind = p[0]
    if kind == "term":
        return {p[1]}
    if kind == "phrase":
        return set(p[1])
    if kind == "prefix":
        return {p[2]} if p[2] else set()
    if kind == "or":
        return set().union(*(plan_terms(c) for c in p[1])) if p[1] else set()
    if kind == "and":
        return set().union(*(plan_terms(c) for c in p[1])) if p[1] else set()
    return set()
