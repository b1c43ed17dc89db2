"""Pool-wide assignment plan over all open roles (DOMAIN.md: no professional committed beyond their days,
no role beyond its positions, strong profiles not suggested everywhere).

An assignment problem on replicated slots: role j gets `positions[j]` rows; professional i gets one column
per engagement they could hold, the s-th costing `spread_penalty * s` extra so that a strong profile's later
engagements are worth less; dummy columns let a role slot stay empty. `scipy.optimize.linear_sum_assignment`
solves it; slot replication ignores the exact day budget, so a repair pass then enforces every constraint and
a greedy fill reuses freed capacity. The greedy baseline is computed too and the better plan (same
objective) is returned, so the plan is never worse than greedy.
"""

from __future__ import annotations

import numpy as np

_FORBIDDEN = 1e9


def _inputs(score_matrix, role_positions, role_days, prof_days):
    scores = np.asarray(score_matrix, dtype=float)
    positions = np.asarray(role_positions, dtype=int)
    rdays, pdays = np.asarray(role_days, dtype=float), np.asarray(prof_days, dtype=float)
    if scores.shape != (len(positions), len(pdays)) or len(rdays) != len(positions):
        raise ValueError("score_matrix must be (m, n) with m role_positions/role_days and n prof_days")
    feasible = np.isfinite(scores) & (rdays[:, None] <= pdays[None, :]) & (positions[:, None] > 0)
    return scores, positions, rdays, pdays, feasible


def plan_objective(plan, spread_penalty: float) -> float:
    """Total score minus the spread penalty (penalty * s for a professional's s-th extra engagement)."""
    counts = np.bincount([i for _, i, _ in plan]) if plan else np.zeros(0, int)
    return float(sum(s for _, _, s in plan) - spread_penalty * (counts * (counts - 1) / 2).sum())


def verify_plan(plan, score_matrix, role_positions, role_days, prof_days, max_suggestions_per_prof) -> None:
    """Raise ValueError if the plan breaks a gate, a role's positions or a professional's days or count."""
    scores, positions, rdays, pdays, feasible = _inputs(score_matrix, role_positions, role_days, prof_days)
    pairs = [(j, i) for j, i, _ in plan]
    if len(set(pairs)) != len(pairs):
        raise ValueError("a pair is planned twice")
    used_days, count = np.zeros(len(pdays)), np.zeros(len(pdays), int)
    filled = np.zeros(len(positions), int)
    for j, i in pairs:
        if not feasible[j, i]:
            raise ValueError(f"pair role {j} / professional {i} is gated")
        used_days[i] += rdays[j]
        count[i] += 1
        filled[j] += 1
    if np.any(filled > positions) or np.any(used_days > pdays + 1e-9) or np.any(count > max_suggestions_per_prof):
        raise ValueError("plan exceeds positions, days or the per-professional limit")


def _greedy(scores, positions, rdays, pdays, feasible, max_per_prof, spread_penalty, plan=()):
    """Add pairs best-first to `plan` while every constraint holds and the marginal gain is positive."""
    plan = list(plan)
    left_days = pdays.copy()
    count = np.zeros(len(pdays), int)
    filled = np.zeros(len(positions), int)
    used = set()
    for j, i, _ in plan:
        left_days[i] -= rdays[j]
        count[i] += 1
        filled[j] += 1
        used.add((j, i))
    rows, cols = np.nonzero(feasible)
    open_slots = int(np.maximum(positions - filled, 0).sum())
    for idx in np.lexsort((cols, rows, -scores[rows, cols])):
        j, i = int(rows[idx]), int(cols[idx])
        gain = scores[j, i] - spread_penalty * count[i]
        if ((j, i) in used or filled[j] >= positions[j] or count[i] >= max_per_prof
                or left_days[i] + 1e-9 < rdays[j] or gain <= 0):
            continue
        plan.append((j, i, float(scores[j, i])))
        used.add((j, i))
        left_days[i] -= rdays[j]
        count[i] += 1
        filled[j] += 1
        open_slots -= 1
        if open_slots == 0:
            break
    return plan


