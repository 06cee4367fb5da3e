"""Read a free-form Word case study into a raw record, reporting where every part of the document went.

Title from the Title style, the first heading, or a large bold first line. Sections start at heading styles or
bold one-line paragraphs and are mapped by their wording (``freeform_map``); "Label: value" lines fill their
fields; measure tables and "measure: value" bullets become outcomes; bullets in list sections become list items;
everything else stays in the body as Markdown. Text boxes and content controls are read in place; headers,
footers, comments and tracked deletions are reported, not imported; footnotes are appended to the body;
pictures become attachments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from ..errors import FileRefused
from ..importers import ImportItem
from ..vocab import vocabularies
from . import freeform_map as fm
from .blocks import is_header_row
from .freeform_parts import body_pictures, comments, excerpt, footnotes, page_furniture
from .reading import MC_FALLBACK, W_TXBX, cell_text, deleted_text, paragraph_text, style_outline_levels

LIST_FIELDS = ("lessons", "partners", "context_figures", "additional_sources")
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*–-]|\d{1,2}[.)])\s+")


class _Reader:
    def __init__(self, path: Path, document: Any, parts: dict[str, bytes]) -> None:
        self.path = path
        self.document = document
        self.parts = parts
        self.raw: dict[str, Any] = {}
        self.notes: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.attachments: list[tuple[str, bytes]] = []
        self.body: list[str] = []
        self.summary: list[str] = []
        self.section = "body"
        self.heading: str | None = None
        self.heading_written = True
        self.title_element: Any = None
        self.styles = {s.style_id: s.name or "" for s in document.styles}
        self.outline = style_outline_levels(document)
        self.any_text = False

    # -- paragraphs ---------------------------------------------------------------------------------------
    def style_name(self, p: Any) -> str:
        ppr = p.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return self.styles.get(style.get(qn("w:val")), "") if style is not None else ""

    def heading_level(self, p: Any, text: str) -> int:
        """1-9 for a heading style or outline level, 10 for a bold one-line paragraph, 0 otherwise."""
        name = self.style_name(p)
        match = re.match(r"heading (\d)", name.casefold())
        if match:
            return int(match.group(1))
        outline = p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None and outline.get(qn("w:val"), "9").isdigit() and int(outline.get(qn("w:val"))) < 9:
            return int(outline.get(qn("w:val"))) + 1
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) in self.outline:  # a house heading style ("NHS Heading")
            return self.outline[style.get(qn("w:val"))]
        stripped = text.strip()
        if (stripped and len(stripped) <= 90 and "\n" not in stripped and not stripped.endswith((".", ",", ";"))
                and not self.is_list(p, text) and self.all_bold(p) and not fm.label_line(stripped)):
            return 10
        return 0

    def all_bold(self, p: Any) -> bool:
        runs = [r for r in p.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()]
        if not runs:
            return False
        style_bold = self.style_name(p).casefold() in ("strong",)
        for run in runs:
            bold = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
            rstyle = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
            is_bold = (bold is not None and bold.get(qn("w:val"), "true") not in ("0", "false")) or \
                (rstyle is not None and rstyle.get(qn("w:val"), "").casefold() == "strong") or style_bold
            if not is_bold:
                return False
        return True

    def is_list(self, p: Any, text: str) -> bool:
        if p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None:
            return True
        name = self.style_name(p).casefold()
        return name.startswith(("list bullet", "list number", "list paragraph")) or bool(_BULLET.match(text))

    def large(self, p: Any) -> bool:
        sizes = [int(s.get(qn("w:val"), "0")) for s in p.iter(qn("w:sz")) if s.get(qn("w:val"), "").isdigit()]
        return bool(sizes) and min(sizes) >= 28

    # -- walking the body ---------------------------------------------------------------------------------
    def run(self) -> ImportItem:
        body = self.document.element.body
        self.find_title(body)
        self.walk(body, "body")
        self.pictures()
        self.read_parts()
        if not self.any_text:
            raise FileRefused(f"{self.path.name} has no text; it may hold only pictures or be blank. Add the case "
                              "study's text (or fill in the Curator submission form) and import it again")
        if "title" not in self.raw:
            self.raw["title"] = self.path.stem
            self.warnings.append(f"no title found (no Title style, heading or bold first line); used the file name "
                                 f"'{self.path.stem}': change it in Curator")
        if self.summary:
            self.raw["summary"] = "\n\n".join(self.summary)
        body_text = "\n\n".join(self.body).strip()
        if body_text:
            self.raw["body"] = body_text + "\n"
        return ImportItem(self.path.name, self.raw, warnings=self.warnings, attachments=self.attachments,
                          notes=self.notes)

    def find_title(self, body: Any) -> None:
        paragraphs = [p for p in body.iter(qn("w:p")) if paragraph_text(p).strip()]
        for p in paragraphs:
            if self.style_name(p).casefold() == "title":
                return self.set_title(p, "Title style")
        for p in paragraphs:
            text = paragraph_text(p)
            if self.heading_level(p, text) in range(1, 10):
                if not fm.is_section_name(text):
                    return self.set_title(p, "first heading")
                break  # the first heading names a section ("Background"): there is no title heading
        if paragraphs:
            first = paragraphs[0]
            text = paragraph_text(first).strip()
            if len(text) <= 200 and (self.all_bold(first) or self.large(first)) and not fm.is_section_name(text):
                return self.set_title(first, "large or bold first line")
        return None

    def set_title(self, p: Any, how: str) -> None:
        text = " ".join(paragraph_text(p).split())
        self.raw["title"] = text
        self.title_element = p
        self.notes.append({"kind": "title", "text": text, "from": how, "field": "title"})

    def walk(self, container: Any, where: str) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                self.paragraph(child, where)
                for box in child.iter(W_TXBX):
                    if not any(a.tag == MC_FALLBACK for a in box.iterancestors()):
                        self.nested(box, "text box", {"kind": "text_box"})
            elif child.tag == qn("w:tbl"):
                self.table(child, where)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                names = [e.get(qn("w:val")) for e in child.iterfind(f"{qn('w:sdtPr')}/*")
                         if e.tag in (qn("w:alias"), qn("w:tag"))]
                if content is not None:
                    self.nested(content, "content control", {"kind": "content_control", "name": (names or [""])[0]})
            elif child.tag in (qn("w:ins"), qn("w:customXml"), qn("w:smartTag")):
                self.walk(child, where)

    def nested(self, container: Any, where: str, note: dict[str, Any]) -> None:
        """Read a text box or content control in place; the note says where its text went."""
        before = len(self.notes)
        self.walk(container, where)
        text = " ".join(paragraph_text(p) for p in container.iter(qn("w:p")))
        if text.strip():
            fields = {n.get("field") for n in self.notes[before:] if n.get("kind") == "label"} or {self.section}
            self.notes.append(dict(note, text=excerpt(text), field=", ".join(sorted(fields))))

    def paragraph(self, p: Any, where: str) -> None:
        text = paragraph_text(p)
        if text.strip():
            self.any_text = True
        for deleted in deleted_text(p):
            self.notes.append({"kind": "tracked_deletion", "text": excerpt(deleted), "field": None,
                               "action": "reported, not imported"})
        if p.find(qn("w:ins")) is not None:
            inserted = "".join(t.text or "" for ins in p.iter(qn("w:ins")) for t in ins.iter(qn("w:t")))
            if inserted.strip():
                self.notes.append({"kind": "tracked_insertion", "text": excerpt(inserted), "field": self.section,
                                   "action": "read as part of the text"})
        if p is self.title_element or not text.strip():
            return
        level = self.heading_level(p, text) if where != "text box" else 0
        if level and " ".join(text.split()) == self.raw.get("title"):
            return  # the title repeated as a heading (Title style, then Heading 1 with the same words)
        if level:
            self.start_section(" ".join(text.split()), level)
            return
        labelled = fm.label_line(text, self.section == "contact")
        if labelled:
            return self.labelled(*labelled, text)
        if self.is_list(p, text):
            return self.list_item(_BULLET.sub("", text).strip())
        if self.section == "summary":
            self.summary.append(self.markdown(p))
        elif self.section == "lessons":
            self.add_list("lessons", text.strip())
        elif self.section == "contact":
            self.contact_line(text.strip())
        else:
            self.to_body(self.markdown(p))

    def start_section(self, heading: str, level: int) -> None:
        self.section = fm.section_field(heading)
        self.heading = heading
        self.heading_written = False
        self.notes.append({"kind": "heading", "heading": heading, "field": self.section,
                           "style": "bold line" if level == 10 else f"Heading {level}"})

    def to_body(self, markdown: str) -> None:
        if not self.heading_written and self.heading:
            self.body.append(f"## {self.heading}")
            self.heading_written = True
        if markdown.startswith("- ") and self.body and self.body[-1].split("\n")[-1].startswith("- "):
            self.body[-1] += "\n" + markdown  # one tight list, not a paragraph per item
        else:
            self.body.append(markdown)

    def add_list(self, field: str, item: str) -> None:
        if item:
            self.raw.setdefault(field, []).append(item)

    def list_item(self, item: str) -> None:
        if self.section in LIST_FIELDS:
            return self.add_list(self.section, item)
        if self.section == "outcomes":
            match = fm.MEASURE_VALUE.match(item)
            if match:
                self.raw.setdefault("outcomes", []).append({"measure": match.group(1), "value": match.group(2)})
                return None
        if self.section == "summary":
            self.summary.append(f"- {item}")
        elif self.section == "contact":
            self.contact_line(item)
        else:
            self.to_body(f"- {item}")
        return None

    def labelled(self, path: str, value: str, line: str) -> None:
        vocab = vocabularies()
        if path in ("clinical_areas", "population_groups", "action_areas"):
            vocabulary = {"clinical_areas": vocab.areas, "population_groups": vocab.groups,
                          "action_areas": vocab.actions}[path]
            ids, readings, unknown = fm.resolve_terms(vocabulary, value, fuzzy=path != "population_groups")
            for term_id in ids:
                if term_id not in self.raw.setdefault(path, []):
                    self.raw[path].append(term_id)
            self.warnings.extend(f"{path}: {r}" for r in readings)
            if unknown and path == "population_groups":  # a group the vocabulary lacks is a local PLUS group
                if "local_other" not in self.raw.setdefault(path, []):
                    self.raw[path].append("local_other")
                self.raw.setdefault("local_groups", []).extend(unknown)
                self.warnings.append(f"population_groups: {', '.join(repr(u) for u in unknown)} kept as locally "
                                     "defined PLUS group(s) (local_groups)")
            elif unknown:
                self.warnings.append(f"{path}: {', '.join(repr(u) for u in unknown)} not recognised; the line was "
                                     "kept in the body")
                self.to_body(line.strip())
        elif path == "ics":
            code, note = fm.resolve_ics(value)
            if note:
                self.warnings.append(f"ics: {note}")
            if code:
                self.raw["ics"] = code
            else:
                self.to_body(line.strip())
        elif path == "year":
            match = re.search(r"\b(19|20)\d{2}\b", value)
            if match:
                self.raw["year"] = int(match.group(0))
            else:
                self.to_body(line.strip())
        elif path == "partners":
            for part in re.split(r"\s*;\s*" if ";" in value else r"\s*,\s*", value):
                self.add_list("partners", part.strip())
        elif path == "summary":
            self.summary.append(value)
        elif path == "title" and "title" in self.raw:
            self.to_body(line.strip())
        else:
            fm.put_field(self.raw, path, value)
        self.notes.append({"kind": "label", "label": line.split(":", 1)[0].strip(), "field": path})

    def contact_line(self, text: str) -> None:
        contact = self.raw.setdefault("contact", {})
        email = fm.EMAIL.search(text)
        phone = fm.PHONE.search(text)
        if email and not contact.get("email"):
            contact["email"] = email.group(0)
        elif phone and not contact.get("phone"):
            contact["phone"] = phone.group(0).strip()
        elif not contact.get("name"):
            parts = re.split(r"\s*,\s*|\s+[–—-]\s+", text, maxsplit=1)
            contact["name"] = parts[0].strip()
            if len(parts) > 1 and parts[1].strip() and not contact.get("role"):
                contact["role"] = parts[1].strip()
        elif not contact.get("role"):
            contact["role"] = text
        else:
            self.to_body(text)

    def markdown(self, p: Any) -> str:
        """Paragraph text with bold, italic and links as Markdown."""
        out: list[str] = []
        for child in p:
            if child.tag == qn("w:hyperlink"):
                text = paragraph_text(child)
                rid = child.get(qn("r:id"))
                rel = self.document.part.rels.get(rid) if rid else None
                out.append(f"[{text}]({rel.target_ref})" if rel is not None and rel.is_external else text)
            elif child.tag == qn("w:r"):
                text = paragraph_text(child)
                rpr = child.find(qn("w:rPr"))
                bold = rpr is not None and rpr.find(qn("w:b")) is not None and \
                    rpr.find(qn("w:b")).get(qn("w:val"), "true") not in ("0", "false")
                italic = rpr is not None and rpr.find(qn("w:i")) is not None and \
                    rpr.find(qn("w:i")).get(qn("w:val"), "true") not in ("0", "false")
                core = text.strip()
                if core and (bold or italic):
                    mark = "**" if bold else "*"
                    mark = "***" if bold and italic else mark
                    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
                    text = f"{lead}{mark}{core}{mark}{trail}"
                out.append(text)
            elif child.tag not in (qn("w:pPr"),):
                out.append(paragraph_text(child))
        return "".join(out).replace("****", "").strip()

    # -- tables -------------------------------------------------------------------------------------------
    def table(self, tbl: Any, where: str) -> None:
        from docx.table import Table

        table = Table(tbl, self.document)
        rows = []
        for row in table.rows:
            cells = []
            for cell in row.cells:
                text = cell_text(cell)
                if not cells or cell._tc is not cells[-1][1]:
                    cells.append((text, cell._tc))
            rows.append([c[0] for c in cells])
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            return
        self.any_text = True
        if self.label_table(rows):
            return
        has_header = is_header_row(table.rows[0]) or len(rows[0]) >= 3 or bool(
            len(rows[0]) == 2 and fm.MEASURE_WORDS.search(rows[0][0]) and fm.VALUE_WORDS.search(rows[0][1]))
        measures = len(rows[0]) >= 2 and (self.section == "outcomes" or bool(
            fm.MEASURE_WORDS.search(rows[0][0]) and any(fm.VALUE_WORDS.search(c) for c in rows[0][1:])))
        if measures:
            headers = rows[0] if has_header else []
            for row in rows[1:] if has_header else rows:
                if len(row) == 2 or not headers:
                    value = " | ".join(c for c in row[1:] if c.strip()) if len(row) > 2 else row[1]
                else:
                    value = "; ".join(f"{h}: {v}" for h, v in zip(headers[1:], row[1:], strict=False) if v.strip())
                self.raw.setdefault("outcomes", []).append({"measure": row[0], "value": value})
            self.notes.append({"kind": "table", "where": where, "rows": len(rows), "field": "outcomes"})
            return
        lines = ["| " + " | ".join(" ".join(c.split()) for c in rows[0]) + " |",
                 "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(" ".join(c.split()) for c in row) + " |" for row in rows[1:]]
        self.to_body("\n".join(lines))
        self.notes.append({"kind": "table", "where": where, "rows": len(rows), "field": "body"})

    def label_table(self, rows: list[list[str]]) -> bool:
        """A 'project details' table: two columns whose left cells are field labels."""
        if not all(len(r) == 2 for r in rows):
            return False
        found = [fm.label_line(f"{r[0].strip().rstrip(':')}: {r[1]}") for r in rows if r[1].strip()]
        if not found or sum(f is not None for f in found) < max(2, len(found) // 2):
            return False
        for r in rows:
            labelled = fm.label_line(f"{r[0].strip().rstrip(':')}: {r[1]}") if r[1].strip() else None
            if labelled:
                self.labelled(*labelled, f"{r[0].strip().rstrip(':')}: {r[1]}")
            elif r[1].strip() or r[0].strip():
                self.to_body(f"**{r[0].strip()}** {r[1].strip()}".strip())
        return True

    # -- pictures and the other parts ---------------------------------------------------------------------
    def pictures(self) -> None:
        attachments, notes = body_pictures(self.document)
        self.attachments.extend(attachments)
        self.notes.extend(notes)

    def read_parts(self) -> None:
        """Headers and footers reported; footnotes and endnotes appended to the body; comments reported."""
        self.notes.extend(page_furniture(self.parts))
        notes, note_lines = footnotes(self.parts)
        self.notes.extend(notes)
        if note_lines:
            self.body.append("## Notes")
            self.body.extend(note_lines)
        self.notes.extend(comments(self.parts))


def read_freeform(path: Path, document: Any, parts: dict[str, bytes]) -> ImportItem:
    return _Reader(path, document, parts).run()
