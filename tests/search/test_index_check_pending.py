"""``index check`` first writes the ids another process could not index (``search_pending``), then reports:
queued work is not damage."""

from __future__ import annotations

import whoosh.index as windex


def test_index_check_flushes_search_pending_before_it_reports(search_library, monkeypatch):
    import curator.search.index as index_mod
    import curator.search.sync as sync_mod

    service = search_library.extensions["search"]
    service.search("warm")
    monkeypatch.setattr(index_mod, "WRITER_WAIT", 0.2)
    monkeypatch.setattr(sync_mod, "LOCK_RETRY", 0.0)
    name = (search_library.index_dir / "CURRENT").read_text().strip()
    held = windex.open_dir(str(search_library.index_dir / name)).writer()  # as another process would
    try:
        record, _ = search_library.create({"title": "Gondola outreach for canal-side flats", "ics": "E54000057"})
        service.flush()
        assert [r["case_id"] for r in search_library.store.query("SELECT case_id FROM search_pending")] == \
            [record["id"]]
    finally:
        held.cancel()
    result = service.check()
    assert result["ok"] and result["missing"] == [], result
    assert not search_library.store.query("SELECT case_id FROM search_pending")


def test_a_logged_warning_with_a_traceback_never_reaches_stderr(tmp_path):
    """The search service logs a damaged index with exc_info; the CLI must not print that traceback."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import logging, curator.library\n"
            "try:\n    1/0\nexcept ZeroDivisionError:\n"
            "    logging.getLogger('curator.search').warning('search index damaged', exc_info=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(root), CURATOR_LOG_DIR=str(tmp_path)))
    assert done.returncode == 0 and done.stderr == ""


def test_a_damaged_index_is_rebuilt_without_a_traceback(search_library, capsys):
    from tests.helpers import run_cli

    folder = search_library.folder
    search_library.close()
    for path in folder.joinpath("index").rglob("*"):
        if path.is_file() and path.suffix in (".seg", ".toc"):
            path.write_bytes(b"garbage")
    result = run_cli(capsys, "--library", folder, "--json", "search", "warm")
    assert result.code == 0 and "Traceback" not in result.err
