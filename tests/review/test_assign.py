"""Reviewers, conflicts of interest and assignment."""

from __future__ import annotations

from collections import Counter

import pytest

from curator.errors import CuratorError
from curator.review import assign as assign_mod
from curator.review import reviewers as reviewers_mod


def test_conflicts_resolve_ics_names_to_codes_and_keep_organisations(library):
    reviewer = reviewers_mod.add(library, "Ada", "Org A", "clinician",
                                 ["NHS Greater Manchester ICB", "E54000054", "Some Charity"])
    assert reviewer.conflict_ics == ["E54000057", "E54000054"]
    assert reviewer.conflict_orgs == ["Some Charity"]
    assert reviewers_mod.get(library, "ada").id == reviewer.id


def test_reviewer_needs_a_name_and_names_are_unique(library):
    with pytest.raises(CuratorError, match="needs a name"):
        reviewers_mod.add(library, "  ")
    reviewers_mod.add(library, "Ada Example")
    with pytest.raises(CuratorError, match="already a reviewer called"):
        reviewers_mod.add(library, "ada example")


def _conflicted_pairs(rnd) -> set[tuple[str, str]]:
    return {(case_id, r.id) for case_id in rnd.cases for r in rnd.reviewers.values()
            if r.conflict_with(rnd.library.get(case_id))}


def test_a_reviewer_with_a_conflict_is_never_auto_assigned(review_round):
    conflicted = _conflicted_pairs(review_round)
    # every kind of conflict is present: declared ICS, own organisation, declared organisation, a partner
    cases = dict(zip(["barber", "mosque", "towpath", "traveller", "prison", "roma"], review_round.cases, strict=True))
    r = review_round.reviewers
    assert {(cases["barber"], r["asha"].id), (cases["towpath"], r["asha"].id), (cases["traveller"], r["tom"].id),
            (cases["prison"], r["maya"].id), (cases["roma"], r["sam"].id)} <= conflicted

    result = assign_mod.assign_auto(review_round.library, per_case=4)
    made = {(a["case"], a["reviewer"]) for a in result["assignments"]}
    assert made and not made & conflicted
    assert len(made) == 6 * 4 - len(conflicted)
    assert {s["case"] for s in result["short"]} == {c for c, _ in conflicted}


def test_assignment_balances_load_and_is_not_repeated(review_round):
    lib = review_round.library
    first = assign_mod.assign_auto(lib, per_case=2)
    assert len(first["assignments"]) == 12 and not first["short"]
    load = Counter(a["reviewer"] for a in first["assignments"])
    assert max(load.values()) - min(load.values()) <= 1
    assert assign_mod.assign_auto(lib, per_case=2)["assignments"] == []


def test_assigning_sends_submitted_case_studies_to_review_with_the_reason_in_history(review_round):
    lib = review_round.library
    assign_mod.assign_auto(lib, per_case=1)
    case_id = review_round.cases[0]
    assert lib.get(case_id)["status"] == "in_review"
    labels = [h["label"] for h in lib.history(case_id)]
    assert any(label.startswith("Assigned to reviewer") for label in labels)
    assert "Change status to in review" in labels


def test_manual_conflict_override_needs_a_reason_and_is_recorded(review_round):
    lib, r = review_round.library, review_round.reviewers
    barber = review_round.cases[0]
    with pytest.raises(CuratorError, match="has a conflict .*--override REASON"):
        assign_mod.assign(lib, barber, r["asha"].id)
    assert assign_mod.assignments(lib, case=barber) == []
    result = assign_mod.assign(lib, barber, "Dr Asha Patel", override_reason="Only cardiologist on the panel")
    assert result["conflict"] and result["override_reason"] == "Only cardiologist on the panel"
    row = assign_mod.assignments(lib, case=barber)[0]
    assert row["how"] == "manual" and row["override_reason"] == "Only cardiologist on the panel"
    events = [h for h in lib.history(barber) if h["label"].startswith("Conflict overridden")]
    assert events and "Only cardiologist on the panel" in str(events[0])
    with pytest.raises(CuratorError, match="already assigned"):
        assign_mod.assign(lib, barber, r["asha"].id, override_reason="again")


def test_unassign_is_refused_once_the_reviewer_has_scored(review_round):
    from curator.review import scoring
    from tests.review.conftest import full_scores

    lib, r = review_round.library, review_round.reviewers
    case_id = review_round.cases[1]
    assign_mod.assign(lib, case_id, r["tom"].id)
    scoring.submit(lib, case_id, r["tom"].id, full_scores(), "include")
    with pytest.raises(CuratorError, match="already started scoring"):
        assign_mod.unassign(lib, case_id, r["tom"].id)
    assign_mod.assign(lib, case_id, r["sam"].id)
    assert assign_mod.unassign(lib, case_id, r["sam"].id)["removed"]


def test_no_reviewers_and_bad_per_case_are_explained(library):
    with pytest.raises(CuratorError, match="no reviewers yet"):
        assign_mod.assign_auto(library)
    with pytest.raises(CuratorError, match="at least 1"):
        assign_mod.assign_auto(library, per_case=0)


def test_a_reviewer_leaving_the_panel_keeps_their_scores_and_frees_open_assignments(review_round):
    from curator.review import scoring
    from tests.review.conftest import full_scores

    lib, tom = review_round.library, review_round.reviewers["tom"]
    scored, open_case = review_round.cases[1], review_round.cases[2]
    for case_id in (scored, open_case):
        assign_mod.assign(lib, case_id, tom.id)
    scoring.submit(lib, scored, tom.id, full_scores(), "include")
    reviewers_mod.remove(lib, "Tom Byrne")
    assert [r.name for r in reviewers_mod.list_reviewers(lib)] == ["Dr Asha Patel", "Maya Okoro", "Sam Lee"]
    assert [(a["case"]) for a in assign_mod.assignments(lib, reviewer=tom.id)] == [scored]
    assert scoring.reviews(lib)[0]["reviewer_name"] == "Tom Byrne"
    assert any(h["label"] == "Reviewer Tom Byrne unassigned" for h in lib.history(open_case))
    with pytest.raises(CuratorError, match="no reviewer 'Tom Byrne'"):
        reviewers_mod.get(lib, "Tom Byrne")
    back = reviewers_mod.add(lib, "Tom Byrne", "Healthwatch Cornwall")
    assert reviewers_mod.get(lib, "tom byrne").id == back.id != tom.id
