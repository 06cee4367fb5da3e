"""The query language, and plain messages for queries that cannot be understood."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError


def ids(result):
    return [h["id"] for h in result["hits"]]


@pytest.mark.parametrize(("query", "says"), [
    ("title:(", "never closed"),
    ('"unclosed', "never closed"),
    ("year:abc", "four digits"),
    ("year:2024..2020", "backwards"),
    ("x" * 10_000, "10,000 characters"),
    ("asthma )", "no opening"),
    ("asthma OR", "OR needs a word"),
    ("NOT", "NOT needs a word"),
    ("colour:blue", "not a field"),
    ("has:nonsense", "not a field"),
    ("status:finished", "not a status"),
    ("ics:Atlantis", "ICS"),
    ("title:", "needs something"),
])
def test_malformed_queries_get_a_plain_message(search, query, says):
    with pytest.raises(CuratorError) as info:
        search.search(query)
    message = str(info.value)
    assert says in message
    assert "Traceback" not in message and "whoosh" not in message.lower()


def test_quick_refuses_an_overlong_or_malformed_query_as_search_does(search):
    with pytest.raises(CuratorError, match="characters long"):
        search.quick("x" * 10_000)
    with pytest.raises(CuratorError, match="never closed"):
        search.quick('title:( "unclosed')


def test_all_words_must_match(search, shared_library):
    both = search.search("narrowboat fluoride")
    assert both["total"] == 0
    assert shared_library.known["canal"] in ids(search.search("narrowboat OR fluoride"))
    assert shared_library.known["dental"] in ids(search.search("narrowboat OR fluoride"))


def test_not_and_minus_exclude(search, shared_library):
    canal = shared_library.known["canal"]
    assert canal in ids(search.search("boaters"))
    assert canal not in ids(search.search("boaters -narrowboat"))
    assert canal not in ids(search.search("boaters NOT narrowboat"))
    everything_but = search.search("-narrowboat", limit=200)
    assert canal not in ids(everything_but)
    assert everything_but["total"] == shared_library.count() - search.search("narrowboat")["total"]


def test_phrase_is_exact(search, shared_library):
    assert shared_library.known["canal"] in ids(search.search('"continuous cruisers"'))
    assert search.search('"cruisers continuous"')["total"] == 0


def test_prefix_and_capped_expansion(search, shared_library):
    assert shared_library.known["canal"] in ids(search.search("narrowb*"))
    result = search.search("c*")
    assert result["total"] > 0
    assert "most common" in result["notice"]


def test_field_queries(search, shared_library):
    known = shared_library.known
    assert ids(search.search("title:narrowboat")) == [known["canal"]]
    assert known["canal"] not in ids(search.search("title:boaters"))  # only in the summary
    assert known["fh"] in ids(search.search("org:bradford"))
    assert known["dental"] in ids(search.search("ics:E54000051 fluoride"))
    assert known["fh"] in ids(search.search('ics:"West Yorkshire"'))
    assert known["canal"] in ids(search.search("area:vaccination boaters"))
    assert known["canal"] in ids(search.search("group:plus_inclusion_health narrowboat"))
    assert known["canal"] in ids(search.search('region:"South East" boaters'))
    assert all(shared_library.get(h["id"])["status"] == "published" for h in search.search("status:published",
                                                                                            limit=100)["hits"])


def test_year_ranges(search, shared_library):
    store = shared_library.store
    for query, sql in (("year:2021..2023", "year BETWEEN 2021 AND 2023"), ("year:2022", "year = 2022"),
                       ("year:2024..", "year >= 2024"), ("year:..2020", "year <= 2020")):
        expected = store.scalar(f"SELECT COUNT(*) FROM case_studies WHERE deleted IS NULL AND {sql}")
        assert search.search(query)["total"] == expected, query


def test_missing_and_has(search, shared_library):
    known = shared_library.known
    missing = ids(search.search("missing:outcomes", limit=200))
    assert known["dental"] in missing and known["fh"] in missing
    assert known["canal"] not in missing
    assert known["canal"] in ids(search.search("has:outcomes", limit=200))
    assert known["dental"] in ids(search.search("missing:contact", limit=200))


def test_action_field(search, shared_library):
    store = shared_library.store
    expected = store.scalar("SELECT COUNT(*) FROM case_tags t JOIN case_studies c ON c.id=t.case_id "
                            "WHERE kind='action_areas' AND value='shared_understanding' AND deleted IS NULL")
    assert search.search("action:shared_understanding")["total"] == expected


def test_only_common_words(search):
    result = search.search("the and of")
    assert result["total"] == 0
    assert "common words" in result["notice"]