def greedy_assignments(score_matrix, role_positions, role_days, prof_days, max_suggestions_per_prof=2,
                       spread_penalty=0.05) -> list[tuple[int, int, float]]:
    """Baseline: best pairs first, skipping any that would break a constraint."""
    scores, positions, rdays, pdays, feasible = _inputs(score_matrix, role_positions, role_days, prof_days)
    return _greedy(scores, positions, rdays, pdays, feasible, max_suggestions_per_prof, spread_penalty)


def _assignment(scores, positions, rdays, pdays, feasible, max_per_prof, spread_penalty, candidates_per_role):
    """Replicated-slot linear assignment, then repair (days, count, duplicates) in score order."""
    cols = np.flatnonzero(feasible.any(axis=0))
    if candidates_per_role:
        masked = np.where(feasible, scores, -np.inf)
        top = np.argsort(-masked, axis=1, kind="stable")[:, :candidates_per_role]
        cols = np.intersect1d(cols, top[np.isfinite(np.take_along_axis(masked, top, axis=1))])
    min_days = np.where(feasible[:, cols], rdays[:, None], np.inf).min(axis=0)
    n_slots = np.minimum(max_per_prof, np.floor(pdays[cols] / min_days + 1e-9)).astype(int)
    slot_prof = np.repeat(cols, n_slots)
    slot_rank = np.concatenate([np.arange(k) for k in n_slots]) if len(n_slots) else np.zeros(0, int)
    slot_role = np.repeat(np.arange(len(positions)), positions)
    if len(slot_role) == 0 or len(slot_prof) == 0:
        return []
    gain = scores[np.ix_(slot_role, slot_prof)] - spread_penalty * slot_rank[None, :]
    cost = np.where(feasible[np.ix_(slot_role, slot_prof)], -gain, _FORBIDDEN)
    cost = np.hstack([cost, np.zeros((len(slot_role), len(slot_role)))])  # dummies: leave the slot empty
    from scipy.optimize import linear_sum_assignment  # the plan only: scipy.optimize is slow to import

    rows, picked = linear_sum_assignment(cost)
    real = picked < len(slot_prof)
    pairs = {(int(slot_role[r]), int(slot_prof[c])) for r, c in zip(rows[real], picked[real], strict=True)
             if cost[r, c] < 0}
    keep = []
    left_days, count = pdays.copy(), np.zeros(len(pdays), int)
    for j, i in sorted(pairs, key=lambda p: (-scores[p], p)):
        if feasible[j, i] and count[i] < max_per_prof and left_days[i] + 1e-9 >= rdays[j]:
            keep.append((j, i, float(scores[j, i])))
            left_days[i] -= rdays[j]
            count[i] += 1
    return keep


def plan_assignments(score_matrix, role_positions, role_days, prof_days, max_suggestions_per_prof=2,
                     spread_penalty=0.05, candidates_per_role=50) -> list[tuple[int, int, float]]:
    """Plan (role_row, prof_row, score) triples, best first per role, respecting every capacity.

    score_matrix (m, n) has -inf where gated. candidates_per_role limits the professionals considered to the
    best few per role, which keeps the dense assignment small."""
    scores, positions, rdays, pdays, feasible = _inputs(score_matrix, role_positions, role_days, prof_days)
    args = (scores, positions, rdays, pdays, feasible, max_suggestions_per_prof, spread_penalty)
    plan = _greedy(*args, plan=_assignment(*args, candidates_per_role))
    baseline = _greedy(*args)
    if plan_objective(baseline, spread_penalty) > plan_objective(plan, spread_penalty) + 1e-12:
        plan = baseline
    verify_plan(plan, scores, positions, rdays, pdays, max_suggestions_per_prof)
    return sorted(plan, key=lambda p: (p[0], -p[2], p[1]))
