"""A review round in a real library: submitted case studies from different ICSs and a panel of reviewers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from curator.library import Library
from curator.review import reviewers as reviewers_mod
from curator.review import rubric as rubric_mod

#: (title, organisation, ICS code, partners)
CASES = [
    ("Barbershop blood pressure checks", "Moss Side Primary Care Network", "E54000057", ["Local barbers"]),
    ("Mosque-based heart health checks", "Bradford District Care NHS Foundation Trust", "E54000054", []),
    ("Towpath flu jabs for boaters", "Leeds Teaching Hospitals NHS Trust", "E54000054", []),
    ("Traveller site asthma outreach", "Cambridgeshire Community Services", "E54000056", ["Healthwatch Cornwall"]),
    ("Prison leavers hepatitis C testing", "Hull Health Partnership", "E54000051", []),
    ("Roma health mediators in maternity", "North East London NHS Foundation Trust", "E54000029", []),
]


@dataclass
class Round:
    library: Library
    cases: list[str]
    reviewers: dict[str, reviewers_mod.Reviewer]


def full_scores(value: int = 3, **overrides: int) -> dict[str, int]:
    ids = [c["id"] for c in rubric_mod.default_rubric()["criteria"]]
    return {cid: overrides.get(cid, value) for cid in ids}


@pytest.fixture
def review_round(library: Library, sample_record) -> Round:
    ids = []
    for title, org, ics, partners in CASES:
        record, _ = library.create(dict(sample_record, title=title, organisation=org, ics=ics, partners=partners,
                                        status="submitted"))
        ids.append(record["id"])
    panel = {
        "asha": reviewers_mod.add(library, "Dr Asha Patel", "Leeds Teaching Hospitals NHS Trust", "clinician",
                                  ["NHS Greater Manchester ICB"]),
        "tom": reviewers_mod.add(library, "Tom Byrne", "Healthwatch Cornwall", "community representative"),
        "maya": reviewers_mod.add(library, "Maya Okoro", "UKHSA", "public-health lead", ["Hull Health Partnership"]),
        "sam": reviewers_mod.add(library, "Sam Lee", "", "GP", ["E54000029"]),
    }
    return Round(library, ids, panel)
