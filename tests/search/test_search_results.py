"""What a user sees from search(): relevant hits, filters, facets equal to SQLite, snippets, domain sense."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError


def ids(result):
    return [h["id"] for h in result["hits"]]


def test_distinctive_phrase_finds_its_record_first(search, shared_library):
    known = shared_library.known
    assert ids(search.search('"floating flu clinic"'))[0] == known["canal"]
    assert ids(search.search("fluoride varnish family hubs"))[0] == known["dental"]
    assert ids(search.search("cascade testing"))[0] == known["fh"]


def test_title_outranks_body(search, shared_library):
    # "narrowboat" is in the canal record's title and body; no other record has it in the title
    result = search.search("narrowboat")
    assert ids(result)[0] == shared_library.known["canal"]


def test_result_shape_is_the_contract(search):
    result = search.search("asthma")
    assert set(result) >= {"query", "total", "hits", "facets", "suggestion"}
    assert result["query"] == "asthma"
    assert set(result["facets"]) == {"region", "ics", "clinical_areas", "population_groups", "status", "year",
                                     "programme"}
    hit = result["hits"][0]
    assert set(hit) == {"id", "title", "score", "snippet"}
    assert isinstance(hit["score"], float)


def test_ics_filter_narrows_exactly(search, shared_library):
    store = shared_library.store
    everything = search.search("health")
    narrowed = search.search("health", {"ics": ["Humber and North Yorkshire"]})
    assert 0 < narrowed["total"] < everything["total"]
    got = {h["id"] for h in narrowed["hits"]}
    in_ics = {r["id"] for r in store.query("SELECT id FROM case_studies WHERE ics='E54000051'")}
    assert got <= in_ics
    assert {h["id"] for h in everything["hits"]} & in_ics == got
    # the same filter given as a code, an ICB name and a label answer the same
    for alias in ("E54000051", "NHS Humber and North Yorkshire ICB"):
        assert search.search("health", {"ics": [alias]})["total"] == narrowed["total"]


def test_facet_counts_equal_sqlite(search, shared_library):
    store = shared_library.store
    result = search.search("", {"region": ["North East and Yorkshire"]}, limit=5)
    where = "deleted IS NULL AND region='North East and Yorkshire'"
    assert result["total"] == store.scalar(f"SELECT COUNT(*) FROM case_studies WHERE {where}")
    by_ics = {r["ics"]: r["n"] for r in store.query(
        f"SELECT ics, COUNT(*) n FROM case_studies WHERE {where} GROUP BY ics")}
    assert result["facets"]["ics"] == by_ics
    by_status = {r["status"]: r["n"] for r in store.query(
        f"SELECT status, COUNT(*) n FROM case_studies WHERE {where} GROUP BY status")}
    assert result["facets"]["status"] == by_status
    by_group = {r["value"]: r["n"] for r in store.query(
        f"SELECT value, COUNT(*) n FROM case_tags JOIN case_studies ON id=case_id WHERE {where} "
        "AND kind='population_groups' GROUP BY value")}
    assert result["facets"]["population_groups"] == by_group
    assert len(result["hits"]) == min(5, result["total"])


def test_facets_follow_the_text_query(search, shared_library):
    result = search.search("asthma")
    assert sum(result["facets"]["status"].values()) == result["total"]
    assert result["facets"]["clinical_areas"].get("cyp_asthma", 0) >= 1


def test_filters_or_within_and_across(search, shared_library):
    store = shared_library.store
    both = search.search("", {"status": ["published", "accepted"]}, limit=100)
    expected = store.scalar("SELECT COUNT(*) FROM case_studies WHERE status IN ('published','accepted') "
                            "AND deleted IS NULL")
    assert both["total"] == expected
    narrowed = search.search("", {"status": ["published", "accepted"], "area": ["Maternity"]}, limit=100)
    assert 0 < narrowed["total"] < both["total"]
    assert all(shared_library.get(h["id"])["status"] in ("published", "accepted") for h in narrowed["hits"])


def test_unknown_filter_value_says_what_to_do(search):
    with pytest.raises(CuratorError, match="did you mean"):
        search.search("asthma", {"ics": ["Greater Manchestr"]})
    with pytest.raises(CuratorError, match="not a filter"):
        search.search("asthma", {"colour": ["blue"]})


def test_snippet_marks_words_and_escapes_html(search, shared_library):
    hit = search.search("family hubs fluoride")["hits"][0]
    assert "<b>fluoride</b>" in hit["snippet"].lower()
    # the body holds "<b>getting</b>" and "&": as text they must come back escaped, never as markup
    body_hit = search.search("dentist barrier")["hits"][0]
    assert body_hit["id"] == shared_library.known["dental"]
    assert "&lt;b&gt;getting&lt;/b&gt;" in body_hit["snippet"]
    assert "&amp;" in body_hit["snippet"]
    assert "<b>dentist</b>" in body_hit["snippet"]


def test_stemming_with_uk_spellings(search, shared_library):
    assert shared_library.known["canal"] in ids(search.search("immunisation"))
    assert shared_library.known["canal"] in ids(search.search("vaccinations"))


@pytest.mark.parametrize(("query", "key"), [
    ("BP", "canal"),  # abbreviation in the text, long form...
    ("blood pressure", "canal"),  # ...and long form in the query finds the abbreviation in the text
    ("familial hypercholesterolaemia", "fh"),
    ("FH", "fh"),
    ("accident and emergency", None),
])
def test_abbreviations_expand_both_ways(search, shared_library, query, key):
    result = search.search(query)
    if key:
        assert shared_library.known[key] in ids(result)
    else:  # the asthma demo record says "A&E"
        assert any("A&amp;E" in h["snippet"] or "<b>A&amp;E</b>" in h["snippet"] for h in result["hits"]) or \
            result["total"] >= 1


def test_ampersand_abbreviation_is_a_word(search):
    result = search.search("A&E")
    assert result["total"] >= 1
    assert any("<b>A&amp;E</b>" in h["snippet"] for h in result["hits"])


def test_did_you_mean_when_nothing_found(search):
    result = search.search("narowboat")
    assert result["total"] == 0
    assert result["suggestion"] == "narrowboat"
    assert search.search("narrowboat")["suggestion"] is None


def test_empty_query_with_filters_lists_everything_matching(search, shared_library):
    result = search.search("", {"status": ["published"]}, limit=100)
    assert result["total"] == shared_library.list_records(status="published")["total"]


def test_paging(search):
    first = search.search("health", limit=3)
    second = search.search("health", limit=3, offset=3)
    assert len(first["hits"]) == 3
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    with pytest.raises(CuratorError):
        search.search("health", limit=0)


def test_quick_is_search_without_facets_a_page_at_a_time(search, shared_library):
    result = search.quick("floating flu")
    assert ids(result)[0] == shared_library.known["canal"]
    assert result["total"] == search.search("floating flu")["total"] >= 1
    assert set(result["facets"]) >= {"region", "ics"} and not any(result["facets"].values())
    assert search.quick("floating flu", facets=True)["facets"] == search.search("floating flu")["facets"]
    everything = search.search("health", limit=200)
    pages = [search.quick("health", limit=5, offset=n) for n in range(0, everything["total"], 5)]
    assert [h["id"] for page in pages for h in page["hits"]] == [h["id"] for h in everything["hits"]]
    assert {page["total"] for page in pages} == {everything["total"]}
