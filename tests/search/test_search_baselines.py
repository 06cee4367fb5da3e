"""Curator agrees with the benchmark's baselines (same words, same tags), and quick() with search()."""

from __future__ import annotations

import pytest

from curator.bench import fts5
from curator.bench.search import query_mix, typed_prefixes
from curator.errors import CuratorError

MIX = query_mix(7)


@pytest.fixture(scope="module")
def fts5_conn(shared_library):
    fts5.build(shared_library.folder)
    conn = fts5.connect(shared_library.folder)
    yield conn
    conn.close()


@pytest.mark.parametrize("item", MIX, ids=[f"{m['kind']}:{m['query']}" for m in MIX])
def test_totals_and_facet_counts_agree_with_fts5_on_the_mix(search, fts5_conn, item):
    mine = search.search(item["query"], item.get("filters"), limit=20)
    theirs = fts5.search(fts5_conn, item["query"], item.get("filters"), limit=20)
    assert mine["total"] == theirs["total"]
    assert {k: v for k, v in mine["facets"].items() if v} == {k: v for k, v in theirs["facets"].items() if v}
    if mine["total"]:
        assert mine["hits"][0]["id"] in {h["id"] for h in theirs["hits"]}


def test_the_mix_matches_something_and_filters_narrow(search):
    totals = [search.search(m["query"], m.get("filters"))["total"] for m in MIX]
    assert sum(t > 0 for t in totals) >= len(MIX) // 2


def test_tantivy_agrees_too(shared_library, search):
    tb = pytest.importorskip("curator.bench.tantivy_baseline")
    if not tb.available():
        pytest.skip("tantivy is not installed")
    tb.build(shared_library.folder)
    engine = tb.Engine(shared_library.folder)
    for item in MIX:
        mine = search.search(item["query"], item.get("filters"), limit=20)
        theirs = engine.search(item["query"], item.get("filters"), limit=20)
        assert mine["total"] == theirs["total"], item
        assert {k: v for k, v in mine["facets"].items() if v} == {k: v for k, v in theirs["facets"].items() if v}


def test_quick_totals_equal_search_totals_for_every_prefix_of_the_mix(search):
    prefixes = typed_prefixes(MIX)
    assert len(prefixes) > 150
    checked = 0
    for item in prefixes:
        try:
            full = search.search(item["query"], item.get("filters"), limit=20)
        except CuratorError:
            with pytest.raises(CuratorError):
                search.quick(item["query"], filters=item.get("filters"))
            continue
        typed = search.quick(item["query"], filters=item.get("filters"))
        assert typed["total"] == full["total"], item
        assert [h["id"] for h in typed["hits"]] == [h["id"] for h in full["hits"]], item
        checked += 1
    assert checked > 150
