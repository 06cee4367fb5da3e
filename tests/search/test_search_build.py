"""A full rebuild on two cores: the upper half built by a second process, adopted as its own segment."""

from __future__ import annotations

import pytest

from curator.progress import Cancelled, CancelToken
from curator.search import build


def test_rebuild_uses_a_second_process_and_finds_the_same(search_library, monkeypatch):
    service = search_library.extensions["search"]
    before = {q: service.search(q, limit=100) for q in ("health", '"blood pressure"', "narrowboat", "flu*")}
    monkeypatch.setattr(build, "PARALLEL_FROM", 10)
    started: list[bool] = []
    original_start = build._Helper.start.__func__

    def start(cls, *args):  # record whether this machine could start the second process
        helper = original_start(cls, *args)
        started.append(helper is not None)
        return helper

    monkeypatch.setattr(build._Helper, "start", classmethod(start))
    seen: list[tuple[int, int]] = []
    result = service.rebuild(progress=lambda done, total, _msg: seen.append((done, total)))
    assert result["documents"] == search_library.store.scalar("SELECT COUNT(*) FROM case_studies")
    reader = service._get_searcher().reader()
    two = started == [True]
    assert len(list(reader.leaf_readers())) == (2 if two else 1)  # one segment per process
    assert service.check()["ok"]
    for q, old in before.items():
        new = service.search(q, limit=100)
        assert new["total"] == old["total"] and new["facets"] == old["facets"], q
        assert {h["id"] for h in new["hits"]} == {h["id"] for h in old["hits"]}, q
    assert seen[-1][0] == seen[-1][1] == result["documents"]
    assert not list(search_library.index_dir.glob("*.part"))
    if not two:  # e.g. no writable /dev/shm for multiprocessing: the one-process fallback was checked instead
        pytest.skip("this machine could not start a second process; the one-process fallback was checked")


def test_cancelled_parallel_rebuild_keeps_the_old_index(search_library, monkeypatch):
    service = search_library.extensions["search"]
    total = service.search("health")["total"]
    name = service.folder.current_name()
    monkeypatch.setattr(build, "PARALLEL_FROM", 10)
    token = CancelToken()

    def progress(done, all_, _msg):
        token.cancel()

    with pytest.raises(Cancelled):
        service.rebuild(progress=progress, cancel=token)
    assert service.folder.current_name() == name
    assert service.search("health")["total"] == total
    assert [p.name for p in search_library.index_dir.iterdir() if p.name.startswith("ix-")] == [name]
