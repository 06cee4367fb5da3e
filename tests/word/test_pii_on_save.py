"""Saving a record with possible patient-identifiable data warns (never refuses); a dismissed finding stops warning."""

from curator.library import Library
from curator.word import pii_gate


def test_save_warns_about_a_valid_nhs_number_until_it_is_dismissed(library: Library, sample_record):
    record, warnings = library.create(dict(sample_record, summary="Patient 943 476 5919 was seen twice."))
    assert len(warnings) == 1 and "NHS number" in warnings[0] and "pii dismiss" in warnings[0]
    assert library.get(record["id"])["summary"].startswith("Patient 943")  # saved all the same
    [finding] = pii_gate.scan(library, [library.get(record["id"])])
    pii_gate.dismiss(library, record["id"], finding["finding"], "a published trial registry number")
    _, warnings = library.update(record["id"], {"body": "Edited elsewhere in the record."})
    assert warnings == []


def test_a_number_failing_the_check_digit_does_not_warn(library: Library, sample_record):
    _, warnings = library.create(dict(sample_record, summary="Reference 999 123 4560 in the minutes."))
    assert warnings == []
