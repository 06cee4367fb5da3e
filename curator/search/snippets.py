"""Snippets for the results list: the best short passage, HTML-escaped, matched words in ``<b>…</b>``.

Text comes from SQLite for the page of hits being shown (the index stores no large text). A regex built from
the query's stems finds candidate words in C; only those are stemmed to confirm, so a 3,000-word body costs
well under a millisecond.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from whoosh.lang.porter import stem

from .schema import prepare

WIDTH = 220
MAX_SCAN = 40_000  # characters of one field looked at for a snippet
MAX_FOUND = 60  # matches of one field weighed for the passage (a common word matches hundreds of times)
_MARKDOWN = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|\*+|`+|(?<!\w)_+|_+(?!\w)|^\s*(?:#+|>+|[-+]|\|)\s+", re.M)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return stem(prepare(word).casefold())


def plain(text: str, edge: bool = False) -> str:
    """Markdown reduced to the words a reader sees (``edge``: keep a leading/trailing space)."""
    out = _SPACES.sub(" ", _MARKDOWN.sub(lambda m: m.group(1) or " ", text))
    return out if edge else out.strip()


def _pattern(marks: set[str]) -> re.Pattern[str] | None:
    """Candidate words, matched in lower-cased text. No leading ``\\b`` (checked per match instead): a pattern
    that starts with letters lets the regex engine jump between candidates instead of trying every position."""
    alts = []
    for mark in sorted(marks, key=len, reverse=True):
        if not mark:
            continue
        head = re.escape(mark[: max(2, len(mark) - 1)].lower())
        alts.append(rf"{head}\w*")
        if len(mark) == 2 and mark.isalpha():
            alts.append(rf"{re.escape(mark[0])}\s?&\s?{re.escape(mark[1])}\b")
    return re.compile("(?:" + "|".join(alts) + ")") if alts else None


def _matches(text: str, pattern: re.Pattern[str], marks: set[str]) -> list[tuple[int, int, str]]:
    out = []
    lower = text.lower()
    if len(lower) != len(text):  # a rare character whose lower case is longer: match the text as it is
        lower = text
        pattern = re.compile(pattern.pattern, re.I)
    for match in pattern.finditer(lower, 0, MAX_SCAN):
        start = match.start()
        if start and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
            continue  # inside a word
        end = match.end()
        word = text[start:end]
        key = _stem(word)
        if key in marks or word.casefold() in marks:
            out.append((start, end, key))
            if len(out) >= MAX_FOUND:
                break
    return out


def _window(text: str, found: list[tuple[int, int, str]]) -> tuple[int, int, int]:
    """(start, end, distinct marks) of the passage holding the most different matched words."""
    best = (0, min(len(text), WIDTH), 0)
    for i, (start, _, _) in enumerate(found):
        distinct = {key for s, _, key in found[i:] if s < start + WIDTH - 40}
        if len(distinct) > best[2]:
            begin = max(0, start - 40)
            best = (begin, min(len(text), begin + WIDTH), len(distinct))
    begin, end, score = best
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + WIDTH // 2 else end
    return begin, end, score


def render(text: str, begin: int, end: int, found: list[tuple[int, int, str]]) -> str:
    """Escape everything, drop Markdown marks, wrap the matched words of ``text[begin:end]`` in <b>."""
    parts = ["…" if begin > 0 else ""]
    pos = begin
    for start, stop, _ in found:
        if start < pos or stop > end:
            continue
        parts.append(html.escape(plain(text[pos:start], edge=True)))
        parts.append(f"<b>{html.escape(text[start:stop])}</b>")
        pos = stop
    parts.append(html.escape(plain(text[pos:end], edge=True)))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()


def _texts(record: dict[str, Any]) -> list[str]:
    extra = [*(f"{o.get('measure', '')}: {o.get('value', '')}" for o in record.get("outcomes") or []
               if isinstance(o, dict)), *(record.get("lessons") or []), *(record.get("partners") or []),
             record.get("organisation") or "", *(record.get("local_groups") or [])]
    return [record.get("summary") or "", record.get("body") or "", " · ".join(str(e) for e in extra if e)]


def snippet(record: dict[str, Any], marks: set[str], summary_only: bool = False) -> str:
    """The passage of summary, body, outcomes or lessons that best shows why the record matched.

    Words are found in the raw Markdown (marks such as ``**`` never split a word); only the chosen passage
    has its Markdown marks removed, so a long body costs one regex scan.
    """
    texts = _texts(record)[:1] if summary_only else _texts(record)
    pattern = _pattern(marks)
    best: tuple[int, str, int, int, list] | None = None
    if pattern is not None:
        for text in texts:
            found = _matches(text, pattern, marks) if text else []
            if not found:
                continue
            begin, end, score = _window(text, found)
            if best is None or score > best[0]:
                best = (score, text, begin, end, found)
    if best is None:
        text = next((t for t in texts if t), "")
        begin, end, _ = _window(text, [])
        return render(text, begin, end, [])
    _, text, begin, end, found = best
    return render(text, begin, end, found)
