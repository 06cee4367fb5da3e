"""Markdown → real Word formatting: headings, bold, italic, lists, links, quotes and tables, never asterisks.

Text is sanitised on the way by ``curator.render`` (Python-Markdown → nh3): no script, no event handlers, no
``javascript:`` links and no remote images reach the document. Plain text such as "A&E" or "<5%" comes out as
written. Markdown headings are placed below the caller's heading level and never skip a level, so the guide's
outline stays valid for screen readers.
"""

from __future__ import annotations

import re
from typing import Any

from docx.enum.text import WD_BREAK
from docx.shared import Pt
from lxml import html as lxml_html

from ..render import markdown_to_html
from . import blocks

#: What Word output renders; everything else is dropped by the shared sanitiser (curator.render).
WORD_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "a", "ul", "ol", "li",
             "blockquote", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "br", "hr"}
MAX_LIST_DEPTH = 3


def to_html(text: str) -> str:
    """Sanitised HTML for one Markdown field, limited to what Word output renders."""
    return markdown_to_html(text, WORD_TAGS)


class MarkdownWriter:
    """Writes Markdown fields into a python-docx document (or table cell) with the document's own styles."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def write(self, container: Any, text: str, heading_level: int = 3) -> None:
        """Append ``text`` to ``container``; Markdown headings start at ``heading_level``."""
        if not text or not text.strip():
            return
        fragments = lxml_html.fragments_fromstring(to_html(blocks.xml_safe(text)))
        self._levels: dict[int, int] = {}
        self._base = heading_level
        self._last = heading_level - 1
        for fragment in fragments:
            if isinstance(fragment, str):
                if fragment.strip():
                    blocks.add_para(self.document, container, "Normal", fragment.strip())
                continue
            self.block(container, fragment)

    def heading(self, container: Any, md_level: int) -> Any:
        if md_level not in self._levels:
            self._levels[md_level] = min(self._base + len([lv for lv in self._levels if lv < md_level]), 9)
        level = min(self._levels[md_level], self._last + 1, 9)
        self._last = level
        return blocks.add_para(self.document, container, f"Heading {level}")

    def block(self, container: Any, element: Any, depth: int = 0) -> None:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            paragraph = self.heading(container, int(tag[1]))
            self.inline(paragraph, element)
            _trim(paragraph)
        elif tag == "p":
            paragraph = blocks.add_para(self.document, container)
            self.inline(paragraph, element)
            _trim(paragraph)
        elif tag in ("ul", "ol"):
            base = "List Bullet" if tag == "ul" else "List Number"
            items = [item for item in element if item.tag == "li"]
            paragraphs = [self.list_item(container, item, base, depth) for item in items]
            if tag == "ol" and paragraphs:
                self.restart_numbering(paragraphs)
        elif tag == "blockquote":
            for child in element:
                paragraph = blocks.add_para(self.document, container, "Quote")
                self.inline(paragraph, child)
                _trim(paragraph)
        elif tag == "table":
            self.table(container, element)
        elif tag == "pre":
            paragraph = blocks.add_para(self.document, container)
            for n, line in enumerate(element.text_content().rstrip("\n").split("\n")):
                if n:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                run = paragraph.add_run(line)
                run.font.name = "Courier New"
                run.font.size = Pt(10)
        elif tag == "hr":
            return
        else:
            self.inline(blocks.add_para(self.document, container), element)

    def restart_numbering(self, paragraphs: list[Any]) -> None:
        """Each numbered list starts at 1: a new w:num over the style's list definition, restarted."""
        style = self.document.styles[paragraphs[0].style.name] if paragraphs[0].style is not None else None
        num_pr = style.element.pPr.numPr if style is not None and style.element.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return
        numbering = self.document.part.numbering_part.element
        source = numbering.num_having_numId(num_pr.numId.val)
        num = numbering.add_num(source.abstractNumId.val)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        for paragraph in paragraphs:
            if paragraph.style.name == paragraphs[0].style.name:
                paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num.numId

    def list_item(self, container: Any, item: Any, base: str, depth: int) -> Any:
        name = base if depth == 0 else f"{base} {min(depth + 1, MAX_LIST_DEPTH)}"
        paragraph = blocks.add_para(self.document, container, name)
        nested = []
        if item.text:
            self.run(paragraph, item.text, False, False)
        for child in item:
            if child.tag in ("ul", "ol"):
                nested.append(child)
                continue
            if child.tag == "p":
                if paragraph._p.find(blocks.W_R) is not None:
                    self.run(paragraph, " ", False, False)  # a loose list's paragraphs stay words apart
                self.inline(paragraph, child)
            else:
                self.inline_element(paragraph, child, bold=False, italic=False)
            if child.tail:
                self.run(paragraph, _after(child), False, False)
        _trim(paragraph)
        for child in nested:
            self.block(container, child, depth=depth + 1)
        return paragraph

    def table(self, container: Any, element: Any) -> None:
        rows = [[cell.text_content().strip() for cell in tr if cell.tag in ("th", "td")] for tr in element.iter("tr")]
        rows = [r for r in rows if r]
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        blocks.data_table(self.document, rows[0], rows[1:], container=container)

    def inline(self, paragraph: Any, element: Any, bold: bool = False, italic: bool = False) -> None:
        if element.text:
            self.run(paragraph, element.text, bold, italic)
        for child in element:
            self.inline_element(paragraph, child, bold, italic)
            if child.tail:
                self.run(paragraph, _after(child), bold, italic)

    def inline_element(self, paragraph: Any, child: Any, bold: bool, italic: bool) -> None:
        tag = child.tag
        if tag == "br":
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif tag in ("strong", "b"):
            self.inline(paragraph, child, True, italic)
        elif tag in ("em", "i"):
            self.inline(paragraph, child, bold, True)
        elif tag == "a" and child.get("href"):
            blocks.add_hyperlink(paragraph, child.text_content() or child.get("href"), child.get("href"))
        elif tag == "code":
            run = paragraph.add_run(child.text_content())
            run.font.name = "Courier New"
        else:
            self.inline(paragraph, child, bold, italic)

    @staticmethod
    def run(paragraph: Any, text: str, bold: bool, italic: bool) -> None:
        """Whitespace as HTML reads it: a line break inside a paragraph is a space, never nothing, and the spaces
        around bold, italic or a link are kept (dropping them ran words together: "ranin-reach")."""
        text = _SPACES.sub(" ", text)
        if not text:
            return
        blocks.add_run(paragraph, text, bold=bold, italic=italic)

    def inline_text(self, paragraph: Any, text: str) -> None:
        """One line of Markdown (a lesson, a key action) as runs in ``paragraph``: bold and italic, no asterisks."""
        if not _MARKUP.search(text):  # plain words (most lessons and actions): no Markdown parse needed
            self.run(paragraph, blocks.xml_safe(text), False, False)
            _trim(paragraph)
            return
        fragments = lxml_html.fragments_fromstring(to_html(blocks.xml_safe(text))) if text.strip() else []
        first = True
        for fragment in fragments:
            if isinstance(fragment, str):
                self.run(paragraph, fragment, False, False)
                continue
            if not first:
                self.run(paragraph, " ", False, False)
            first = False
            if fragment.tag in ("ul", "ol"):
                for item in fragment:
                    self.inline(paragraph, item)
            else:
                self.inline(paragraph, fragment)
        _trim(paragraph)


_SPACES = re.compile(r"[ \t\r\n]+")
#: Anything Markdown or HTML could read as markup: emphasis, links, code, tags, entities, escapes, breaks, a list
#: or heading marker at the start.
_MARKUP = re.compile(r"[*_\[\]`<>&\\\n\x0b\x0c]|^\s*(?:[-+#>]|\d+[.)])")


def _after(child: Any) -> str:
    """The text after an element; after a line break, without the source's newline (a break is not a space)."""
    return child.tail.lstrip(" \t\r\n") if child.tag == "br" else child.tail


def _trim(paragraph: Any) -> None:
    """No space at the start or end of a paragraph (HTML drops them; Word would indent or underline them)."""
    texts = paragraph._p.findall(f".//{blocks.W_T}")
    if texts and texts[0].text:
        texts[0].text = texts[0].text.lstrip(" ")
    if texts and texts[-1].text:
        texts[-1].text = texts[-1].text.rstrip(" ")
