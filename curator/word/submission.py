"""The submission form: a Word document an ICS or trust fills in without Curator, and reading it back exactly.

Layout, shared by the blank template, a filled export and the reader: each section is a two-column table
("Question" | "Your answer") whose left cell starts with the field's label; tags are tick tables listing every
valid choice; outcomes, key actions and attachments are tables to extend. One answer paragraph is one line of
text (or one list item), so record → form → record gives every field back byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..model import CONTACT_KEYS, FIELD_LABELS, TAG_FIELDS, unknown_fields
from ..vocab import vocabularies
from . import blocks, house
from .reading import cell_lines

FORM_KEYWORD = "curator-submission-form-v1"
QA_HEADERS = ("Question", "Your answer")
TICK_HEADER = "Choose (X, or 1, 2, 3 in order of importance)"
TICK_NOUN = {"clinical_areas": "Clinical area", "population_groups": "Population group",
             "action_areas": "Action area"}
TABLE_HEADERS = {"outcomes": ("Measure", "Value"), "key_actions": ("Action", "Audience"),
                 "attachments": ("Attachment name", "SHA-256")}
ICS_HEADERS = ("ICS", "Code", "Region")
YES, NO = "Yes", "No"

# (path, kind, hint); kind: text | lines | list | bool | text_or_bool | json
Q = tuple[str, str, str]
SECTIONS: list[tuple[str, list[Q]]] = [
    ("About the case study", [
        ("title", "text", "A short descriptive title (required), e.g. 'Barbershop blood pressure checks in north "
                          "Birmingham'."),
        ("organisation", "text", "The lead organisation(s)."),
        ("ics", "text", "The name of one Integrated Care System from the list at the end of this form."),
        ("ahsn", "text", "Your Health Innovation Network, if one supported the work."),
        ("programme", "text", "e.g. Innovation for Healthcare Inequalities Programme (InHIP)."),
        ("period", "text", "When it ran, in your words, e.g. '6-month pilot from February 2023'."),
        ("year", "text", "The year the work started, e.g. 2023."),
        ("local_groups", "list", "Locally defined PLUS groups, one per line (e.g. live-aboard boaters)."),
    ]),
    ("The case study", [
        ("summary", "lines", "Two or three sentences for the guide. Do not include anything that could identify "
                             "a patient."),
        ("body", "lines", "The full story: background, what you did, who was involved, challenges. Use as many "
                          "paragraphs as you need. Optional formatting: ## Heading, **bold**, *italic*, and lines "
                          "starting with - for bullets."),
        ("context_figures", "list", "Baseline facts about your population or area, one per line."),
        ("lessons", "list", "What others should know, one lesson per line."),
        ("partners", "list", "Partner organisations, one per line."),
        ("evaluation_type", "text", "e.g. service evaluation, audit, pilot with before/after data, anecdotal."),
        ("source_url", "text", "A public web page about the work, if there is one."),
        ("additional_sources", "list", "Other public sources, one per line."),
    ]),
    ("Contact", [
        ("contact.name", "text", "Who can tell others more about this work."),
        ("contact.role", "text", "Their job title."),
        ("contact.email", "text", "A work email address."),
        ("contact.phone", "text", "A work phone number."),
        ("contact_consent", "bool", "Yes if this contact may be printed in the published guide; otherwise No."),
    ]),
    ("Declarations and sign-off", [
        ("declarations.sponsorship", "text", "Any industry sponsorship or funding; leave empty if none."),
        ("declarations.data_protection_consent", "bool", "Yes if you agree we may hold and publish this case study."),
        ("signoff.wording_approved_by", "text", "Who approved this wording for publication."),
        ("signoff.comms_signoff", "text_or_bool", "Yes once your communications team has signed it off."),
        ("signoff.image_rights", "text", "Who holds the rights to any picture you send, and that we may use it."),
    ]),
    ("For office use", [
        ("id", "text", "Filled in by Curator. Leave as it is."),
        ("status", "text", "Filled in by Curator."),
        ("review_by", "text", "When to check the case study again (YYYY-MM-DD)."),
        ("other", "json", "Other data Curator keeps with this case study. Do not edit."),
    ]),
]
SUB_LABELS = {"contact.name": "Contact name", "contact.role": "Contact role", "contact.email": "Contact email",
              "contact.phone": "Contact phone", "declarations.sponsorship": "Industry sponsorship",
              "declarations.data_protection_consent": "Consent to hold and publish",
              "signoff.wording_approved_by": "Wording approved by", "signoff.comms_signoff": "Communications sign-off",
              "signoff.image_rights": "Image rights", "id": "Curator id", "other": "Other data"}
NESTED = ("contact", "declarations", "signoff")
KNOWN_NESTED = {"contact": set(CONTACT_KEYS), "declarations": {"sponsorship", "data_protection_consent"},
                "signoff": {"wording_approved_by", "comms_signoff", "image_rights"}}
INSTRUCTIONS = [
    "Use this form to send a case study about tackling healthcare inequalities. Type your answers in the right-hand "
    "column ('Your answer'). Please do not change the left-hand column: Curator reads the form by its questions.",
    "Where a question asks for a list, put one item per line (press Enter between items).",
    "In the tick tables, type X beside each choice that applies, or number them 1, 2, 3 to show the most "
    "important first.",
    "To add rows to the outcomes or key actions tables, click in the last cell and press Tab.",
    "Do not include anything that could identify a patient: no names, NHS numbers, addresses, postcodes, or dates "
    "of birth. Save the file as a Word document (.docx) and send it back.",
]


def label_for(path: str) -> str:
    return SUB_LABELS.get(path) or FIELD_LABELS.get(path, path)


def _get(record: dict[str, Any], path: str) -> Any:
    if "." in path:
        outer, inner = path.split(".", 1)
        value = record.get(outer)
        return value.get(inner) if isinstance(value, dict) else None
    return record.get(path)


def _answer_lines(record: dict[str, Any], path: str, kind: str) -> list[str]:
    if path == "other":
        extra = other_data(record)
        return [json.dumps(extra, ensure_ascii=False, sort_keys=True)] if extra else []
    if path == "ics":
        term = vocabularies().ics.by_id.get(record.get("ics") or "")
        return [term.label] if term else []
    value = _get(record, path)
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, bool):
        return [YES if value else NO]
    if kind == "list":
        return [str(v) for v in value]
    return str(value).split("\n")


def other_data(record: dict[str, Any]) -> dict[str, Any]:
    """Unknown fields and unknown keys of contact/declarations/signoff: kept so the form loses nothing."""
    extra: dict[str, Any] = {k: record[k] for k in unknown_fields(record) if k not in ("created", "updated")}
    for name in NESTED:
        value = record.get(name)
        if isinstance(value, dict):
            more = {k: v for k, v in value.items() if k not in KNOWN_NESTED[name]}
            if more:
                extra.setdefault(name, {}).update(more)
    return extra


def _set_lines(doc: Any, cell: Any, lines: list[str]) -> None:
    if lines:
        blocks.add_run(cell.paragraphs[0], lines[0])
    for line in lines[1:]:
        blocks.add_para(doc, cell, "Normal", line)


def _question_cell(doc: Any, cell: Any, label: str, hint: str) -> None:
    blocks.add_run(cell.paragraphs[0], label, bold=True)
    blocks.add_run(blocks.add_para(doc, cell), hint, color=house.NHS_GREY)


def build_form(record: dict[str, Any] | None = None) -> Any:
    """The form as a python-docx Document: blank (``record`` None) or filled with one record."""
    record = record or {}
    vocab = vocabularies()
    doc = house.new_document()
    house.set_properties(doc, title=record.get("title") or "Case study submission form",
                         subject="Case study submission form", keywords=FORM_KEYWORD)
    house.page_number_footer(doc.sections[0], "Case study submission form")
    blocks.add_para(doc, doc, "Title", "Case study submission form")
    blocks.add_para(doc, doc, "Subtitle", "Tackling healthcare inequalities: good practice case studies")
    blocks.add_para(doc, doc, "Heading 1", "How to fill in this form")
    for text in INSTRUCTIONS:
        blocks.add_para(doc, doc, "List Bullet", text)
    for number, (heading, questions) in enumerate(SECTIONS):
        blocks.add_para(doc, doc, "Heading 1", heading)
        _qa_table(doc, record, questions)
        if number == 0:
            _tag_tables(doc, record, vocab)
        if number == 1:
            _row_tables(doc, record, vocab)
    blocks.add_para(doc, doc, "Heading 2", "Attachments")
    blocks.add_para(doc, doc, "Normal", "Pictures and documents kept with this case study (filled in by Curator).")
    rows = [[a.get("name", ""), a.get("sha256", "")] for a in record.get("attachments") or []]
    blocks.data_table(doc, list(TABLE_HEADERS["attachments"]), rows or [["", ""]])
    blocks.add_para(doc, doc, "Heading 1", "Appendix: Integrated Care Systems")
    blocks.add_para(doc, doc, "Normal", "Write the ICS name exactly as in the first column.")
    blocks.data_table(doc, list(ICS_HEADERS), [[t.label, t.id, t.extra.get("region", "")] for t in vocab.ics])
    return doc


def _qa_table(doc: Any, record: dict[str, Any], questions: list[Q]) -> None:
    table = blocks.data_table(doc, list(QA_HEADERS), [["", ""] for _ in questions], widths=[6.6, 10.0])
    for row, (path, kind, hint) in zip(table.rows[1:], questions, strict=True):
        _question_cell(doc, row.cells[0], label_for(path), hint)
        _set_lines(doc, row.cells[1], _answer_lines(record, path, kind))


def _tag_tables(doc: Any, record: dict[str, Any], vocab: Any) -> None:
    for field, noun in TICK_NOUN.items():
        blocks.add_para(doc, doc, "Heading 2", FIELD_LABELS[field])
        vocabulary = getattr(vocab, TAG_FIELDS[field])
        chosen = list(record.get(field) or [])
        in_table_order = [t.id for t in vocabulary if t.id in chosen] == chosen
        rows = []
        for term in vocabulary:
            mark = ""
            if term.id in chosen:
                mark = "X" if in_table_order else str(chosen.index(term.id) + 1)
            rows.append([mark, term.label])
        blocks.data_table(doc, [TICK_HEADER, noun], rows, widths=[4.0, 12.6])


def _row_tables(doc: Any, record: dict[str, Any], vocab: Any) -> None:
    blocks.add_para(doc, doc, "Heading 2", FIELD_LABELS["outcomes"])
    blocks.add_para(doc, doc, "Normal", "What changed, with figures where you have them (one measure per row).")
    rows = [[o.get("measure", ""), o.get("value", "")] for o in record.get("outcomes") or []]
    blocks.data_table(doc, list(TABLE_HEADERS["outcomes"]), rows + [["", ""]] * (0 if rows else 4))
    blocks.add_para(doc, doc, "Heading 2", FIELD_LABELS["key_actions"])
    audiences = ", ".join(t.label for t in vocab.audiences)
    blocks.add_para(doc, doc, "Normal", f"High impact actions others could take, each with who should take it ({audiences}).")
    rows = [[a.get("action", ""), a.get("audience", "")] for a in record.get("key_actions") or []]
    blocks.data_table(doc, list(TABLE_HEADERS["key_actions"]), rows + [["", ""]] * (0 if rows else 3))


def write_form(path: Path, record: dict[str, Any] | None = None) -> int:
    return house.save_clean(build_form(record), path)


# -- reading a filled form back ---------------------------------------------------------------------------
def _header(table: Any) -> tuple[str, ...]:
    if not table.rows:
        return ()
    return tuple(" ".join("\n".join(cell_lines(c)).split()) for c in table.rows[0].cells)


def is_form(document: Any) -> bool:
    if FORM_KEYWORD in (document.core_properties.keywords or ""):
        return True
    return sum(_header(t)[:2] == QA_HEADERS for t in document.tables) >= 2


def read_form(document: Any) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """(raw record, notes, warnings) from a filled form; values go to ``normalise`` unchanged."""
    by_label = {label_for(path).casefold(): (path, kind) for _, qs in SECTIONS for path, kind, _ in qs}
    raw: dict[str, Any] = {}
    notes: list[dict[str, Any]] = []
    warnings: list[str] = []
    nouns = {noun: field for field, noun in TICK_NOUN.items()}
    for table in document.tables:
        header = _header(table)
        body = table.rows[1:]
        if header[:2] == QA_HEADERS:
            for row in body:
                cells = row.cells
                if len(cells) < 2:
                    continue
                lines = cell_lines(cells[0])
                label = lines[0].strip().rstrip("*:").strip().casefold() if lines else ""
                if label not in by_label:
                    if label:
                        warnings.append(f"the form has a question Curator does not know ('{lines[0]}'); its answer "
                                        "was not imported")
                    continue
                path, kind = by_label[label]
                _put(raw, path, kind, cell_lines(cells[1]), warnings)
        elif len(header) >= 2 and header[1] in nouns:
            raw[nouns[header[1]]] = _ticked(body)
        elif header[:2] in {v: k for k, v in TABLE_HEADERS.items()}:
            field = {v: k for k, v in TABLE_HEADERS.items()}[header[:2]]
            keys = {"outcomes": ("measure", "value"), "key_actions": ("action", "audience"),
                    "attachments": ("name", "sha256")}[field]
            rows = []
            for row in body:
                cells = row.cells
                values = ["\n".join(cell_lines(c)) for c in cells[:2]] + [""] * (2 - len(cells[:2]))
                if any(v.strip() for v in values):
                    rows.append(dict(zip(keys, values, strict=True)))
            raw[field] = rows
    notes.append({"kind": "form", "message": "read as a Curator submission form", "fields": sorted(raw)})
    return raw, notes, warnings


def _put(raw: dict[str, Any], path: str, kind: str, lines: list[str], warnings: list[str]) -> None:
    text = "\n".join(lines)
    if kind == "json":
        if text.strip():
            try:
                extra = json.loads(text)
            except json.JSONDecodeError:
                warnings.append("'Other data' in the office-use section is not valid JSON; it was kept as the field "
                                "'other_data_text'")
                raw["other_data_text"] = text
                return
            for key, value in extra.items() if isinstance(extra, dict) else ():
                if key in NESTED and isinstance(value, dict):
                    raw.setdefault(key, {}).update(value)
                else:
                    raw[key] = value
        return
    if kind == "list":
        value: Any = [line for line in lines if line.strip()]
    elif kind in ("bool", "text_or_bool"):
        folded = text.strip().casefold()
        if folded in ("yes", "y", "true", "x", "✓"):
            value = True
        elif folded in ("no", "n", "false", ""):
            value = False if kind == "bool" or folded else ""
        else:
            value = text
    elif path == "year" and not text.strip().isdigit() and re.match(r"\s*(19|20)\d{2}\b", text):
        value = int(text.strip()[:4])
        warnings.append(f"year: read '{text.strip()}' as {value}")
    else:
        value = text
    if "." in path:
        outer, inner = path.split(".", 1)
        raw.setdefault(outer, {})[inner] = value
    else:
        raw[path] = value


def _ticked(rows: list[Any]) -> list[str]:
    """Labels marked in a tick table: numbered ones first in number order, then the others in table order."""
    numbered, marked = [], []
    for position, row in enumerate(rows):
        cells = row.cells
        if len(cells) < 2:
            continue
        mark = "".join(cell_lines(cells[0])).strip()
        label = " ".join("\n".join(cell_lines(cells[1])).split())
        if not mark or not label:
            continue
        if mark.isdigit():
            numbered.append((int(mark), position, label))
        else:
            marked.append(label)
    return [label for _, _, label in sorted(numbered)] + marked
