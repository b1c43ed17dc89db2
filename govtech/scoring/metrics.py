"""Ranking-quality metrics shared by the learning code, the quality tests and the benchmark.

Grades are graded relevance (0 = not relevant, higher = better); binary decisions are grades 0/1.
DCG uses the exponential gain 2**grade - 1 and the log2(rank + 1) discount.
"""

from __future__ import annotations

import numpy as np


def dcg_at_k(ranked_grades, k: int) -> float:
    """Discounted cumulative gain of the first k grades, in ranked order."""
    grades = np.asarray(ranked_grades, dtype=float)[:k]
    grades = np.where(np.isnan(grades), 0.0, grades)
    return float(((2.0 ** grades - 1.0) / np.log2(np.arange(2, len(grades) + 2))).sum())


def ndcg_at_k(ranked_grades, k: int, all_grades=None) -> float:
    """NDCG@k of a ranking given the grades of the returned items in rank order.

    `all_grades` are the grades of every candidate (the ideal ranking); by default the returned ones.
    Returns nan when no candidate is relevant (the query does not count)."""
    pool = np.asarray(ranked_grades if all_grades is None else all_grades, dtype=float)
    ideal = dcg_at_k(np.sort(pool[~np.isnan(pool)])[::-1], k)
    return dcg_at_k(ranked_grades, k) / ideal if ideal > 0 else float("nan")


def precision_at_k(ranked_grades, k: int, threshold: float = 1.0) -> float:
    """Share of the first k positions holding an item graded >= threshold (missing positions count as misses)."""
    grades = np.asarray(ranked_grades, dtype=float)[:k]
    return float(np.sum(grades >= threshold) / k)


def grouped_ranking_metrics(y_true, y_score, groups, k: int = 5) -> dict[str, float]:
    """Mean NDCG@k and precision@k over groups (e.g. roles), ranking each group's items by y_score."""
    y_true, y_score, groups = np.asarray(y_true, float), np.asarray(y_score, float), np.asarray(groups)
    ndcgs, precisions = [], []
    for g in np.unique(groups):
        sel = np.flatnonzero(groups == g)
        order = sel[np.lexsort((sel, -y_score[sel]))]
        ndcg = ndcg_at_k(y_true[order], k)
        if np.isnan(ndcg):
            continue  # a group without any relevant item says nothing about the ranking
        ndcgs.append(ndcg)
        precisions.append(precision_at_k(y_true[order], min(k, len(sel))))
    return {
        f"ndcg@{k}": float(np.mean(ndcgs)) if ndcgs else float("nan"),
        f"precision@{k}": float(np.mean(precisions)) if precisions else float("nan"),
        "groups": len(ndcgs),
    }
