"""The parts of the high impact actions guide, each laid out the same way every time.

Cover (with the alternative-formats statement), contents, introduction, how the case studies were gathered and
reviewed (PRISMA-style counts), one section per key area with its opening text and a synthesised checklist, each
case study in full once (a key facts box first) and cross-referenced by page from its other sections, the
acknowledgements, and the appendices (index by region and ICS with pages, coverage, the edition and its changes).
Heading levels: 1 for sections and appendices, 2 for case studies and checklists, 3 for their parts, 4 and below
for headings inside a write-up; none is ever skipped. Every table prints at 12 pt.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu

from ..vocab import vocabularies
from . import blocks, house
from .markdown_docx import MarkdownWriter

_PICTURE_NAME = re.compile(r"\.(png|jpe?g|gif|bmp|tiff?)$", re.IGNORECASE)
_WORDS = re.compile(r"[^0-9a-z]+")
COHORT_TITLES = {"adults": "Adults", "children_young_people": "Children and young people",
                 "cross_cutting": "Cross-cutting", "other": "Other clinical areas"}
#: Two actions in one audience whose words overlap this much (rapidfuzz token-set ratio) are one checklist item.
SAME_ACTION = 90


def _tag_label(term: Any) -> str:
    """'Core20' rather than the whole IMD definition; no '(any)' qualifiers in running text."""
    if term.id == "core20":
        return "Core20 (most deprived 20%)"
    return term.short_label.replace(" (any)", "")


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".")


def _action_key(text: str) -> str:
    return _WORDS.sub(" ", text.casefold()).strip()


def synthesise(records: list[dict[str, Any]], audiences: list[str]) -> list[tuple[str, list[tuple[str, list[Any]]]]]:
    """Key actions per audience, deduplicated (same words, or nearly: rapidfuzz ≥ SAME_ACTION) and grouped, each
    with the case studies that show it; audiences in vocabulary order, actions shown by most case studies first."""
    from rapidfuzz import fuzz, process

    by_audience: dict[str, list[tuple[str, str, list[Any]]]] = {}
    for record in records:
        for row in record.get("key_actions") or []:
            text = str(row.get("action") or "").strip().rstrip(".")
            if not text:
                continue
            items = by_audience.setdefault(row.get("audience") or "Everyone", [])
            key = _action_key(text)
            found = next((i for i in items if i[0] == key), None)
            if found is None and items:
                match = process.extractOne(key, [i[0] for i in items], scorer=fuzz.token_set_ratio,
                                           score_cutoff=SAME_ACTION)
                found = items[match[2]] if match else None
            if found is None:
                items.append((key, text, [record]))
            elif all(r is not record for r in found[2]):
                found[2].append(record)
    order = [*audiences, "Everyone"]
    out = []
    for audience in sorted(by_audience, key=lambda a: order.index(a) if a in order else len(order)):
        items = sorted(by_audience[audience], key=lambda i: -len(i[2]))  # stable: first seen first among equals
        out.append((audience, [(text, found) for _, text, found in items]))
    return out


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

    def small(self, text: str) -> Any:
        paragraph = self.para()
        blocks.add_run(paragraph, text, color=house.NHS_GREY)
        return paragraph

    def bullets(self, items: list[str], markdown: bool = False) -> None:
        for item in items:
            if markdown:
                self.md.inline_text(self.para(style="List Bullet"), item)
            else:
                self.para(item, "List Bullet")

    def page_ref(self, paragraph: Any, record: dict[str, Any], prefix: str = "page ") -> None:
        blocks.add_run(paragraph, prefix)
        blocks.add_page_ref(paragraph, blocks.bookmark_name(record["id"]))

    # -- front matter -------------------------------------------------------------------------------------
    def cover(self, title: str, subtitle: str, date_text: str, publisher: str, edition: int, contact: str) -> None:
        self.para(title, "Title")
        self.para(subtitle, "Subtitle")
        self.para(f"Edition {edition}, {date_text}")
        self.para(f"Published by {publisher}")
        for _ in range(3):
            self.para()
        blocks.add_run(self.para(), "Alternative formats", bold=True)  # not a heading: the outline starts at 1
        self.para("This publication is available in other formats on request, such as large print, easy read, audio "
                  f"or Braille, and in other languages. To ask for one, contact {contact}.")
        blocks.page_break(self.doc)

    def contents(self, entries: list[str]) -> None:
        """A TOC field with page numbers: Word refreshes it on open, and the PDF export updates it first; until
        then it lists the sections."""
        self.para("Contents", "TOC Heading")
        first = self.para()
        blocks.add_field(first, 'TOC \\o "1-1" \\h \\z \\u', entries[0] if entries else "")
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
                  "tackling inequalities in healthcare access, experience and outcomes. It is organised by "
                  f"{group_title.lower()}. Each section opens with a short introduction and a checklist of the key "
                  "actions its case studies show, for system leaders, managers, clinicians and operational staff; "
                  "each case study opens with its key facts. A case study that belongs in more than one section is "
                  "printed once and its page is given in the others.")
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

    def method(self, flow: dict[str, Any], included: int, statuses: list[str]) -> None:
        """How the case studies were gathered and reviewed, with PRISMA-style counts from the library."""
        self.heading("How the case studies were gathered and reviewed", 1).paragraph_format.page_break_before = True
        self.para("Health Innovation Networks invited integrated care systems, trusts, primary care networks, local "
                  "authorities and voluntary organisations to submit case studies on a standard form. Each "
                  "submission was checked for completeness and for patient-identifiable data, then scored against a "
                  "published rubric by members of an expert reference group, who did not review work from their "
                  "own organisation or system. The group's chair recorded a decision for each case study, and "
                  "each organisation approved the final wording before publication.")
        decided = flow.get("decided") or {}
        rows = [["Submitted", str(flow.get("submitted", 0))],
                ["Sent to the expert reference group", str(flow.get("sent_to_review", 0))],
                ["Reviewed by at least one member", str(flow.get("reviewed", 0))],
                ["Accepted", str(flow.get("accepted", 0))],
                ["Not accepted or sent back for changes",
                 str(decided.get("reject", 0) + decided.get("revise", 0))],
                ["Published", str(flow.get("published", 0))],
                [f"In this guide (status {' or '.join(statuses)})", str(included)]]
        blocks.data_table(self.doc, ["Stage", "Case studies"], rows, widths=[12.0, 4.6])
        self.para()

    # -- sections -----------------------------------------------------------------------------------------
    def section(self, title: str, opening: str = "") -> None:
        self.heading(title, 1).paragraph_format.page_break_before = True
        if opening.strip():
            self.md.write(self.doc, opening, heading_level=2)

    def checklist(self, records: list[dict[str, Any]], pages: bool = True) -> None:
        """Per audience, the key actions deduplicated and grouped, each pointing to its case studies by title and
        page."""
        audiences = [a.label for a in self.vocab.audiences]
        synthesised = synthesise(records, audiences)
        if not synthesised:
            return
        self.heading("Checklist: key actions", 2)
        for audience, items in synthesised:
            self.heading(f"For {audience[0].lower()}{audience[1:]}" if audience != "Everyone" else "For everyone", 3)
            for text, shown_by in items:
                paragraph = self.para(style="List Bullet")
                self.md.inline_text(paragraph, text + ".")
                blocks.add_run(paragraph, " See ", color=house.NHS_GREY)
                for n, record in enumerate(shown_by):
                    if n:
                        blocks.add_run(paragraph, "; ", color=house.NHS_GREY)
                    blocks.add_run(paragraph, record["title"], color=house.NHS_GREY)
                    if pages:
                        blocks.add_run(paragraph, ", ", color=house.NHS_GREY)
                        self.page_ref(paragraph, record)
                blocks.add_run(paragraph, ".", color=house.NHS_GREY)

    def cross_references(self, records: list[dict[str, Any]], section_title: str) -> None:
        """Case studies printed in an earlier section, listed here with their page."""
        if not records:
            return
        self.heading("Also in this section", 2)
        self.para("These case studies are printed in full in an earlier section:")
        for record in records:
            paragraph = self.para(style="List Bullet")
            blocks.add_run(paragraph, record["title"])
            if record.get("organisation"):
                blocks.add_run(paragraph, f", {record['organisation']}")
            blocks.add_run(paragraph, ": see ")
            self.page_ref(paragraph, record)

    def case_study(self, record: dict[str, Any]) -> None:
        heading = self.heading(record["title"], 2)
        heading.paragraph_format.page_break_before = True  # one case study per spread
        blocks.add_bookmark(self.doc, heading, blocks.bookmark_name(record["id"]))
        self.key_facts(record)
        if (record.get("summary") or "").strip():
            self.heading("Summary", 3)
            self.md.write(self.doc, record["summary"], heading_level=4)
        self.pictures(record)
        if (record.get("body") or "").strip():
            self.heading("What was done", 3)
            self.md.write(self.doc, record["body"], heading_level=4)
        if record.get("outcomes"):
            self.heading("Outcomes", 3)
            blocks.data_table(self.doc, ["Measure", "Value"], [[o["measure"], o["value"]] for o in record["outcomes"]],
                              widths=[10.6, 6.0])
            self.para()
        if record.get("context_figures"):
            self.heading("The context in figures", 3)
            self.bullets(record["context_figures"], markdown=True)
        if record.get("lessons"):
            self.heading("Lessons learned", 3)
            self.bullets(record["lessons"], markdown=True)
        if record.get("partners"):
            self.heading("Partners", 3)
            self.bullets(record["partners"])
        self.sources(record)
        self.contact(record)

    def key_facts(self, record: dict[str, Any]) -> None:
        """The facts a reader scans first, in a shaded two-column box whose header row names it."""
        vocab = self.vocab
        ics = vocab.ics.by_id.get(record.get("ics") or "")

        def names(field: str, vocabulary: Any, extra: list[str] | None = None) -> str:
            found = [_tag_label(vocabulary.by_id[t]) if t in vocabulary.by_id else t for t in record.get(field) or []]
            return "; ".join(found + (extra or []))

        evaluation = record.get("evaluation_type") or ""
        rows = [("Organisation", record.get("organisation") or ""),
                ("Integrated care system", f"{ics.label} ICS" if ics else ""),
                ("NHS region", ics.extra.get("region", "") if ics else ""),
                ("Health Innovation Network", record.get("ahsn") or ""),
                ("Programme", record.get("programme") or ""),
                ("Clinical areas", names("clinical_areas", vocab.areas)),
                ("Population groups", names("population_groups", vocab.groups, record.get("local_groups") or [])),
                ("Key areas for action", names("action_areas", vocab.actions)),
                ("Period", record.get("period") or (str(record["year"]) if record.get("year") else "")),
                ("Evaluation", evaluation[0].upper() + evaluation[1:] if evaluation else ""),
                ("Review due", _review_date(record.get("review_by")))]
        rows = [(label, value) for label, value in rows if str(value).strip()]
        table = blocks.data_table(self.doc, ["Key facts", ""], [[label, str(value)] for label, value in rows],
                                  widths=[5.2, 11.4])
        trs = table._tbl.findall(qn("w:tr"))
        first, second = trs[0].findall(qn("w:tc"))
        trs[0].remove(second)  # one header cell across both columns (python-docx's merge is slow and leaves a line)
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), "2")
        tc_pr = first.get_or_add_tcPr()
        tc_pr.tcW.set(qn("w:w"), str(int(16.6 * 567)))
        tc_pr.tcW.addnext(span)
        blocks.shade(first, "005EB8")
        for run in first.iter(qn("w:r")):
            _white(run)
        for tr in trs[1:]:
            label, value = tr.findall(qn("w:tc"))
            blocks.shade(label, house.NHS_PALE_GREY)
            blocks.shade(value, house.NHS_PALE_GREY)
            for run in label.iter(qn("w:r")):
                _bold(run)
        self.para()

    def contact(self, record: dict[str, Any]) -> None:
        contact = record.get("contact") or {}
        if not (record.get("contact_consent") and any((contact.get(k) or "").strip() for k in ("name", "email",
                                                                                              "phone"))):
            return
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

    # -- back matter --------------------------------------------------------------------------------------
    def acknowledgements(self, records: list[dict[str, Any]], reviewers: list[str]) -> None:
        self.heading("Acknowledgements", 1).paragraph_format.page_break_before = True
        organisations = sorted({r["organisation"] for r in records if (r.get("organisation") or "").strip()},
                               key=str.casefold)
        self.para(f"We thank the {len(organisations)} organisations that shared their work and approved how it is "
                  "described here, and the people who use their services, whose experience shaped it.")
        if reviewers:
            self.para("We thank the members of the expert reference group who reviewed the case studies, including "
                      "those who agreed to be named:")
            self.bullets(reviewers)
        else:
            self.para("We thank the members of the expert reference group who reviewed the case studies; reviewers "
                      "are named only with their agreement.")

    def index_appendix(self, placed: list[tuple[str, dict[str, Any]]]) -> None:
        self.section("Appendix A: Case studies by region and ICS")
        self.small("Each case study once, with the section it is printed in and its page.")
        rows = []
        for section, record in placed:
            ics = self.vocab.ics.by_id.get(record.get("ics") or "")
            rows.append(([ics.extra.get("region", "") if ics else "Not recorded",
                          ics.label if ics else "Not recorded", record["title"], section], record))
        rows.sort(key=lambda r: (r[0][0] == "Not recorded", r[0][0], r[0][1], r[0][2].casefold()))
        table = blocks.data_table(self.doc, ["Region", "ICS", "Case study", "Section", "Page"],
                                  [[*cells, ""] for cells, _ in rows], widths=[2.8, 3.6, 5.6, 3.4, 1.5])
        cells = blocks.first_paragraphs(table)
        for n, (_, record) in enumerate(rows, start=1):
            blocks.add_page_ref(cells[n * 5 + 4], blocks.bookmark_name(record["id"]))

    def coverage_appendix(self, records: list[dict[str, Any]]) -> None:
        """Counts per clinical area and per region, then the gaps in words: readable when most cells are empty."""
        self.section("Appendix B: Coverage")
        vocab = self.vocab
        self.small("How many case studies in this guide cover each Core20PLUS5 clinical area and come from each NHS "
                   "region. A case study tagged with two clinical areas counts in both.")
        core = [a for a in vocab.areas if a.extra.get("cohort") in COHORT_TITLES and a.extra.get("cohort") != "other"]
        by_area: Counter[str] = Counter()
        regions_of_area: dict[str, set[str]] = {}
        by_region: Counter[str] = Counter()
        ics_seen: set[str] = set()
        for record in records:
            region = vocab.region_of(record.get("ics")) or ""
            if region:
                by_region[region] += 1
                ics_seen.add(record["ics"])
            for area in record.get("clinical_areas") or []:
                key = area if area in {a.id for a in core} else "other"
                by_area[key] += 1
                if region:
                    regions_of_area.setdefault(key, set()).add(region)
        self.heading("By clinical area", 2)
        rows = [[a.short_label, COHORT_TITLES.get(a.extra.get("cohort", ""), ""), str(by_area[a.id]),
                 str(len(regions_of_area.get(a.id, ())))] for a in core]
        rows.append(["Other clinical areas", "", str(by_area["other"]), str(len(regions_of_area.get("other", ())))])
        blocks.data_table(self.doc, ["Clinical area", "For", "Case studies", "Regions"], rows,
                          widths=[7.2, 4.0, 3.0, 2.4])
        self.heading("By NHS region", 2)
        rows = []
        for region in vocab.regions:
            systems = [i for i in vocab.ics if i.extra.get("region") == region.label]
            covered = sum(1 for i in systems if i.id in ics_seen)
            rows.append([region.label, str(by_region[region.label]), f"{covered} of {len(systems)}"])
        blocks.data_table(self.doc, ["Region", "Case studies", "ICSs with a case study"], rows,
                          widths=[7.0, 3.8, 5.8])
        self.heading("Gaps", 2)
        gaps = []
        missing_areas = [a.short_label for a in core if not by_area[a.id]]
        if missing_areas:
            gaps.append(f"No case study yet for {len(missing_areas)} clinical areas: {'; '.join(missing_areas)}.")
        missing_regions = [r.label for r in vocab.regions if not by_region[r.label]]
        if missing_regions:
            gaps.append(f"No case study yet from {'; '.join(missing_regions)}.")
        for region in vocab.regions:
            missing = [i.label for i in vocab.ics if i.extra.get("region") == region.label and i.id not in ics_seen]
            if missing and region.label not in missing_regions:
                gaps.append(f"{region.label}: none yet from {'; '.join(missing)}.")
        self.bullets(gaps or ["Every clinical area and every integrated care system has at least one case study."])

    def edition_appendix(self, number: int, date_text: str, statuses: list[str], group_title: str,
                         log: dict[str, Any], records: list[dict[str, Any]]) -> None:
        self.section("Appendix C: About this edition")
        self.para(f"Edition {number}, {date_text}. It holds the {len(records)} case studies accepted for "
                  f"publication (status {' or '.join(statuses)}), grouped by {group_title.lower()}.")
        self.heading("What has changed", 2)
        if log["previous"] is None:
            self.para("This is the first edition.")
        else:
            lines = ([f"Added: {t}" for t in log["added"]] + [f"Removed: {t}" for t in log["removed"]]
                     + [f"Updated: {t}" for t in log.get("updated", log.get("revised", []))])
            self.para(f"Since edition {log['previous']}, {_count(log, 'added')} added, {_count(log, 'removed')} "
                      f"removed and {_count(log, 'updated')} updated:" if lines else
                      f"No case study has changed since edition {log['previous']}.")
            self.bullets(lines)
        self.heading("Case studies in this edition", 2)
        table = blocks.data_table(self.doc, ["Case study", "Organisation", "Page"],
                                  [[r["title"], r.get("organisation") or "", ""] for r in records],
                                  widths=[9.0, 6.1, 1.5])
        cells = blocks.first_paragraphs(table)
        for n, record in enumerate(records, start=1):
            blocks.add_page_ref(cells[n * 3 + 2], blocks.bookmark_name(record["id"]))


def _count(log: dict[str, Any], kind: str) -> str:
    items = log.get(kind, log.get("revised", []) if kind == "updated" else [])
    return f"{len(items)} case stud{'y' if len(items) == 1 else 'ies'}" if kind == "added" else str(len(items))


def _review_date(value: Any) -> str:
    import datetime as dt

    if not value:
        return ""
    try:
        when = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{when:%B %Y}"


def _white(run: Any) -> None:
    rpr = run.find(qn("w:rPr"))
    color = rpr.find(qn("w:color")) if rpr is not None else None
    if color is None:
        from docx.oxml import OxmlElement

        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        color = OxmlElement("w:color")
        blocks.insert_before(rpr, color, ("w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
                                          "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
                                          "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang"))
    color.set(qn("w:val"), "FFFFFF")


def _bold(run: Any) -> None:
    from docx.oxml import OxmlElement

    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run.insert(0, rpr)
    if rpr.find(qn("w:b")) is None:
        rpr.insert(0, OxmlElement("w:b"))
