"""The panel summary (means, spread, flags, ranking, agreement) and the chair's decisions."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.review import assign as assign_mod
from curator.review import decisions, scoring
from curator.review.agreement import krippendorff_alpha
from curator.review.summary import summary
from tests.review.conftest import full_scores

WEIGHTS = {"core20plus5_fit": 2, "impact": 2, "evaluation": 1.5, "co_production": 1.5, "replicability": 1,
           "sustainability": 1}


def weighted(scores):
    return sum(WEIGHTS[k] * v for k, v in scores.items()) / sum(WEIGHTS.values())


@pytest.fixture
def panel_round(review_round):
    """Two case studies scored by Tom and Sam: one agreed, one split."""
    lib, r = review_round.library, review_round.reviewers
    agreed, split = review_round.cases[1], review_round.cases[4]
    for case_id in (agreed, split):
        for key in ("tom", "sam"):
            assign_mod.assign(lib, case_id, r[key].id)
    scores = {
        (agreed, "tom"): (full_scores(4, impact=5), "include"),
        (agreed, "sam"): (full_scores(4), "include"),
        (split, "tom"): (full_scores(2, impact=1), "exclude"),
        (split, "sam"): (full_scores(3, impact=4), "revise"),
    }
    for (case_id, key), (values, rec) in scores.items():
        scoring.submit(lib, case_id, r[key].id, values, rec, "reason given")
    return review_round, agreed, split, scores


def test_summary_means_spread_flags_and_ranking(panel_round):
    rnd, agreed, split, scores = panel_round
    data = summary(rnd.library)
    by_id = {c["id"]: c for c in data["cases"]}
    a, s = by_id[agreed], by_id[split]
    expected = [weighted(scores[(agreed, "tom")][0]), weighted(scores[(agreed, "sam")][0])]
    assert a["n"] == 2 and a["mean"] == round(sum(expected) / 2, 2) and a["median"] == round(sum(expected) / 2, 2)
    assert a["spread"] == 1 and not a["flag"] and a["recommendations"] == {"include": 2, "revise": 0, "exclude": 0}
    assert s["spread"] == 3 and s["flag"]
    assert any("impact" in reason for reason in s["flag_reasons"])
    assert any("recommend differently" in reason for reason in s["flag_reasons"])
    assert [c["id"] for c in data["cases"][:2]] == [agreed, split]
    assert (a["rank"], s["rank"]) == (1, 2)
    unscored = [c for c in data["cases"] if c["n"] == 0]
    assert unscored == [] or all(c["rank"] is None for c in unscored)


def test_summary_agreement_is_krippendorffs_alpha_over_case_and_criterion(panel_round):
    rnd, agreed, split, scores = panel_round
    units = [[scores[(case_id, "tom")][0][cid], scores[(case_id, "sam")][0][cid]]
             for case_id in sorted((agreed, split)) for cid in WEIGHTS]
    data = summary(rnd.library)
    assert data["agreement"]["krippendorff_alpha"] == round(krippendorff_alpha(units, "ordinal"), 3)
    assert data["agreement"]["reviews"] == 4 and set(data["agreement"]["by_criterion"]) == set(WEIGHTS)


def test_accept_moves_a_submitted_case_through_in_review_with_the_reason(review_round):
    lib = review_round.library
    case_id = review_round.cases[0]
    result = decisions.decide(lib, case_id, "accept", "Clear impact on blood pressure control")
    assert result["status"] == "accepted" and result["steps"] == ["in_review", "accepted"]
    rows = [h for h in lib.history(case_id) if h["label"].startswith("Change status")]
    assert [r["label"] for r in rows] == ["Change status to in review", "Change status to accepted"]
    assert all("Clear impact on blood pressure control" in str(r) for r in rows)
    assert decisions.latest_decisions(lib)[case_id]["decision"] == "accept"


def test_revise_sends_it_back_to_submitted_and_reject_from_accepted_goes_via_review(review_round):
    lib = review_round.library
    case_id = review_round.cases[2]
    lib.set_status(case_id, "in_review")
    assert decisions.decide(lib, case_id, "revise", "Add the cost figures")["status"] == "submitted"
    decisions.decide(lib, case_id, "accept", "Costs now given")
    result = decisions.decide(lib, case_id, "reject", "Found to duplicate another entry")
    assert result["status"] == "rejected" and result["steps"] == ["in_review", "rejected"]
    assert decisions.latest_decisions(lib, case_id)[case_id]["reason"] == "Found to duplicate another entry"


def test_a_decision_needs_a_reason_and_a_reviewable_case(review_round, sample_record):
    lib = review_round.library
    case_id = review_round.cases[0]
    with pytest.raises(CuratorError, match="needs a reason"):
        decisions.decide(lib, case_id, "accept", "  ")
    with pytest.raises(CuratorError, match="accept, reject or revise"):
        decisions.decide(lib, case_id, "approve", "fine")
    draft, _ = lib.create(dict(sample_record, title="Still a draft"))
    with pytest.raises(CuratorError, match="is draft; the panel decides only"):
        decisions.decide(lib, draft["id"], "accept", "fine")
    assert lib.get(case_id)["status"] == "submitted" and decisions.latest_decisions(lib) == {}
    decisions.decide(lib, case_id, "accept", "fine")
    with pytest.raises(CuratorError, match="already decided"):
        decisions.decide(lib, case_id, "accept", "again")
