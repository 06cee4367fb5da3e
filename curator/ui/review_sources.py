"""Where the scoring screen reads case studies and writes scores: the open library, or an offline review pack.

Both give the screen the same calls, so one widget serves a reviewer in the library and a reviewer working
from a ``.curatorpack`` on their own laptop (review mode: only the pack's case studies, nothing else). The
calls are plain Python and run on the UI's worker pools; blind visibility is the core's
``scoring.scores_visible_to``, never re-implemented here.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from ..library import Library
from ..render import markdown_to_html
from ..review import assign as assign_mod
from ..review import reviewers as reviewers_mod
from ..review import rubric as rubric_mod
from ..review import scoring
from ..review.packs import ReviewPack
from ..vocab import vocabularies

#: Marks beside each case study in the list: text as well as a symbol, so state is never shape or colour alone.
STATE_LABELS = {"submitted": "✓ submitted", "draft": "✎ draft", "open": "• to score"}


class LibrarySource:
    """A reviewer scoring in the library itself; scores go through ``scoring.submit``."""

    mode = "library"

    def __init__(self, library: Library) -> None:
        self.library = library

    @property
    def title(self) -> str:
        return str(self.library.folder)

    def reviewers(self) -> list[dict[str, str]]:
        return [{"id": r.id, "name": r.name, "organisation": r.organisation}
                for r in reviewers_mod.list_reviewers(self.library)]

    def cases(self, reviewer: str) -> dict[str, Any]:
        """{"rubric", "cases": [{"id", "title", "state"}]} for the reviewer's assigned case studies."""
        rubric = rubric_mod.current(self.library)
        own = {r["case"]: r for r in scoring.reviews(self.library, reviewer=reviewer, include_drafts=True)}
        cases = []
        for row in assign_mod.assignments(self.library, reviewer=reviewer):
            if self.library.is_deleted(row["case"]):
                continue
            review = own.get(row["case"])
            state = "open" if review is None else "submitted" if review["submitted"] else "draft"
            cases.append({"id": row["case"], "title": self.library.get(row["case"])["title"], "state": state})
        return {"rubric": rubric, "cases": cases}

    def case(self, reviewer: str, case_id: str) -> dict[str, Any]:
        """The record, the reviewer's own review (or None) and the others' reviews they may see (blind)."""
        visible = scoring.scores_visible_to(self.library, reviewer, case_id)
        own = next((r for r in visible if r["reviewer"] == reviewer), None)
        others = [r for r in visible if r["reviewer"] != reviewer]
        return {"record": self.library.get(case_id), "own": own, "others": others,
                "blind": not (own and own["submitted"])}

    def save(self, reviewer: str, case_id: str, scores: dict[str, int], recommendation: str | None, comment: str,
             draft: bool) -> dict[str, Any]:
        return scoring.submit(self.library, case_id, reviewer, scores, recommendation, comment, draft=draft)


class PackSource:
    """Review mode: an opened ``.curatorpack``; scores are kept in the pack file, saved on every change."""

    mode = "pack"

    def __init__(self, pack: ReviewPack) -> None:
        self.pack = pack

    @classmethod
    def open(cls, path: str | Path) -> PackSource:
        return cls(ReviewPack.open(path))

    @property
    def title(self) -> str:
        return self.pack.path.name

    def reviewers(self) -> list[dict[str, str]]:
        return [{"id": self.pack.reviewer["id"], "name": self.pack.reviewer["name"], "organisation": ""}]

    def _state(self, case_id: str) -> str:
        if self.pack._complete(case_id):
            return "submitted"
        return "draft" if self.pack.responses.get(case_id) else "open"

    def cases(self, reviewer: str) -> dict[str, Any]:
        return {"rubric": self.pack.rubric,
                "cases": [{"id": c["id"], "title": c["title"], "state": self._state(c["id"])}
                          for c in self.pack.manifest["cases"]]}

    def case(self, reviewer: str, case_id: str) -> dict[str, Any]:
        response = self.pack.responses.get(case_id)
        own = None if not response else dict(response, submitted=self._state(case_id) == "submitted")
        return {"record": self.pack.case(case_id), "own": own, "others": None, "blind": True}

    def save(self, reviewer: str, case_id: str, scores: dict[str, int], recommendation: str | None, comment: str,
             draft: bool) -> dict[str, Any]:
        response = self.pack.score(case_id, scores, recommendation, comment, draft=draft)
        self.pack.save()
        return dict(response, case=case_id, submitted=not draft)


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _demoted(fragment: str) -> str:
    """The write-up's own headings sit under the screen's section headings ('## Background' → h4)."""
    return re.sub(r"<(/?)h[1-6]\b", r"<\1h4", fragment)


