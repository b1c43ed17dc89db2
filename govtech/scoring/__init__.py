"""Pure matching and planning for digital-talent sharing: numpy / scipy / scikit-learn only, no Flask, no models.

The service layer builds `ProfessionalArrays` / `RoleArrays` from the database and calls:
`SkillMapScorer(skill_codes).fit(pros).top_k(roles, k)` for suggestions, `.explain(...)` for the why,
`DecisionModel().fit(...)` to learn component weights from coordinator decisions, and `plan_assignments`
for a pool-wide plan.
"""

from govtech.scoring.arrays import (
    AREAS,
    WEIGHT_NAMES,
    WORK_STYLES,
    ProfessionalArrays,
    RoleArrays,
    days_since_epoch,
    load_skill_map,
    skill_codes,
)
from govtech.scoring.kernel import FEATURES, PRIOR_WEIGHTS
from govtech.scoring.metrics import ndcg_at_k, precision_at_k
from govtech.scoring.plan import plan_assignments
from govtech.scoring.scorer import SkillMapScorer

__all__ = [
    "AREAS", "FEATURES", "PRIOR_WEIGHTS", "WEIGHT_NAMES", "WORK_STYLES", "DecisionModel", "ProfessionalArrays",
    "RoleArrays", "SkillMapScorer", "days_since_epoch", "load_skill_map", "ndcg_at_k", "plan_assignments",
    "precision_at_k", "skill_codes",
]


def __getattr__(name: str):
    """`DecisionModel` on first use: it imports scikit-learn (0.5 s), which scoring does not need."""
    if name == "DecisionModel":
        from govtech.scoring.learning import DecisionModel

        return DecisionModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
