"""A review round on the demo library, built through the core API: a panel, assignments, a few scores."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from curator.demo import load_demo
from curator.library import Library
from curator.review import assign as assign_mod
from curator.review import reviewers as reviewers_mod
from curator.review import rubric as rubric_mod
from curator.review import scoring


@dataclass
class Round:
    library: Library
    panel: dict[str, reviewers_mod.Reviewer]

    def cases_of(self, key: str) -> list[str]:
        return [a["case"] for a in assign_mod.assignments(self.library, reviewer=self.panel[key].id)]


def full_scores(value: int = 3, **overrides: int) -> dict[str, int]:
    return {c["id"]: overrides.get(c["id"], value) for c in rubric_mod.default_rubric()["criteria"]}


def make_round(library: Library) -> Round:
    """The demo library with four reviewers, each case study in review given three of them."""
    load_demo(library)
    panel = {
        "asha": reviewers_mod.add(library, "Dr Asha Patel", "Leeds Teaching Hospitals NHS Trust", "clinician"),
        "tom": reviewers_mod.add(library, "Tom Byrne", "Healthwatch Cornwall", "community representative"),
        "maya": reviewers_mod.add(library, "Maya Okoro", "UKHSA", "public-health lead"),
        "sam": reviewers_mod.add(library, "Sam Lee", "", "GP"),
    }
    assign_mod.assign_auto(library, 3)
    return Round(library, panel)


def score_round(rnd: Round) -> None:
    """Every reviewer but Asha submits: agreement on most case studies, a split on the first one."""
    lib = rnd.library
    for n, key in enumerate(("tom", "maya", "sam")):
        for i, case in enumerate(rnd.cases_of(key)):
            value = 1 + (i + n) % 5 if i == 0 else 3 + (i % 2)
            rec = "exclude" if value == 1 else "include"
            scoring.submit(lib, case, rnd.panel[key].id, full_scores(value), rec,
                           "Not for the guide: no evaluation" if rec == "exclude" else "Solid")


@pytest.fixture
def review_round(library: Library) -> Round:
    return make_round(library)
