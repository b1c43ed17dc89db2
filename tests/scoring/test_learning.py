"""Ranking metrics and DecisionModel: fallback to the prior, held-out evaluation by role, usable weights."""

from __future__ import annotations

import numpy as np
import pytest

from govtech.scoring import FEATURES, PRIOR_WEIGHTS, DecisionModel, SkillMapScorer, ndcg_at_k, precision_at_k
from govtech.scoring.learning import coefficients_to_weights, decision_labels
from govtech.scoring.metrics import grouped_ranking_metrics
from govtech.scoring.synthetic import graded_set


def test_ndcg_and_precision_known_values():
    assert ndcg_at_k([3, 2, 0], 3) == pytest.approx(1.0)
    dcg = 1 / np.log2(2) + 7 / np.log2(3)  # grades 1 then 3: gains 2**g - 1
    ideal = 7 / np.log2(2) + 1 / np.log2(3)
    assert ndcg_at_k([1, 3], 2) == pytest.approx(dcg / ideal)
    assert ndcg_at_k([0, 1], 2, all_grades=[0, 1, 3]) == pytest.approx((1 / np.log2(3)) / ideal)
    assert np.isnan(ndcg_at_k([0, 0], 2))
    assert precision_at_k([1, 0, 1], 5) == pytest.approx(0.4)
    assert precision_at_k([3, 1, 2], 3, threshold=2) == pytest.approx(2 / 3)


def test_grouped_metrics_skip_groups_without_positives():
    result = grouped_ranking_metrics([1, 0, 0, 0], [0.9, 0.1, 0.5, 0.4], [1, 1, 2, 2], k=2)
    assert result == {"ndcg@2": 1.0, "precision@2": 0.5, "groups": 1}


def test_decision_labels_follow_the_workflow():
    statuses = ["suggested", "shortlisted", "introduced", "interviewing", "appointed", "rejected", "declined",
                "withdrawn"]
    assert decision_labels(statuses).tolist() == [-1, 1, 1, 1, 1, 0, 0, -1]


def test_coefficients_are_clipped_and_rescaled():
    weights = coefficients_to_weights([2.0, 4.0, -1.0, 1.0, 0.0, 0.5, -3.0])
    assert weights == {"must": 0.5, "important": 1.0, "bonus": 0.0, "text": 0.25, "public_years": 0.0,
                       "verified": 0.125, "start_fit": 0.0}
    assert coefficients_to_weights(-np.ones(len(FEATURES))) is None


def decisions(codes, seed=3, per_role=20):
    """Simulated coordinator decisions on suggested pairs. These coordinators value public-sector
    experience far more than the prior does (hidden weight 1.5 against 0.05)."""
    pool, _ = graded_set(n_roles=60, n_professionals=400, seed=seed)
    scorer = SkillMapScorer(codes).fit(pool.professionals)
    idx, _ = scorer.top_k(pool.roles, per_role)
    roles, slots = np.nonzero(idx >= 0)
    X = scorer.pair_features(pool.roles, roles, idx[roles, slots])
    utility = X @ np.array([1.0, 1.0, 1.0, 0.5, 1.5, 0.0, 0.0])
    chance = 1 / (1 + np.exp(-8 * (utility - np.median(utility))))
    y = (np.random.default_rng(seed).random(len(chance)) < chance).astype(int)
    return scorer, pool, X, y, pool.roles.ids[roles]


def test_few_decisions_fall_back_to_prior(codes):
    _, _, X, y, groups = decisions(codes)
    model = DecisionModel(min_decisions=30).fit(X[:20], y[:20], groups[:20])
    assert model.fallback_ and model.weights_ == PRIOR_WEIGHTS and model.n_decisions_ == 20
    assert model.metrics_["ndcg@5"] == model.metrics_["prior_ndcg@5"]


def test_learned_weights_beat_prior_held_out_and_feed_the_scorer(codes):
    scorer, pool, X, y, groups = decisions(codes)
    model = DecisionModel().fit(X, y, groups)
    print(f"\nlearned {({k: round(v, 3) for k, v in model.weights_.items()})} metrics {model.metrics_}")
    assert not model.fallback_ and model.n_decisions_ == len(y)
    assert set(model.weights_) == set(FEATURES) and min(model.weights_.values()) >= 0
    assert model.metrics_["folds"] == 5 and model.metrics_["roles"] == len(np.unique(groups))
    assert model.metrics_["ndcg@5"] > model.metrics_["prior_ndcg@5"] + 0.1
    assert model.weights_["public_years"] > 1.0 > PRIOR_WEIGHTS["public_years"]
    # The scorer with the learned weights ranks pairs exactly as the model's decision function does.
    learned = SkillMapScorer(scorer.skill_codes, weights=model.weights_).fit(pool.professionals)
    role_rows = np.zeros(len(pool.professionals), int)
    scores = learned.score_matrix(pool.roles.subset([0]))[0]
    ok = np.isfinite(scores)
    features = learned.pair_features(pool.roles.subset([0]), role_rows[ok], np.flatnonzero(ok))
    assert np.argsort(-scores[ok], kind="stable").tolist() == \
        np.argsort(-model.decision_function(features), kind="stable").tolist()


def test_rejects_misshaped_input():
    with pytest.raises(ValueError):
        DecisionModel().fit(np.zeros((3, 2)), [0, 1, 0], [1, 1, 1])
