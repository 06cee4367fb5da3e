"""The Excel scoring sheet for reviewers without Curator, and its Word pack of case studies.

``Scores`` has a row per case study, drop-downs for each score and the recommendation, and every cell outside
the score, recommendation and comment columns locked (sheet protection without a password: it prevents slips,
not determined edits, which the checks below catch). A very hidden ``Manifest`` sheet holds the sheet id,
reviewer, rubric version, each case study's version and a SHA-256 over all of it; the library keeps that
checksum too. The case studies go in a Word file written beside the sheet.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import CuratorError
from ..history import now_iso
from ..library import Library
from ..vocab import vocabularies
from . import office, offline
from . import reviewers as reviewers_mod
from . import rubric as rubric_mod

FORMAT = "curator-review-sheet"
FORMAT_VERSION = 1
SCORES, RUBRIC, MANIFEST = "Scores", "Rubric", "Manifest"
FIXED = ("Case ID", "Title", "Organisation")


def _digest(manifest: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def word_pack_name(out: Path) -> str:
    return f"{out.stem} case studies.docx"


def make_sheet(library: Library, reviewer_ref: str, out: str | Path) -> dict[str, Any]:
    """Write OUT.xlsx and, beside it, 'OUT case studies.docx'; returns {"file", "word_pack", "reviewer", "cases"}."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise CuratorError(f"a scoring sheet is written to an .xlsx file, e.g. {out.stem or 'reviewer'}.xlsx")
    office.check_folder(out)
    reviewer = reviewers_mod.get(library, reviewer_ref)
    cases = offline.cases_for(library, reviewer)
    rubric = rubric_mod.current(library)
    criteria = rubric["criteria"]
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "id": uuid.uuid4().hex, "created": now_iso(),
                "reviewer": {"id": reviewer.id, "name": reviewer.name}, "rubric_version": rubric["version"],
                "columns": [c["id"] for c in criteria], "word_pack": word_pack_name(out),
                "cases": [dict({k: c[k] for k in ("id", "title", "version", "content_sha256")}, row=n)
                          for n, c in enumerate(cases, start=2)]}
    checksum = _digest(manifest)
    prefill = offline.own_reviews(library, reviewer.id)

    wb = Workbook()
    ws = wb.active
    ws.title = SCORES
    headers = [*FIXED, *(f"{c['label']} (1–5)" for c in criteria), "Recommendation", "Comment (needed to exclude)"]
    office.append_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_score = len(FIXED) + 1
    rec_col = first_score + len(criteria)
    for case in cases:
        record = case["record"]
        mine = prefill.get(case["id"], {})
        scores = mine.get("scores", {})
        rec = mine.get("recommendation")
        office.append_row(ws, [case["id"], record["title"], record.get("organisation") or "",
                   *(scores.get(c["id"]) for c in criteria),
                   rubric_mod.RECOMMENDATIONS.get(rec) if rec else None, mine.get("comment") or None])
    last = len(cases) + 1
    score_dv = DataValidation(type="list", formula1='"1,2,3,4,5"', allow_blank=True, showErrorMessage=True,
                              errorTitle="Score 1 to 5", error="Choose a score from 1 to 5 (see the Rubric sheet).",
                              promptTitle="Score", prompt="1 (low) to 5 (high); descriptors on the Rubric sheet")
    rec_dv = DataValidation(type="list", formula1='"' + ",".join(rubric_mod.RECOMMENDATIONS.values()) + '"',
                            allow_blank=True, showErrorMessage=True, errorTitle="Recommendation",
                            error="Choose Include, Include with changes or Exclude.")
    ws.add_data_validation(score_dv)
    ws.add_data_validation(rec_dv)
    score_dv.add(f"{get_column_letter(first_score)}2:{get_column_letter(rec_col - 1)}{last}")
    rec_dv.add(f"{get_column_letter(rec_col)}2:{get_column_letter(rec_col)}{last}")
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=first_score, max_col=rec_col + 1):
        for cell in row:
            cell.protection = Protection(locked=False)
    for col, width in zip(range(1, len(headers) + 1), [16, 50, 30, *([14] * len(criteria)), 22, 60], strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "D2"
    _protect(ws)

    guide = wb.create_sheet(RUBRIC)
    guide.append(["Criterion", "Weight", *(f"Score {n}" for n in rubric_mod.LEVELS)])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for c in criteria:
        office.append_row(guide, [c["label"], c["weight"], *(c["levels"][n] for n in rubric_mod.LEVELS)])
    guide.append([])
    guide.append([f"Scores for {reviewer.name}. The case studies are in '{word_pack_name(out)}'. Choose a score "
                  "for every criterion and a recommendation on the Scores sheet; an exclude needs a reason in the "
                  "comment. Save and return this file to the review chair."])
    for col in range(1, 8):
        guide.column_dimensions[get_column_letter(col)].width = 40 if col != 2 else 8
    _protect(guide)

    hidden = wb.create_sheet(MANIFEST)
    for key in ("format", "format_version", "id", "created", "rubric_version", "word_pack"):
        hidden.append([key, manifest[key]])
    hidden.append(["reviewer", json.dumps(manifest["reviewer"], ensure_ascii=False)])
    hidden.append(["columns", json.dumps(manifest["columns"])])
    for case in manifest["cases"]:
        office.append_row(hidden, ["case", json.dumps(case, ensure_ascii=False)])
    hidden.append(["checksum", checksum])
    hidden.sheet_state = "veryHidden"
    _protect(hidden)

    word = out.with_name(word_pack_name(out))
    write_word_pack([c["record"] for c in cases], reviewer.name, rubric, word)
    office.save(wb, out)
    offline.register(library, manifest["id"], "sheet", reviewer, checksum, [c["id"] for c in cases])
    return {"file": str(out), "word_pack": str(word), "reviewer": reviewer.id, "cases": [c["id"] for c in cases]}


def _protect(ws: Any) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may still widen columns and rows to read
    ws.protection.formatRows = False


#: a returned sheet is a few hundred kB; these limits refuse a huge or bomb-like file before openpyxl reads it
MAX_SHEET_BYTES = 20 * 2**20
MAX_SHEET_UNPACKED = 60 * 2**20


def _refuse_oversized(path: Path) -> None:
    import zipfile

    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except FileNotFoundError:
        raise CuratorError(f"{path} does not exist; check the file name") from None
    except (OSError, zipfile.BadZipFile):
        return  # load_workbook gives the message for a damaged file
    if size > MAX_SHEET_BYTES or unpacked > MAX_SHEET_UNPACKED:
        raise offline.MergeRefused(f"{path.name} is {max(size, unpacked) // 2**20} MB unpacked, far more than a "
                                   "scoring sheet can be (a sheet holds one row per case study); it was not read: "
                                   "ask the reviewer for the sheet Curator made; nothing merged")


def read_sheet(path: str | Path) -> offline.Returned:
    """A returned sheet as scores to merge; refuses one whose manifest or case rows were altered."""
    path = Path(path)
    _refuse_oversized(path)
    try:
        wb = load_workbook(path)  # formulas as formulas: a score must be typed, not computed
    except FileNotFoundError:
        raise CuratorError(f"{path} does not exist; check the file name") from None
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise offline.MergeRefused(f"{path.name} is not a readable Excel workbook ({type(err).__name__}); ask "
                                   "the reviewer to save it again as .xlsx") from None
    if MANIFEST not in wb.sheetnames or SCORES not in wb.sheetnames:
        raise offline.MergeRefused(f"{path.name} is not a Curator scoring sheet (its Scores or Manifest sheet is "
                                   "missing); merge the sheet made with 'review sheet'")
    manifest: dict[str, Any] = {"cases": []}
    stored = None
    try:
        for key, value, *_ in wb[MANIFEST].iter_rows(values_only=True):
            if key == "case":
                manifest["cases"].append(json.loads(value))
            elif key in ("reviewer", "columns"):
                manifest[key] = json.loads(value)
            elif key == "checksum":
                stored = value
            elif key:
                manifest[key] = value
    except (ValueError, TypeError):
        stored = None
    if manifest.get("format") != FORMAT or stored is None or _digest(manifest) != stored:
        raise offline.MergeRefused(f"tampered file: the hidden manifest of {path.name} has been changed or damaged "
                                   "(its checksum does not match); ask the reviewer for their scores in a new "
                                   "sheet; nothing merged")
    try:
        return _read_scores(wb[SCORES], manifest, stored)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise offline.MergeRefused(f"tampered file: {path.name} is damaged or was altered (its manifest is not what "
                                   "Curator wrote); ask the reviewer for their scores in a new sheet; nothing "
                                   "merged") from None


def _read_scores(ws: Any, manifest: dict[str, Any], stored: str) -> offline.Returned:
    columns = manifest["columns"]
    first_score = len(FIXED) + 1
    responses: dict[str, dict[str, Any]] = {}
    headers = [cell.value for cell in ws[1]]
    for case in manifest["cases"]:
        cells = list(ws[case["row"]])
        for cell in cells[first_score - 1:first_score + len(columns) + 1]:
            if cell.data_type in ("f", "e"):
                column = headers[cell.column - 1] if cell.column <= len(headers) else cell.column_letter
                raise offline.MergeRefused(
                    f"{case['id']} (row {case['row']}), {column}: cell {cell.coordinate} holds a formula or an error "
                    f"({cell.value}); type the value itself (start text with ' if it begins with =); nothing merged")
        row = [cell.value for cell in cells]
        row += [None] * (first_score + len(columns) + 2 - len(row))
        if row[0] != case["id"]:
            raise offline.MergeRefused(f"tampered file: row {case['row']} of the Scores sheet should be {case['id']} "
                                       f"but holds {row[0]!r}; rows must not be moved or edited outside the score "
                                       "columns; nothing merged")
        scores = {cid: row[first_score - 1 + i] for i, cid in enumerate(columns)
                  if row[first_score - 1 + i] not in (None, "")}
        rec, comment = row[first_score - 1 + len(columns)], row[first_score + len(columns)]
        if scores or rec or comment:
            responses[case["id"]] = {"scores": scores, "recommendation": rec, "row": case["row"],
                                     "comment": "" if comment is None else str(comment)}
    reviewer = manifest.get("reviewer") or {}
    return offline.Returned("sheet", manifest["id"], reviewer.get("id", ""), reviewer.get("name", ""),
                            int(manifest["rubric_version"]), manifest["cases"], stored, responses)


def write_word_pack(records: list[dict[str, Any]], reviewer_name: str, rubric: dict[str, Any], out: Path) -> None:
    """The case studies a reviewer scores, one section each, then the rubric; no contact details."""
    vocab = vocabularies()
    doc = office.new_document(f"Case studies for review by {reviewer_name}")
    doc.add_paragraph(f"{len(records)} case studies. Score each on the scoring sheet; the rubric is at the end.")
    for n, record in enumerate(records):
        if n:
            doc.add_page_break()  # one case study per page when printed
        office.heading(doc, f"{record['id']}: {record['title']}", 2)
        ics = vocab.ics.by_id.get(record.get("ics") or "")
        facts = [("Lead organisation", record.get("organisation")), ("ICS", ics.label if ics else ""),
                 ("Clinical areas", ", ".join(vocab.areas.by_id[a].label for a in record.get("clinical_areas", [])
                                              if a in vocab.areas.by_id)),
                 ("Population groups", ", ".join(vocab.groups.by_id[g].label for g in
                                                 record.get("population_groups", []) if g in vocab.groups.by_id)),
                 ("Period", record.get("period")), ("Evaluation", record.get("evaluation_type"))]
        office.add_table(doc, ["Field", "Value"], [[k, v] for k, v in facts if v])
        for label, field in (("Summary", "summary"), ("What was done", "body")):
            if record.get(field):
                office.heading(doc, label, 3)
                office.add_markdown(doc, record[field], base_level=4)
        if record.get("outcomes"):
            office.heading(doc, "Outcomes", 3)
            office.add_table(doc, ["Measure", "Value"], [[o.get("measure"), o.get("value")]
                                                           for o in record["outcomes"]])
        if record.get("lessons"):
            office.heading(doc, "Lessons learned", 3)
            for lesson in record["lessons"]:
                office.add_runs(office.paragraph(doc, "", "List Bullet"), lesson)
    office.heading(doc, f"Rubric (version {rubric['version']})", 2)
    for c in rubric["criteria"]:
        office.heading(doc, f"{c['label']} (weight {c['weight']})", 3)
        office.add_table(doc, ["Score", "Descriptor"], [[n, c["levels"][n]] for n in rubric_mod.LEVELS])
    office.save(doc, out)
