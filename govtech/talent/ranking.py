"""Suggestions, explanations and the pool-wide plan: database rows in (via `matrices`), scorer results out.

The pool is the professionals who agreed to introductions. One fitted `SkillMapScorer` per process is
reused until the pool or the active scoring model changes (see `matrices.cached`).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from govtech.extensions import db
from govtech.scoring import FEATURES, SkillMapScorer, plan_assignments
from govtech.scoring.kernel import top_k_rows
from govtech.talent import matrices, pool_store
from govtech.talent.models import Match, Professional, Role, ScoringModel


@dataclass
class Pool:
    """The fitted scorer over the consenting pool, and where each professional id sits in it."""

    scorer: SkillMapScorer | None  # None for an empty pool
    columns: matrices.SkillColumns
    ids: np.ndarray
    model_version: int | None
    # Results per (what, role id, role version, arguments), kept as long as this fitted pool is current: the
    # pool key covers every profile, consent and model change and the role's version covers its edits, so a
    # coordinator coming back to a role (after each shortlist decision, for instance) gets the same ranking
    # and explanations without scoring and explaining again. Live match states are read per request.
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    MEMO_LIMIT = 2000

    def remembered(self, key: tuple, compute):
        """compute() once per key for this pool (bounded: cleared when full)."""
        with self.memo_lock:
            if key in self.memo:
                return self.memo[key]
        value = compute()
        with self.memo_lock:
            if len(self.memo) >= self.MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = value
        return value

    def row_of(self, professional_id: int) -> int | None:
        """Row of a professional in the pool, or None when not in it."""
        row = int(np.searchsorted(self.ids, professional_id))
        return row if row < len(self.ids) and self.ids[row] == professional_id else None


def active_model() -> ScoringModel | None:
    """The scoring model in use (None: the prior weights); read once per request (`training.train` forgets it
    when it activates a new one)."""
    if has_request_context() and "talent_active_model" in g:
        return g.talent_active_model
    model = db.session.scalar(select(ScoringModel).where(ScoringModel.active.is_(True))
                              .order_by(ScoringModel.version.desc()).limit(1))
    if has_request_context():
        g.talent_active_model = model
    return model


def forget_active_model() -> None:
    """The active model changed in this request: read it again, and the pool with it."""
    if has_request_context():
        g.pop("talent_active_model", None)
        g.pop("talent_pool", None)


def _model_key(model: ScoringModel | None):
    return (model.version, tuple(sorted((model.weights or {}).items()))) if model else None


def make_scorer(columns: matrices.SkillColumns, model: ScoringModel | None, **settings) -> SkillMapScorer:
    """A scorer with the active model's weights (prior weights when there is none or it fell back)."""
    weights = {k: v for k, v in (model.weights or {}).items() if k in FEATURES} if model else None
    return SkillMapScorer(list(columns.codes), weights=weights or None, **settings)


def fit_scorer(columns: matrices.SkillColumns, model: ScoringModel | None, arrays) -> SkillMapScorer:
    """The scorer fitted on these professionals."""
    return make_scorer(columns, model).fit(arrays)


def _fit_and_store(columns: matrices.SkillColumns, model: ScoringModel | None) -> SkillMapScorer | None:
    """Fit the consenting pool; store the fit for other processes when it is known to match a committed
    state (the fingerprint did not move while the profiles were read, and this transaction changed none)."""
    before = matrices.exact_pool_fingerprint()
    arrays = matrices.pool_arrays(columns, consenting_only=True)
    if not len(arrays):
        return None
    scorer = fit_scorer(columns, model, arrays)
    if not matrices.uncommitted_pool_change() and matrices.exact_pool_fingerprint() == before:
        pool_store.save(before + (_model_key(model), columns), scorer)
    return scorer


def store_pool() -> Pool | None:
    """After an import of professionals (committed): fit the new pool once and store it, so that the next
    command and every worker of this host read it instead of each fitting it (talent/pool_store.py). None when
    no store is configured. A failure here never undoes the import: it is logged and the pool is fitted later."""
    if not current_app.config.get("POOL_STORE_DIR"):
        return None
    try:
        return pool()
    except Exception:  # noqa: BLE001 - the import is saved; the pages fit the pool when first asked
        current_app.logger.exception("fitting the new talent pool after the import failed")
        return None


def pool() -> Pool:
    """The fitted pool scorer (cached per process until the pool or the model changes; once per request)."""
    if has_request_context() and "talent_pool" in g:
        return g.talent_pool
    model = active_model()
    key = matrices.pool_fingerprint() + (_model_key(model),)

    def build() -> Pool:
        columns = matrices.skill_columns()
        scorer = pool_store.load(key + (columns,), make_scorer(columns, model))
        if scorer is None:
            scorer = _fit_and_store(columns, model)
        ids = scorer.professionals_.ids if scorer is not None else np.zeros(0, dtype=np.int64)
        return Pool(scorer=scorer, columns=columns, ids=ids, model_version=model.version if model else None)

    result = matrices.cached(key, build)
    if has_request_context():
        g.talent_pool = result
    return result


