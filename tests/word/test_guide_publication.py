"""The guide as a publication (issue 14): every word of every record printed as written, every key area with its
section and cross-references, identical exports reusing the edition, synthesised checklists, the lead's openings,
method and acknowledgements, 12 pt tables, and every colour any Word output uses readable (≥ 4.5:1)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html

from curator.cli import main
from curator.demo import load_demo
from curator.importers import ImportItem
from curator.model import STATUSES
from curator.vocab import vocabularies
from curator.word.guide import export_guide
from curator.word.markdown_docx import to_html


@pytest.fixture
def demo_library(library):
    load_demo(library)
    return library


def run_cli(library, *args: str, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--library", str(library.folder), "--json", *args])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def _accepted(library, **fields) -> dict:
    base = {"title": "Walk-in diabetes checks", "organisation": "Anytown PCN", "ics": "E54000057",
            "status": "accepted", "summary": "Checks in a mosque."}
    report = library.import_records([ImportItem("t", dict(base, **fields))], backup=False)
    return library.get(report.imported[0]["id"])


def document_words(path: Path) -> str:
    """The guide's printed words in reading order (paragraphs with their links, then table cells), space-joined."""
    d = docx.Document(path)
    texts = [p.text for p in d.paragraphs]
    for table in d.tables:
        texts += [p.text for row in table.rows for c in row.cells for p in c.paragraphs]
    return " " + " ".join(" ".join(texts).split()) + " "


def markdown_blocks(text: str) -> list[str]:
    """Each block of a Markdown field as a reader sees it (paragraphs, list items without their sub-lists,
    headings, table cells), so a sentence is compared whole, word for word."""
    if not text.strip():
        return []
    out = []
    for element in lxml_html.fragments_fromstring(to_html(text)):
        if isinstance(element, str):
            out.append(element)
            continue
        for block in element.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "pre"):
            if block.tag == "li":
                block = lxml_html.fromstring(lxml_html.tostring(block))
                for sub in block.findall(".//ul") + block.findall(".//ol"):
                    sub.getparent().remove(sub)
            if block.tag in ("p", "td", "th") and block.getparent() is not None and block.getparent().tag == "li":
                continue
            out.append(block.text_content())
    return [b for b in out if b.strip()]


def test_every_demo_record_is_printed_word_for_word(library, tmp_path):
    """Point 1: no words run together ("ranin-reach"), no raw ** in lessons: every demo record, every field."""
    load_demo(library)
    out = tmp_path / "all.docx"
    export_guide(library, out, statuses=list(STATUSES))
    printed = document_words(out)
    records = list(library.iter_records())
    assert len(records) >= 20
    missing = []
    for record in records:
        pieces = [record["title"], record.get("organisation") or "", *(record.get("partners") or [])]
        for field in ("summary", "body"):
            pieces += markdown_blocks(record.get(field) or "")
        for field in ("lessons", "context_figures"):
            for item in record.get(field) or []:
                pieces += markdown_blocks(item)
        for row in record.get("outcomes") or []:
            pieces += [row["measure"], row["value"]]
        for row in record.get("key_actions") or []:
            pieces += markdown_blocks(row["action"])
        for piece in pieces:
            words = " ".join(piece.split())
            if words and f" {words}" not in printed.replace(f"{words}.", f"{words} ."):
                missing.append((record["title"][:40], words[:80]))
    assert not missing, f"{len(missing)} pieces not printed word for word, e.g. {missing[:5]}"
    assert "**" not in printed and " _" not in printed


def test_list_items_keep_the_spaces_around_bold_italic_and_links(library, tmp_path):
    _accepted(library, body="- The team ran **in-reach** clinics and *weekly* [drop-ins](https://example.org) too\n"
                            "- Plain item\n  continued on a second line\n\n1. First **bold** step")
    export_guide(library, tmp_path / "g.docx")
    printed = document_words(tmp_path / "g.docx")
    assert " The team ran in-reach clinics and weekly drop-ins too " in printed
    assert " Plain item continued on a second line " in printed and " First bold step " in printed


def _sections(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs if p.style.name == "Heading 1"]


