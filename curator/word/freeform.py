"""Read a free-form Word case study into a raw record, reporting truthfully where every part of the document went.

Title from the Title style, the first heading, or a large bold first line. Sections start at heading styles or
bold one-line paragraphs and are mapped by their wording (``freeform_map``); "Label: value" lines fill their
fields when the value reads as that field (a second value, or one that does not parse, stays in the body with a
warning); measure tables and "measure: value" bullets become outcomes; bullets in list sections become list
items; everything else stays in the body as Markdown (numbered lists as ``1.`` lists with their nesting, runs of
the same formatting merged so a word split across runs stays one word). Every paragraph lands in some field: a
heading with nothing under it is kept in the body. Text boxes, content controls (also around table rows and
cells), equations and drawing and SmartArt text are read in place; headers, footers, comments and tracked
deletions are reported, not imported; footnotes are appended to the body; pictures become attachments. A
heuristic value the record would refuse (a year out of range, an over-long title) goes back to the body with a
warning instead of refusing the document. The whole read runs under a time budget (``reading.Deadline``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from ..errors import FileRefused, RecordErrors
from ..importers import ImportItem
from ..vocab import vocabularies
from . import freeform_map as fm
from .freeform_blocks import Blocks, markdown_line, run_format
from .freeform_parts import (
    body_pictures,
    comments,
    excerpt,
    footnotes,
    page_furniture,
    related_parts,
    xml_part,
)
from .reading import (
    TRANSPARENT,
    W_P,
    W_SDT,
    W_SDTCONTENT,
    W_TBL,
    Deadline,
    cell_block_lines,
    deleted_text,
    is_header_row,
    numbering_formats,
    paragraph_text,
    row_cells,
    style_elements,
    style_names,
    style_numbering,
    style_outline_levels,
    table_rows,
    text_boxes,
)

W_PPR, W_PSTYLE, W_VAL, W_OUTLINE = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:outlineLvl")
W_NUMPR, W_NUMID, W_ILVL, W_INS = qn("w:numPr"), qn("w:numId"), qn("w:ilvl"), qn("w:ins")
W_R, W_T = qn("w:r"), qn("w:t")
_NO_TEXT = {qn("w:sectPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:del"), qn("w:moveFrom"),
            qn("w:proofErr"), qn("w:permStart"), qn("w:permEnd")}
LIST_FIELDS = ("lessons", "partners", "context_figures", "additional_sources")
_BULLET = re.compile(r"^\s*[•●▪◦‣∙·*–-]\s+")
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s+")
HEADING_MAX = 200  # a "heading" longer than this is body text wearing a heading style
TITLE_CANDIDATE_MAX = 200
SINGLE = {"title", "organisation", "ics", "programme", "ahsn", "period", "year", "evaluation_type", "source_url",
          "declarations.sponsorship", "contact.email", "contact.phone", "contact.role"}
DGM_RELIDS = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds"
R_DM = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}dm"
A_P, A_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}p", \
    "{http://schemas.openxmlformats.org/drawingml/2006/main}t"
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.IGNORECASE)
_CONTACT_LABEL_WORDS = {"email", "e-mail", "tel", "telephone", "phone", "mobile", "contact", "contact details",
                        "name", "role"}


class _Reader:
    def __init__(self, path: Path, document: Any, parts: dict[str, bytes]) -> None:
        self.path = path
        self.name = path.name
        self.document = document
        self.parts = parts
        self.related = related_parts(document)
        self.deadline = Deadline(self.name)
        self.raw: dict[str, Any] = {}
        self.notes: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.attachments: list[tuple[str, bytes]] = []
        self.body = Blocks()
        self.summary = Blocks()
        self.section = "body"
        self.heading: str | None = None
        self.heading_note: dict[str, Any] | None = None
        self.heading_written = True
        self.section_fields: set[str] = set()
        self.title_element: Any = None
        elements = style_elements(xml_part(parts, self.related.get("styles", [None])[0]))
        self.styles = style_names(elements)
        self.outline = style_outline_levels(elements)
        self.style_lists = style_numbering(elements)
        self.formats = numbering_formats(xml_part(parts, self.related.get("numbering", [None])[0]))
        self.any_text = False
        self._style_memo: tuple[Any, str | None] = (None, None)
        self._list_memo: tuple[Any, Any] = (None, None)

    # -- paragraphs ---------------------------------------------------------------------------------------
    def style_id(self, p: Any) -> str | None:
        if self._style_memo[0] is p:  # asked several times per paragraph: found once
            return self._style_memo[1]
        ppr = p.find(W_PPR)
        style = ppr.find(W_PSTYLE) if ppr is not None else None
        found = style.get(W_VAL) if style is not None else None
        self._style_memo = (p, found)
        return found

    def style_name(self, p: Any) -> str:
        style_id = self.style_id(p)
        return self.styles.get(style_id, style_id or "") if style_id else ""

    def heading_level(self, p: Any, text: str) -> int:
        """1-9 for a heading style or outline level, 10 for a bold one-line paragraph, 0 otherwise."""
        name = self.style_name(p)
        match = re.match(r"heading (\d)", name.casefold())
        if match:
            return int(match.group(1))
        ppr = p.find(W_PPR)
        outline = ppr.find(W_OUTLINE) if ppr is not None else None
        if outline is not None and outline.get(W_VAL, "9").isdigit() and int(outline.get(W_VAL)) < 9:
            return int(outline.get(W_VAL)) + 1
        style_id = self.style_id(p)
        if style_id in self.outline:  # a house heading style ("NHS Heading")
            return self.outline[style_id]
        stripped = text.strip()
        if (stripped and len(stripped) <= 90 and "\n" not in stripped and not stripped.endswith((".", ",", ";"))
                and self.all_bold(p) and self.list_info(p, text) is None and not fm.label_line(stripped)):
            return 10
        return 0

    def all_bold(self, p: Any) -> bool:
        runs = [r for r in p.iter(W_R) if "".join(t.text or "" for t in r.iter(W_T)).strip()]
        if not runs:
            return False
        style_bold = self.style_name(p).casefold() in ("strong",)
        return all(run_format(run)[0] or style_bold for run in runs)

    def list_info(self, p: Any, text: str) -> tuple[bool, int, str, str | None] | None:
        """(ordered, level, item text, typed line) for a list paragraph, else None."""
        if self._list_memo[0] is p:
            return self._list_memo[1]
        found_info = self._list_info(p, text)
        self._list_memo = (p, found_info)
        return found_info

    def _list_info(self, p: Any, text: str) -> tuple[bool, int, str, str | None] | None:
        ppr = p.find(W_PPR)
        num = ppr.find(W_NUMPR) if ppr is not None else None
        style_id = self.style_id(p)
        found: tuple[str, int] | None = None
        if num is not None:
            num_id, ilvl = num.find(W_NUMID), num.find(W_ILVL)
            level = ilvl.get(W_VAL, "0") if ilvl is not None else "0"
            style_num = self.style_lists.get(style_id or "")
            found = (num_id.get(W_VAL, "0") if num_id is not None else (style_num or ("0", 0))[0],
                     int(level) if level.isdigit() else 0)
        elif style_id in self.style_lists:
            found = self.style_lists[style_id or ""]
        if found is not None and found[0] != "0":
            fmt = self.formats.get(found, "bullet" if not self.formats else "decimal")
            stripped = _BULLET.sub("", text).strip()
            return fmt not in ("bullet", "none"), min(found[1], 8), stripped, None
        name = self.styles.get(style_id, style_id or "").casefold() if style_id else ""
        if _BULLET.match(text):
            return False, 0, _BULLET.sub("", text).strip(), None
        if _NUMBERED.match(text):
            return True, 0, _NUMBERED.sub("", text).strip(), text.strip()
        if name.startswith(("list bullet", "list paragraph")):
            return False, 0, text.strip(), None
        if name.startswith("list number"):
            return True, 0, text.strip(), None
        return None

    def large(self, p: Any) -> bool:
        sizes = [int(s.get(qn("w:val"), "0")) for s in p.iter(qn("w:sz")) if s.get(qn("w:val"), "").isdigit()]
        return bool(sizes) and min(sizes) >= 28

    # -- walking the body ---------------------------------------------------------------------------------
    def run(self) -> ImportItem:
        # The main part parsed again with plain lxml: python-docx's element classes make every find() build a
        # proxy object, several times slower on documents of 100,000 paragraphs.
        root = xml_part(self.parts, str(self.document.part.partname).lstrip("/"))
        bodies = root.findall(qn("w:body")) if root is not None else []
        if not bodies:
            bodies = [self.document.element.body]
        self.find_title(bodies[0])
        for body in bodies:  # a second w:body (some generators write one) is read too, never ignored
            self.walk(body, "body")
        self.close_section()
        self.pictures()
        self.read_parts()
        if not self.any_text:
            raise FileRefused(f"{self.name} has no text; it may hold only pictures or be blank. Add the case "
                              "study's text (or fill in the Curator submission form) and import it again")
        if "title" not in self.raw:
            self.raw["title"] = self.path.stem
            self.warnings.append(f"no title found (no Title style, heading or bold first line); used the file name "
                                 f"'{self.path.stem}': change it in Curator")
        self.settle()
        if self.summary:
            self.raw["summary"] = self.summary.text()
        body_text = self.body.text().strip()
        if body_text:
            self.raw["body"] = body_text + "\n"
        return ImportItem(self.name, self.raw, warnings=self.warnings, attachments=self.attachments,
                          notes=self.notes)

    def settle(self) -> None:
        """Values read by heuristics that the record would refuse go back to the body, with a warning: one odd
        line must not refuse a whole free-form document (the submission form still validates strictly)."""
        from ..model import normalise

        for _ in range(20):
            try:
                normalise(dict(self.raw, summary=self.summary.text(), body=self.body.text()))
                return
            except RecordErrors as err:
                moved = False
                for error in err.errors:
                    field = re.split(r"[.\[]", error.field, maxsplit=1)[0]
                    if field in ("body", "summary") or field not in self.raw:
                        continue
                    value = self.raw.pop(field)
                    text = _flatten(value)
                    if text.strip():
                        self.body.para(f"{field.replace('_', ' ').capitalize()}: {text}")
                    self.warnings.append(f"{error}; the value was kept in the body instead")
                    for note in self.notes:
                        if note.get("field") == field:
                            note["field"] = "body"
                    moved = True
                if "title" not in self.raw:
                    self.raw["title"] = self.path.stem[:200] or "Untitled"
                if not moved:
                    return

    def find_title(self, body: Any) -> None:
        paragraphs = []
        for p in body.iter(W_P):
            text = paragraph_text(p)
            if text.strip():
                paragraphs.append((p, text))
        fits = [(p, t) for p, t in paragraphs if len(" ".join(t.split())) <= TITLE_CANDIDATE_MAX]
        for p, text in fits:
            if self.style_name(p).casefold() == "title":
                return self.set_title(p, text, "Title style")
        for p, text in paragraphs:
            if self.heading_level(p, text) in range(1, 10) and len(text.strip()) <= HEADING_MAX:
                if not fm.is_section_name(text) and len(" ".join(text.split())) <= TITLE_CANDIDATE_MAX:
                    return self.set_title(p, text, "first heading")
                break  # the first heading names a section ("Background"): there is no title heading
        if paragraphs:
            first, text = paragraphs[0]
            text = text.strip()
            if len(text) <= TITLE_CANDIDATE_MAX and (self.all_bold(first) or self.large(first)) \
                    and not fm.is_section_name(text):
                return self.set_title(first, text, "large or bold first line")
        return None

    def set_title(self, p: Any, text: str, how: str) -> None:
        text = " ".join(text.split())
        self.raw["title"] = text
        self.title_element = p
        self.notes.append({"kind": "title", "text": text, "from": how, "field": "title"})

    def walk(self, container: Any, where: str) -> None:
        for child in container:
            self.deadline.check()
            tag = child.tag
            if tag == W_P:
                self.paragraph(child, where)
                for box in text_boxes(child):
                    self.nested(box, "text box", {"kind": "text_box"})
                self.diagrams(child)
            elif tag == W_TBL:
                self.table(child, where)
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                names = [e.get(qn("w:val")) for e in child.iterfind(f"{qn('w:sdtPr')}/*")
                         if e.tag in (qn("w:alias"), qn("w:tag"))]
                if content is not None:
                    self.nested(content, "content control", {"kind": "content_control", "name": (names or [""])[0]})
            elif tag in TRANSPARENT:
                self.walk(child, where)
            elif isinstance(tag, str) and tag not in _NO_TEXT and next(child.iter(W_T), None) is not None:
                self.unknown(child, where)

    def unknown(self, element: Any, where: str) -> None:
        """An element Word would not write here (or a newer one): its text is read as a paragraph, and noted."""
        text = paragraph_text(element)
        if text.strip():
            self.notes.append({"kind": "unknown_element", "element": etree.QName(element).localname,
                               "text": excerpt(text), "field": self.section, "action": "its text was read as a "
                               "paragraph"})
            self.paragraph(element, where)

    def nested(self, container: Any, where: str, note: dict[str, Any]) -> None:
        """Read a text box or content control in place; the note says where its text went."""
        before = len(self.notes)
        fields_before = set(self.section_fields)
        self.section_fields = set()
        self.walk(container, where)
        text = " ".join(paragraph_text(p) for p in container.iter(W_P))
        if text.strip():
            labels = {n.get("field") for n in self.notes[before:] if n.get("kind") == "label"}
            fields = (labels | self.section_fields) - {None} or {self.section}
            self.notes.append(dict(note, text=excerpt(text), field=", ".join(sorted(fields))))
        self.section_fields |= fields_before

    def diagrams(self, p: Any) -> None:
        """SmartArt: its text lives in a data part of its own; kept in the body, marked, and noted."""
        for ids in p.iter(DGM_RELIDS):
            rel = self.document.part.rels.get(ids.get(R_DM) or "")
            if rel is None or rel.is_external:
                continue
            root = xml_part(self.parts, str(rel.target_part.partname).lstrip("/"))
            if root is None:
                continue
            lines = [t for t in ("".join(x.text or "" for x in a.iter(A_T)).strip() for a in root.iter(A_P)) if t]
            if lines:
                self.any_text = True
                self.to_body("[diagram: " + " / ".join(lines) + "]")
                self.notes.append({"kind": "diagram", "text": excerpt(" / ".join(lines)), "field": "body",
                                   "action": "SmartArt text kept in the body, marked [diagram: …]"})

    def paragraph(self, p: Any, where: str) -> None:
        text = paragraph_text(p)
        if text.strip():
            self.any_text = True
        for deleted in deleted_text(p):
            self.notes.append({"kind": "tracked_deletion", "text": excerpt(deleted), "field": None,
                               "action": "reported, not imported"})
        if p.find(W_INS) is not None:
            inserted = "".join(t.text or "" for ins in p.iter(qn("w:ins")) for t in ins.iter(qn("w:t")))
            if inserted.strip():
                self.notes.append({"kind": "tracked_insertion", "text": excerpt(inserted), "field": self.section,
                                   "action": "read as part of the text"})
        self.special_text(text)
        if p is self.title_element or not text.strip():
            return
        level = self.heading_level(p, text) if where != "text box" else 0
        if level and (len(text.strip()) > HEADING_MAX or "\n" in text.strip()):
            self.notes.append({"kind": "heading_style", "text": excerpt(text), "field": "body",
                               "action": "body text in a heading style (too long for a heading): read as text"})
            level = 0
        if level and " ".join(text.split()) == self.raw.get("title"):
            return  # the title repeated as a heading (Title style, then Heading 1 with the same words)
        if level:
            self.start_section(" ".join(text.split()), level)
            return
        labelled = fm.label_line(text, self.section == "contact")
        if labelled:
            return self.labelled(*labelled, text)
        listed = self.list_info(p, text)
        if listed:
            return self.list_item(*listed, p=p)
        if self.section == "summary":
            self.summary.para(markdown_line(p, self.document))
            self.section_fields.add("summary")
        elif self.section == "lessons":
            self.add_list("lessons", text.strip())
        elif self.section == "contact":
            self.contact_line(text.strip())
        else:
            self.to_body(markdown_line(p, self.document))

    def special_text(self, text: str) -> None:
        """Equations and drawing text are kept where they stand, marked; say so once per paragraph."""
        for kind, mark in (("equation", "[equation: "), ("drawing", "[drawing: ")):
            if mark in text:
                self.notes.append({"kind": kind, "text": excerpt(text[text.index(mark):]), "field": self.section,
                                   "action": f"kept in the text, marked {mark}…]"})

    def start_section(self, heading: str, level: int) -> None:
        self.close_section()
        self.section = fm.section_field(heading)
        self.heading = heading
        self.heading_written = False
        self.section_fields = set()
        self.heading_note = {"kind": "heading", "heading": heading, "field": self.section, "section": self.section,
                             "style": "bold line" if level == 10 else f"Heading {level}"}
        self.notes.append(self.heading_note)

    def close_section(self) -> None:
        """Say truthfully where the section's text went; a heading with nothing under it is kept in the body."""
        note = self.heading_note
        if note is None:
            return
        if not self.section_fields:
            self.body.para(f"## {self.heading}")
            self.heading_written = True
            note["field"] = "body"
            note["action"] = "nothing under it: the heading was kept in the body"
        else:
            note["field"] = ", ".join(sorted(self.section_fields))
        self.heading_note = None

    def to_body(self, markdown: str, item: bool = False) -> None:
        if not self.heading_written and self.heading:
            self.body.para(f"## {self.heading}")
            self.heading_written = True
        self.section_fields.add("body")
        if item:
            self.body.item(markdown)
        else:
            self.body.para(markdown)

    def add_list(self, field: str, item: str) -> None:
        if item:
            self.raw.setdefault(field, []).append(item)
            self.section_fields.add(field)

    def list_item(self, ordered: bool, level: int, item: str, typed: str | None, p: Any = None) -> None:
        if self.section in LIST_FIELDS:
            return self.add_list(self.section, item)
        if self.section == "outcomes":
            match = fm.MEASURE_VALUE.match(item)
            if match:
                self.raw.setdefault("outcomes", []).append({"measure": match.group(1), "value": match.group(2)})
                self.section_fields.add("outcomes")
                return None
        if self.section == "contact":
            return self.contact_line(item)
        text = markdown_line(p, self.document) if p is not None else item
        if typed is None:
            text = _BULLET.sub("", text).strip() or item
            line = "    " * level + ("1. " if ordered else "- ") + text
        else:
            line = text  # a number typed by hand ("3) Train staff") is kept as written, a list item still
        if self.section == "summary":
            self.summary.item(line)
            self.section_fields.add("summary")
        else:
            self.to_body(line, item=True)
        return None

    def keep_in_body(self, line: str, warning: str, note: dict[str, Any]) -> None:
        self.warnings.append(warning)
        self.to_body(line.strip())
        note["field"] = "body"

    def labelled(self, path: str, value: str, line: str) -> None:
        label = line.split(":", 1)[0].strip()
        note = {"kind": "label", "label": label, "field": path}
        self.notes.append(note)
        current = self._current(path)
        if path in SINGLE and current:
            return self.keep_in_body(line, f"a second '{label}:' line ('{excerpt(value, 60)}') was kept in the "
                                     f"body; {path} stays '{excerpt(str(current), 60)}'", note)
        self.section_fields.add(path.split(".")[0])
        vocab = vocabularies()
        if path in ("clinical_areas", "population_groups", "action_areas"):
            vocabulary = {"clinical_areas": vocab.areas, "population_groups": vocab.groups,
                          "action_areas": vocab.actions}[path]
            ids, readings, unknown = fm.resolve_terms(vocabulary, value, fuzzy=path != "population_groups")
            for term_id in ids:
                if term_id not in self.raw.setdefault(path, []):
                    self.raw[path].append(term_id)
            self.warnings.extend(f"{path}: {r}" for r in readings)
            local = path == "population_groups" and label.casefold() != "population" and all(
                _group_like(u) for u in unknown)
            if unknown and local:  # a group the vocabulary lacks is a local PLUS group
                if "local_other" not in self.raw[path]:
                    self.raw[path].append("local_other")
                self.raw.setdefault("local_groups", []).extend(unknown)
                self.warnings.append(f"population_groups: {', '.join(repr(u) for u in unknown)} kept as locally "
                                     "defined PLUS group(s) (local_groups)")
            elif unknown:
                if not self.raw.get(path):
                    self.raw.pop(path, None)
                self.keep_in_body(line, f"{path}: {', '.join(repr(excerpt(u, 40)) for u in unknown)} not "
                                  "recognised; the line was kept in the body", note)
        elif path == "ics":
            code, why = fm.resolve_ics(value)
            if code:
                self.raw["ics"] = code
                if why:
                    self.warnings.append(f"ics: {why}")
            else:
                self.keep_in_body(line, f"ics: {why}", note)
        elif path == "year":
            from ..model import YEAR_RANGE

            match = re.search(r"\b(19|20)\d{2}\b", value)
            if match and YEAR_RANGE[0] <= int(match.group(0)) <= YEAR_RANGE[1] and len(value) <= 40:
                self.raw["year"] = int(match.group(0))
            else:
                self.keep_in_body(line, f"year: '{excerpt(value, 40)}' is not a start year between "
                                  f"{YEAR_RANGE[0]} and {YEAR_RANGE[1]}; the line was kept in the body", note)
        elif path == "source_url":
            if _URLISH.match(value.strip()):
                self.raw["source_url"] = value.strip()
            else:
                self.keep_in_body(line, f"source_url: '{excerpt(value, 40)}' is not a web address; the line was "
                                  "kept in the body", note)
        elif path == "contact.email":
            if fm.EMAIL.fullmatch(value.strip()):
                fm.put_field(self.raw, path, value.strip())
            elif fm.EMAIL.search(value):
                self.contact_line(value)
            else:
                self.keep_in_body(line, f"contact.email: '{excerpt(value, 40)}' is not an email address; the line "
                                  "was kept in the body", note)
        elif path == "contact.phone":
            match = fm.PHONE.search(value)
            if match and len(value.strip()) - len(match.group(0)) <= 12:
                fm.put_field(self.raw, path, value.strip())
            else:
                self.keep_in_body(line, f"contact.phone: '{excerpt(value, 40)}' is not a phone number; the line "
                                  "was kept in the body", note)
        elif path == "contact.name":
            self.contact_line(value)
        elif path == "partners":
            for part in re.split(r"\s*;\s*" if ";" in value else r"\s*,\s*", value):
                self.add_list("partners", part.strip())
        elif path == "summary":
            self.summary.para(value)
        else:
            fm.put_field(self.raw, path, value)
        return None

    def _current(self, path: str) -> Any:
        if "." in path:
            outer, inner = path.split(".", 1)
            value = self.raw.get(outer)
            return value.get(inner) if isinstance(value, dict) else None
        return self.raw.get(path)

    def contact_line(self, text: str) -> None:
        """Split "Jo Bloggs, Asthma Nurse Lead, jo@nhs.net, 01482 000000" into the contact's parts; whatever
        does not fit a free slot (a second email, a sentence) is kept in the body, never dropped."""
        contact = self.raw.setdefault("contact", {})
        self.section_fields.add("contact")
        emails = fm.EMAIL.findall(text)
        rest = fm.EMAIL.sub(" , ", text)
        phones = [m.group(0).strip() for m in fm.PHONE.finditer(rest)]
        rest = fm.PHONE.sub(" , ", rest)
        left_over = False
        for key, found in (("email", emails), ("phone", phones)):
            for value in found:
                if not contact.get(key):
                    contact[key] = value
                else:
                    left_over = True
        words = rest.split()
        parts = [x.strip(" :;,.|–—-()") for x in re.split(r"\s*[,;|\n]\s*|\s+[–—-]\s+", rest)]
        parts = [x for x in parts if x and x.casefold().rstrip(":") not in _CONTACT_LABEL_WORDS]
        parts = [re.sub(r"^(?:email|e-mail|tel|telephone|phone|mobile)\s*:?\s*$", "", x, flags=re.I) for x in parts]
        parts = [x for x in parts if x]
        if len(words) > 14 or any(len(x) > 80 for x in parts):
            left_over = bool(parts) or left_over  # a sentence, not a name and role
            parts = []
        if parts and not contact.get("name"):
            contact["name"] = parts.pop(0)
        if parts and not contact.get("role"):
            contact["role"] = ", ".join(parts)
            parts = []
        if parts or left_over:
            self.to_body(text.strip())
        if not contact:
            self.raw.pop("contact", None)

    # -- tables -------------------------------------------------------------------------------------------
    def table(self, tbl: Any, where: str) -> None:
        """Rows and cells walked in the XML (content controls around rows or cells included), each cell read
        once: a vertically merged cell's continuation is empty, nested tables are read inside their cell."""
        rows: list[list[str]] = []
        first = None
        for tr in table_rows(tbl):
            self.deadline.check()
            if first is None:
                first = tr
            rows.append(["\n".join(cell_block_lines(tc, self.deadline)) for tc in row_cells(tr)])
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            return
        self.any_text = True
        before = set(self.section_fields)
        self.section_fields = set()
        fields = self.table_rows(rows, first is not None and is_header_row(first), where)
        self.notes.append({"kind": "table", "where": where, "rows": len(rows), "field": fields})
        self.section_fields |= before | set(fields.split(", "))

    def table_rows(self, rows: list[list[str]], header_marked: bool, where: str) -> str:
        if self.label_table(rows):
            return ", ".join(sorted(self.section_fields)) or "body"
        has_header = header_marked or len(rows[0]) >= 3 or bool(
            len(rows[0]) == 2 and fm.MEASURE_WORDS.search(rows[0][0]) and fm.VALUE_WORDS.search(rows[0][1]))
        measures = len(rows[0]) >= 2 and len(rows) <= 200 and all(len(r) >= 2 for r in rows) and (
            self.section == "outcomes" or bool(fm.MEASURE_WORDS.search(rows[0][0])
                                               and any(fm.VALUE_WORDS.search(c) for c in rows[0][1:])))
        if measures:
            headers = rows[0] if has_header else []
            for row in rows[1:] if has_header else rows:
                if len(row) == 2 or not headers:
                    value = " | ".join(c for c in row[1:] if c.strip()) if len(row) > 2 else row[1]
                else:
                    value = "; ".join(f"{h}: {v}" for h, v in zip(headers[1:], row[1:], strict=False) if v.strip())
                    extra = [v for v in row[len(headers):] if v.strip()]
                    value = "; ".join([value, *extra]) if extra else value
                self.raw.setdefault("outcomes", []).append({"measure": row[0], "value": value})
            if has_header and not fm.MEASURE_WORDS.search(" ".join(rows[0])) and not header_marked:
                pass
            return "outcomes"
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(_cell_md(c) for c in rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(_cell_md(c) for c in row) + " |" for row in rows[1:]]
        self.to_body("\n".join(lines))
        return "body"

    def label_table(self, rows: list[list[str]]) -> bool:
        """A 'project details' table: two columns whose left cells are field labels."""
        if not all(len(r) == 2 for r in rows):
            return False
        found = [fm.label_line(f"{r[0].strip().rstrip(':')}: {r[1]}") for r in rows if r[1].strip()]
        if not found or sum(f is not None for f in found) < max(2, len(found) // 2):
            return False
        for r in rows:
            line = f"{r[0].strip().rstrip(':')}: {r[1]}"
            labelled = fm.label_line(line) if r[1].strip() else None
            if labelled:
                self.labelled(*labelled, line)
            elif r[1].strip() or r[0].strip():
                self.to_body(f"**{' '.join(r[0].split())}** {' '.join(r[1].split())}".strip())
        return True

    # -- pictures and the other parts ---------------------------------------------------------------------
    def pictures(self) -> None:
        attachments, notes = body_pictures(self.document)
        self.attachments.extend(attachments)
        self.notes.extend(notes)

    def read_parts(self) -> None:
        """Headers and footers reported; footnotes and endnotes appended to the body; comments reported."""
        self.notes.extend(page_furniture(self.parts, self.related))
        notes, note_lines = footnotes(self.parts, self.related)
        self.notes.extend(notes)
        if note_lines:
            self.body.para("## Notes")
            for line in note_lines:
                self.body.para(line)
        self.notes.extend(comments(self.parts, self.related))


def _cell_md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _group_like(text: str) -> bool:
    """A local PLUS group is named in a few words ("Boaters", "Fishing communities"), not a number or prose."""
    return not re.search(r"\d", text) and len(text.split()) <= 6


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in value.items() if _flatten(v))
    if isinstance(value, list):
        return "; ".join(_flatten(v) for v in value if _flatten(v))
    return "" if value is None else str(value)


def read_freeform(path: Path, document: Any, parts: dict[str, bytes]) -> ImportItem:
    try:
        return _Reader(path, document, parts).run()
    except RecursionError as err:
        raise FileRefused(f"{path.name} nests tables or content controls too deeply to read; open it in Word, "
                          "copy the text into a new document and import that") from err
    except etree.XMLSyntaxError as err:
        raise FileRefused(f"{path.name} has a damaged part that could not be read; open it in Word and save it "
                          "again as Word Document (.docx)") from err
