"""Markdown to safe HTML, for the app's preview and any HTML or Word output.

Text is stored exactly as the user gave it; sanitising happens here, at the point of rendering, so no
script, event handler, ``javascript:`` link or remote image survives, while "A&E" and "<5%" still read as
written (they are escaped, not removed).
"""

from __future__ import annotations

import html
import re

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


def sanitise_html(fragment: str) -> str:
    """Remove anything executable or remote from an HTML fragment."""
    cleaned = nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=LINK_SCHEMES | {"data"},
                        attribute_filter=_attribute_filter, link_rel="noopener noreferrer")
    # an <img> whose remote src was removed carries nothing: drop it rather than show a broken picture
    return _IMG_WITHOUT_SRC.sub("", cleaned)


def markdown_to_html(text: str) -> str:
    """Render stored Markdown to sanitised HTML (tables and lists supported)."""
    if not text:
        return ""
    rendered = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return sanitise_html(rendered)


def plain_to_html(text: str) -> str:
    """Escape plain text for HTML views, keeping line breaks."""
    return html.escape(text or "").replace("\n", "<br>")