def test_every_key_area_has_its_section_and_case_studies_are_cross_referenced(demo_library, tmp_path):
    """Point 2: the four key areas, each case study in full once, a PAGEREF to its bookmark from its other
    sections (and from the checklists and the index)."""
    out = tmp_path / "g.docx"
    export_guide(demo_library, out)
    included = [r for r in demo_library.iter_records() if r["status"] in ("accepted", "published")]
    tagged = {a.id for r in included for a in vocabularies().actions if a.id in r["action_areas"]}
    assert len(tagged) == 4
    sections = _sections(out)
    for action in vocabularies().actions:
        assert action.label in sections
    d = docx.Document(out)
    titles = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    for record in included:
        assert titles.count(record["title"]) == 1, record["title"]
    body = d.element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    refs = [re.search(r"PAGEREF (\S+)", i.text).group(1) for i in body.iter(qn("w:instrText"))
            if "PAGEREF" in (i.text or "")]
    assert refs and set(refs) <= bookmarks
    multi = [r for r in included if len(r["action_areas"]) > 1]
    assert multi
    also = [p for p in d.paragraphs if p.style.name == "Heading 2" and p.text == "Also in this section"]
    assert also, "a case study tagged with two key areas is cross-referenced from its second section"
    xml = body.xml
    for record in multi:
        mark = f"cs_{record['id'].replace('-', '_')}"
        assert mark in bookmarks and xml.count(f"PAGEREF {mark} ") >= 2


def test_grouping_by_area_uses_the_core20plus5_clinical_areas_in_order(demo_library, tmp_path):
    out = tmp_path / "g.docx"
    export_guide(demo_library, out, group_by="area")
    sections = _sections(out)
    areas = [a.short_label for a in vocabularies().areas if a.extra.get("cohort") != "other"]
    present = [s for s in sections if s in areas]
    assert len(present) >= 5 and present == [a for a in areas if a in present]
    assert "Adult clinical areas" not in sections


def test_an_identical_export_reuses_the_edition_and_the_change_log_speaks_to_readers(demo_library, tmp_path,
                                                                                     capsys):
    first = export_guide(demo_library, tmp_path / "a.docx")
    again = export_guide(demo_library, tmp_path / "b.docx")
    assert first["edition"] == again["edition"] == 1 and again["reused"] and not first["reused"]
    assert demo_library.store.scalar("SELECT COUNT(*) FROM guide_editions") == 1
    code, listed = run_cli(demo_library, "export", "guide", str(tmp_path / "c.docx"), capsys=capsys)
    assert code == 0 and listed["edition"] == 1 and listed["reused"]

    accepted = next(demo_library.iter_records(status="accepted"))
    demo_library.update(accepted["id"], {"summary": accepted["summary"] + " Updated after review."})
    published = next(demo_library.iter_records(status="published"))
    demo_library.set_status(published["id"], "archived")
    added = _accepted(demo_library, title="A brand new case study")
    second = export_guide(demo_library, tmp_path / "d.docx")
    assert second["edition"] == 2 and not second["reused"]
    assert second["changes"]["updated"] == [accepted["title"]]
    printed = document_words(tmp_path / "d.docx")
    assert f" Added: {added['title']} " in printed and f" Updated: {accepted['title']} " in printed
    assert f" Removed: {published['title']} " in printed
    for internal in ("Change status", "Import from", "Version", "version"):
        assert internal not in printed


def test_checklists_are_synthesised_per_audience_with_titles_and_pages(library, tmp_path):
    """Point 5: the same action from two case studies is one item pointing to both, by title and page."""
    shared = "Pay community partners for their time directly"
    _accepted(library, title="Barbers", key_actions=[{"action": shared + ".", "audience": "System leaders"},
                                                    {"action": "Train barbers", "audience": "Operational staff"}])
    _accepted(library, title="Mosque checks", organisation="Other PCN",
              key_actions=[{"action": "pay community partners for their time, directly", "audience": "System leaders"}])
    out = tmp_path / "g.docx"
    export_guide(library, out)
    d = docx.Document(out)
    items = [p for p in d.paragraphs if p.style.name == "List Bullet" and "community partners" in p.text.lower()]
    assert len(items) == 1
    assert "Barbers" in items[0].text and "Mosque checks" in items[0].text
    assert items[0]._p.xml.count("PAGEREF") == 2
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 3"]
    assert "For system leaders" in headings and "For operational staff" in headings
    assert "From:" not in document_words(out)


