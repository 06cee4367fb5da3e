"""Untrusted input: ids validated on every way in (no path ever built from one), size limits with clear messages,
CSV line breaks kept, JSON Lines split on "\\n" only, expected conditions explained, never a traceback."""

from __future__ import annotations

import json
import os

import pytest

from curator.errors import FileRefused, RecordErrors
from curator.importers import ImportItem, read_file
from curator.library import Library
from curator.model import MAX_TEXT_CHARS, normalise
from tests.helpers import run_cli


@pytest.mark.parametrize("bad", ["../../outside", "cs-../../x", "/etc/passwd", "cs-ABCDEF12", "cs-12 34", "x" * 80,
                                 "..\\\\windows", "cs-", "cs-zz99"])
def test_ids_are_validated_with_the_field_named(bad):
    with pytest.raises(RecordErrors) as refused:
        normalise({"title": "T", "id": bad})
    assert [e.field for e in refused.value.errors] == ["id"] and "cs-" in str(refused.value)


def test_id_traversal_through_an_import_writes_nothing_outside_the_library(tmp_path, capsys):
    victim = tmp_path / "victim.json"
    victim.write_text("keep me")
    lib = tmp_path / "lib"
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps([{"title": "Crafted", "id": "../../victim"},
                                   {"title": "Also crafted", "id": f"../{tmp_path.name}/victim"},
                                   {"title": "Fine", "id": "cs-0123456789"}]))
    result = run_cli(capsys, "--library", lib, "--json", "import", str(crafted))
    assert result.code == 1
    assert [r["fields"] for r in result.json["refused"]] == [["id"], ["id"]]
    assert [r["id"] for r in result.json["imported"]] == ["cs-0123456789"]
    assert victim.read_text() == "keep me"
    before = sorted(p.name for p in tmp_path.iterdir())
    with Library.open(lib) as library:
        from curator.ui.drafts import Drafts  # the crash drafts: named by a key made here, never by an id

        drafts = Drafts(library)
        for bad in ("../../victim", "cs-0123456789/../../../victim", "cs-0123456789"):
            with pytest.raises(ValueError):
                drafts.save(bad, "cs-0123456789", {"title": "x"})
            with pytest.raises(ValueError):
                drafts.discard(bad)
        key = drafts.new_key("../../victim")
        assert key.startswith("draft-") and "victim" not in key
        drafts.save(key, "../../victim", {"title": "typed"})
        assert [d.case_id for d in drafts.pending()] == ["../../victim"]
        drafts.discard(key)
    assert sorted(p.name for p in tmp_path.iterdir()) == before and victim.read_text() == "keep me"


def test_csv_keeps_line_breaks_inside_quoted_cells(tmp_path):
    path = tmp_path / "alt-enter.csv"
    path.write_bytes(b'title,summary\r\n"Two lines","line one\nline two"\r\n"Next","x\r\ny"\r\n')
    items = read_file(path)
    assert [i.raw["summary"] for i in items] == ["line one\nline two", "x\r\ny"]
    assert [i.source for i in items] == ["alt-enter.csv:2", "alt-enter.csv:4"]


def test_jsonl_splits_on_newline_only(tmp_path):
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps({"title": "A\u2028B", "summary": "p1\u2029p2\x85"}, ensure_ascii=False) + "\r\n"
                    + json.dumps({"title": "Second"}) + "\n", encoding="utf-8")
    items = read_file(path)
    assert [i.raw["title"] for i in items] == ["A\u2028B", "Second"]


@pytest.mark.parametrize("name,content,expect", [
    ("deep.json", "[" * 100_000 + "]" * 100_000, "levels deep"),
    ("deep50.json", "[" * 50 + "{}" + "]" * 50, "levels deep"),
    ("huge-int.json", '{"title": "T", "year": ' + "9" * 50_000 + "}", "digits long"),
    ("deep.jsonl", '{"title": "T", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "levels deep"),
    ("wide.csv", "title," + ",".join(f"c{i}" for i in range(999_999)) + "\nT\n", "cells"),
    ("long-cell.csv", 'title,summary\nT,"' + "x" * (MAX_TEXT_CHARS + 10) + '"\n', "characters a field may hold"),
])
def test_size_limits_on_files_say_what_to_do(tmp_path, name, content, expect):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        read_file(path)
    assert expect in str(refused.value) and name in str(refused.value)


def test_an_over_long_field_is_refused_with_the_field_named(library):
    report = library.import_records([ImportItem("big#1", {"title": "T", "body": "x" * (MAX_TEXT_CHARS + 1)}),
                                     ImportItem("big#2", {"title": "U", "lessons": ["y" * (MAX_TEXT_CHARS + 1)]})])
    assert [r["fields"] for r in report.refused] == [["body"], ["lessons[0]"]]
    assert "characters" in report.refused[0]["error"] and library.count() == 0


def test_expected_conditions_from_the_cli_are_messages_not_bugs(tmp_path, capsys):
    deep = tmp_path / "update.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    lib = tmp_path / "lib"
    with Library.open(lib) as library:
        record, _ = library.create({"title": "T"})
    result = run_cli(capsys, "--library", lib, "update", record["id"], str(deep))
    assert result.code == 2 and "bug" not in result.err and "Traceback" not in result.err


def test_a_database_locked_longer_than_the_wait_is_explained(tmp_path, capsys, monkeypatch):
    import sqlite3

    from curator import store

    lib = tmp_path / "lib"
    Library.open(lib).close()
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(lib / "curator.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli(capsys, "--library", lib, "--json", "backup")
        created = run_cli(capsys, "--library", lib, "undo")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert created.code == 2 and "writing to this library" in created.err and "bug" not in created.err
    assert "Traceback" not in result.err + created.err


def test_the_log_goes_into_the_library_never_a_shared_tmp_file(tmp_path, capsys, monkeypatch):
    import tempfile

    shared = os.path.join(tempfile.gettempdir(), "curator.log")
    before = os.path.getmtime(shared) if os.path.exists(shared) else None
    lib = tmp_path / "lib"
    Library.open(lib).close()
    import curator.library as library_mod

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("a real bug")

    monkeypatch.setattr(library_mod.Library, "count", broken)
    result = run_cli(capsys, "--library", lib, "check")
    assert result.code == 2 and "bug in Curator" in result.err and str(lib / "logs") in result.err
    assert "a real bug" in (lib / "logs" / "curator.log").read_text()
    assert (os.path.getmtime(shared) if os.path.exists(shared) else None) == before


def test_a_record_stored_with_an_older_id_shape_can_still_be_edited(library):
    """Ids are checked on the way in; a library holding ids from before the check stays editable."""
    record, _ = library.create({"title": "Legacy"})
    with library.store.transaction():
        library.store.conn.execute("UPDATE case_studies SET id='cs-legacy-1', data=json_set(data, '$.id', "
                                   "'cs-legacy-1') WHERE id=?", (record["id"],))
    updated, _ = library.update("cs-legacy-1", {"summary": "Edited"})
    assert updated["id"] == "cs-legacy-1" and updated["summary"] == "Edited"
