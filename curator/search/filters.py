"""Filters and field values that name vocabulary terms, statuses and years."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from ..errors import ValidationError
from ..model import STATUSES, YEAR_RANGE
from ..vocab import Vocabulary, vocabularies
from .parser import _YEAR, TAG_FIELDS, QueryError


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
