"""Building the free-form reader's Markdown: blocks and tight lists, and paragraphs as merged runs.

Word stores one word in several runs (spell-check marks, revisions, a changed language); wrapping each run in
``*…*`` on its own gives ``*…includin**g…*``, which breaks search and renders as broken emphasis. Runs are first
merged with their neighbours of the same formatting (and whitespace-only runs with whatever precedes them), then
each stretch is written once. Blocks are collected in a list and joined once at the end, so a document of
100,000 bullets reads in linear time.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml.ns import qn

from .reading import SKIP, W_SDT, W_SDTCONTENT, paragraph_text

W_R, W_HYPERLINK = qn("w:r"), qn("w:hyperlink")
_RECURSE = {qn("w:ins"), qn("w:smartTag"), qn("w:customXml"), qn("w:fldSimple"), qn("w:moveTo"), qn("w:bdo"),
            qn("w:dir")}
_TRUE_OFF = ("0", "false", "off", "none")


class Blocks:
    """Markdown blocks; consecutive list items form one tight list."""

    def __init__(self) -> None:
        self.items: list[str | list[str]] = []
        self.list_open = False

    def para(self, text: str) -> None:
        self.items.append(text)
        self.list_open = False

    def item(self, line: str) -> None:
        if self.list_open:
            last = self.items[-1]
            assert isinstance(last, list)
            last.append(line)
        else:
            self.items.append([line])
            self.list_open = True

    def text(self) -> str:
        return "\n\n".join("\n".join(i) if isinstance(i, list) else i for i in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


W_RPR, W_RSTYLE, W_B, W_I, W_VAL = qn("w:rPr"), qn("w:rStyle"), qn("w:b"), qn("w:i"), qn("w:val")


def _on(rpr: Any, tag: str) -> bool:
    element = rpr.find(tag) if rpr is not None else None
    return element is not None and element.get(W_VAL, "true").casefold() not in _TRUE_OFF


def run_format(run: Any) -> tuple[bool, bool]:
    """(bold, italic) of a run, from its own properties or the Strong / Emphasis character styles."""
    rpr = run.find(W_RPR)
    if rpr is None:
        return False, False
    style = rpr.find(W_RSTYLE)
    style_name = (style.get(W_VAL, "") if style is not None else "").casefold()
    return _on(rpr, W_B) or style_name == "strong", _on(rpr, W_I) or style_name in ("emphasis", "intenseemphasis")


def _segments(element: Any, document: Any, out: list[list[Any]]) -> None:
    for child in element:
        tag = child.tag
        if tag == W_R:
            text = paragraph_text(child)
            if text:
                out.append([text, run_format(child), None])
        elif tag == W_HYPERLINK:
            text = paragraph_text(child)
            rid = child.get(qn("r:id"))
            rel = document.part.rels.get(rid) if rid and document is not None else None
            link = rel.target_ref if rel is not None and rel.is_external else None
            if text:
                out.append([text, (False, False), link])
        elif tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                _segments(content, document, out)
        elif tag in _RECURSE:
            _segments(child, document, out)
        elif tag in SKIP or not isinstance(tag, str):
            continue
        else:
            text = paragraph_text([child])
            if text:
                out.append([text, (False, False), None])


def _joins(left: str, right: str) -> bool:
    """True when emphasis between these two characters would cut a word in two ("abc**de**fg"): then the
    stretch is written plain, because a word found by search matters more than its bold letters. Scripts
    written without spaces (Chinese, Japanese, Korean) have no such words to cut."""
    return bool(left and right and _WORDISH.match(left) and _WORDISH.match(right))


_WORDISH = re.compile(r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def markdown_line(p: Any, document: Any) -> str:
    """Paragraph text with bold, italic and links as Markdown, adjacent runs of the same formatting merged."""
    segments: list[list[Any]] = []
    _segments(p, document, segments)
    merged: list[list[Any]] = []
    for text, fmt, link in segments:
        if merged and (not text.strip() or (merged[-1][1] == fmt and merged[-1][2] == link)):
            merged[-1][0] += text
        elif merged and not merged[-1][0].strip():
            merged[-1] = [merged[-1][0] + text, fmt, link]
        else:
            merged.append([text, fmt, link])
    out = []
    for n, (text, (bold, italic), link) in enumerate(merged):
        core = text.strip()
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        before = merged[n - 1][0] if n else ""
        after = merged[n + 1][0] if n + 1 < len(merged) else ""
        inside_word = (not lead and _joins(before[-1:], text[:1])) or (not trail and _joins(text[-1:], after[:1]))
        if link and core:
            out.append(f"{lead}[{core}]({link}){trail}")
        elif core and (bold or italic) and not inside_word:
            mark = "***" if bold and italic else "**" if bold else "*"
            out.append(f"{lead}{mark}{core}{mark}{trail}")
        else:
            out.append(text)
    return "".join(out).strip()
