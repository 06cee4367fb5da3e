"""Shared fixtures: real libraries in temporary folders (real SQLite, real index), Qt offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from curator.library import Library  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_library_env(tmp_path_factory, monkeypatch):
    """No test ever touches the real per-user library."""
    monkeypatch.setenv("CURATOR_LIBRARY", str(tmp_path_factory.mktemp("default-library")))
    monkeypatch.setenv("CURATOR_LOG_DIR", str(tmp_path_factory.mktemp("logs")))  # never a shared /tmp/curator.log


@pytest.fixture
def library(tmp_path) -> Library:
    lib = Library.open(tmp_path / "lib")
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def demo_records() -> list[dict]:
    return json.loads((ROOT / "resources" / "demo" / "case_studies.json").read_text(encoding="utf-8"))


@pytest.fixture
def sample_record() -> dict:
    return {
        "title": "Barbershop blood pressure checks with Black community barbers",
        "organisation": "Moss Side Primary Care Network",
        "ics": "NHS Greater Manchester ICB",
        "clinical_areas": ["Hypertension case-finding and lipid management"],
        "population_groups": ["plus_ethnic_minority", "core20"],
        "year": 2023,
        "summary": "Barbers trained to take blood pressure readings; A&E attendances fell and <5% were lost.",
        "body": "## What we did\n\nTrained **twelve** barbers.",
        "outcomes": [{"measure": "Men checked", "value": "1,346"}],
        "partners": ["Local barbers", "Caribbean and African Health Network"],
        "contact": {"name": "Sam Example", "role": "Lead", "email": "sam@example.org", "phone": "01632 960001"},
        "contact_consent": True,
    }