def case_html(record: dict[str, Any]) -> str:
    """What a reviewer reads: the case study's text (Markdown sanitised by ``curator.render``), no contact details."""
    vocab = vocabularies()
    ics = vocab.ics.by_id.get(record.get("ics") or "")
    meta = [m for m in (record.get("organisation"), f"{ics.label} ICS" if ics else None, record.get("year")) if m]
    parts = [f"<h2 style='color:#005EB8'>{_esc(record.get('title'))}</h2>",
             f"<p style='color:#4c6272'>{' · '.join(_esc(m) for m in meta)}</p>"]
    groups = [vocab.groups.by_id[g].short_label if g in vocab.groups.by_id else g
              for g in record.get("population_groups") or []]
    if groups:
        parts.append(f"<p><b>Population groups:</b> {_esc('; '.join(groups))}</p>")
    for field, heading in (("summary", "Summary"), ("body", "Full write-up")):
        if record.get(field):
            parts += [f"<h3>{heading}</h3>", _demoted(markdown_to_html(record[field]))]
    if record.get("outcomes"):
        rows = "".join(f"<tr><td>{_esc(o.get('measure'))}</td><td><b>{_esc(o.get('value'))}</b></td></tr>"
                       for o in record["outcomes"])
        parts += ["<h3>Outcomes</h3>", f"<table cellpadding='3' border='1' style='border-collapse:collapse'>{rows}"
                  "</table>"]
    lists = (("key_actions", "Key actions"), ("lessons", "Lessons learned"), ("partners", "Partners"))
    for field, heading in lists:
        items = [i.get("action", "") if isinstance(i, dict) else i for i in record.get(field) or []]
        if items:
            parts += [f"<h3>{heading}</h3>", "<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in items) + "</ul>"]
    parts.append(f"<p style='color:#4C6272'>{_esc(record.get('id'))}</p>")
    return "\n".join(parts)


def reviews_html(reviews: list[dict[str, Any]], rubric: dict[str, Any]) -> str:
    """Submitted reviews side by side: a row per criterion, named by its label, and a column per reviewer, then
    each one's recommendation and comment. (A column per criterion squeezed the headings and comments of a
    narrow pane into broken words at 1366×768.)"""
    def row(head: str, cells: list[Any], align: str = "center") -> str:
        return f"<tr><th align='left'>{_esc(head)}</th>" + "".join(
            f"<td align='{align}' valign='top'>{_esc(cell)}</td>" for cell in cells) + "</tr>"

    rows = [row(rubric_mod.criterion_name(c), [r["scores"].get(c["id"], "–") for r in reviews])
            for c in rubric["criteria"]]
    rows.append(row("Recommends", [rubric_mod.RECOMMENDATIONS.get(r.get("recommendation") or "", "–")
                                   for r in reviews]))
    rows.append(row("Comment", [r.get("comment") or "–" for r in reviews], "left"))
    names = "".join(f"<th>{_esc(r.get('reviewer_name'))}</th>" for r in reviews)
    return (f"<table cellpadding='3' border='1' style='border-collapse:collapse'><tr><th width='40%'></th>{names}</tr>"
            f"{''.join(rows)}</table>")
