"""The panel's papers: the review report (.docx) with the ranking, flags, agreement, decisions and the
PRISMA-style flow from submission to publication; and every score and comment as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ..errors import CuratorError
from ..library import Library, write_text_atomic
from . import office
from . import rubric as rubric_mod
from .decisions import latest_decisions
from .scoring import progress as progress_of
from .scoring import reviews as all_reviews
from .summary import summary as summary_of

_LATER = {"submitted": ("submitted", "in_review", "accepted", "rejected", "published"),
          "in_review": ("in_review", "accepted", "rejected", "published"),
          "accepted": ("accepted", "published"), "published": ("published",)}


def _ever(library: Library, statuses: tuple[str, ...]) -> set[str]:
    """Case studies (not in the trash) that have ever had one of ``statuses``, by their history or now."""
    marks = ",".join("?" * len(statuses))
    rows = library.store.query(
        f"SELECT DISTINCT h.case_id AS id FROM history h JOIN case_studies c ON c.id = h.case_id WHERE c.deleted IS "
        f"NULL AND json_extract(h.after, '$.record.status') IN ({marks}) UNION SELECT id FROM case_studies WHERE "
        f"deleted IS NULL AND status IN ({marks})", [*statuses, *statuses])
    return {r["id"] for r in rows}


def flow_counts(library: Library) -> dict[str, Any]:
    """PRISMA-style counts: how many case studies reached each stage, from submitted to published."""
    submitted = _ever(library, _LATER["submitted"])
    reviewed = {r["case"] for r in all_reviews(library)} & submitted
    sent = (_ever(library, _LATER["in_review"]) | {r["case_id"] for r in library.store.query(
        "SELECT DISTINCT case_id FROM review_assignments")}) & submitted
    decided: dict[str, int] = {"accept": 0, "reject": 0, "revise": 0}
    for decision in latest_decisions(library).values():
        decided[decision["decision"]] += 1
    return {"submitted": len(submitted), "sent_to_review": len(sent), "reviewed": len(reviewed),
            "decided": decided, "accepted": len(_ever(library, _LATER["accepted"]) & submitted),
            "published": len(_ever(library, _LATER["published"]) & submitted)}


def _two(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _alpha_words(alpha: float | None) -> str:
    if alpha is None:
        return "not enough overlapping scores to measure agreement yet"
    if alpha >= 0.8:
        return "reliable agreement (Krippendorff suggests 0.800 or more)"
    if alpha >= 0.667:
        return "tentative agreement (0.667 to 0.800)"
    return "low agreement (below 0.667): discuss how the rubric is being read"


def write_report(library: Library, out: str | Path) -> dict[str, Any]:
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise CuratorError(f"the review report is a Word file: give a name ending .docx, not {out.name}")
    data = summary_of(library)
    flow = flow_counts(library)
    doc = office.new_document("Expert reference group review report", landscape=True)
    doc.add_paragraph(f"Prepared {dt.date.today():%d %B %Y}. Rubric version {data['rubric_version']}; "
                      f"{data['agreement']['reviews']} reviews of {len(data['cases'])} case studies. Scores are "
                      "1 to 5, weighted as the rubric says; spread is the largest difference between reviewers on "
                      "any one criterion.")
    office.heading(doc, "Ranking", 2)
    office.add_table(doc, ["Rank", "Case study", "Reviews", "Weighted mean", "Median", "Spread",
                           "Include / with changes / exclude", "Discuss", "Decision"],
                     [[c["rank"] or "–", f"{c['title']} ({c['id']})", c["n"], _two(c["mean"]), _two(c["median"]),
                       "–" if c["spread"] is None else c["spread"],
                       " / ".join(str(c["recommendations"][k]) for k in rubric_mod.RECOMMENDATIONS),
                       "Yes" if c["flag"] else "No", (c["decision"] or {}).get("decision", "")]
                      for c in data["cases"]], widths_cm=[1.6, 8.0, 2.2, 2.5, 2.0, 2.0, 2.9, 2.1, 2.4])
    office.heading(doc, "For discussion: where reviewers disagree", 2)
    flagged = [c for c in data["cases"] if c["flag"]]
    if not flagged:
        doc.add_paragraph("No case study has a spread of 2 or more on a criterion or differing recommendations.")
    for case in flagged:
        office.add_runs(office.paragraph(doc, "", "List Bullet"),
                           f"**{case['id']}: {case['title']}**: " + "; ".join(case["flag_reasons"]))
    office.heading(doc, "Agreement between reviewers", 2)
    alpha = data["agreement"]["krippendorff_alpha"]
    doc.add_paragraph(f"Krippendorff's alpha (ordinal) over every criterion: "
                      f"{'–' if alpha is None else f'{alpha:.3f}'}, {_alpha_words(alpha)}.")
    labels = rubric_mod.labels(rubric_mod.current(library))
    office.add_table(doc, ["Criterion", "Alpha"], [[labels.get(k, k), "–" if v is None else f"{v:.3f}"]
                                                      for k, v in data["agreement"]["by_criterion"].items()])
    office.heading(doc, "Decisions", 2)
    decisions = latest_decisions(library)
    if decisions:
        office.add_table(doc, ["Case study", "Decision", "Reason", "Date"],
                         [[k, v["decision"], v["reason"], v["at"][:10]] for k, v in sorted(decisions.items())],
                         widths_cm=[3.5, 2.5, 15, 3])
    else:
        doc.add_paragraph("No decisions yet.")
    office.heading(doc, "From submission to publication", 2)
    office.add_table(doc, ["Stage", "Case studies"], [
        ["Submitted", flow["submitted"]], ["Sent to review", flow["sent_to_review"]],
        ["Reviewed (at least one review)", flow["reviewed"]],
        *[[f"Decided: {k}", v] for k, v in flow["decided"].items()],
        ["Accepted", flow["accepted"]], ["Published", flow["published"]]])
    office.heading(doc, "Reviewers' progress", 2)
    prog = progress_of(library)
    office.add_table(doc, ["Reviewer", "Assigned", "Scored", "Outstanding", "Late"],
                        [[r["name"], r["assigned"], r["submitted"], len(r["outstanding"]), "Yes" if r["late"] else "No"]
                         for r in prog["reviewers"]])
    office.save(doc, out)
    return {"file": str(out), "cases": len(data["cases"]), "flow": flow}


def export_rows(library: Library) -> tuple[list[str], list[list[Any]]]:
    """Every review, submitted or draft, one row each, with each criterion in its own column."""
    reviews = all_reviews(library, include_drafts=True)
    current = rubric_mod.current(library)
    criteria = [c["id"] for c in current["criteria"]]
    rubrics = {current["version"]: current}
    for review in reviews:
        if review["rubric_version"] not in rubrics:
            rubrics[review["rubric_version"]] = rubric_mod.get(library, review["rubric_version"])
        criteria += [k for k in review["scores"] if k not in criteria]
    titles = {r["id"]: r["title"] for r in library.store.query("SELECT id, title FROM case_studies")}
    header = ["case_id", "title", "reviewer_id", "reviewer", "rubric_version", *criteria, "weighted_score",
              "recommendation", "comment", "state", "submitted", "source"]
    rows = []
    for r in reviews:
        mean = rubric_mod.weighted_mean(rubrics[r["rubric_version"]], r["scores"])
        rows.append([r["case"], titles.get(r["case"], ""), r["reviewer"], r["reviewer_name"], r["rubric_version"],
                     *(r["scores"].get(c) for c in criteria), None if mean is None else round(mean, 2),
                     r["recommendation"], r["comment"], "submitted" if r["submitted"] else "draft",
                     r["submitted"], r["source"]])
    return header, rows


def _safe(value: Any) -> Any:
    """Spreadsheet formula injection: text starting = + - @ is kept as text, not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export(library: Library, out: str | Path) -> dict[str, Any]:
    out = Path(out)
    header, rows = export_rows(library)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([[_safe(v) for v in row] for row in rows])
        write_text_atomic(out, "\ufeff" + buffer.getvalue())  # the BOM lets Excel read UTF-8
    elif suffix == ".xlsx":
        office.check_folder(out)
        wb = Workbook()
        ws = wb.active
        ws.title = "Reviews"
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            office.append_row(ws, row)
        ws.freeze_panes = "A2"
        office.save(wb, out)
    else:
        raise CuratorError(f"export scores to a .csv or .xlsx file, not {out.name}")
    return {"file": str(out), "rows": len(rows)}