def test_section_openings_are_stored_in_the_library_and_editable_from_the_cli(demo_library, tmp_path, capsys):
    code, shown = run_cli(demo_library, "guide", "opening", capsys=capsys)
    assert code == 0 and len(shown["openings"]) == 5 and not any(o["custom"] for o in shown["openings"])
    urgency = next(o for o in shown["openings"] if o["key"] == "urgency_commitment")
    assert urgency["text"].startswith("'Maintaining a sense of urgency")
    code, result = run_cli(demo_library, "guide", "opening", "Maintaining a sense of urgency and commitment to act",
                           "--set", "Boards keep **inequalities** on every agenda.", capsys=capsys)
    assert code == 0 and result["custom"] and result["key"] == "urgency_commitment"
    export_guide(demo_library, tmp_path / "g.docx")
    assert " Boards keep inequalities on every agenda. " in document_words(tmp_path / "g.docx")
    code, result = run_cli(demo_library, "guide", "opening", "asthma", "--group-by", "area", capsys=capsys)
    assert code == 0 and "reliever" in result["text"] and not result["custom"]
    code, err = run_cli(demo_library, "guide", "opening", "nowhere", "--set", "x", capsys=capsys)
    assert code == 2 and "urgency_commitment" in err["error"]
    code, result = run_cli(demo_library, "guide", "opening", "urgency_commitment", "--reset", capsys=capsys)
    assert code == 0 and not result["custom"]


def test_method_page_acknowledgements_and_alternative_formats(demo_library, tmp_path, capsys):
    from curator.review import reviewers

    named = reviewers.add(demo_library, "Dr Amina Shah", organisation="Leeds Teaching Hospitals")
    reviewers.add(demo_library, "Private Person", organisation="Somewhere Trust")
    code, result = run_cli(demo_library, "guide", "acknowledge", named.id, capsys=capsys)
    assert code == 0 and result["named"]
    out = tmp_path / "g.docx"
    export_guide(demo_library, out, contact="guides@example.nhs.uk")
    printed = document_words(out)
    assert " Dr Amina Shah, Leeds Teaching Hospitals " in printed and "Private Person" not in printed
    assert "How the case studies were gathered and reviewed" in _sections(out)
    d = docx.Document(out)
    flow = next(t for t in d.tables if t.rows[0].cells[0].text == "Stage")
    stages = {r.cells[0].text: r.cells[1].text for r in flow.rows[1:]}
    assert int(stages["Submitted"]) >= int(stages["Accepted"]) > 0
    assert "Alternative formats" in printed and "guides@example.nhs.uk" in printed
    assert "Curator" not in " ".join(p.text for p in d.paragraphs[:12])  # no software credit on the cover


def test_tables_print_at_12_pt_and_the_grey_is_nhs_grey(demo_library, tmp_path):
    out = tmp_path / "g.docx"
    export_guide(demo_library, out)
    d = docx.Document(out)
    sizes = {int(sz.get(qn("w:val"))) for t in d.tables for sz in t._tbl.iter(qn("w:sz"))}
    assert not sizes or min(sizes) >= 24
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "4C6172" not in xml and "4C6272" in xml
    assert d.sections[-1].page_width < d.sections[-1].page_height  # the coverage appendix is portrait, readable
    coverage = [t for t in d.tables if t.rows[0].cells[0].text == "Clinical area"]
    assert coverage and "Gaps" in [p.text for p in d.paragraphs if p.style.name == "Heading 2"]


