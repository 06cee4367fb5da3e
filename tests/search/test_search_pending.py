"""Searching saves before their commit lands: the answer is the one the committed index will give, and the
search does not wait for the writer.

The writer thread is held at a gate (its Whoosh write waits) so the searches below can only answer from the
committed segments plus the saves analysed in memory; if a search fell back to waiting for the write, it
would block on the gate and the test would time out instead of passing.
"""

from __future__ import annotations

import threading
import time

import pytest

from curator.search import sync as sync_mod

QUERIES = ["", "flu", "fluoride varnish", '"fluoride varnish"', "quokkavarnish", "quokka*", "flu*", "dent*",
           "children AND hull", "boaters OR pharmacies", "clinic -flu", "title:fluoride", "vaccination NOT covid"]
FILTERS = [None, {"status": ["accepted"]}, {"area": ["cyp_oral_health"]}]


class Gate:
    """Holds the service's writes until opened; counts how many writes were asked for."""

    def __init__(self, service, monkeypatch) -> None:
        self.open_ = threading.Event()
        self.asked = 0
        real = service._write

        def held(ids, wait, merge=True):
            self.asked += 1
            assert self.open_.wait(10), "the write was never let through"
            return real(ids, wait, merge)

        monkeypatch.setattr(service, "_write", held)

    def release(self) -> None:
        self.open_.set()


def answers(service) -> dict:
    out = {}
    for text in QUERIES:
        for filters in FILTERS:
            key = (text, repr(filters))
            out[key] = service.search(text, filters, limit=40)
            out[key + ("quick",)] = service.quick(text, limit=5, filters=filters, facets=True)
    return out


@pytest.fixture
def held(search_library, monkeypatch):
    service = search_library.extensions["search"]
    service.search("warm")  # open the index and its searcher
    monkeypatch.setattr(sync_mod, "WRITE_DELAY", 0.0)  # the writer starts at once and waits at the gate
    gate = Gate(service, monkeypatch)
    yield search_library, service, gate
    gate.release()


def test_searches_between_a_save_and_its_commit_answer_as_after_the_commit(held):
    library, service, gate = held
    dental, canal = library.known["dental"], library.known["canal"]
    library.update(dental, {"summary": "Dental nurses applied fluoride varnish with quokkavarnish stickers."})
    library.update(canal, {"title": "Floating flu clinic on a narrowboat, quokka edition"})
    before = answers(service)  # every one of these answered while the gate was shut
    assert service._batches, "the saves were committed before the searches: nothing was tested"
    assert [h["id"] for h in before[("quokkavarnish", "None")]["hits"]] == [dental]
    assert {h["id"] for h in before[("quokka*", "None")]["hits"]} == {dental, canal}
    gate.release()
    service.flush()
    assert not service._batches
    after = answers(service)
    assert before == after  # totals, order, scores, snippets, facet counts


def test_a_deleted_record_leaves_the_answers_before_its_commit(held):
    library, service, gate = held
    fh = library.known["fh"]
    total = service.search("")["total"]
    library.delete(fh)
    found = service.search("familial hypercholesterolaemia")
    assert fh not in [h["id"] for h in found["hits"]] and service.search("")["total"] == total - 1
    assert service._batches  # answered before the write
    gate.release()
    service.flush()
    assert service.search("familial hypercholesterolaemia") == found and service.check()["ok"]


def test_the_same_record_saved_twice_in_flight_waits_for_the_writer_and_is_right(held):
    library, service, gate = held
    dental = library.known["dental"]
    library.update(dental, {"summary": "First wording with zorblat."})
    assert [h["id"] for h in service.search("zorblat")["hits"]] == [dental]  # from memory
    library.update(dental, {"summary": "Second wording with quibbet."})
    timer = threading.Timer(0.3, gate.release)  # the search below must wait for the writes: let them through
    timer.start()
    try:
        assert [h["id"] for h in service.search("quibbet")["hits"]] == [dental]
    finally:
        timer.cancel()
    assert gate.open_.is_set() and not service._batches
    assert service.search("zorblat")["total"] == 0 and service.check()["ok"]


def test_close_commits_what_was_in_flight_and_the_next_session_finds_it(held, tmp_path):
    from curator.library import Library

    library, service, gate = held
    dental = library.known["dental"]
    library.update(dental, {"summary": "Saved just before closing: plonkwort."})
    assert [h["id"] for h in service.search("plonkwort")["hits"]] == [dental]
    gate.release()
    folder = library.folder
    library.close()
    with Library.open(folder, daily_backup=False) as again:
        searched = again.extensions["search"]
        assert [h["id"] for h in searched.search("plonkwort")["hits"]] == [dental]
        assert searched.check()["ok"]


def test_many_saves_in_a_row_are_searchable_at_once_and_the_index_ends_in_step(search_library):
    """Without a gate: each save is found by the search right after it (from memory or from its commit,
    whichever comes first), the same record saved again replaces its earlier text, and once the writer has
    caught up the index agrees with SQLite."""
    service = search_library.extensions["search"]
    service.search("warm")
    rows = search_library.store.query("SELECT id FROM case_studies WHERE deleted IS NULL ORDER BY id LIMIT 6")
    for n, row in enumerate(rows):
        search_library.update(row["id"], {"summary": f"Edit number {n} with marker{n}x."})
        assert [h["id"] for h in service.search(f"marker{n}x")["hits"]] == [row["id"]]
        assert service.search("marker*")["total"] == n + 1
    search_library.update(rows[0]["id"], {"summary": "Edited again."})
    assert service.search("marker0x")["total"] == 0 and service.search("marker*")["total"] == len(rows) - 1
    service.flush()
    assert service.search("marker*")["total"] == len(rows) - 1 and service.check()["ok"]


@pytest.mark.parametrize("where", ["writer thread", "flush"])
def test_a_commit_that_fails_once_leaves_the_save_findable_and_indexed_later(search_library, monkeypatch, where):
    """The commit fails once (a disk hiccup), in the writer thread or in ``flush``'s drain: nothing raises,
    the ids wait in ``search_pending``, no search hangs on a batch marked as being written, and a later
    search indexes the record."""
    service = search_library.extensions["search"]
    service.search("warm")
    monkeypatch.setattr(sync_mod, "WRITE_DELAY", 0.0 if where == "writer thread" else 30.0)
    monkeypatch.setattr(sync_mod, "WRITE_MAX_DELAY", 60.0)
    real, failures = service._write, []

    def once(ids, wait, merge=True):
        if not failures:
            failures.append(ids)
            raise OSError("disk hiccup")
        return real(ids, wait, merge)

    monkeypatch.setattr(service, "_write", once)
    dental = search_library.known["dental"]
    search_library.update(dental, {"summary": "Saved while the disk hiccuped: grumbleweed."})
    assert [h["id"] for h in service.search("grumbleweed")["hits"]] == [dental]
    if where == "writer thread":
        deadline = time.monotonic() + 10
        while not failures and time.monotonic() < deadline:
            time.sleep(0.01)
    done = threading.Thread(target=service.flush, daemon=True)  # in the "flush" case this write fails
    done.start()
    done.join(20)
    assert not done.is_alive(), "flush hung on a batch nobody is writing"
    assert failures == [[dental]] and not service._batches
    assert [h["id"] for h in service.search("grumbleweed")["hits"]] == [dental] and service.check()["ok"]
    assert not search_library.store.query("SELECT 1 FROM search_pending")