def _explained(p: Pool, roles_arr, role_row: int, prof_rows, terms: bool = True) -> list[dict]:
    rows = np.asarray(prof_rows, dtype=np.intp)
    return p.scorer.explain(roles_arr, role_row, rows, terms=terms) if len(rows) else []


@dataclass
class Suggestion:
    """One ranked professional for a role, with the explanation."""

    professional_id: int
    score: float
    explanation: dict


def _role_scores(p: Pool, role: Role):
    """(role arrays, scores of the whole pool with -inf where gated) of one role, computed once per request:
    the suggestion page asks for the ranking and the eligible count of the same role."""
    memo = g.setdefault("talent_role_scores", {}) if has_request_context() else {}
    key = (id(p), role.id, role.version)
    if key not in memo:
        roles_arr = matrices.role_arrays([role], p.columns)
        memo[key] = (roles_arr, p.scorer.score_one(roles_arr))
    return memo[key]


def _memo_key(role: Role) -> tuple:
    """What a role's remembered results depend on besides the pool: its version, and today's date for a role
    without a start date (its start counts as today in the availability signal)."""
    return (role.id, role.version, None if role.start_date else date.today())


def suggest(role: Role, *, top: int = 10, offset: int = 0, explain: bool = True) -> list[Suggestion]:
    """Best professionals for a role, best first; gated-out professionals never appear."""
    p = pool()
    if not len(p.ids):
        return []

    def compute() -> list[Suggestion]:
        roles_arr, row = _role_scores(p, role)
        idx, val = top_k_rows(row[None, :], offset + top)  # the scorer's top_k for one role, ties included
        rows = [int(i) for i in idx[0][offset:offset + top] if i >= 0]
        scores = [float(v) for v in val[0][offset:offset + top][:len(rows)]]
        explanations = _explained(p, roles_arr, 0, rows) if explain else [{}] * len(rows)
        return [Suggestion(int(p.ids[r]), round(s, 4), e) for r, s, e in zip(rows, scores, explanations, strict=True)]

    return list(p.remembered(("suggest", *_memo_key(role), top, offset, explain), compute))


def count_eligible(role: Role) -> int:
    """How many professionals of the pool pass every hard gate for this role."""
    p = pool()
    if not len(p.ids):
        return 0
    return p.remembered(("eligible", *_memo_key(role)),
                        lambda: int(np.isfinite(_role_scores(p, role)[1]).sum()))


NEAR_MISS_MARGIN = 1e-4  # bound on |float32 ungated score - exact score|, with room to spare


def gated_out(role: Role, *, limit: int = 20) -> list[Suggestion]:
    """Near misses: gated-out professionals with the best ungated scores, each with the gate that failed."""
    p = pool()
    if not len(p.ids):
        return []
    return list(p.remembered(("gated", *_memo_key(role), limit), lambda: _gated_out(p, role, limit)))


def _gated_out(p: Pool, role: Role, limit: int) -> list[Suggestion]:
    roles_arr, scores = _role_scores(p, role)
    gated = np.flatnonzero(~np.isfinite(scores))
    if not len(gated):
        return []
    if len(gated) > limit:
        # Preselect with the fast float32 ungated score (within 1e-5 of the exact one), then rank the few
        # left exactly: the result is the same as ranking every gated professional exactly.
        approx = p.scorer.ungated_scores(roles_arr)[gated]
        floor = np.partition(approx, len(approx) - limit)[len(approx) - limit]
        gated = gated[approx >= floor - 2 * NEAR_MISS_MARGIN]
    features = p.scorer.pair_features(roles_arr, np.zeros(len(gated), np.intp), gated)
    raw = features @ np.array([p.scorer.weights_[f] for f in FEATURES]) / p.scorer.scale_
    best = gated[np.lexsort((gated, -raw))[:limit]]
    # The near-miss list shows the score and the failed gates, not the shared phrases (the slow part).
    return [Suggestion(int(p.ids[r]), e["score"], e)
            for r, e in zip(best, _explained(p, roles_arr, 0, best, terms=False), strict=True)]


def suggest_all(*, top: int = 10) -> dict[int, list[tuple[int, float]]]:
    """Top professionals (id, score) for every open role, in one vectorised pass."""
    roles = list(db.session.scalars(select(Role).where(Role.state == "open").order_by(Role.id)))
    p = pool()
    if not roles or not len(p.ids):
        return {r.id: [] for r in roles}
    idx, val = p.scorer.top_k(matrices.role_arrays(roles, p.columns), k=top)
    return {role.id: [(int(p.ids[i]), round(float(v), 4)) for i, v in zip(idx[j], val[j], strict=True) if i >= 0]
            for j, role in enumerate(roles)}


