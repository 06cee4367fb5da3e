"""Search-as-you-type and "did you mean"."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz.distance import Levenshtein
from whoosh import query as wq

from .query import MAX_QUERY_CHARS, Builder, QueryError
from .schema import analyse
from .synonyms import tokens

QUICK_PREFIX_CAP = 24  # as-you-type expands the word being typed to at most this many words
QUICK_MIN_PREFIX = 3
_WORD = re.compile(r"[^\W_](?:[\w&'.-]*\w)?")


def quick_query(text: str, reader: Any) -> tuple[wq.Query | None, set[str], str | None]:
    """Title, summary and tags; every word must match, the last one as a prefix while it is being typed."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; search takes up to {MAX_QUERY_CHARS:,}")
    words = _WORD.findall(text)[:16]
    if not words:
        return None, set(), None
    builder = Builder(reader)
    parts: list[wq.Query] = []
    typing = not text[-1:].isspace()
    for n, word in enumerate(words):
        if typing and n == len(words) - 1:
            if len(word) >= QUICK_MIN_PREFIX or len(words) == 1:
                parts.append(builder.prefix(word, "quick", stemming=False, cap=QUICK_PREFIX_CAP))
            continue  # one or two letters after other words: wait for more before narrowing
        toks = analyse(word, stemming=False)
        builder.marks.update(toks)
        parts.extend(wq.Term("quick", t) for t in toks)
    if not parts:
        return None, set(), None
    return (parts[0] if len(parts) == 1 else wq.And(parts)), builder.marks, builder.notice


def suggestion(searcher: Any, text: str, words: list[str]) -> str | None:
    """The query with each unknown word replaced by the closest word that is in the library, or None."""
    reader = searcher.reader()
    fixed = text
    changed = False
    for word in dict.fromkeys(words):
        toks = tokens(word)
        if len(toks) != 1 or reader.doc_frequency("all", toks[0]) > 0:
            continue
        lower = word.casefold()
        found = reader.terms_within("quick", lower, 2, prefix=1)
        ranked = sorted(found, key=lambda t: (Levenshtein.distance(lower, t), -reader.doc_frequency("quick", t), t))
        for candidate in ranked[:5]:
            stem = tokens(candidate)
            if stem and reader.doc_frequency("all", stem[0]) > 0:
                fixed = re.sub(rf"(?<![\w-]){re.escape(word)}(?!\w)", candidate, fixed, count=1)
                changed = True
                break
    return fixed if changed else None
