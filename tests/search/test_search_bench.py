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
    queries = tmp_path / "queries.txt"
    queries.write_text('people\n"blood pressure"\ncur*\n', encoding="utf-8")
    assert main(["--json", "bench", "search", "--docs", "20", "--repeats", "1", "--saves", "2", "--queries",
                 str(queries)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engines"] == ["curator", "fts5", "tantivy"]
    for engine in data["engines"]:
        assert data[engine]["documents"] == 20
        assert data[engine]["saves_found"] == "2/2"
        assert data[engine]["query_p95_ms"] > 0 and data[engine]["quick_p95_ms"] > 0
        assert data[engine]["first_answer_s"] > 0 and data[engine]["search_peak_rss_mb"] > 0
    for engine in ("fts5", "tantivy"):
        assert data["ratios"][engine]["query_p95_ms"] > 0
        agree = data["agreement"][engine]
        assert not agree["totals_differ"] and not agree["facets_differ"] and not agree["typed_totals_differ"]
