"""Krippendorff's alpha against the published worked example."""

from __future__ import annotations

import pytest

from curator.review.agreement import krippendorff_alpha, units_from_reviews

N = None
# Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication,
# University of Pennsylvania, section C: 4 observers (A-D), 12 units, values 1-5 with missing data.
# Published results: nominal 0.743, ordinal 0.815, interval 0.849.
OBSERVERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
}
UNITS = list(zip(*OBSERVERS.values(), strict=True))


@pytest.mark.parametrize(("metric", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_krippendorff_2011_worked_example(metric, published):
    alpha = krippendorff_alpha(UNITS, metric)
    assert round(alpha, 3) == published


def test_unit_with_a_single_value_is_not_pairable_and_changes_nothing():
    without_unit_12 = UNITS[:11]
    assert krippendorff_alpha(without_unit_12, "ordinal") == pytest.approx(krippendorff_alpha(UNITS, "ordinal"))


def test_perfect_agreement_is_one_and_no_variation_is_undefined():
    assert krippendorff_alpha([[1, 1], [3, 3, 3], [5, 5]], "ordinal") == pytest.approx(1.0)
    assert krippendorff_alpha([[4, 4], [4, 4]], "ordinal") is None
    assert krippendorff_alpha([[4], [2]], "ordinal") is None


def test_systematic_disagreement_is_below_zero():
    assert krippendorff_alpha([[1, 5], [5, 1], [1, 5]], "ordinal") < 0


def test_units_are_case_and_criterion_pairs():
    reviews = [{"case": "a", "scores": {"x": 1, "y": 2}}, {"case": "a", "scores": {"x": 2}},
               {"case": "b", "scores": {"x": 5}}]
    assert units_from_reviews(reviews) == [[1, 2], [2], [5]]
    assert units_from_reviews(reviews, ["y"]) == [[2]]
