"""Learning from coordinators' decisions: retrain the scorer's component weights and keep model versions.

Decided matches (shortlisted … appointed as positives; rejected and declined as negatives) become pair
features through the pool scorer; `DecisionModel` fits a logistic regression and measures NDCG@5 and
precision@5 on decisions held out by role. With too few decisions, or when the learned weights rank the
held-out decisions worse than the prior, the new version keeps the prior weights (fallback).
"""
from __future__ import annotations

import math

import numpy as np
from sqlalchemy import func, select

from govtech.core import audit
from govtech.extensions import db
from govtech.scoring import PRIOR_WEIGHTS
from govtech.talent import matrices, ranking
from govtech.talent.models import Match, Role, ScoringModel

MIN_DECISIONS = 30
TOLERANCE = 0.01  # learned weights must not be worse than the prior by more than this on held-out NDCG@5


def decision_data():
    """(X, y, groups) of every decided match whose professional is in the pool."""
    p = ranking.pool()
    matches = db.session.execute(select(Match.role_id, Match.professional_id, Match.status)).all()
    from govtech.scoring.learning import decision_labels  # scikit-learn: imported when retraining

    labels = decision_labels([m.status for m in matches])
    decided = [(m, y) for m, y in zip(matches, labels, strict=True) if y >= 0 and p.row_of(m.professional_id) is not None]
    if not decided:
        return np.zeros((0, 7)), np.zeros(0, int), np.zeros(0, int)
    role_ids = sorted({m.role_id for m, _y in decided})
    roles = list(db.session.scalars(select(Role).where(Role.id.in_(role_ids)).order_by(Role.id)))
    role_row = {r.id: j for j, r in enumerate(roles)}
    roles_arr = matrices.role_arrays(roles, p.columns)
    X = p.scorer.pair_features(roles_arr, [role_row[m.role_id] for m, _y in decided],
                               [p.row_of(m.professional_id) for m, _y in decided])
    return X, np.array([y for _m, y in decided]), np.array([m.role_id for m, _y in decided])


def _clean(metrics: dict) -> dict:
    """JSON-safe metrics (NaN becomes None)."""
    out = {}
    for key, value in metrics.items():
        value = float(value) if isinstance(value, np.floating | float) else value
        out[key] = None if isinstance(value, float) and math.isnan(value) else value
    return out


def retrain(*, actor=None, min_decisions: int = MIN_DECISIONS) -> ScoringModel:
    """Train on the recorded decisions and activate the result as the next model version."""
    X, y, groups = decision_data()
    from govtech.scoring.learning import DecisionModel

    model = DecisionModel(min_decisions=min_decisions, k=5).fit(X, y, groups) if len(y) else None
    weights, metrics, fallback = dict(PRIOR_WEIGHTS), {"decisions": int(len(y))}, True
    if model is not None:
        metrics = _clean(model.metrics_)
        fallback = bool(model.fallback_)
        learned, prior = metrics.get("ndcg@5"), metrics.get("prior_ndcg@5")
        if not fallback and learned is not None and prior is not None and learned + TOLERANCE < prior:
            fallback, metrics["reason"] = True, "learned weights ranked held-out decisions worse than the prior"
        if not fallback:
            weights = {k: round(float(v), 6) for k, v in model.weights_.items()}
    if fallback and "reason" not in metrics:
        metrics["reason"] = f"fewer than {min_decisions} decisions" if len(y) < min_decisions else "no signal"
    version = (db.session.scalar(select(func.max(ScoringModel.version))) or 0) + 1
    db.session.execute(db.update(ScoringModel).values(active=False))
    record = ScoringModel(version=version, weights=weights, metrics=metrics, n_decisions=int(len(y)),
                          fallback=fallback, active=True, created_by_id=getattr(actor, "id", None))
    db.session.add(record)
    db.session.flush()
    ranking.forget_active_model()
    audit.record(actor=actor, action="scoring_model.train", object_type="scoring_model", object_id=record.id,
                 after={"version": version, "fallback": fallback, "decisions": int(len(y))})
    return record


def history(limit: int = 20) -> list[ScoringModel]:
    """The latest model versions, newest first."""
    return list(db.session.scalars(select(ScoringModel).order_by(ScoringModel.version.desc()).limit(limit)))
