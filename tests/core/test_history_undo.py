"""Every change is one transaction with a history row; undo and redo walk the same history."""

import pytest

from curator.errors import NotFound, NothingToUndo, TransitionRefused
from curator.importers import ImportItem
from curator.library import Library


def test_create_update_status_delete_each_write_a_history_row(library: Library, sample_record):
    record, _ = library.create(sample_record)
    case_id = record["id"]
    library.update(case_id, {"summary": "New summary"})
    library.set_status(case_id, "submitted", reason="ready for the panel")
    library.delete(case_id)
    history = library.history(case_id)
    assert [h["action"] for h in history] == ["create", "update", "status", "delete"]
    assert all(h["user"] and h["at"].endswith("Z") for h in history)
    assert history[1]["fields"] == ["summary"]
    assert history[1]["before"]["record"]["summary"] == sample_record["summary"]
    assert history[1]["after"]["record"]["summary"] == "New summary"
    assert history[2]["note"] == "ready for the panel"
    assert history[3]["fields"] == ["deleted"]


def test_undo_reverts_the_last_change_and_redo_reapplies_it(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.update(record["id"], {"summary": "Changed"})
    assert library.undo_label() == f"Edit '{sample_record['title'][:49]}…'"
    library.undo()
    assert library.get(record["id"])["summary"] == sample_record["summary"]
    assert library.redo_label().startswith("Edit")
    library.redo()
    assert library.get(record["id"])["summary"] == "Changed"
    library.undo()
    library.undo()  # the create
    with pytest.raises(NotFound):
        library.get(record["id"])
    with pytest.raises(NothingToUndo):
        library.undo()


def test_a_new_change_clears_redo(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.update(record["id"], {"summary": "one"})
    library.undo()
    library.update(record["id"], {"summary": "two"})
    assert library.redo_label() is None
    with pytest.raises(NothingToUndo):
        library.redo()


def test_undo_of_status_change_and_delete(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.set_status(record["id"], "submitted")
    changes = library.undo()
    assert changes.label == "Undo change status to submitted"
    assert library.get(record["id"])["status"] == "draft"
    library.delete(record["id"])
    assert library.list_records()["total"] == 0
    library.undo()
    assert library.list_records()["total"] == 1


def test_delete_goes_to_trash_and_restore_brings_it_back(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.delete(record["id"])
    assert [t["id"] for t in library.trash()] == [record["id"]]
    library.restore(record["id"])
    assert library.trash() == [] and library.get(record["id"])["title"] == sample_record["title"]


def test_a_whole_import_is_one_undo_step(library: Library):
    items = [ImportItem(f"batch.json#{i}", {"title": f"Record {i} about asthma in town {i}"}) for i in range(30)]
    report = library.import_records(items)
    assert len(report.imported) == 30
    assert library.undo_label() == "Import from batch.json"
    library.undo()
    assert library.count(include_deleted=True) == 0
    library.redo()
    assert library.count() == 30


def test_refused_update_changes_nothing_and_writes_no_history(library: Library, sample_record):
    record, _ = library.create(sample_record)
    with pytest.raises(Exception, match="ics"):
        library.update(record["id"], {"ics": "Narnia"})
    assert len(library.history(record["id"])) == 1
    assert library.get(record["id"]) == record


def test_an_update_that_changes_nothing_is_not_a_change(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.update(record["id"], {"title": sample_record["title"]})
    assert len(library.history(record["id"])) == 1


def test_listeners_hear_every_change_after_commit(library: Library, sample_record):
    heard = []
    library.listeners.append(lambda changes: heard.append((changes.label.split()[0], changes.ids, changes.removed)))
    record, _ = library.create(sample_record)
    library.delete(record["id"])
    library.undo()
    assert [h[0] for h in heard] == ["Add", "Delete", "Undo"]
    assert heard[1][2] == {record["id"]} and heard[2][1] == {record["id"]}


def test_audit_events_are_recorded_but_not_undone(library: Library, sample_record):
    record, _ = library.create(sample_record)
    library.record_event(record["id"], "Dismiss PII finding", note="a trial phone line, not personal")
    assert library.history(record["id"])[-1]["action"] == "note"
    assert library.undo_label().startswith("Add")


def test_workflow_refusals_explain_what_is_allowed(library: Library, sample_record):
    record, _ = library.create(sample_record)
    with pytest.raises(TransitionRefused) as info:
        library.set_status(record["id"], "published")
    message = str(info.value)
    assert "draft to published" in message and "only an accepted case study can be published" in message
    assert "submitted" in message
    for status in ("submitted", "in_review", "accepted", "published", "archived"):
        library.set_status(record["id"], status)
    assert library.get(record["id"])["status"] == "archived"


def test_update_cannot_jump_the_workflow(library: Library, sample_record):
    record, _ = library.create(sample_record)
    with pytest.raises(TransitionRefused):
        library.update(record["id"], {"status": "published"})


def test_imports_may_carry_any_status(library: Library):
    items = [ImportItem(s, {"title": f"Status {s} example", "status": s})
             for s in ("published", "rejected", "archived", "in_review")]
    assert len(library.import_records(items).imported) == 4
