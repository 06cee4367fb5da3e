"""Blind scoring, validation of scores, progress, and the rubric's versions."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from curator.errors import CuratorError
from curator.review import assign as assign_mod
from curator.review import rubric as rubric_mod
from curator.review import scoring
from tests.review.conftest import full_scores


@pytest.fixture
def scored_case(review_round):
    lib, r = review_round.library, review_round.reviewers
    case_id = review_round.cases[1]  # mosque: no conflict for tom, maya, sam
    for key in ("tom", "maya", "sam"):
        assign_mod.assign(lib, case_id, r[key].id)
    return review_round, case_id


def test_blind_scoring_hides_others_scores_until_a_reviewer_submits(scored_case):
    rnd, case_id = scored_case
    lib, r = rnd.library, rnd.reviewers
    scoring.submit(lib, case_id, r["tom"].id, full_scores(4), "include", "Strong")
    # Maya has not scored: she sees nothing of Tom's
    assert scoring.scores_visible_to(lib, r["maya"].id, case_id) == []
    # a draft is hers alone, and still does not unblind her
    scoring.submit(lib, case_id, r["maya"].id, {"impact": 2}, None, draft=True)
    seen = scoring.scores_visible_to(lib, r["maya"].id, case_id)
    assert [s["reviewer"] for s in seen] == [r["maya"].id] and seen[0]["submitted"] is None
    # the chair sees submitted reviews only
    assert [s["reviewer"] for s in scoring.scores_visible_to(lib, None, case_id)] == [r["tom"].id]
    scoring.submit(lib, case_id, r["maya"].id, full_scores(2), "exclude", "Weak evaluation")
    seen = scoring.scores_visible_to(lib, r["maya"].id, case_id)
    assert {s["reviewer"] for s in seen} == {r["tom"].id, r["maya"].id}
    assert scoring.scores_visible_to(lib, r["sam"].id, case_id) == []


@pytest.mark.parametrize(("scores", "recommend", "comment", "message"), [
    (full_scores(impact=6), "include", "", r", Evidence of impact on outcomes: score 6 is out of range"),
    (full_scores(impact=0), "include", "", r"out of range"),
    (full_scores(impact="x"), "include", "", r"out of range"),
    (dict(full_scores(), novelty=3), "include", "",
     r"'novelty' is not a criterion .*; the criteria are core20plus5_fit \(Fit with Core20PLUS5 and the "
     r"population targeted\), impact \(Evidence of impact on outcomes\)"),
    ({"impact": 3}, "include", "", r"no score for Fit with Core20PLUS5 and the population targeted, Quality of "
                                 r"evaluation, Community involvement and co-production, Replicability"),
    (full_scores(), "maybe", "", r"recommendation 'maybe' is not one of"),
    (full_scores(), None, "", r"a recommendation is needed"),
    (full_scores(), "exclude", "  ", r"an exclude needs a reason"),
])
def test_bad_scores_are_refused_and_nothing_is_saved(scored_case, scores, recommend, comment, message):
    rnd, case_id = scored_case
    with pytest.raises(CuratorError, match=message):
        scoring.submit(rnd.library, case_id, rnd.reviewers["tom"].id, scores, recommend, comment)
    assert scoring.reviews(rnd.library, include_drafts=True) == []


def test_only_an_assigned_reviewer_scores(scored_case):
    rnd, case_id = scored_case
    with pytest.raises(CuratorError, match="is not assigned to"):
        scoring.submit(rnd.library, case_id, rnd.reviewers["asha"].id, full_scores(), "include")


def test_sheet_wording_of_recommendations_is_accepted_and_each_submission_is_audited(scored_case):
    rnd, case_id = scored_case
    lib, tom = rnd.library, rnd.reviewers["tom"]
    first = scoring.submit(lib, case_id, tom.id, full_scores(3), "Include with changes", "Add costs")
    assert first["recommendation"] == "revise" and first["outcome"] == "added"
    again = scoring.submit(lib, case_id, tom.id, full_scores(4), "include")
    assert again["outcome"] == "replaced"
    events = [h for h in lib.history(case_id) if h["label"].startswith("Review")]
    assert [e["label"] for e in events] == ["Review submitted by Tom Byrne", "Review revised by Tom Byrne"]
    with pytest.raises(CuratorError, match="already submitted"):
        scoring.submit(lib, case_id, tom.id, {"impact": 1}, None, draft=True)


def test_progress_shows_who_has_scored_and_who_is_late(scored_case):
    rnd, case_id = scored_case
    lib, r = rnd.library, rnd.reviewers
    scoring.set_due(lib, "2026-01-31")
    scoring.submit(lib, case_id, r["tom"].id, full_scores(), "include")
    prog = scoring.progress(lib, today=dt.date(2026, 2, 1))
    by_name = {p["name"]: p for p in prog["reviewers"]}
    assert prog["due"] == "2026-01-31"
    assert by_name["Tom Byrne"]["submitted"] == 1 and not by_name["Tom Byrne"]["late"]
    assert by_name["Maya Okoro"]["outstanding"] == [case_id] and by_name["Maya Okoro"]["late"]
    assert by_name["Dr Asha Patel"]["assigned"] == 0 and not by_name["Dr Asha Patel"]["late"]
    on_the_day = {p["name"]: p for p in scoring.progress(lib, today=dt.date(2026, 1, 31))["reviewers"]}
    assert not on_the_day["Maya Okoro"]["late"]
    with pytest.raises(CuratorError, match="YYYY-MM-DD"):
        scoring.set_due(lib, "31/01/2026")


def test_rubric_set_makes_a_new_version_and_old_reviews_keep_theirs(scored_case):
    rnd, case_id = scored_case
    lib = rnd.library
    scoring.submit(lib, case_id, rnd.reviewers["tom"].id, full_scores(), "include")
    data = rubric_mod.current(lib)
    data["criteria"][0]["weight"] = 5
    rubric, changed = rubric_mod.set_rubric(lib, json.loads(json.dumps(data)))
    assert changed and rubric["version"] == 2 and rubric_mod.current(lib)["criteria"][0]["weight"] == 5
    assert rubric_mod.set_rubric(lib, data) == (rubric, False)
    assert scoring.reviews(lib)[0]["rubric_version"] == 1
    assert rubric_mod.get(lib, 1)["criteria"][0]["weight"] == 2


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["criteria"][0].update(weight=0),
     "criterion 'Fit with Core20PLUS5 and the population targeted': weight must be a number above 0"),
    (lambda d: d["criteria"][2].update(label=" "), "criterion 'evaluation': needs a label"),
    (lambda d: d["criteria"][1].update(id="core20plus5_fit"), "is used twice"),
    (lambda d: d["criteria"][0]["levels"].pop("5"), 'levels must describe each score "1" to "5"'),
    (lambda d: d.update(criteria=[]), "a rubric is a JSON object"),
])
def test_an_unusable_rubric_is_refused_with_the_problem(library, change, message):
    data = rubric_mod.default_rubric()
    change(data)
    with pytest.raises(CuratorError, match=message):
        rubric_mod.set_rubric(library, data)
    assert rubric_mod.current(library)["version"] == 1


def test_score_messages_name_criteria_by_label_and_by_id_only_without_one():
    """A person reads the rubric's labels; a rubric without a label (a hand-made pack's) still names the criterion."""
    rubric = rubric_mod.default_rubric()
    rubric["criteria"][1].pop("label")  # impact
    rubric["criteria"][2]["label"] = "  "  # evaluation
    with pytest.raises(CuratorError) as err:
        rubric_mod.check_scores(rubric, {"core20plus5_fit": 3}, "cs-1")
    assert str(err.value).startswith("cs-1: no score for impact, evaluation, Community involvement and "
                                     "co-production, Replicability and scalability, Sustainability and cost; ")
    with pytest.raises(CuratorError, match=r"^cs-1, Fit with Core20PLUS5 and the population targeted: score 9 "):
        rubric_mod.check_scores(rubric, {"core20plus5_fit": 9}, "cs-1", complete=False)
    assert rubric_mod.check_scores(rubric, {"impact": "4"}, "cs-1", complete=False) == {"impact": 4}
