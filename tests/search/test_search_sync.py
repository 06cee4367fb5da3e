"""The index stays in step with SQLite: edits, deletes, undo, other processes, damage, locks, rebuilds."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from whoosh import index as windex

from curator.library import Library
from curator.progress import Cancelled, CancelToken


def ids(result):
    return [h["id"] for h in result["hits"]]


def test_attach_is_lazy(tmp_path):
    lib = Library.open(tmp_path / "lib")
    service = lib.extensions["search"]
    assert service.on_change in lib.listeners
    assert not (tmp_path / "lib" / "index").exists()  # no Whoosh work at open
    lib.close()


def test_edit_delete_undo_keep_search_in_step(search_library):
    service = search_library.extensions["search"]
    case_id = search_library.known["dental"]
    assert case_id in ids(service.search("fluoride"))
    search_library.update(case_id, {"summary": "Dental nurses applied xylitol gel at toddler groups."})
    assert case_id in ids(service.search("xylitol"))
    assert case_id not in ids(service.search("stay-and-play"))
    search_library.delete(case_id)
    assert case_id not in ids(service.search("xylitol"))
    assert service.search("xylitol")["total"] == 0
    search_library.undo()
    assert case_id in ids(service.search("xylitol"))
    search_library.undo()  # back to the original summary
    assert case_id in ids(service.search("stay-and-play"))
    assert case_id not in ids(service.search("xylitol"))
    assert service.check()["ok"]


def test_status_change_moves_facet_counts(search_library):
    service = search_library.extensions["search"]
    case_id = search_library.known["dental"]  # accepted
    before = service.search("fluoride")["facets"]["status"]
    search_library.set_status(case_id, "published")
    after = service.search("fluoride")["facets"]["status"]
    assert after.get("published", 0) == before.get("published", 0) + 1
    assert after.get("accepted", 0) == before.get("accepted", 0) - 1


def test_create_then_find_by_new_word(search_library):
    service = search_library.extensions["search"]
    service.search("warmup")  # index built
    record, _ = search_library.create({"title": "Zorbing sessions for isolated older men", "ics": "E54000057"})
    assert ids(service.search("zorbing")) == [record["id"]]


def test_deleted_index_folder_is_rebuilt(search_library):
    service = search_library.extensions["search"]
    expected = ids(service.search("asthma"))
    service.close()
    shutil.rmtree(search_library.index_dir)
    result = service.search("asthma")
    assert ids(result) == expected
    assert "rebuilt" in (result["notice"] or "")
    assert service.check()["ok"]


def test_corrupt_segment_is_detected_and_rebuilt(search_library):
    service = search_library.extensions["search"]
    expected = ids(service.search("boaters"))
    service.close()
    current = (search_library.index_dir / "CURRENT").read_text().strip()
    segments = [p for p in (search_library.index_dir / current).iterdir() if p.suffix == ".seg"]
    assert segments
    for path in segments:
        data = bytearray(path.read_bytes())
        data[len(data) // 3: len(data) // 3 + 4096] = b"\x00" * min(4096, len(data) - len(data) // 3)
        path.write_bytes(bytes(data[: len(data) // 2]))
    result = service.search("boaters")
    assert ids(result) == expected
    assert service.check()["ok"]


def test_damaged_saved_facet_values_fall_back_to_the_index(search_library):
    service = search_library.extensions["search"]
    expected = service.search("asthma")
    folder = search_library.folder
    search_library.close()
    saved = list((folder / "index").glob("ix-*/facets-*.pickle"))
    assert saved
    for path in saved:
        path.write_bytes(b"not a pickle")
    with Library.open(folder, daily_backup=False) as again:
        result = again.extensions["search"].search("asthma")
        assert result["facets"] == expected["facets"] and ids(result) == ids(expected)


def test_change_by_another_process_is_picked_up(search_library, tmp_path):
    service = search_library.extensions["search"]
    case_id = search_library.known["fh"]
    service.search("warm")
    # another process without the search extension writes to SQLite only: the index is now stale
    other = Library.open(search_library.folder, extensions=False, daily_backup=False)
    other.update(case_id, {"summary": "Quokka-themed leaflets were given to relatives."})
    other.close()
    assert ids(service.search("quokka")) == [case_id]
    assert service.check()["ok"]


def test_stale_index_detected_on_open(search_library):
    service = search_library.extensions["search"]
    service.search("warm")
    folder = search_library.folder
    case_id = search_library.known["fh"]
    search_library.close()
    other = Library.open(folder, extensions=False, daily_backup=False)
    other.delete(case_id)
    other.close()
    reopened = Library.open(folder, daily_backup=False)
    try:
        assert case_id not in ids(reopened.extensions["search"].search("cascade testing"))
        assert reopened.extensions["search"].check()["ok"]
    finally:
        reopened.close()


def test_change_in_a_fresh_process_updates_the_index_without_searching(search_library):
    service = search_library.extensions["search"]
    service.search("warm")
    folder = search_library.folder
    search_library.close()
    writer = Library.open(folder, daily_backup=False)  # a CLI 'update' run: never searches
    record, _ = writer.create({"title": "Pelargonium planting for social prescribing", "ics": "E54000057"})
    writer.close()
    reader = Library.open(folder, daily_backup=False)
    try:
        svc = reader.extensions["search"]
        svc._ensure = svc._ensure  # same code path as a user
        assert ids(svc.search("pelargonium")) == [record["id"]]
    finally:
        reader.close()


def test_writer_lock_held_elsewhere_queues_the_change(search_library, monkeypatch):
    service = search_library.extensions["search"]
    service.search("warm")
    import curator.search.index as index_mod
    import curator.search.sync as service_mod

    monkeypatch.setattr(index_mod, "WRITER_WAIT", 0.2)
    monkeypatch.setattr(service_mod, "LOCK_RETRY", 0.0)  # "within moments": no need to wait in a test
    name = (search_library.index_dir / "CURRENT").read_text().strip()
    held = windex.open_dir(str(search_library.index_dir / name)).writer()  # as another process would
    try:
        record, _ = search_library.create({"title": "Gondola outreach for canal-side flats", "ics": "E54000057"})
        assert record["id"]  # the save itself succeeded
        service.flush()  # the writer thread tried, waited, and queued the id in SQLite
        queued = search_library.store.query("SELECT case_id FROM search_pending")
        assert [r["case_id"] for r in queued] == [record["id"]]
        assert "another Curator window" in (service.search("warm")["notice"] or "")
    finally:
        held.cancel()
    assert ids(service.search("gondola")) == [record["id"]]
    assert not search_library.store.query("SELECT case_id FROM search_pending")


def test_rebuild_and_check_shapes(search_library):
    service = search_library.extensions["search"]
    calls = []
    result = service.rebuild(progress=lambda done, total, msg: calls.append((done, total)))
    assert set(result) == {"documents", "seconds"}
    assert result["documents"] == search_library.count()
    assert calls and calls[-1][0] == calls[-1][1] == search_library.count()
    assert service.check() == {"ok": True, "missing": [], "stale": [], "extra": []}
    assert len(list(search_library.index_dir.glob("ix-*"))) == 1  # the old folder is gone


def test_check_reports_missing_stale_extra(search_library):
    service = search_library.extensions["search"]
    service.search("warm")
    a, b = search_library.known["fh"], search_library.known["dental"]
    search_library.listeners.remove(service.on_change)  # simulate changes the index never heard of
    search_library.update(a, {"summary": "changed"})
    search_library.delete(b)
    record, _ = search_library.create({"title": "Unindexed", "ics": "E54000057"})
    report = service.check()
    assert report == {"ok": False, "missing": [record["id"]], "stale": [a], "extra": [b]}


def test_cancelled_rebuild_keeps_the_old_index(search_library):
    service = search_library.extensions["search"]
    before = ids(service.search("asthma"))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        service.rebuild(cancel=token)
    assert ids(service.search("asthma")) == before
    assert len(list(search_library.index_dir.glob("ix-*"))) == 1


def test_restored_backup_brings_the_index_back_in_step(search_library):
    service = search_library.extensions["search"]
    backup = search_library.backup("test")
    record, _ = search_library.create({"title": "Kayak clinic", "ics": "E54000057"})
    assert ids(service.search("kayak")) == [record["id"]]
    search_library.restore_backup(backup.path)
    assert service.search("kayak")["total"] == 0
    assert service.check()["ok"]


def test_save_returns_before_indexing_and_search_still_sees_it(search_library):
    service = search_library.extensions["search"]
    service.search("warm")
    records = [search_library.create({"title": f"Velodrome taster {n}", "ics": "E54000057"})[0] for n in range(5)]
    # whether or not the writer thread has finished, a search waits for queued changes
    assert service.search("velodrome")["total"] == 5
    search_library.delete(records[0]["id"])
    assert records[0]["id"] not in ids(service.search("velodrome"))


def test_close_writes_queued_changes(search_library):
    service = search_library.extensions["search"]
    service.search("warm")
    folder = search_library.folder
    record, _ = search_library.create({"title": "Trampoline clinic", "ics": "E54000057"})
    search_library.close()
    with Library.open(folder, daily_backup=False) as again:
        svc = again.extensions["search"]
        assert ids(svc.search("trampoline")) == [record["id"]]
        assert svc.check()["ok"]


def test_many_saves_merge_small_segments(search_library, monkeypatch):
    import curator.search.sync as service_mod

    monkeypatch.setattr(service_mod, "MERGE_AT", 3)
    service = search_library.extensions["search"]
    service.search("warm")
    case_id = search_library.known["dental"]
    for n in range(6):
        search_library.update(case_id, {"summary": f"visit number{n}"})
        service.flush()
    service._merge_small()
    assert len(service._ix._segments()) <= 4
    assert ids(service.search("number5")) == [case_id]
    assert service.check()["ok"]


def test_many_segments_left_by_an_earlier_session_are_merged_when_idle(search_library, monkeypatch):
    import curator.search.sync as sync_mod

    monkeypatch.setattr(sync_mod, "MERGE_IDLE", 0.05)
    service = search_library.extensions["search"]
    service.search("warm")
    other = Library.open(search_library.folder, extensions=False, daily_backup=False)
    for n in range(10):  # changes the index never heard of: repaired on the next open, one segment each
        other.update(search_library.known["dental"], {"summary": f"round{n}"})
        service._repair()
    other.close()
    folder = search_library.folder
    search_library.close()
    monkeypatch.setattr("curator.search.service.MERGE_AT", 3)
    monkeypatch.setattr(sync_mod, "MERGE_AT", 3)
    with Library.open(folder, daily_backup=False) as again:
        svc = again.extensions["search"]
        assert svc.search("round9")["total"] == 1  # answers at once; the merge follows when idle
        deadline = time.monotonic() + 20
        while len(svc._ix._segments()) > 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(svc._ix._segments()) <= 3
        assert svc.search("round9")["total"] == 1
        assert svc.check()["ok"]


def test_search_while_saving_from_another_thread(search_library):
    service = search_library.extensions["search"]
    service.search("warm")
    case_id = search_library.known["dental"]
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                service.search("fluoride OR dental")
                service.quick("flu")
            except BaseException as err:  # noqa: BLE001
                errors.append(err)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for n in range(8):
        search_library.update(case_id, {"summary": f"Round {n} of varnish visits, word{n}"})
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert ids(service.search("word7")) == [case_id]


def test_large_import_uses_the_bulk_writer_and_stays_in_step(search_library, monkeypatch, demo_records):
    import curator.search.index as index_mod
    from curator.importers import ImportItem

    monkeypatch.setattr(index_mod, "BULK", 5)
    service = search_library.extensions["search"]
    service.search("warm")
    items = [ImportItem(f"n{i}", {"title": f"Allotment group {i} for carers", "ics": "E54000057",
                                  "summary": f"Gardening sessions, cohort marigold{i}"}) for i in range(12)]
    report = search_library.import_records(items, on_duplicate="keep", backup=False)
    assert len(report.imported) == 12
    assert service.search("allotment")["total"] == 12
    assert service.check()["ok"]
    search_library.undo()  # the whole import is one step
    assert service.search("allotment")["total"] == 0


def test_search_answers_from_the_old_index_during_a_rebuild(search_library):
    service = search_library.extensions["search"]
    before = ids(service.search("asthma"))
    old_folder = (search_library.index_dir / "CURRENT").read_text().strip()
    seen: list[list[str]] = []

    def progress(done, total, message):
        if not seen:  # mid-build: the new folder exists but is not yet the current one
            assert (search_library.index_dir / "CURRENT").read_text().strip() == old_folder
            seen.append(ids(service.search("asthma")))

    service.rebuild(progress=progress)
    assert seen == [before]
    assert (search_library.index_dir / "CURRENT").read_text().strip() != old_folder
    assert ids(service.search("asthma")) == before


def test_a_save_during_the_idle_merge_is_found_by_the_next_search(search_library, monkeypatch):
    """The writer thread's own merge holds Whoosh's writer lock; a save waits for it instead of being queued
    for later, so the search right after the save finds the change."""
    from curator.search import index as index_mod
    from curator.search.index import unmapped

    service = search_library.extensions["search"]
    service.search("warm")
    monkeypatch.setattr(index_mod, "WRITER_WAIT", 0.3)
    writer = unmapped(service._ix).writer(timeout=1.0)  # stands for the merge's writer
    service._merge_done.clear()

    def finish_merge() -> None:
        time.sleep(1.5)
        writer.cancel()
        service._merge_done.set()

    merge = threading.Thread(target=finish_merge)
    merge.start()
    case_id = search_library.known["dental"]
    search_library.update(case_id, {"summary": "Varnish visits by the quokkamergeword team"})
    found = service.search("quokkamergeword")
    merge.join()
    assert [h["id"] for h in found["hits"]] == [case_id]


def test_a_save_finds_the_document_it_replaces_without_a_whoosh_reader(search_library, monkeypatch):
    """Once the searching side has read every segment, a save deletes the old document by the ids it holds in
    memory; Whoosh's own lookup (a reader over every segment) is not opened, and nothing is counted twice."""
    from whoosh.writing import SegmentWriter

    service = search_library.extensions["search"]
    case_id = search_library.known["dental"]
    before = service.search("")["total"]
    opened = []
    monkeypatch.setattr(SegmentWriter, "searcher", lambda self, **kw: opened.append(1) or None)
    for word in ("zyxolith", "quorblen", "plimsquat"):
        search_library.update(case_id, {"summary": f"Dental nurses applied {word} at toddler groups."})
        assert ids(service.search(word)) == [case_id]
        assert service.search("")["total"] == before
    assert case_id not in ids(service.search("zyxolith")) and not opened
    search_library.delete(case_id)
    assert service.search("plimsquat")["total"] == 0 and service.search("")["total"] == before - 1
    assert not opened and service.check()["ok"]
