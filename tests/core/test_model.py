"""Validation: specific messages naming the field, tolerant vocabulary lookup, text never altered."""

import pytest

from curator.errors import RecordErrors
from curator.model import normalise
from curator.vocab import vocabularies


def errors_of(raw):
    with pytest.raises(RecordErrors) as info:
        normalise(raw)
    return {e.field: str(e) for e in info.value.errors}


def test_missing_title_is_refused_with_what_to_do():
    errs = errors_of({"organisation": "X"})
    assert "title" in errs and "required" in errs["title"]


def test_blank_and_overlong_titles_are_refused():
    assert "title" in errors_of({"title": "   "})
    assert "300" in errors_of({"title": "x" * 301})["title"]


def test_misspelt_clinical_area_offers_the_closest_choice():
    errs = errors_of({"title": "t", "clinical_areas": ["matrnity"]})
    assert "'matrnity' is not a known clinical area" in errs["clinical_areas"]
    assert "did you mean 'Maternity' (adult_maternity)" in errs["clinical_areas"]


def test_unknown_ics_is_refused_with_suggestion():
    errs = errors_of({"title": "t", "ics": "Greater Manchestr"})
    assert "Greater Manchester" in errs["ics"] and "E54000057" in errs["ics"]


@pytest.mark.parametrize("value", ["twenty", "20x3", True, [2023]])
def test_year_not_a_number_is_refused(value):
    assert "year" in errors_of({"title": "t", "year": value})


def test_year_out_of_range_is_refused():
    assert "1990" in errors_of({"title": "t", "year": 1850})["year"]


def test_every_problem_is_reported_at_once():
    errs = errors_of({"ics": "Atlantis", "year": "soon", "status": "done", "outcomes": "lots"})
    assert set(errs) >= {"title", "ics", "year", "status", "outcomes"}


@pytest.mark.parametrize("written", [
    "E54000057", "e54000057", "Greater Manchester", "greater manchester", "NHS Greater Manchester ICB",
    "NHS Greater Manchester Integrated Care Board", "Greater Manchester Integrated Care System",
    {"code": "E54000057", "name": "Greater Manchester"}, "QOP",
])
def test_ics_written_many_ways_is_stored_as_its_code(written):
    record, _ = normalise({"title": "t", "ics": written})
    assert record["ics"] == "E54000057"


def test_old_ics_codes_resolve_through_aliases():
    vocab = vocabularies()
    for old, new in vocab.raw["ics_code_aliases"].items():
        assert normalise({"title": "t", "ics": old})[0]["ics"] == new


def test_vocabularies_hold_42_ics_in_7_regions_and_the_11_core20plus5_areas():
    vocab = vocabularies()
    assert len(vocab.ics) == 42
    assert {t.extra["region"] for t in vocab.ics} == {t.id for t in vocab.regions}
    assert len(vocab.regions) == 7
    core = [t for t in vocab.areas if t.extra.get("cohort") in ("adults", "children_young_people", "cross_cutting")]
    assert len(core) == 11


def test_labels_ids_and_abbreviations_resolve_case_insensitively():
    record, _ = normalise({"title": "t", "clinical_areas": ["SMI", "asthma", "cyp_diabetes"],
                           "population_groups": ["core20", "Gypsy, Roma and Traveller communities"],
                           "action_areas": ["creating an enabling system context"]})
    assert record["clinical_areas"] == ["adult_smi", "cyp_asthma", "cyp_diabetes"]
    assert record["population_groups"] == ["core20", "ih_grt"]
    assert record["action_areas"] == ["enabling_system"]


def test_text_is_kept_byte_for_byte():
    text = "A&E waits fell; <5% lost to follow-up. Health Innovation Yorkshire & Humber.  \n* **bold**"
    record, _ = normalise({"title": "A&E <5% & more", "summary": text, "body": text})
    assert record["summary"] == text and record["body"] == text and record["title"] == "A&E <5% & more"


def test_unknown_fields_are_kept_verbatim_with_a_warning():
    extra = {"nested": [1, {"a": None}], "note": "keep me"}
    record, warnings = normalise({"title": "t", "local_rating": extra, "contact": {"name": "A", "linkedin": "x"}})
    assert record["local_rating"] == extra
    assert record["contact"]["linkedin"] == "x"
    assert any("local_rating" in w for w in warnings)


def test_key_action_audience_must_be_a_guide_audience():
    errs = errors_of({"title": "t", "key_actions": [{"action": "Do it", "audience": "Clinicans"}]})
    assert "Clinicians" in errs["key_actions[0].audience"]


def test_review_by_must_be_a_date():
    assert "YYYY-MM-DD" in errors_of({"title": "t", "review_by": "next spring"})["review_by"]


def test_every_way_an_ics_is_written_finds_it_for_a_picker_even_half_typed():
    """Every name ``normalise`` accepts for an ICS, and every start of one, lists that ICS (the pickers'
    pop-up showed nothing for an ICB name or a code)."""
    vocab = vocabularies()
    for term in vocab.ics:
        for written in (term.label, term.id, *term.aliases, f"{term.label} ICB", f"NHS {term.label} ICS"):
            for end in range(1, len(written) + 1):
                assert term in vocab.ics_matching(written[:end]), (written[:end], term.label)
        assert vocab.ics_matching(term.extra["icb_name"])[0] is term


def test_a_region_lists_its_icss_after_those_named_like_it_and_nonsense_lists_none():
    vocab = vocabularies()
    south_east = [t.label for t in vocab.ics if t.extra["region"] == "South East"]
    labels = [t.label for t in vocab.ics_matching("south east")]
    assert labels == ["South East London", *sorted(south_east)]
    assert [t.label for t in vocab.ics_matching("Y59")] == sorted(south_east)  # the region's ODS code
    assert [t.label for t in vocab.ics_matching("kent icb")] == ["Kent and Medway"]  # words in any order
    assert [t.label for t in vocab.ics_matching("Kent & Medway")] == ["Kent and Medway"]
    assert vocab.ics_matching("zzz") == [] and vocab.ics_matching("  ") == []
