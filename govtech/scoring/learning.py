"""Learn the scorer's component weights from coordinator decisions (shortlist / introduce / appoint vs reject).

A logistic regression on `SkillMapScorer.pair_features` gives one coefficient per component; clipped at zero
and rescaled they are the weights `SkillMapScorer(weights=...)` accepts, so the scorer's ranking is the model's
ranking. Quality is measured on decisions held out by role (GroupKFold): NDCG@k and precision@k of the
deployed weights, next to the same figures for the prior weights, so a caller can keep the prior when the
learned weights do not help.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from govtech.scoring.kernel import CLASS_FEATURES, FEATURES, PRIOR_WEIGHTS
from govtech.scoring.metrics import grouped_ranking_metrics

POSITIVE_STATUSES = ("shortlisted", "introduced", "interviewing", "appointed")
NEGATIVE_STATUSES = ("rejected", "declined")


def decision_labels(statuses) -> np.ndarray:
    """Map match statuses to 1 (positive), 0 (negative) or -1 (no decision yet: suggested, withdrawn)."""
    return np.array([1 if s in POSITIVE_STATUSES else 0 if s in NEGATIVE_STATUSES else -1 for s in statuses])


def coefficients_to_weights(coef) -> dict[str, float] | None:
    """Clip logistic coefficients at zero and rescale so the largest skill-class weight is 1 (None if all 0)."""
    coef = np.clip(np.asarray(coef, dtype=float).ravel(), 0.0, None)
    weights = dict(zip(FEATURES, coef, strict=True))
    top = max(weights[c] for c in CLASS_FEATURES) or coef.max()
    if top <= 0:
        return None
    return {name: float(value / top) for name, value in weights.items()}


class DecisionModel(BaseEstimator):
    """Logistic regression of decisions on pair features; `weights_` feed `SkillMapScorer(weights=...)`."""

    def __init__(self, min_decisions=30, C=1.0, n_splits=5, k=5, class_weight="balanced", max_iter=1000):
        self.min_decisions = min_decisions
        self.C = C
        self.n_splits = n_splits
        self.k = k
        self.class_weight = class_weight
        self.max_iter = max_iter

    def _logistic(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)

    def _fit_weights(self, X, y) -> dict[str, float] | None:
        """Weights learned from (X, y), or None when the data cannot support a model."""
        if len(np.unique(y)) < 2:
            return None
        return coefficients_to_weights(self._logistic().fit(X, y).coef_)

    def fit(self, X, y, groups):
        """Fit on decided pairs: X (p, 7) pair features, y 1/0 decisions, groups the role id of each pair."""
        X, y, groups = np.asarray(X, dtype=float), np.asarray(y).astype(int), np.asarray(groups)
        if X.ndim != 2 or X.shape[1] != len(FEATURES) or len(y) != len(X) or len(groups) != len(X):
            raise ValueError(f"X must be (p, {len(FEATURES)}) with one label and one group per row")
        prior = np.array([PRIOR_WEIGHTS[f] for f in FEATURES])
        self.n_decisions_ = len(y)
        self.feature_names_in_ = np.array(FEATURES, dtype=object)
        self.metrics_ = {"decisions": len(y), "positives": int(y.sum()), "roles": int(len(np.unique(groups)))}
        self.metrics_.update({f"prior_{k}": v for k, v in
                              grouped_ranking_metrics(y, X @ prior, groups, self.k).items() if k != "groups"})
        learned = self._fit_weights(X, y) if len(y) >= self.min_decisions else None
        self.fallback_ = learned is None
        self.weights_ = dict(PRIOR_WEIGHTS) if learned is None else learned
        if self.fallback_:
            # The prior was not fitted on these decisions, so its figures are already held-out figures.
            self.metrics_.update({k: self.metrics_[f"prior_{k}"] for k in (f"ndcg@{self.k}", f"precision@{self.k}")})
        else:
            self.metrics_.update(self._cross_validate(X, y, groups))
        return self

    def _cross_validate(self, X, y, groups) -> dict[str, float]:
        """Held-out ranking quality by role of the weights this model would deploy."""
        n_splits = min(self.n_splits, len(np.unique(groups)))
        if n_splits < 2:
            return {"folds": 0}
        held_out = np.full(len(y), np.nan)
        for train, test in GroupKFold(n_splits=n_splits).split(X, y, groups):
            weights = self._fit_weights(X[train], y[train]) or PRIOR_WEIGHTS
            held_out[test] = X[test] @ np.array([weights[f] for f in FEATURES])
        result = grouped_ranking_metrics(y, held_out, groups, self.k)
        result["folds"] = n_splits
        return result

    def decision_function(self, X) -> np.ndarray:
        """Ranking score of pairs under the learned weights (higher = more likely a positive decision)."""
        return np.asarray(X, dtype=float) @ np.array([self.weights_[f] for f in FEATURES])
