"""The array search path: decoded postings, phrases, facet codes and the warm-up agree with Whoosh's own view."""

from __future__ import annotations

import threading

import numpy as np
from whoosh import query as wq

from curator.search import schema as S
from curator.search import warmup
from curator.search.facetcount import FacetCounter
from curator.search.fastmatch import matches_of
from curator.search.phrases import FastPhrase, phrase_docs
from curator.search.postings import PostingsCache, decode


def _leaves(search):
    search.search("health")
    return [leaf for leaf, _ in search._get_searcher().reader().leaf_readers()]


def test_decoded_postings_and_positions_are_whooshs(search):
    for leaf in _leaves(search):
        for word in warmup.frequent_words(leaf, "all", 30)[::7]:
            matcher = leaf.postings("all", word)
            ids, weights, starts = [], [], []
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                starts.extend((matcher.id() << 32) | p for p in matcher.value_as("positions"))
                matcher.next()
            got_ids, got_weights, keys = decode(leaf, "all", word, positions=True)
            assert got_ids.tolist() == ids and got_weights.tolist() == weights and keys.tolist() == starts, word


def test_phrases_are_the_documents_whoosh_finds(search):
    search.search("health")
    searcher = search._get_searcher()
    checked = 0
    for leaf_searcher, _ in searcher.leaf_searchers():
        leaf = leaf_searcher.reader()
        words = warmup.frequent_words(leaf, "all", 12)
        for pair in zip(words, words[1:], strict=False):
            mask = phrase_docs(PostingsCache(), leaf, "all", list(pair))
            if leaf.has_deletions():
                mask[list(leaf.deleted_docs_set)] = False
            whoosh = set(wq.Phrase("all", list(pair)).matcher(leaf_searcher).all_ids())  # Whoosh's spans
            assert set(np.flatnonzero(mask).tolist()) == whoosh, pair
            assert set(FastPhrase("all", list(pair)).matcher(leaf_searcher).all_ids()) == whoosh, pair
            checked += bool(whoosh)
    assert checked


def test_facet_codes_count_what_the_packed_values_say(search):
    search.search("health")
    searcher = search._get_searcher()
    docs = list(searcher.docs_for_query(wq.Term("all", "health")))
    counted = FacetCounter().count(matches_of(searcher, docs), search._packed)
    areas: dict[str, int] = {}
    for d in docs:
        for area in search._packed[d][S.AREAS]:
            areas[area] = areas.get(area, 0) + 1
    assert counted["clinical_areas"] == areas and sum(counted["status"].values()) == len(docs)


def test_warm_up_decodes_the_most_frequent_words_until_stopped(search):
    leaves = _leaves(search)
    cache = PostingsCache()
    stop = threading.Event()
    stop.set()
    assert warmup.warm(search._ix, cache, stop) == 0 and cache.held == 0
    assert warmup.warm(search._ix, PostingsCache(budget=0), threading.Event()) == 0  # no room: nothing to do
    assert warmup.warm(search._ix, cache, threading.Event()) > 0
    for leaf in leaves:
        for word in warmup.frequent_words(leaf, "title", 3):
            assert cache.has(leaf, "title", word)
            assert cache.terms(leaf, "title", word)[0].tolist() == decode(leaf, "title", word)[0].tolist()
