"""The PII gate's table: every way of writing personal data that an audit slipped past the old scanner is blocked,
and every ordinary sentence that it flagged passes. Each case goes through the gate's own input
(``pii_gate.printed_texts``: Markdown rendered, the writer's clean-up, alt text, file names, the contact)."""

from __future__ import annotations

import pytest

from curator.pii import canonical
from curator.word import pii_gate

NHS = "9434765919"  # a valid Modulus 11 number (the NHS Data Dictionary's example shape)

#: (label, field, text) — each must give at least one finding of the kind named
EVASIONS = [
    ("dots", "summary", "Seen as 943.476.5919 in clinic", "nhs_number"),
    ("slashes", "summary", "Seen as 943/476/5919 in clinic", "nhs_number"),
    ("en dashes", "summary", "Seen as 943\u2013476\u20135919 in clinic", "nhs_number"),
    ("minus signs", "lessons", "Seen as 943\u2212476\u22125919", "nhs_number"),
    ("mixed separators", "summary", "Seen as 943 - 476 . 5919", "nhs_number"),
    ("doubled separators", "summary", "Seen as 943  476--5919", "nhs_number"),
    ("no-break spaces", "summary", "Seen as 943\u00a0476\u00a05919", "nhs_number"),
    ("thin spaces", "summary", "Seen as 943\u2009476\u20095919", "nhs_number"),
    ("narrow no-break spaces", "partners", "Patient 943\u202f476\u202f5919", "nhs_number"),
    ("zero-width spaces", "summary", "Seen as 943\u200b476\u200b5919", "nhs_number"),
    ("word joiners", "title", "Case of 9\u20604\u20603 476 5919", "nhs_number"),
    ("soft hyphens", "summary", "Seen as 943\u00ad476\u00ad5919", "nhs_number"),
    ("line break inside", "body", "Seen as 943 476\n5919 in clinic", "nhs_number"),
    ("line separator inside", "body", "Seen as 943 476\u20285919", "nhs_number"),
    ("emphasis inside", "body", "Seen as 943 **476** 5919", "nhs_number"),
    ("underscore emphasis inside", "summary", "Seen as 943 _476_ 5919", "nhs_number"),
    ("code inside", "body", "Seen as 943`476`5919", "nhs_number"),
    ("HTML entities inside", "body", "Seen as 943&#32;476&nbsp;5919", "nhs_number"),
    ("HTML tags inside", "body", "Seen as 943<span>476</span>5919", "nhs_number"),
    ("HTML comment inside", "body", "Seen as 943<!-- x -->4765919", "nhs_number"),
    ("grouped 4-3-3", "summary", "Seen as 9434 765 919", "nhs_number"),
    ("grouped 3-3-3-1", "summary", "Seen as 943 476 591 9", "nhs_number"),
    ("one digit at a time", "summary", "Seen as 9 4 3 4 7 6 5 9 1 9", "nhs_number"),
    ("in parentheses", "summary", "Seen as (943) 476 5919", "nhs_number"),
    ("whole in parentheses", "summary", "Patient (9434765919) seen", "nhs_number"),
    ("control characters the writer strips", "summary", "Seen as 943\x01476\x025919", "nhs_number"),
    ("vertical tab", "lessons", "Seen as 943 476\x0b5919", "nhs_number"),
    ("full-width digits", "summary", "NHS no \uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19", "nhs_number"),
    ("Arabic-Indic digits", "summary", "NHS no \u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",
     "nhs_number"),
    ("blockquote", "body", "> 943 476 5919", "nhs_number"),
    ("table cell", "body", "| Who | Number |\n|---|---|\n| A | 943 476 5919 |", "nhs_number"),
    ("list item", "body", "- first\n- 943 476 5919", "nhs_number"),
    ("next to a phone number", "summary", "Ref 943 476 5919 01632 960001", "nhs_number"),
    ("picture alt text", "attachments[0].alt", "Photo of patient 943 476 5919", "nhs_number"),
    ("attachment file name", "attachments[0].name", f"scan-{NHS}.png", "nhs_number"),
    ("picture caption", "attachments[0].caption", "Patient 943 476 5919 at home", "nhs_number"),
    ("consented contact's role", "contact.role", "Carer of patient 943 476 5919", "nhs_number"),
    ("consented contact's name", "contact.name", "Jo Bloggs (DOB 12/03/1951)", "date_of_birth"),
    ("outcome value", "outcomes[0].value", "943 476 5919", "nhs_number"),
    ("key action", "key_actions[0].action", "Call 943 476 5919 back", "nhs_number"),
    ("lower-case postcode", "summary", "She lives at sw1a 1aa", "postcode"),
    ("lower-case postcode, no space", "summary", "She lives at ls13ex", "postcode"),
    ("postcode with no-break space", "summary", "Lives at SW1A\u00a01AA", "postcode"),
    ("postcode with zero-width space", "summary", "Lives at SW1A\u200b1AA", "postcode"),
    ("postcode across a line break", "body", "Lives at LS1\n3EX", "postcode"),
    ("postcode with emphasis", "body", "Lives at **LS1** 3EX", "postcode"),
    ("postcode of a patient beside a hospital", "summary",
     "The patient from St James's Hospital lives at LS9 7TF", "postcode"),
    ("DOB with slashes", "summary", "DOB: 12/03/1951", "date_of_birth"),
    ("D.O.B. with dots", "summary", "D.O.B. 12.03.1951", "date_of_birth"),
    ("date of birth with en dashes", "summary", "date of birth 12\u201303\u20131951", "date_of_birth"),
    ("born on a written date", "summary", "she was born on 3rd March 1951", "date_of_birth"),
    ("born with no-break spaces", "summary", "born 12\u00a0March\u00a01951", "date_of_birth"),
    ("American order", "summary", "Date of birth: March 3, 1951", "date_of_birth"),
    ("DOB even as a range", "summary", "DOB 12/03/1951 - 14/03/1951", "date_of_birth"),
    ("personal e-mail", "summary", "Email jo.bloggs@gmail.com", "email"),
    ("e-mail with zero-width space", "summary", "Email jo.bloggs\u200b@gmail.com", "email"),
    ("e-mail with full-width at", "summary", "Email jo.bloggs\uff20gmail.com", "email"),
    ("e-mail with emphasis", "body", "Email **jo.bloggs**@gmail.com", "email"),
    ("e-mail in a link target", "body", "[write to her](mailto:jo.bloggs@gmail.com)", "email"),
    ("personal nhs.net e-mail", "summary", "Email jo.bloggs@nhs.net", "email"),
    ("mobile", "summary", "Ring 07700 900123", "phone"),
    ("mobile with no-break spaces", "summary", "Ring 07700\u00a0900\u00a0123", "phone"),
    ("mobile with +44 (0)", "summary", "Ring +44 (0)7700 900123", "phone"),
    ("mobile with en dashes", "summary", "Ring 07700\u2013900\u2013123", "phone"),
    ("landline", "summary", "Ring 0161 496 0000", "phone"),
]

