"""The search, saved-search and index commands through ``python -m curator`` (in-process main())."""

from __future__ import annotations

import json

import pytest

from curator.cli import main


@pytest.fixture
def cli(shared_library, capsys):
    folder = str(shared_library.folder)

    def run(*args: str) -> tuple[int, object, str]:
        code = main(["--library", folder, "--json", *args])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else None), err

    return run


def test_search_json_shape(cli, shared_library):
    code, data, _ = cli("search", "narrowboat", "--limit", "5")
    assert code == 0
    assert set(data) >= {"query", "total", "hits", "facets", "suggestion"}
    assert data["hits"][0]["id"] == shared_library.known["canal"]
    assert set(data["facets"]) >= {"region", "ics", "clinical_areas", "population_groups", "status"}


def test_search_filters_accept_labels(cli, shared_library):
    code, data, _ = cli("search", "relatives", "--ics", "West Yorkshire", "--status", "published")
    assert code == 0
    assert data["hits"] and all(shared_library.get(h["id"])["ics"] == "E54000054" for h in data["hits"])


def test_malformed_query_is_one_line_exit_2(cli):
    code, data, err = cli("search", "title:(")
    assert code == 2
    assert "never closed" in data["error"]
    assert err.count("\n") == 1 and "Traceback" not in err


def test_saved_searches_round_trip(cli, shared_library):
    code, data, _ = cli("search", "save", "Boaters", "boaters OR narrowboat")
    assert code == 0 and data == {"name": "Boaters", "query": "boaters OR narrowboat"}
    code, data, _ = cli("search", "saved")
    assert {"name": "Boaters", "query": "boaters OR narrowboat", "shared": False} in data["saved"]
    code, data, _ = cli("search", "run", "boaters")  # names ignore case
    assert code == 0 and shared_library.known["canal"] in [h["id"] for h in data["hits"]]
    code, data, _ = cli("search", "save", "bad", "title:(")
    assert code == 2 and "never closed" in data["error"]
    code, data, _ = cli("search", "run", "nope")
    assert code == 2 and "Boaters" in data["error"]
    code, _, _ = cli("search", "forget", "Boaters")
    assert code == 0
    assert cli("search", "saved")[1]["saved"] == []


def test_literal_query_option(cli):
    code, data, _ = cli("search", "--query", "save")
    assert code == 0 and data["query"] == "save"


def test_index_check_and_rebuild(cli, shared_library):
    code, data, _ = cli("index", "rebuild")
    assert code == 0 and data["documents"] == shared_library.count() and data["seconds"] >= 0
    code, data, _ = cli("index", "check")
    assert code == 0 and data == {"ok": True, "missing": [], "stale": [], "extra": []}


def test_human_output(shared_library, capsys):
    assert main(["--library", str(shared_library.folder), "search", "narrowb*"]) == 0
    out = capsys.readouterr().out
    assert "narrowboat" in out.lower() and "<b>" not in out and "match" in out