def explain_pair(role: Role, professional_id: int) -> dict | None:
    """The explanation of one professional for one role (None when not in the pool)."""
    p = pool()
    row = p.row_of(professional_id)
    if row is None:
        return None
    return _explained(p, matrices.role_arrays([role], p.columns), 0, [row])[0]


def roles_for(professional: Professional, roles: list[Role]) -> list[tuple[Role, dict]]:
    """How one professional fits each given role (explained), best first; eligible roles before gated ones."""
    p = pool()
    row = p.row_of(professional.id)
    if row is None:  # not in the pool (no consent yet): score against a pool of one
        columns = matrices.skill_columns()
        arrays = matrices.pool_arrays(columns, consenting_only=False, only_ids=[professional.id])
        p = Pool(fit_scorer(columns, active_model(), arrays), columns, arrays.ids, None)
        row = 0
    if not roles:
        return []
    roles_arr = matrices.role_arrays(roles, p.columns)
    results = [(role, p.scorer.explain(roles_arr, j, [row])[0]) for j, role in enumerate(roles)]
    return sorted(results, key=lambda item: (not item[1]["eligible"], -item[1]["score"], item[0].id))


@dataclass
class PlannedPair:
    """One proposed (role, professional) pair of the pool-wide plan."""

    role_id: int
    professional_id: int
    score: float


PLAN_CANDIDATES = 50  # best professionals per role the plan chooses from (keeps the problem small)


def _candidate_matrix(p: Pool, roles: list[Role]) -> tuple[np.ndarray, np.ndarray]:
    """(m, c) scores over the union of each role's best candidates (-inf elsewhere), and their pool rows."""
    idx, val = p.scorer.top_k(matrices.role_arrays(roles, p.columns), k=PLAN_CANDIDATES)
    rows = np.unique(idx[idx >= 0])
    scores = np.full((len(roles), len(rows)), -np.inf)
    j, k = np.nonzero(idx >= 0)
    scores[j, np.searchsorted(rows, idx[j, k])] = val[j, k]
    return scores, rows


def plan(*, max_per_professional: int = 2, spread_penalty: float = 0.05) -> list[PlannedPair]:
    """Pool-wide plan over open roles: free positions, professionals' remaining days, pairs not yet tried."""
    roles = list(db.session.scalars(select(Role).where(Role.state == "open").order_by(Role.id)))
    p = pool()
    if not roles or not len(p.ids):
        return []
    scores, rows = _candidate_matrix(p, roles)
    role_row = {r.id: j for j, r in enumerate(roles)}
    col_of = {int(p.ids[r]): c for c, r in enumerate(rows)}
    free = np.array([r.positions for r in roles])
    used_days = np.zeros(len(rows))
    for role_id, prof_id, status, days in db.session.execute(
            select(Match.role_id, Match.professional_id, Match.status, Role.days_per_week)
            .join(Role, Role.id == Match.role_id)
            .where(or_(Match.status == "appointed", Match.role_id.in_(list(role_row))))):
        col = col_of.get(prof_id)
        if status == "appointed" and col is not None:
            used_days[col] += days
        if role_id in role_row:
            if col is not None:
                scores[role_row[role_id], col] = -np.inf  # already considered: the plan proposes new pairs
            if status in ("appointed", "introduced", "interviewing"):
                free[role_row[role_id]] -= 1
    prof_days = np.maximum(p.scorer.professionals_.days[rows] - used_days, 0)
    pairs = plan_assignments(scores, np.maximum(free, 0), [r.days_per_week for r in roles], prof_days,
                             max_suggestions_per_prof=max_per_professional, spread_penalty=spread_penalty)
    return [PlannedPair(roles[j].id, int(p.ids[rows[c]]), round(float(s), 4)) for j, c, s in pairs]



PLAN_JOB = "talent.plan"


def plan_job(ctx, payload: dict) -> dict:
    """Background job: the pool-wide plan; the proposed pairs are kept in the job's result for the plan page."""
    ctx.progress(0, 1)  # one step: the plan is solved in one go
    with force_locale(payload.get("locale", "ja")):
        pairs = plan(max_per_professional=payload.get("max", 2))
        return {"summary": _("%(n)s pairs proposed.", n=len(pairs)), "max": payload.get("max", 2),
                "pairs": [[p.role_id, p.professional_id, p.score] for p in pairs],
                "redirect": current_app.url_map.bind("").build("talent.plan", {"job": ctx.job_id})}