#: ordinary sentences a guide prints: none is personal data
ORDINARY = [
    "Adults born 1950\u20131960 were invited for screening.",
    "People born between 1/1/1950 and 31/12/1960 were invited.",
    "People born 01/01/1950 - 31/12/1960 were offered a health check.",
    "Everyone born 1 April 1950 to 31 March 1960 was eligible.",
    "Call the helpline on 0300 123 4567 or freephone 0800 123 4567.",
    "Appointments: 0345 678 9000; out of hours ring 111, or 999 in an emergency.",
    "Write to Leeds General Infirmary, Great George Street, Leeds LS1 3EX.",
    "The hub is at St James's University Hospital, Beckett Street, Leeds LS9 7TF.",
    "Email the team at team@nhs.net or england.healthinequalities@nhs.net.",
    "Write to the PALS office at pals@leedsth.nhs.uk or referrals@nhs.net.",
    "Grant reference 9434765919 was awarded in 2022.",
    "1,346 admissions in 2023; 9,999 people; 12.5% fewer.",
    "A&E attendances fell by <5% in 2022-23.",
    "The clinic opened on 12/03/2021.",
    "Between 2019\u20132021 we saw 4,512 patients across 12 sites.",
    "The pilot ran from 01.04.2022 to 31.03.2023.",
    "See https://www.england.nhs.uk/about/equality/ for the framework.",
    "Meet on the 2nd floor of the B1 building.",
    "ISBN 978-0-12-345678-9 sets out the method.",
    "Company number 04567890, registered in England.",
    "Postcodes in the Core20 areas: LS9, LS11 and LS14.",
    "The survey ran 3\u201314 March 2023 and had 1,200 replies.",
    "Uptake rose from 41% to 67% (n = 2,310) within 18 months.",
    "**Bold** and _italic_ text, a [link](https://example.org) and a table.",
]


def _record(field: str, text: str) -> dict:
    record: dict = {"id": "cs-0123456789", "title": "A case study", "contact_consent": True,
                    "contact": {"name": "Sam Example", "role": "Lead", "email": "sam@example.org",
                                "phone": "01632 960001"},
                    "attachments": [{"name": "photo.png", "sha256": "0" * 64, "alt": "A clinic"}]}
    if field.startswith("attachments[0]."):
        record["attachments"][0][field.split(".", 1)[1]] = text
    elif field.startswith("contact."):
        record["contact"][field.split(".", 1)[1]] = text
    elif field == "outcomes[0].value":
        record["outcomes"] = [{"measure": "Who", "value": text}]
    elif field == "key_actions[0].action":
        record["key_actions"] = [{"action": text, "audience": ""}]
    elif field in ("lessons", "partners"):
        record[field] = [text]
    else:
        record[field] = text
    return record


