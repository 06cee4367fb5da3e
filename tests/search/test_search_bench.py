"""Smoke test only: the benchmark runs end to end on a tiny corpus (speed is never asserted in tests)."""

from __future__ import annotations

import json

from curator.bench.corpus import record
from curator.cli import main


def test_corpus_is_deterministic_and_realistic():
    first, again = record(3), record(3)
    assert first == again
    words = len(first["body"].split())
    assert 400 <= words <= 3100
    assert first["clinical_areas"] and first["population_groups"] and first["ics"]


def test_bench_search_smoke(tmp_path, capsys):
    assert main(["--json", "bench", "search", "--docs", "30", "--repeats", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    for engine in ("whoosh", "fts5"):
        assert data[engine]["documents"] == 30
        assert data[engine]["updates_found"] == "20/20"
        assert data[engine]["query_p95_ms"] > 0
    assert data["ratios"]["query_p95_ms"] > 0
