"""Markdown to safe HTML, for the app's preview and any HTML or Word output.

Text is stored exactly as the user gave it; sanitising happens here, at the point of rendering, so no
script, event handler, ``javascript:`` link or remote image survives, while "A&E" and "<5%" still read as
written (they are escaped, not removed).
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "img", "sup", "sub",
    "mark",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
#: Links may go to the web or email; images may only be embedded data (no remote fetch, nothing leaves the laptop).
LINK_SCHEMES = {"http", "https", "mailto"}
_IMG_WITHOUT_SRC = re.compile(r"<img\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src" and not value.startswith("data:image/"):
        return None
    return value


def sanitise_html(fragment: str, tags: set[str] | None = None) -> str:
    """Remove anything executable or remote from an HTML fragment; ``tags`` narrows the allow-list further."""
    allowed = ALLOWED_TAGS if tags is None else ALLOWED_TAGS & tags
    attributes = {tag: attrs for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag in allowed}
    cleaned = nh3.clean(fragment, tags=allowed, attributes=attributes, url_schemes=LINK_SCHEMES | {"data"},
                        attribute_filter=_attribute_filter, link_rel="noopener noreferrer")
    # an <img> whose remote src was removed carries nothing: drop it rather than show a broken picture
    return _IMG_WITHOUT_SRC.sub("", cleaned)


_local = threading.local()


def _parser() -> markdown.Markdown:
    """One parser per thread, reset between texts: building it costs more than converting a field."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = markdown.Markdown(extensions=["tables", "sane_lists", "nl2br"], output_format="html")
    return parser.reset()


def markdown_to_html(text: str, tags: set[str] | None = None) -> str:
    """Render stored Markdown to sanitised HTML (tables, lists; a single newline is a line break, as typed)."""
    if not text:
        return ""
    return sanitise_html(_parser().convert(text), tags)


def plain_to_html(text: str) -> str:
    """Escape plain text for HTML views, keeping line breaks."""
    return html.escape(text or "").replace("\n", "<br>")