# -- contrast of every colour any Word output prints -------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fore: str, back: str) -> float:
    a, b = sorted((_luminance(fore), _luminance(back)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def colour_pairs(path: Path) -> set[tuple[str, str]]:
    """(text colour, background) for every run and every style the document uses (backgrounds: cell shading)."""
    d = docx.Document(path)
    default = "000000"
    normal = d.styles["Normal"].font.color
    if normal is not None and normal.rgb is not None:
        default = str(normal.rgb)
    pairs = set()
    used = {s.get(qn("w:val")) for s in d.element.body.iter(qn("w:pStyle"), qn("w:rStyle"))} | {"Normal"}
    for style in d.styles:
        if getattr(style, "style_id", None) in used or style.name in used:
            rpr = style.element.rPr
            color = rpr.find(qn("w:color")) if rpr is not None else None
            if color is not None and color.get(qn("w:val")) not in (None, "auto"):
                pairs.add((color.get(qn("w:val")).upper(), "FFFFFF"))
    for tc in d.element.body.iter(qn("w:tc")):
        shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
        fill = shd.get(qn("w:fill")).upper() if shd is not None and shd.get(qn("w:fill")) not in (None, "auto") \
            else None
        if fill:
            for run in tc.iter(qn("w:r")):
                color = run.find(f"{qn('w:rPr')}/{qn('w:color')}")
                pairs.add(((color.get(qn("w:val")) if color is not None else default).upper(), fill))
    for color in d.element.body.iter(qn("w:color")):
        value = color.get(qn("w:val"))
        inside_shading = any(p.tag == qn("w:tc") and p.find(f"{qn('w:tcPr')}/{qn('w:shd')}") is not None
                             for p in color.iterancestors())
        if value not in (None, "auto") and not inside_shading:
            pairs.add((value.upper(), "FFFFFF"))
    pairs.add((default.upper(), "FFFFFF"))
    return pairs


def word_cm(word: str) -> float:
    """Width of a word in bold 12 pt Arial: measured with Liberation Sans (Arial's metrics) when it is installed."""
    font = Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf")
    try:
        from PIL import ImageFont

        return ImageFont.truetype(str(font), 1200).getlength(word) / 100 / 72 * 2.54
    except (ImportError, OSError):
        return len(word) * 0.25


def test_every_colour_the_word_outputs_use_has_contrast_of_at_least_4_5(demo_library, tmp_path):
    from curator.review import assign, reviewers
    from curator.review.report import write_report
    from curator.review.rubric import current
    from curator.review.sheets import write_word_pack
    from curator.word.submission import write_form

    export_guide(demo_library, tmp_path / "guide.docx")
    reviewer = reviewers.add(demo_library, "Ada Reviewer", organisation="Elsewhere")
    assert reviewer and assign  # the report is written with or without assignments
    write_report(demo_library, tmp_path / "report.docx")
    records = list(demo_library.iter_records(status="in_review"))[:2]
    write_word_pack(records, "Ada Reviewer", current(demo_library), tmp_path / "pack.docx")
    write_form(tmp_path / "form.docx", records[0])
    low = []
    for name in ("guide", "report", "pack", "form"):
        path = tmp_path / f"{name}.docx"
        for fore, back in colour_pairs(path):
            if contrast(fore, back) < 4.5:
                low.append((name, fore, back, round(contrast(fore, back), 2)))
        d = docx.Document(path)
        props = d.core_properties
        assert props.author != "python-docx" and props.created.year >= 2020 and props.language == "en-GB", name
        with zipfile.ZipFile(path) as zf:
            assert b"Macintosh" not in zf.read("docProps/app.xml"), name
        section = d.sections[0]
        assert {round(section.page_width.cm, 1), round(section.page_height.cm, 1)} == {21.0, 29.7}, name
        assert d.styles["Normal"].font.name == "Arial", name
        for table in d.tables:
            for tr in table._tbl.iterchildren(qn("w:tr")):
                assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None, name
        for table in d.tables:  # no column header breaks inside a word ("Ran k"): each word fits its cell at 12 pt
            first = table._tbl.find(qn("w:tr"))
            for tc in first.findall(qn("w:tc")):
                width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                if width is None or width.get(qn("w:type")) != "dxa":
                    continue
                cm = int(width.get(qn("w:w"))) / 567
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                for word in text.split():
                    assert word_cm(word) + 0.38 <= cm, (name, word, round(cm, 2))  # Word's cell margins: 0.19 each
        if name != "form":  # the form holds the Markdown source to edit and read back exactly
            text = document_words(path)
            assert not re.search(r"(?<!\w)_[^_\s][^_]*_(?!\w)", text), (name, "literal _…_")
    assert not low, low
