"""Lexing and parsing the query language into a small tree (no Whoosh here).

A hand-written parser, not Whoosh's, so every mistake gets a plain message that says what to type instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import CuratorError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
_YEAR = re.compile(r"^(\d{4})?(?:\.\.(\d{4})?)?$")

TEXT_FIELDS = {"title": "title", "org": "org"}
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
                    raise QueryError(f"'{name}:' needs something after it, e.g. {example(key)}")
                inner = self.unary()
            else:
                inner = Node("word", value.rstrip("*"), prefix=value.endswith("*") and len(value) > 1)
            return Node("field", key, [inner])
        return Node("word", text.rstrip("*") or text, prefix=text.endswith("*") and len(text) > 1)


def example(key: str) -> str:
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
