"""``bench import``: the full import path (validation, duplicate check, history, store) against a raw
``sqlite-utils insert_all`` of the same rows into the same kind of table, in the same run."""

from __future__ import annotations

import random
import statistics
import tempfile
from pathlib import Path
from typing import Any

import sqlite_utils

from ..importers import ImportItem
from ..library import Library
from ..vocab import vocabularies
from .measure import percentiles, timed

_WORDS = ["community", "health", "checks", "blood", "pressure", "barbershop", "asthma", "children", "coastal", "lung", "cancer", "screening", "boaters", "canal", "navigators", "maternity", "continuity", "carer", "Roma", "mediators", "smoking", "cessation", "pregnancy", "oral", "supervised", "toothbrushing", "diabetes", "epilepsy", "nurses", "learning", "disability", "autism", "physical", "peer", "support", "outreach", "vaccination", "digital", "inclusion", "social", "prescribing", "hepatitis", "liver", "deprived", "mosque", "gurdwara", "pharmacy", "football", "faith", "leaders", "homeless", "shelter", "migrants", "asylum", "refugees", "travellers", "prison", "veterans", "farmers", "rural", "fishing", "ports", "dementia", "heart", "failure", "stroke", "kidney", "hypertension", "lipids", "statins", "clinic", "van", "mobile", "pop-up", "text", "reminders", "translated", "leaflets", "interpreters", "link", "workers"]


_SYLLABLES = ["ash", "bram", "brook", "burn", "by", "caster", "chester", "cliff", "dale", "den", "don", "field", "ford", "gate", "ham", "holm", "hurst", "ing", "kirk", "ley", "low", "mar", "mere", "minster", "moor", "ness", "over", "pool", "port", "stead", "stoke", "thorn", "ton", "wick", "wold", "worth"]


def place_names(n: int, rng: random.Random) -> list[str]:
    """Invented English-looking place names: real titles nearly always name a place."""
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(names)


def synthetic_records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Deterministic, varied records with real vocabulary tags (titles distinct enough not to be duplicates)."""
    rng = random.Random(seed)
    vocab = vocabularies()
    # Real titles name places and interventions: draw from the vocabularies' own words as well.
    extra = {w.strip("(),").casefold() for t in [*vocab.ics, *vocab.areas, *vocab.groups] for w in t.label.split()
             if len(w) > 3}
    lexicon = list(_WORDS) + sorted(extra)
    places = place_names(3000, rng)
    ics = [t.id for t in vocab.ics]
    areas = [t.id for t in vocab.areas]
    groups = [t.id for t in vocab.groups if t.id != "local_other"]

    def words(k: int) -> str:
        return " ".join(rng.choice(lexicon) for _ in range(k))

    records = []
    for _ in range(n):
        records.append({
            "title": f"{words(rng.randint(4, 7)).capitalize()} in {rng.choice(places)}",
            "organisation": f"{rng.choice(places)} Primary Care Network",
            "ics": rng.choice(ics),
            "clinical_areas": rng.sample(areas, rng.randint(1, 3)),
            "population_groups": rng.sample(groups, rng.randint(1, 3)),
            "year": rng.randint(2019, 2025),
            "summary": words(40),
            "body": "\n\n".join(words(80) for _ in range(4)),
            "outcomes": [{"measure": words(3), "value": f"{rng.randint(1, 99)}%"} for _ in range(3)],
            "lessons": [words(12) for _ in range(2)],
            "partners": [words(2).title() for _ in range(2)],
            "status": rng.choice(["draft", "submitted", "in_review", "accepted", "published"]),
        })
    return records


def _one_round(records: list[dict[str, Any]], root: Path) -> tuple[float, float, Library]:
    # Baseline: the same records handed to sqlite-utils, which stores them one row each (nested fields
    # JSON-encoded by sqlite-utils itself): storage with no validation, history or duplicate check.
    raw_db = sqlite_utils.Database(root / "raw.db")
    raw_db.conn.execute("PRAGMA journal_mode=WAL")
    rows = [dict(r, id=f"cs-{i:010x}") for i, r in enumerate(records)]
    raw_seconds, _ = timed(lambda: raw_db["case_studies"].insert_all(rows, pk="id", batch_size=500))
    raw_db.close()
    library = Library.open(root / "lib", daily_backup=False, extensions=False)
    items = [ImportItem(f"bench#{i}", r) for i, r in enumerate(records)]
    seconds, report = timed(lambda: library.import_records(items, on_duplicate="keep", backup=False))
    assert len(report.imported) == len(records)
    return seconds, raw_seconds, library


def _list_timings(library: Library) -> tuple[list[float], list[float]]:
    plain = [timed(lambda: library.list_records(limit=100))[0] for _ in range(20)]
    filtered = [timed(lambda: library.list_records(area="adult_maternity", status="accepted", limit=100))[0]
                for _ in range(20)]
    return plain, filtered


def run(docs: int, rounds: int = 3) -> dict[str, Any]:
    """Interleaved rounds (baseline, then Curator, each on a fresh database); medians are reported."""
    records = synthetic_records(docs)
    ours, raws, ratios = [], [], []
    for n in range(rounds):
        with tempfile.TemporaryDirectory(prefix="curator-bench-") as tmp:
            seconds, raw_seconds, library = _one_round(records, Path(tmp))
            ours.append(seconds)
            raws.append(raw_seconds)
            ratios.append(seconds / raw_seconds)
            if n == rounds - 1:
                list_samples, filter_samples = _list_timings(library)
            library.close()
    seconds, raw_seconds = statistics.median(ours), statistics.median(raws)
    return {
        "docs": docs,
        "rounds": rounds,
        "curator": {"seconds": round(seconds, 3), "records_per_s": round(docs / seconds)},
        "sqlite_utils_insert_all": {"seconds": round(raw_seconds, 3), "records_per_s": round(docs / raw_seconds)},
        "ratio": round(statistics.median(ratios), 2),
        "ratios": [round(r, 2) for r in ratios],
        "list_100": percentiles(list_samples),
        "list_filtered_100": percentiles(filter_samples),
    }


def human(result: dict[str, Any]) -> str:
    return (f"import {result['docs']} records: Curator {result['curator']['records_per_s']}/s "
            f"({result['curator']['seconds']} s) vs sqlite-utils insert_all "
            f"{result['sqlite_utils_insert_all']['records_per_s']}/s ({result['sqlite_utils_insert_all']['seconds']} s)"
            f" → ratio {result['ratio']}× (median of {result['rounds']} rounds: {result['ratios']})\n"
            f"list (first 100): p50 {result['list_100']['p50_ms']} ms, p95 {result['list_100']['p95_ms']} ms; "
            f"filtered by area+status: p50 {result['list_filtered_100']['p50_ms']} ms")
