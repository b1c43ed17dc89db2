"""Ranking quality on a seeded graded set built from DOMAIN.md principles (see govtech/scoring/synthetic.py).

40 roles (CIO補佐官, 標準化アドバイザー, セキュリティアドバイザー, …) × 400 professionals. A pair's grade is 0 when a
hard gate fails, else 3 / 2 / 1 / 0 from weighted coverage and from background experience told only in the
bio (Japanese or English). Run with -s to see the figures.
"""

from __future__ import annotations

import numpy as np
import pytest

from govtech.scoring import SkillMapScorer, ndcg_at_k, precision_at_k
from govtech.scoring.synthetic import graded_set, true_gates

K = 10


def evaluate(scorer: SkillMapScorer, pool, grades) -> dict[str, float]:
    """NDCG@K, precision@K (grade >= 2), its ceiling, and the share of returned pairs breaking a gate."""
    idx, _ = scorer.fit(pool.professionals).top_k(pool.roles, K)
    gates = true_gates(pool.professionals, pool.roles)
    ndcg, precision, ceiling, returned, broken = [], [], [], 0, 0
    for j in range(len(pool.roles)):
        got = idx[j][idx[j] >= 0]
        ranked = np.concatenate([grades[j, got], np.zeros(K - len(got))])
        returned += len(got)
        broken += int(gates[j, got].sum())
        value = ndcg_at_k(ranked, K, grades[j])
        if not np.isnan(value):
            ndcg.append(value)
        precision.append(precision_at_k(ranked, K, threshold=2))
        ceiling.append(precision_at_k(np.sort(grades[j])[::-1], K, threshold=2))
    return {"ndcg@10": float(np.mean(ndcg)), "precision@10": float(np.mean(precision)),
            "precision@10_ceiling": float(np.mean(ceiling)), "gate_break_rate": broken / max(returned, 1)}


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_graded_set_quality(codes, seed):
    pool, grades = graded_set(n_roles=40, n_professionals=400, seed=seed)
    figures = evaluate(SkillMapScorer(codes), pool, grades)
    coverage_only = evaluate(SkillMapScorer(codes, text_weight=0.0), pool, grades)
    print(f"\nseed {seed}: scorer {figures} | coverage only ndcg@10 {coverage_only['ndcg@10']:.4f}")
    assert figures["ndcg@10"] >= 0.95
    assert figures["gate_break_rate"] == 0.0
    assert figures["ndcg@10"] > coverage_only["ndcg@10"]  # the bio-only background is picked up


def test_graded_set_is_realistic():
    pool, grades = graded_set(n_roles=40, n_professionals=400, seed=7)
    eligible = ~true_gates(pool.professionals, pool.roles)
    assert 0.05 < eligible.mean() < 0.5  # gates bite, but every role has candidates
    assert (grades == 3).any(axis=1).mean() > 0.7
    english = np.mean([bio.isascii() for bio in pool.professionals.bios])
    assert 0.2 < english < 0.4
