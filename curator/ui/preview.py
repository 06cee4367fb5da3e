"""The selected case study, rendered from Markdown and sanitised, in the right-hand pane.

Text is stored exactly as typed; it is made safe only here, where it is shown: Markdown becomes HTML with
Python-Markdown, then nh3 keeps a small allow-list (no script, no event handlers, no ``javascript:`` links,
no remote images). Plain fields are HTML-escaped, so "A&E" and "<5%" read as typed.
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from ..render import markdown_to_html
from ..vocab import vocabularies
from ..workflow import STATUS_LABELS
from . import theme

NHS_BLUE = theme.BLUE
GREY = theme.SECONDARY  # meta lines: 4.5:1 or better on the pane (theme.PAIRS)


def render_markdown(text: str, demote: int = 0) -> str:
    """Markdown → sanitised HTML (the one sanitiser, ``curator.render``); ``demote`` pushes headings down a level
    or more so a write-up's '## Background' sits under the preview's own headings."""
    html = markdown_to_html(text or "")
    if demote:
        html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + demote)}", html)
    return html


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _labels(ids: list[str], vocabulary: Any) -> list[str]:
    """Short labels; a long one loses its parenthesis ('Other locally defined PLUS group (free text, …)')."""
    out = []
    for i in ids:
        label = vocabulary.by_id[i].short_label if i in vocabulary.by_id else i
        out.append(re.sub(r"\s*\(.*\)\s*$", "", label) if len(label) > 60 else label)
    return out


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in items) + "</ul>"


def record_html(record: dict[str, Any]) -> str:
    """The whole record as one HTML page for the preview pane."""
    vocab = vocabularies()
    ics = vocab.ics.by_id.get(record.get("ics") or "")
    meta = [f"<b>{_esc(STATUS_LABELS.get(record.get('status', ''), record.get('status')))}</b>"]
    if ics:
        meta.append(f"{_esc(ics.label)} ICS · {_esc(ics.extra.get('region'))}")
    if record.get("organisation"):
        meta.append(_esc(record["organisation"]))
    if record.get("year"):
        meta.append(_esc(record["year"]))
    parts = [f"<h2 style='color:{NHS_BLUE}'>{_esc(record.get('title'))}</h2>",
             f"<p style='color:{GREY}'>{' · '.join(meta)}</p>"]
    tags = [("Clinical areas", _labels(record.get("clinical_areas") or [], vocab.areas)),
            ("Population groups", _labels(record.get("population_groups") or [], vocab.groups)
             + list(record.get("local_groups") or [])),
            ("Action areas", _labels(record.get("action_areas") or [], vocab.actions))]
    rows = "".join(f"<tr><td style='padding-right:8px;color:{GREY}'>{name}</td><td>{_esc('; '.join(values))}</td></tr>"
                   for name, values in tags if values)
    if rows:
        parts.append(f"<table>{rows}</table>")
    if record.get("summary"):
        parts += ["<h3>Summary</h3>", render_markdown(record["summary"], demote=3)]
    if record.get("body"):
        parts += ["<h3>Full write-up</h3>", render_markdown(record["body"], demote=3)]
    if record.get("outcomes"):
        cells = "".join(f"<tr><td>{_esc(o.get('measure'))}</td><td><b>{_esc(o.get('value'))}</b></td></tr>"
                        for o in record["outcomes"])
        parts += ["<h3>Outcomes</h3>", f"<table cellpadding='3' border='1' style='border-collapse:collapse'>"
                  f"<tr><th align='left'>Measure</th><th align='left'>Value</th></tr>{cells}</table>"]
    if record.get("key_actions"):
        parts += ["<h3>Key actions</h3>", _list([f"{a.get('action')}" + (f" ({a['audience']})" if a.get("audience")
                                                                        else "") for a in record["key_actions"]])]
    for field, title in (("lessons", "Lessons learned"), ("partners", "Partners"),
                         ("context_figures", "Context figures")):
        if record.get(field):
            parts += [f"<h3>{title}</h3>", _list(record[field])]
    contact = record.get("contact") or {}
    if any(contact.get(k) for k in ("name", "email", "phone")):
        consent = "may be published" if record.get("contact_consent") else "not for publication"
        who = ", ".join(_esc(contact.get(k)) for k in ("name", "role", "email", "phone") if contact.get(k))
        parts += ["<h3>Contact</h3>", f"<p>{who} <i>({consent})</i></p>"]
    parts.append(f"<p style='color:{GREY}'>{_esc(record.get('id'))} · updated {_esc(record.get('updated'))}</p>")
    return "\n".join(parts)


class PreviewPane(QTextBrowser):
    """Read-only rendering of one record; links open nowhere (nothing leaves the laptop)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Case study preview")
        self.record: dict[str, Any] | None = None
        self.show_empty()

    def show_record(self, record: dict[str, Any]) -> None:
        self.record = record
        self.setHtml(record_html(record))

    def show_empty(self, message: str = "Select a case study to read it here.") -> None:
        self.record = None
        self.setHtml(f"<p style='color:{GREY}'>{_esc(message)}</p>")

    def show_welcome(self, folder: Any) -> None:
        """An empty library: what to do first, and where the library lives (links: Tab, then Enter)."""
        self.record = None
        self.setHtml(
            f"<h2 style='color:{NHS_BLUE}'>Welcome to Curator</h2>"
            "<p>This library has no case studies yet. To start:</p><ul>"
            "<li><a href='curator:import'>Import case studies</a> from .docx, .json, .jsonl or .csv files "
            "(Ctrl+I, or drop files on the window);</li>"
            "<li>write one with <b>New case study</b> (Ctrl+N);</li>"
            "<li>or <a href='curator:demo'>load the 28 demo case studies</a> to try Curator out.</li></ul>"
            f"<p style='color:{GREY}'>The library is the folder {_esc(folder)}. Nothing leaves this computer.</p>")

    def loadResource(self, kind: int, url: Any) -> Any:  # noqa: N802 - Qt override
        """Never fetch anything from a URL the text names."""
        return None
