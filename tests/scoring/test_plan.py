"""Pool-wide plan: capacities always hold, strong profiles are spread, never worse than greedy."""

from __future__ import annotations

import numpy as np
import pytest

from govtech.scoring import SkillMapScorer, plan_assignments
from govtech.scoring.plan import greedy_assignments, plan_objective, verify_plan
from govtech.scoring.synthetic import graded_set


def random_instance(seed, m=25, n=60):
    """Random scores with gates, positions 1–3, role days 1–3, professional days 1–4."""
    rng = np.random.default_rng(seed)
    scores = rng.random((m, n)).astype(np.float32)
    scores[rng.random((m, n)) < 0.5] = -np.inf
    return scores, rng.integers(1, 4, m), rng.choice([1.0, 1.5, 2.0, 3.0], m), rng.choice([1.0, 2.0, 3.0, 4.0], n)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("max_per_prof, penalty", [(1, 0.0), (2, 0.0), (3, 0.05)])
def test_plan_respects_every_capacity_and_matches_or_beats_greedy(seed, max_per_prof, penalty):
    scores, positions, role_days, prof_days = random_instance(seed)
    plan = plan_assignments(scores, positions, role_days, prof_days, max_per_prof, penalty)
    verify_plan(plan, scores, positions, role_days, prof_days, max_per_prof)  # raises on any breach
    for j, i, score in plan:
        assert np.isfinite(scores[j, i]) and score == pytest.approx(float(scores[j, i]))
    used = np.zeros(len(prof_days))
    for j, i, _ in plan:
        used[i] += role_days[j]
    assert (used <= prof_days).all()
    assert (np.bincount([j for j, _, _ in plan], minlength=len(positions)) <= positions).all()
    greedy = greedy_assignments(scores, positions, role_days, prof_days, max_per_prof, penalty)
    assert plan_objective(plan, penalty) >= plan_objective(greedy, penalty) - 1e-9


def test_plan_beats_greedy_when_the_best_profile_is_wanted_twice():
    # Greedy gives the strongest professional to role 0 and leaves role 1 empty; the plan fills both.
    scores = np.array([[0.9, 0.8], [0.85, -np.inf]], dtype=np.float32)
    plan = plan_assignments(scores, [1, 1], [1.0, 1.0], [1.0, 1.0], max_suggestions_per_prof=2)
    greedy = greedy_assignments(scores, [1, 1], [1.0, 1.0], [1.0, 1.0], max_suggestions_per_prof=2)
    assert sorted((j, i) for j, i, _ in plan) == [(0, 1), (1, 0)]
    assert len(greedy) == 1 and plan_objective(plan, 0.05) > plan_objective(greedy, 0.05)


def test_spread_penalty_keeps_strong_profiles_from_being_everywhere():
    scores = np.array([[0.9, 0.7], [0.9, 0.7], [0.9, 0.7]], dtype=np.float32)
    unlimited = plan_assignments(scores, [1, 1, 1], [1.0] * 3, [3.0, 3.0], 3, spread_penalty=0.0)
    spread = plan_assignments(scores, [1, 1, 1], [1.0] * 3, [3.0, 3.0], 3, spread_penalty=0.15)
    assert [i for _, i, _ in unlimited] == [0, 0, 0]
    assert sorted(np.bincount([i for _, i, _ in spread]).tolist()) == [1, 2]


def test_verify_plan_catches_breaches():
    scores = np.array([[0.5, -np.inf]], dtype=np.float32)
    with pytest.raises(ValueError):
        verify_plan([(0, 1, 0.1)], scores, [1], [1.0], [1.0, 1.0], 2)  # gated pair
    with pytest.raises(ValueError):
        verify_plan([(0, 0, 0.5)], scores, [1], [2.0], [1.0, 1.0], 2)  # beyond the professional's days


def test_plan_on_scored_pool(codes):
    pool, _ = graded_set(n_roles=40, n_professionals=400, seed=7)
    scores = SkillMapScorer(codes).fit(pool.professionals).score_matrix(pool.roles)
    positions = np.random.default_rng(0).integers(1, 4, len(pool.roles))
    plan = plan_assignments(scores, positions, pool.roles.days, pool.professionals.days, 2)
    verify_plan(plan, scores, positions, pool.roles.days, pool.professionals.days, 2)
    greedy = greedy_assignments(scores, positions, pool.roles.days, pool.professionals.days, 2)
    print(f"\nplan {len(plan)} pairs objective {plan_objective(plan, 0.05):.3f}; "
          f"greedy {len(greedy)} pairs objective {plan_objective(greedy, 0.05):.3f}")
    assert plan_objective(plan, 0.05) >= plan_objective(greedy, 0.05)
