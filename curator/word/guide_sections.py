"""The parts of the high impact actions guide, each laid out the same way every time.

Cover, contents, a Core20PLUS5 introduction drawn from the vocabularies, a checklist of key actions per section
(by audience), one case study, and the appendices (index by region and ICS, ICS × clinical area coverage, the
edition record). Heading levels: 1 for sections and appendices, 2 for case studies and checklists, 3 for their
parts, 4 and below for headings inside a write-up; none is ever skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Cm, Emu

from ..vocab import vocabularies
from . import blocks, house
from .markdown_docx import MarkdownWriter

_PICTURE_NAME = re.compile(r"\.(png|jpe?g|gif|bmp|tiff?)$", re.IGNORECASE)
COHORT_TITLES = {"adults": "Adult clinical areas", "children_young_people": "Children and young people",
                 "cross_cutting": "Cross-cutting: smoking cessation", "other": "Other clinical areas"}
AREA_ABBREVIATIONS = {"adult_maternity": "Mat", "adult_smi": "SMI", "adult_respiratory": "Resp",
                      "adult_cancer": "Canc", "adult_hypertension_lipids": "HTN", "cyp_asthma": "Asth",
                      "cyp_diabetes": "Diab", "cyp_epilepsy": "Epil", "cyp_oral_health": "Oral",
                      "cyp_mental_health": "MH", "cross_smoking_cessation": "Smok"}


def _tag_label(term: Any) -> str:
    """'Core20' rather than the whole IMD definition; no '(any)' qualifiers in running text."""
    if term.id == "core20":
        return "Core20 (most deprived 20%)"
    return term.short_label.replace(" (any)", "")


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".")


class GuideWriter:
    """Writes into one python-docx document; ``md`` renders Markdown fields with the document's styles."""

    def __init__(self, document: Any, attachments_dir: Path | None = None) -> None:
        self.doc = document
        self.md = MarkdownWriter(document)
        self.vocab = vocabularies()
        self.attachments_dir = attachments_dir
        self.skipped_pictures: list[dict[str, Any]] = []

    def para(self, text: str = "", style: str = "Normal") -> Any:
        return blocks.add_para(self.doc, self.doc, style, text)

    def heading(self, text: str, level: int) -> Any:
        return blocks.add_para(self.doc, self.doc, f"Heading {level}", text)

    def small(self, text: str, italic: bool = False) -> Any:
        paragraph = self.para()
        blocks.add_run(paragraph, text, italic=italic, size=11, color=house.NHS_GREY)
        return paragraph

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.para(item, "List Bullet")

    # -- front matter -------------------------------------------------------------------------------------
    def cover(self, title: str, subtitle: str, date_text: str, publisher: str) -> None:
        self.para(title, "Title")
        self.para(subtitle, "Subtitle")
        self.para(date_text)
        self.para(f"Published by {publisher}")
        self.small("Produced with Curator from case studies submitted by NHS organisations and their partners. "
                   "Case studies were reviewed before publication; none contains patient-identifiable data.")
        blocks.page_break(self.doc)

    def contents(self, entries: list[str]) -> None:
        """A TOC field Word refreshes on open; until then it lists the sections (LibreOffice shows these)."""
        self.para("Contents", "TOC Heading")
        first = self.para()
        blocks.add_field(first, 'TOC \\o "1-2" \\h \\z \\u', entries[0] if entries else "")
        end = first._p[-1]
        first._p.remove(end)
        last = first
        for entry in entries[1:]:
            last = self.para(entry)
        last._p.append(end)
        blocks.page_break(self.doc)

    def introduction(self, count: int, group_title: str) -> None:
        self.heading("Introduction", 1)  # follows the contents page break
        self.para(f"This guide brings together {count} case studies of NHS organisations and their partners "
                  "tackling inequalities in healthcare access, experience and outcomes. It is organised around "
                  f"{group_title.lower()}, and each section opens with a checklist of the key actions its case "
                  "studies show, for system leaders, managers, clinicians and operational staff.")
        self.para("It follows the structure of 'Tackling inequalities in healthcare access, experience and "
                  "outcomes: actionable insights' (NHS England and the Health Foundation, co-written by the "
                  "Yorkshire and Humber AHSN), which sets out four key areas for action:")
        self.bullets([a.label for a in self.vocab.actions])
        self.heading("Core20PLUS5", 2)
        groups = [g for g in self.vocab.groups if g.extra.get("group") == "PLUS" and not g.extra.get("parent")
                  and g.id != "local_other"]
        core20 = self.vocab.groups.by_id["core20"].label
        self.para(f"Core20PLUS5 is NHS England's approach to reducing healthcare inequalities. Core20: {core20[0].lower()}"
                  f"{core20[1:]}. PLUS: population groups identified locally, such as "
                  f"{', '.join(_tag_label(g).lower() for g in groups[:4])}.")
        for cohort, title in (("adults", "The five clinical areas for adults"),
                              ("children_young_people", "The five clinical areas for children and young people")):
            self.heading(title, 3)
            self.bullets([f"{a.short_label}: {_first_sentence(a.extra.get('ambition', ''))}".rstrip(": ")
                          for a in self.vocab.areas if a.extra.get("cohort") == cohort])
        smoking = self.vocab.areas.by_id.get("cross_smoking_cessation")
        if smoking is not None:
            ambition = smoking.extra.get("ambition", "").removeprefix("Cross-cutting thread: ")
            self.para(f"{smoking.label} is a cross-cutting theme: {ambition}.")

    # -- sections -----------------------------------------------------------------------------------------
    def section(self, title: str) -> None:
        self.heading(title, 1).paragraph_format.page_break_before = True

    def checklist(self, records: list[dict[str, Any]]) -> None:
        by_audience: dict[str, list[tuple[str, str]]] = {}
        for record in records:
            for row in record.get("key_actions") or []:
                item = (row["action"].rstrip("."), record["title"])
                audience = row.get("audience") or "Everyone"
                if item not in by_audience.setdefault(audience, []):
                    by_audience[audience].append(item)
        if not by_audience:
            return
        self.heading("Key actions from these case studies", 2)
        order = [a.label for a in self.vocab.audiences] + ["Everyone"]
        for audience in sorted(by_audience, key=lambda a: order.index(a) if a in order else len(order)):
            self.heading(f"For {audience[0].lower()}{audience[1:]}" if audience != "Everyone" else "For everyone", 3)
            for action, title in by_audience[audience]:
                paragraph = self.para(style="List Bullet")
                blocks.add_run(paragraph, f"{action}. ")
                blocks.add_run(paragraph, f"From: {title}.", italic=True, color=house.NHS_GREY)

    def case_study(self, record: dict[str, Any]) -> None:
        vocab = self.vocab
        self.heading(record["title"], 2).paragraph_format.page_break_before = True  # one case study per spread
        ics = vocab.ics.by_id.get(record.get("ics") or "")
        place = [record.get("organisation") or "", ics.label + " ICS" if ics else "",
                 ics.extra.get("region", "") if ics else ""]
        if any(place):
            self.small(" · ".join(p for p in place if p))
        tags = []
        for field, vocabulary, label in (("clinical_areas", vocab.areas, "Clinical areas"),
                                         ("population_groups", vocab.groups, "Population groups")):
            names = [_tag_label(vocabulary.by_id[t]) if t in vocabulary.by_id else t for t in record.get(field) or []]
            if field == "population_groups":
                names += record.get("local_groups") or []
            if names:
                tags.append(f"{label}: {'; '.join(names)}")
        if tags:
            self.small(". ".join(tags) + ".", italic=True)
        self.md.write(self.doc, record.get("summary") or "", heading_level=3)
        self.pictures(record)
        if (record.get("body") or "").strip():
            self.heading("What was done", 3)
            self.md.write(self.doc, record["body"], heading_level=4)
        if record.get("outcomes"):
            self.heading("Outcomes", 3)
            blocks.data_table(self.doc, ["Measure", "Value"], [[o["measure"], o["value"]] for o in record["outcomes"]],
                             widths=[10.6, 6.0])
            self.para()
        if record.get("lessons"):
            self.heading("Lessons learned", 3)
            self.bullets(record["lessons"])
        if record.get("partners"):
            self.heading("Partners", 3)
            self.bullets(record["partners"])
        self.sources(record)
        contact = record.get("contact") or {}
        if record.get("contact_consent") and any((contact.get(k) or "").strip() for k in ("name", "email", "phone")):
            self.heading("Contact", 3)
            who = ", ".join(v for v in (contact.get("name"), contact.get("role")) if v)
            paragraph = self.para(who)
            if contact.get("email"):
                if who:
                    blocks.add_run(paragraph, ", ")
                blocks.add_hyperlink(paragraph, contact["email"], f"mailto:{contact['email']}")
            if contact.get("phone"):
                blocks.add_run(paragraph, f", {contact['phone']}" if who or contact.get("email") else contact["phone"])

    def pictures(self, record: dict[str, Any]) -> None:
        """Pictures only with image rights recorded and alt text given; the others are listed, never guessed."""
        rights = str((record.get("signoff") or {}).get("image_rights") or "").strip()
        for row in record.get("attachments") or []:
            if not _PICTURE_NAME.search(str(row.get("name", ""))):
                continue
            alt = str(row.get("alt") or "").strip()
            path = self.attachments_dir / row["sha256"] if self.attachments_dir and row.get("sha256") else None
            reason = ("no image rights recorded (signoff.image_rights)" if not rights else
                      "no alt text (give the attachment an 'alt')" if not alt else
                      "the file is not in the library's attachments folder" if path is None or not path.is_file()
                      else self.picture(path, alt, str(row.get("name", ""))))
            if reason:
                self.skipped_pictures.append({"id": record.get("id"), "name": row.get("name"), "reason": reason})

    def picture(self, path: Path, alt: str, name: str) -> str:
        """Place one picture (at most 12 × 9 cm) with its alt text; '' when placed, else why not."""
        from docx.image.exceptions import UnrecognizedImageError
        from docx.image.image import Image

        try:
            image = Image.from_file(str(path))
            width = Emu(min(Cm(12), int(Cm(9) * image.px_width / max(image.px_height, 1))))
            paragraph = self.para()
            paragraph.add_run().add_picture(str(path), width=width)
        except (UnrecognizedImageError, OSError, ValueError, ZeroDivisionError):
            return "not a picture Word can show"
        doc_pr = paragraph._p.find(f".//{qn('wp:docPr')}")
        doc_pr.set("descr", blocks.xml_safe(alt))
        doc_pr.set("name", blocks.xml_safe(name)[:100] or "Picture")
        return ""

    def sources(self, record: dict[str, Any]) -> None:
        links = [u for u in [record.get("source_url") or "", *(record.get("additional_sources") or [])] if u.strip()]
        for n, url in enumerate(links):
            paragraph = self.para()
            blocks.add_run(paragraph, "Source: " if n == 0 else "See also: ", bold=True)
            host = urlparse(url).netloc
            if host and urlparse(url).scheme in ("http", "https"):
                blocks.add_hyperlink(paragraph, f"{record['title'] if n == 0 else 'more about this work'} ({host})", url)
            else:
                blocks.add_run(paragraph, url)

    # -- appendices ---------------------------------------------------------------------------------------
    def index_appendix(self, placed: list[tuple[str, dict[str, Any]]]) -> None:
        self.section("Appendix A: Case studies by region and ICS")
        rows = []
        for section, record in placed:
            ics = self.vocab.ics.by_id.get(record.get("ics") or "")
            rows.append([ics.extra.get("region", "") if ics else "Not recorded", ics.label if ics else "Not recorded",
                         record["title"], section])
        rows.sort(key=lambda r: (r[0] == "Not recorded", r[0], r[1], r[2]))
        blocks.data_table(self.doc, ["Region", "ICS", "Case study", "Section"], rows, size=10,
                         widths=[3.0, 3.8, 6.0, 3.8])

    def coverage_appendix(self, records: list[dict[str, Any]]) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        self.heading("Appendix B: Coverage by ICS and clinical area", 1)
        areas = [a for a in self.vocab.areas if a.id in AREA_ABBREVIATIONS]
        key = "; ".join(f"{AREA_ABBREVIATIONS[a.id]} = {a.short_label}" for a in areas)
        self.small(f"Number of case studies in this guide for each ICS and clinical area. Columns: {key}; Other = "
                   "any other clinical area. A case study tagged with two areas counts in both.")
        counts: dict[str, Counter[str]] = {}
        for record in records:
            if not record.get("ics"):
                continue
            row = counts.setdefault(record["ics"], Counter())
            row["total"] += 1
            for area in record.get("clinical_areas") or []:
                row[area if area in AREA_ABBREVIATIONS else "other"] += 1
        headers = ["ICS", *(AREA_ABBREVIATIONS[a.id] for a in areas), "Other", "Total"]
        rows = []
        for ics in self.vocab.ics:
            if ics.id in counts:
                c = counts[ics.id]
                rows.append([ics.label, *(str(c[a.id] or "") for a in areas), str(c["other"] or ""), str(c["total"])])
        blocks.data_table(self.doc, headers, rows, size=9, widths=[5.5] + [1.35] * (len(headers) - 1))
        missing = [i.label for i in self.vocab.ics if i.id not in counts]
        if missing:
            self.para(f"No case studies yet from {len(missing)} ICSs: {', '.join(missing)}.")
        back = self.doc.add_section(WD_SECTION.NEW_PAGE)
        back.orientation = WD_ORIENT.PORTRAIT
        back.page_width, back.page_height = back.page_height, back.page_width

    def edition_appendix(self, number: int, date_text: str, statuses: list[str], group_title: str,
                         log: dict[str, Any], rows: list[list[str]]) -> None:
        self.heading("Appendix C: About this edition", 1)  # its own section already starts a new page
        self.para(f"Edition {number}, {date_text}. Case studies with status {' or '.join(statuses)}, grouped by "
                  f"{group_title.lower()}.")
        self.heading("Changes since the previous edition", 2)
        if log["previous"] is None:
            self.para("This is the first edition.")
        else:
            lines = [f"Added: {t}" for t in log["added"]] + [f"Removed: {t}" for t in log["removed"]] + \
                    [f"Revised: {t}" for t in log["revised"]]
            self.para(f"Compared with edition {log['previous']}:" if lines else
                      f"No changes since edition {log['previous']}.")
            self.bullets(lines)
        self.heading("Case studies in this edition", 2)
        blocks.data_table(self.doc, ["Case study", "Version", "Status", "Decision"], rows, size=10,
                         widths=[7.0, 1.8, 2.4, 5.4])
