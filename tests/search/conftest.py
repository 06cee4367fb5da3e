"""Search fixtures: a library of the demo case studies plus realistic records written for known-item tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.importers import ImportItem
from curator.library import Library

ROOT = Path(__file__).resolve().parents[2]

#: Realistic records with distinctive wording, so a known-item test can say which record must come first.
KNOWN = {
    "canal": {
        "title": "Floating flu clinic on a narrowboat for continuous cruisers in Oxfordshire",
        "organisation": "Cherwell Valley Primary Care Network",
        "ics": "Buckinghamshire, Oxfordshire and Berkshire West",
        "programme": "Health Equalities Partnership (HEP)",
        "clinical_areas": ["ext_vaccination"], "population_groups": ["plus_inclusion_health", "local_other"],
        "local_groups": ["live-aboard boaters"], "year": 2022, "status": "published",
        "summary": "A nurse-led flu and COVID-19 vaccination clinic moored at three lock sites reached boaters who "
                   "move every fourteen days and rarely register with a GP.",
        "body": "## What we did\n\nThe Canal & River Trust lent a **narrowboat**. Immunisations were given at "
                "locks on Saturdays, with BP checks offered while people waited.",
        "outcomes": [{"measure": "Boaters vaccinated", "value": "412"}],
        "lessons": ["Moor where boaters already stop for water and waste"],
    },
    "dental": {
        "title": "Fluoride varnish in family hubs for children in Hull",
        "organisation": "Humber Community Dental Service",
        "ics": "E54000051", "clinical_areas": ["cyp_oral_health"], "population_groups": ["core20"],
        "year": 2023, "status": "accepted",
        "summary": "Dental nurses applied fluoride varnish during stay-and-play sessions, so parents did not "
                   "need a separate appointment.",
        "body": "Tooth decay is the most common reason for hospital admission among young children in Hull. "
                "Families said <b>getting</b> to a dentist was the barrier & cost of travel.",
    },
    "fh": {
        "title": "Cascade testing for familial hypercholesterolaemia in Bradford",
        "organisation": "Bradford District Care Partnership",
        "ics": "West Yorkshire", "clinical_areas": ["adult_hypertension_lipids"],
        "population_groups": ["plus_ethnic_minority"], "year": 2021, "status": "published",
        "summary": "Relatives of people with FH were offered genetic tests through community pharmacies.",
        "body": "Genetic counsellors worked with mosque committees.",
        "outcomes": [],
    },
}


def _load(library: Library, demo: list[dict]) -> dict[str, str]:
    report = library.import_records([ImportItem(f"demo{i}", r) for i, r in enumerate(demo)], backup=False)
    ids = {}
    for key, raw in KNOWN.items():
        record, _ = library.create(raw)
        ids[key] = record["id"]
    assert len(report.imported) == len(demo)
    return ids


@pytest.fixture
def search_library(library, demo_records):
    """A fresh library (function scope: tests may change it) with demo + known records."""
    library.known = _load(library, demo_records)
    return library


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory):
    """Read-only tests share one library to keep the suite fast."""
    demo = json.loads((ROOT / "resources" / "demo" / "case_studies.json").read_text(encoding="utf-8"))
    lib = Library.open(tmp_path_factory.mktemp("shared") / "lib", daily_backup=False)
    lib.known = _load(lib, demo)
    yield lib
    lib.close()


@pytest.fixture
def search(shared_library):
    return shared_library.extensions["search"]
