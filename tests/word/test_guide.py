"""The high impact actions guide: the issue's "Must hold" list, checked by reopening the .docx with python-docx."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from curator.cli import main
from curator.demo import load_demo
from curator.importers import ImportItem
from curator.word.blocks import is_header_row
from curator.word.guide import export_guide

VALID_NHS = "943 476 5919"
INVALID_NHS = "943 476 5918"


@pytest.fixture
def demo_library(library):
    load_demo(library)
    return library


def run_cli(library, *args: str, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--library", str(library.folder), "--json", *args])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def heading_levels(document) -> list[tuple[int, str]]:
    out = []
    for p in document.paragraphs:
        name = p.style.name
        if name.startswith("Heading "):
            out.append((int(name.split()[1]), p.text))
    return out


def all_text(path: Path) -> str:
    """Every w:t in every part: what a reader (or a leak) could find anywhere in the file."""
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))


def body_text(path: Path) -> list[str]:
    d = docx.Document(path)
    texts = [p.text for p in d.paragraphs]
    for table in d.tables:
        texts += [c.text for row in table.rows for c in row.cells]
    return texts


def test_demo_guide_holds_the_accessibility_and_consent_rules(demo_library, tmp_path, capsys):
    out = tmp_path / "guide.docx"
    code, result = run_cli(demo_library, "export", "guide", str(out), capsys=capsys)
    assert code == 0 and result["edition"] == 1
    included = [r for r in demo_library.iter_records() if r["status"] in ("accepted", "published")]
    assert result["records"] == len(included) > 0
    d = docx.Document(out)

    levels = heading_levels(d)
    assert levels[0][0] == 1
    for (before, _), (after, text) in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading '{text}' skips from level {before} to {after}"
    titles = {text for level, text in levels if level == 2}
    assert {r["title"] for r in included} <= titles
    sections = [text for level, text in levels if level == 1]
    assert sections[0] == "Introduction" and sections[-3:] == [
        "Appendix A: Case studies by region and ICS", "Appendix B: Coverage", "Appendix C: About this edition"]

    assert d.tables and all(is_header_row(t.rows[0]) for t in d.tables)
    outcome_tables = [t for t in d.tables if [c.text for c in t.rows[0].cells] == ["Measure", "Value"]]
    assert len(outcome_tables) == sum(1 for r in included if r["outcomes"])

    props = d.core_properties
    assert props.title == "Tackling healthcare inequalities: high impact actions"
    assert props.language == "en-GB" and props.author == "" and props.last_modified_by == ""
    lang = d.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        app = zf.read("docProps/app.xml").decode()
    assert "docProps/thumbnail.jpeg" not in names and not any(n.startswith("customXml/") for n in names)
    assert "Macintosh" not in app and "Normal.dotm" not in app
    assert all(s.get("descr") for s in d.element.body.iter(qn("wp:docPr")))  # alt text on any picture

    heading_style = d.styles["Heading 1"]
    assert str(heading_style.font.color.rgb) == "005EB8" and heading_style.font.name == "Arial"
    footer_xml = d.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert 'TOC \\o "1-1"' in d.element.body.xml
    settings = [c.tag for c in d.settings.element]
    assert settings.index(qn("w:updateFields")) < settings.index(qn("w:compat"))  # schema order: Word is strict

    text = all_text(out)
    for record in included:
        contact = record["contact"]
        for value in (contact.get("email"), contact.get("phone"), contact.get("name")):
            if value:
                assert (value in text) == record["contact_consent"], (record["title"], value)
    assert "**" not in "\n".join(body_text(out))  # Markdown became formatting, not asterisks
    assert d.element.body.find(f".//{qn('w:b')}") is not None
    links = d.element.body.findall(f".//{qn('w:hyperlink')}")
    assert links and all(d.part.rels[link.get(qn("r:id"))].is_external for link in links)
    assert any(p.style.name == "List Bullet" for p in d.paragraphs)


@pytest.mark.parametrize("group_by,expected", [
    ("area", ["Maternity", "Asthma", "Oral health", "Smoking cessation"]),
    ("region", ["London", "North West"]),
])
def test_guide_sections_by_area_and_region(demo_library, tmp_path, group_by, expected):
    result = export_guide(demo_library, tmp_path / "g.docx", group_by=group_by, statuses=["published", "accepted"])
    sections = [t for level, t in heading_levels(docx.Document(tmp_path / "g.docx")) if level == 1]
    assert set(expected) <= set(sections)
    assert result["group_by"] == group_by


def _accepted(library, **fields) -> dict:
    base = {"title": "Walk-in diabetes checks", "organisation": "Anytown PCN", "ics": "E54000057",
            "status": "accepted", "summary": "Checks in a mosque.", "contact": {"email": "lead@nhs.net"}}
    report = library.import_records([ImportItem("t", dict(base, **fields))], backup=False)
    return library.get(report.imported[0]["id"])


def test_valid_nhs_number_blocks_the_guide_until_dismissed(library, tmp_path, capsys):
    record = _accepted(library, summary=f"Patient {VALID_NHS} was seen; reference {INVALID_NHS} is not valid.")
    out = tmp_path / "guide.docx"
    code, result = run_cli(library, "export", "guide", str(out), capsys=capsys)
    assert code == 1 and not out.exists()
    assert "not written" in result["error"]
    [finding] = result["pii"]  # the number with a failing check digit is not reported
    assert finding["id"] == record["id"] and finding["title"] == record["title"]
    assert finding["field"] == "summary" and finding["kind"] == "nhs_number" and VALID_NHS in finding["excerpt"]
    assert library.store.scalar("SELECT COUNT(*) FROM guide_editions") == 0

    code, checked = run_cli(library, "check-pii", "--all", capsys=capsys)
    assert code == 1 and [f["finding"] for f in checked["findings"]] == [finding["finding"]]
    code, err = run_cli(library, "pii", "dismiss", record["id"], "nope", "--reason", "x", capsys=capsys)
    assert code == 2 and "is not a finding" in err["error"]
    code, _ = run_cli(library, "pii", "dismiss", record["id"], finding["finding"], "--reason",
                      "a published trial reference, not a patient", capsys=capsys)
    assert code == 0
    assert any("Dismiss possible NHS number" in h["label"] for h in library.history(record["id"]))
    code, checked = run_cli(library, "check-pii", record["id"], capsys=capsys)
    assert code == 0 and checked["findings"] == []
    code, result = run_cli(library, "export", "guide", str(out), capsys=capsys)
    assert code == 0 and out.exists()


def test_pii_gate_sees_postcodes_dates_of_birth_and_unconsented_contacts(library, tmp_path, capsys):
    _accepted(library, body="Seen at SW1A 1AA. DOB: 12/03/1951. Call 0161 496 0000 or email lead@nhs.net.",
              contact={"email": "lead@nhs.net", "phone": "0161 496 0000"}, contact_consent=True)
    _accepted(library, title="Second case", organisation="Other PCN", summary="Email lead2@nhs.net",
              contact={"email": "lead2@nhs.net"}, contact_consent=False)
    code, result = run_cli(library, "check-pii", "--all", capsys=capsys)
    kinds = sorted((f["title"], f["kind"]) for f in result["findings"])
    assert kinds == [("Second case", "email"), ("Walk-in diabetes checks", "date_of_birth"),
                     ("Walk-in diabetes checks", "postcode")]
    code, err = run_cli(library, "check-pii", capsys=capsys)
    assert code == 2 and "--all" in err["error"]


def test_editions_are_recorded_listed_and_rewritten_identically(demo_library, tmp_path, capsys):
    first = tmp_path / "e1.docx"
    assert export_guide(demo_library, first)["edition"] == 1
    accepted = next(demo_library.iter_records(status="accepted"))
    demo_library.update(accepted["id"], {"summary": accepted["summary"] + " Updated after review."})
    added = _accepted(demo_library, title="A brand new case study")
    second = export_guide(demo_library, tmp_path / "e2.docx")
    assert second["edition"] == 2
    assert second["changes"]["added"] == [added["title"]] and second["changes"]["revised"] == [accepted["title"]]

    code, listed = run_cli(demo_library, "guide", "editions", capsys=capsys)
    assert [e["edition"] for e in listed["editions"]] == [1, 2]
    code, again = run_cli(demo_library, "export", "guide", str(tmp_path / "again.docx"), "--edition", "1",
                          capsys=capsys)
    assert code == 0 and again["rewritten"] and again["edition"] == 1
    assert body_text(tmp_path / "again.docx") == body_text(first)
    assert "Updated after review." not in "\n".join(body_text(tmp_path / "again.docx"))
    assert "Added: A brand new case study" in "\n".join(body_text(tmp_path / "e2.docx"))
    code, err = run_cli(demo_library, "export", "guide", str(tmp_path / "x.docx"), "--edition", "9", capsys=capsys)
    assert code == 2 and "no guide edition 9" in err["error"]
    assert len(listed["editions"]) == demo_library.store.scalar("SELECT COUNT(*) FROM guide_editions")


def test_user_template_styles_are_used_and_missing_styles_are_supplied(demo_library, tmp_path):
    template = docx.Document()
    template.styles["Normal"].font.name = "Georgia"
    styles = template.styles.element
    for name in ("List Bullet", "Heading 3", "Table Grid"):
        styles.remove(template.styles[name].element)  # as Word saves them: only styles in use are defined
    template.save(tmp_path / "ours.docx")
    export_guide(demo_library, tmp_path / "g.docx", template=tmp_path / "ours.docx", title="Our guide")
    d = docx.Document(tmp_path / "g.docx")
    assert d.styles["Normal"].font.name == "Georgia" and d.core_properties.title == "Our guide"
    assert any(p.style.name == "List Bullet" for p in d.paragraphs)
    assert any(p.style.name == "Heading 3" for p in d.paragraphs)
    assert d.styles["List Bullet"].element.pPr.numPr is not None  # a real list, with numbering


def test_markdown_is_sanitised_and_plain_text_kept(library, tmp_path):
    _accepted(library, summary="A&E waits <5% **fell**. <script>alert(1)</script> [bad](javascript:alert(1)) "
                               "[NHS](https://www.nhs.uk)\n\n- one\n- two")
    export_guide(library, tmp_path / "g.docx")
    d = docx.Document(tmp_path / "g.docx")
    text = "\n".join(p.text for p in d.paragraphs)
    assert "A&E waits <5% fell." in text and "alert" not in text and "<script>" not in text
    targets = [r.target_ref for r in d.part.rels.values() if r.is_external]
    assert "https://www.nhs.uk" in targets and not any(t.startswith("javascript") for t in targets)
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert "fell" in bold


def test_guide_refuses_an_empty_selection_a_missing_template_and_a_pdf_name(library, tmp_path, capsys):
    code, err = run_cli(library, "export", "guide", str(tmp_path / "g.pdf"), capsys=capsys)
    assert code == 2 and "must end in .docx (add --pdf" in err["error"]
    code, err = run_cli(library, "export", "guide", str(tmp_path / "g.docx"), capsys=capsys)
    assert code == 2 and "nothing to put in the guide" in err["error"]
    code, err = run_cli(library, "export", "guide", str(tmp_path / "g.docx"), "--template", "nope.docx",
                        capsys=capsys)
    assert code == 2 and "no such file" in err["error"]


def test_bench_export_reports_ratio_and_memory(library, capsys):
    code, result = run_cli(library, "bench", "export", "--cases", "3", capsys=capsys)
    assert {"guide_seconds", "baseline_seconds", "ratio", "guide_peak_mb", "met"} <= set(result)
    assert result["cases"] == 3 and result["guide_bytes"] > 0 and code in (0, 1)


def test_template_metadata_comments_and_authors_never_reach_the_guide(demo_library, tmp_path):
    template = docx.Document()
    template.core_properties.author = "Jane Template-Owner"
    template.add_comment(template.add_paragraph("draft").runs, text="note", author="Jane Template-Owner")
    template.save(tmp_path / "t.docx")
    export_guide(demo_library, tmp_path / "g.docx", template=tmp_path / "t.docx")
    assert "Template-Owner" not in all_text(tmp_path / "g.docx")
    with zipfile.ZipFile(tmp_path / "g.docx") as zf:
        assert not [n for n in zf.namelist() if "comments" in n or "people" in n]
    assert docx.Document(tmp_path / "g.docx").paragraphs  # still opens


def test_markdown_headings_lists_and_numbering(library, tmp_path):
    _accepted(library, body="# Top\n\n### Skips a level\n\n1. first\n2. second\n\nText\n\n1. again\n    - nested\n\n"
                            "> quoted")
    export_guide(library, tmp_path / "g.docx")
    d = docx.Document(tmp_path / "g.docx")
    levels = heading_levels(d)
    top = next(i for i, (_, t) in enumerate(levels) if t == "Top")
    assert levels[top][0] == 4 and levels[top + 1] == (5, "Skips a level")  # under "What was done" (3), no skip
    numbered = [p for p in d.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert [p.text for p in numbered] == ["first", "second", "again"] and ids[0] == ids[1] != ids[2]
    assert any(p.style.name == "List Bullet 2" and p.text == "nested" for p in d.paragraphs)
    assert any(p.style.name == "Quote" and p.text == "quoted" for p in d.paragraphs)


def test_urdu_and_welsh_text_is_printed_with_right_to_left_runs_where_needed(library, tmp_path):
    _accepted(library, summary="Taflen iechyd y galon yn Gymraeg. بلڈ پریشر کی جانچ")
    export_guide(library, tmp_path / "g.docx")
    d = docx.Document(tmp_path / "g.docx")
    runs = [r for p in d.paragraphs for r in p.runs]
    urdu = [r for r in runs if "بلڈ" in r.text]
    welsh = [r for r in runs if "Gymraeg" in r.text]
    assert urdu and all(r.font.rtl for r in urdu)
    assert welsh and not any(r.font.rtl for r in welsh)  # the Welsh stretch has a run of its own


def test_pdf_without_libreoffice_says_what_to_do_and_keeps_the_docx(demo_library, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("PROGRAMFILES", str(tmp_path / "no-programs"))
    code, err = run_cli(demo_library, "export", "guide", str(tmp_path / "g.docx"), "--pdf", capsys=capsys)
    assert code == 2 and "needs LibreOffice" in err["error"] and "Save As > PDF" in err["error"]
    assert (tmp_path / "g.docx").exists() and not (tmp_path / "g.pdf").exists()


def test_control_characters_pasted_from_word_do_not_break_the_export(library, tmp_path):
    _accepted(library, title="Checks\x0bat the mosque", summary="Line one\x0bline two\x01 end",
              body="```\ncode\x0cblock\n```")
    export_guide(library, tmp_path / "g.docx")
    text = "\n".join(p.text for p in docx.Document(tmp_path / "g.docx").paragraphs)
    assert "Line one\nline two end" in text and "Checks\nat the mosque" in text and "code" in text


def test_pictures_need_image_rights_and_alt_text(library, tmp_path):
    from word_samples import tiny_png

    report = library.import_records([ImportItem("p", {
        "title": "Pictured case", "status": "accepted", "signoff": {"image_rights": "Trust comms team"}},
        attachments=[("clinic.png", tiny_png()), ("chart.png", tiny_png() + b" ")])], backup=False)
    record = library.get(report.imported[0]["id"])
    rows = record["attachments"]
    library.update(record["id"], {"attachments": [dict(rows[0], alt="A nurse taking a blood pressure reading"),
                                                  rows[1]]})
    result = export_guide(library, tmp_path / "g.docx")
    d = docx.Document(tmp_path / "g.docx")
    pictures = list(d.element.body.iter(qn("wp:docPr")))
    assert [p.get("descr") for p in pictures] == ["A nurse taking a blood pressure reading"]
    assert result["pictures_skipped"] == [{"id": record["id"], "name": "chart.png",
                                           "reason": "no alt text (give the attachment an 'alt')"}]