@pytest.mark.parametrize("label,field,text,kind", EVASIONS, ids=[e[0] for e in EVASIONS])
def test_every_evasion_is_blocked(label, field, text, kind):
    findings = pii_gate.scan_record(_record(field, text))
    assert kind in {f["kind"] for f in findings}, f"{label}: {text!r} slipped through the gate"
    assert all(f["field"].split("[")[0].split(".")[0] == field.split("[")[0].split(".")[0] for f in findings)


@pytest.mark.parametrize("text", ORDINARY)
@pytest.mark.parametrize("field", ["summary", "lessons"])
def test_every_ordinary_sentence_passes(text, field):
    assert pii_gate.scan_record(_record(field, text)) == []


def test_the_table_is_the_size_the_audit_asked_for():
    assert len(EVASIONS) >= 60 and len(ORDINARY) >= 20


def test_canonical_text_has_no_invisible_or_odd_characters():
    assert canonical("9\u200b4\u00ad3\u00a0476\u20135919\u2028x\ufeff") == "943 476-5919\nx"


def test_unconsented_contact_is_not_printed_so_not_scanned():
    record = _record("contact.role", "Carer of patient 943 476 5919")
    record["contact_consent"] = False
    assert pii_gate.scan_record(record) == []
    assert not [f for f, _ in pii_gate.printed_texts(record) if f.startswith("contact")]


def test_guide_export_is_blocked_by_evasions_and_nothing_is_written(library, tmp_path):
    from curator.importers import ImportItem
    from curator.word.guide import PiiBlocked, export_guide

    base = {"title": "Walk-in checks", "organisation": "Anytown PCN", "ics": "E54000057", "status": "accepted",
            "summary": "Checks in a mosque."}
    items = [ImportItem("a", dict(base, body="Seen as 943 **476** 5919.")),
             ImportItem("b", dict(base, title="Second", lessons=["Lives at sw1a 1aa"])),
             ImportItem("c", dict(base, title="Third", contact={"name": "Jo", "role": "DOB 12/03/1951"},
                                  contact_consent=True))]
    library.import_records(items, backup=False)
    out = tmp_path / "guide.docx"
    with pytest.raises(PiiBlocked) as blocked:
        export_guide(library, out)
    assert sorted(f["kind"] for f in blocked.value.findings) == ["date_of_birth", "nhs_number", "postcode"]
    assert not out.exists()


def test_every_user_string_the_guide_prints_is_in_the_gates_input(library, tmp_path):
    """Fill every field with marker words, write the guide, and find each marker the .docx holds (text, alt text,
    picture names, link targets) in ``printed_texts``: a field printed but not scanned fails here."""
    import re
    import zipfile

    from curator.importers import ImportItem
    from curator.word.guide import export_guide

    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d3c1a40000000049454e44ae426082")
    counter = iter(range(1000))

    def m() -> str:
        return f"Zqx{next(counter):03d}"

    record = {"title": f"Title {m()}", "organisation": f"Org {m()}", "ics": "E54000057", "status": "accepted",
              "summary": f"Summary {m()} [link {m()}](https://example.org/{m()})", "body": f"## Head {m()}\n\nBody "
              f"{m()}\n\n- item {m()}\n\n| a | b |\n|---|---|\n| {m()} | x |", "ahsn": f"AHSN {m()}",
              "programme": f"Prog {m()}", "period": f"Period {m()}", "lessons": [f"Lesson {m()}"],
              "partners": [f"Partner {m()}"], "local_groups": [f"Group {m()}"],
              "outcomes": [{"measure": f"Measure {m()}", "value": f"Value {m()}"}],
              "key_actions": [{"action": f"Action {m()}", "audience": ""}],
              "source_url": f"https://example.org/{m()}", "additional_sources": [f"https://example.org/{m()}"],
              "contact": {"name": f"Name {m()}", "role": f"Role {m()}", "email": f"{m()}@example.org",
                          "phone": "01632 960001"}, "contact_consent": True,
              "signoff": {"image_rights": "yes"},
              "attachments": [{"name": f"pic{m()}.png", "alt": f"Alt {m()}"}]}
    report = library.import_records([ImportItem("t", record, attachments=[(record["attachments"][0]["name"], png)])],
                                    backup=False)
    assert report.imported, report.refused
    stored = library.get(report.imported[0]["id"])
    out = tmp_path / "guide.docx"
    export_guide(library, out)
    with zipfile.ZipFile(out) as zf:
        xml = " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith((".xml", ".rels")))
    in_docx = set(re.findall(r"Zqx\d{3}", xml))
    scanned = set(re.findall(r"Zqx\d{3}", " ".join(t for _, t in pii_gate.printed_texts(stored))))
    assert len(in_docx) >= 20 and in_docx <= scanned, f"printed but not scanned: {sorted(in_docx - scanned)}"
