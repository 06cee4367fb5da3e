"""The PII scanner: NHS numbers by Modulus 11, postcodes, dates of birth, emails and phones but the consented
contact's; warnings on save; stable finding ids."""

from __future__ import annotations

import pytest

from curator.pii import finding_id, nhs_number_valid, scan_record, scan_text, warnings_for


@pytest.mark.parametrize("number,valid", [
    ("9434765919", True), ("4010232137", True),
    ("9434765918", False),  # check digit off by one
    ("9991234560", False),  # check digit would be 10: never issued
    ("0000000000", False), ("1111111111", False), ("4444444444", False),  # repdigits pass the sum, not the rules
    ("943476591", False), ("94347659190", False),
])
def test_nhs_number_modulus_11(number, valid):
    assert nhs_number_valid(number) is valid


@pytest.mark.parametrize("text,kinds", [
    ("NHS number 943 476 5919 was given", ["nhs_number"]),
    ("ref 943-476-5919", ["nhs_number"]),
    ("ref 9434765919.", ["nhs_number"]),
    ("ref 943 476 5918", []),
    ("1,346 admissions in 2023; 9,999 people; 12.5% fewer", []),
    ("Seen at the clinic, SW1A 1AA.", ["postcode"]),
    ("Postcode m1 1ae in lower case", ["postcode"]),
    ("Meet on the 2nd floor of B1 building, or B1 2nd floor", []),
    ("no fixed abode ZZ99 3VZ", ["postcode"]),
    ("DOB: 12/03/1951", ["date_of_birth"]),
    ("date of birth 1950-03-03", ["date_of_birth"]),
    ("she was born on 3rd March 1950 in Leeds", ["date_of_birth"]),
    ("the clinic opened on 12/03/2021", []),  # a date, but not written as a date of birth
    ("born 31/02/1950", []),  # not a real date
    ("email a.person@nhs.net today", ["email"]),
    ("ring 0161 496 0000 or +44 (0)20 7946 0000", ["phone", "phone"]),
    ("A&E attendances fell by <5% in 2022-23", []),
])
def test_scan_text_kinds(text, kinds):
    assert [k for k, *_ in scan_text(text)] == kinds


def test_consented_contact_is_allowed_anywhere_but_nobody_else():
    record = {"id": "cs-1", "title": "T", "summary": "Contact sam@example.org or 01632 960001; not jo@example.org",
              "contact": {"email": "Sam@Example.org", "phone": "01632 960 001"}, "contact_consent": True}
    assert [(f["kind"], f["match"]) for f in scan_record(record)] == [("email", "jo@example.org")]
    record["contact_consent"] = False
    assert [f["kind"] for f in scan_record(record)] == ["email", "phone", "email"]


def test_findings_name_field_and_excerpt_and_dismissal_is_by_text_not_position():
    record = {"id": "cs-2", "title": "Case", "outcomes": [{"measure": "Patient", "value": "943 476 5919"}],
              "lessons": ["x", "Write to SW1A 1AA"]}
    findings = scan_record(record)
    assert [(f["field"], f["kind"]) for f in findings] == [("lessons[1]", "postcode"), ("outcomes[0].value",
                                                                                         "nhs_number")]
    nhs = findings[1]
    assert nhs["excerpt"] == "943 476 5919" and nhs["finding"] == finding_id("nhs_number", "9434765919")
    assert scan_record(record, dismissed=[nhs["finding"]]) == [findings[0]]


def test_warnings_for_says_what_to_do():
    [warning] = warnings_for({"id": "cs-9", "title": "T", "body": "DOB 01/02/1960"})
    assert warning.startswith("body: ") and "date of birth" in warning and "pii dismiss cs-9" in warning
    assert warnings_for({"title": "Clean", "summary": "Nothing personal here."}) == []


def test_demo_records_have_no_findings(demo_records):
    assert [f for r in demo_records for f in scan_record(r)] == []
