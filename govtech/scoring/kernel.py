"""Vectorised building blocks of the skill-map score: matrices, text bounds, hard gates and top-k.

Without text, the score of professional i for role j is one row of a matrix product plus one cheap term:

    base[j, i] = W[j] · P[i]  +  w_start · (available_from[i] <= start[j])      (-inf where a gate fails)

P (n, S*4 + S + 1) = [cumulative one-hot levels | verified & held | public-sector signal]; W carries each
required skill's weight / required level in levels 1..req, so a level past the requirement adds nothing.

The text term w_text · cos(bio_i, description_j) is exact but evaluated only for pairs that can still
reach the top k. With an orthonormal basis Q of the main bio directions, cos = x̂·d̂ + e·f where x̂ = Qᵀx,
d̂ = Qᵀd and e, f the residuals; |e·f| <= |e||f| (Cauchy-Schwarz). Appending [x̂ | |e|] to P and
w·[d̂ | |f|] to W makes the same product yield an upper bound of the full score; subtracting 2w|e||f| gives
a lower bound. Pairs whose upper bound is below the k-th best lower bound cannot enter the top k.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

N_LEVELS = 4
FEATURES = ("must", "important", "bonus", "text", "public_years", "verified", "start_fit")
CLASS_FEATURES = ("bonus", "important", "must")  # feature name of weight codes 1, 2, 3
# Prior component weights (DOMAIN.md: coverage first, text relevance, then smaller signals).
PRIOR_WEIGHTS = {
    "must": 1.0, "important": 1.0, "bonus": 1.0, "text": 0.35,
    "public_years": 0.05, "verified": 0.05, "start_fit": 0.05,
}
DEFAULT_CLASS_VALUES = (1.0, 2.0, 3.0)  # how much a bonus / important / must skill counts in coverage
SMALL_POOL = 2000  # below this many bios the exact cosine of every eligible pair is cheaper than a basis
SMALL_CALL = 16  # below this many roles per call, likewise
BASIS_TERMS = 20_000  # the text basis lives on at most this many frequent n-grams
YEARS_SCALE = 4.0  # public-sector experience saturates: 4 years give 63 %, 10 years 92 %


def resolve_weights(weights=None, text_weight=None) -> dict[str, float]:
    """Merge `weights` (dict or array in FEATURES order) over the prior; `text_weight` overrides "text"."""
    merged = dict(PRIOR_WEIGHTS)
    if weights is not None:
        if not isinstance(weights, dict):
            values = np.asarray(weights, dtype=float).ravel()
            if len(values) != len(FEATURES):
                raise ValueError(f"weights must have {len(FEATURES)} values: {FEATURES}")
            weights = dict(zip(FEATURES, values, strict=True))
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown weight names {sorted(unknown)}; expected {FEATURES}")
        merged.update({k: float(v) for k, v in weights.items()})
    if text_weight is not None:
        merged["text"] = float(text_weight)
    if any(v < 0 or not np.isfinite(v) for v in merged.values()):
        raise ValueError("component weights must be finite and non-negative")
    return merged


def score_scale(weights: dict[str, float]) -> float:
    """Largest possible raw score, so that dividing by it maps every score into [0, 1]."""
    best_class = max(weights[c] for c in CLASS_FEATURES)
    total = best_class + sum(weights[f] for f in ("text", "public_years", "verified", "start_fit"))
    return total if total > 0 else 1.0


def cumulative_onehot(levels: np.ndarray) -> np.ndarray:
    """(n, S) levels -> (n, S*4) float32 with bit [s, l-1] = 1 iff level[s] >= l."""
    steps = np.arange(1, N_LEVELS + 1, dtype=np.int8)
    return (levels[:, :, None] >= steps).reshape(len(levels), levels.shape[1] * N_LEVELS).astype(np.float32)


def years_signal(years: np.ndarray) -> np.ndarray:
    """Saturating public-sector experience signal in [0, 1)."""
    return (1.0 - np.exp(-np.maximum(years, 0) / YEARS_SCALE)).astype(np.float32)


def class_contributions(req_level, req_weight, class_values) -> np.ndarray:
    """(m, S) value of each requirement divided by the role's total, so full coverage sums to 1."""
    values = np.concatenate([[0.0], np.asarray(class_values, dtype=float)])[req_weight]
    total = values.sum(axis=1, keepdims=True)
    return np.divide(values, total, out=np.zeros_like(values), where=total > 0)


def role_matrix(req_level, req_weight, class_values, weights, scale) -> np.ndarray:
    """Role side W (m, S*4 + S + 1) of the base product, matching the profile matrix columns."""
    m, n_skills = req_level.shape
    req = req_level.astype(np.float64)
    share = class_contributions(req_level, req_weight, class_values)
    beta = np.array([0.0] + [weights[c] for c in CLASS_FEATURES])[req_weight]
    per_level = np.divide(beta * share, req * scale, out=np.zeros_like(share), where=req > 0)
    in_range = np.arange(N_LEVELS)[None, None, :] < req_level[:, :, None]
    cover = (in_range * per_level[:, :, None]).reshape(m, n_skills * N_LEVELS)
    n_req = (req_level > 0).sum(axis=1, keepdims=True)
    verified = np.divide(weights["verified"] / scale * (req_level > 0), n_req,
                         out=np.zeros((m, n_skills)), where=n_req > 0)
    public = np.full((m, 1), weights["public_years"] / scale)
    return np.ascontiguousarray(np.hstack([cover, verified, public]), dtype=np.float32)


def profile_matrix(levels, verified, public_years) -> np.ndarray:
    """Professional side P (n, S*4 + S + 1) of the base product."""
    return np.ascontiguousarray(np.hstack([
        cumulative_onehot(levels), (verified & (levels > 0)).astype(np.float32),
        years_signal(public_years)[:, None],
    ]), dtype=np.float32)


def frequent_terms(tfidf_rows: sp.csr_matrix, limit: int = BASIS_TERMS) -> np.ndarray:
    """Sorted columns of the `limit` n-grams found in most rows (at least two): the basis lives on them,
    which bounds its memory however large the vocabulary is."""
    df = np.bincount(tfidf_rows.indices, minlength=tfidf_rows.shape[1])
    order = np.argsort(-df, kind="stable")[:limit]
    return np.sort(order[df[order] >= 2])


def text_basis(tfidf_rows: sp.csr_matrix, rank: int, sample: int = 2000, seed: int = 0) -> np.ndarray:
    """Orthonormal (V, r) basis of the main directions of a sample of TF-IDF rows (any basis keeps the
    bounds exact; a good one makes them tight). Empty for small pools, where exact text is cheap."""
    n, n_terms = tfidf_rows.shape
    rank = min(rank, n_terms, n)
    if rank <= 0 or n <= SMALL_POOL:
        return np.zeros((n_terms, 0), dtype=np.float32)
    rng = np.random.default_rng(seed)
    rows = rng.choice(n, min(sample, n), replace=False) if n > sample else slice(None)
    vt = _top_right_singular_vectors(tfidf_rows[rows].astype(np.float64), rank, rng)
    return np.ascontiguousarray(vt.T, dtype=np.float32)


def _top_right_singular_vectors(a: sp.csr_matrix, rank: int, rng, n_iter: int = 2, oversample: int = 10):
    """(rank, V) approximate top right singular vectors of `a`: the randomized range finder with power
    iterations (Halko, Martinsson & Tropp 2011), as sklearn's randomized_svd does; here so that fitting does
    not import scikit-learn (0.5-0.9 s). Small factorisations on one BLAS thread (see restrict_basis)."""
    k = min(rank + oversample, min(a.shape))
    y = a @ rng.standard_normal((a.shape[1], k))
    with threadpool_limits(1, user_api="blas"):
        for _ in range(n_iter):
            y = a @ (a.T @ scipy.linalg.qr(y, mode="economic")[0])
        q = scipy.linalg.qr(y, mode="economic")[0]
        _, _, vt = scipy.linalg.svd(np.asarray((a.T @ q).T), full_matrices=False)
    return vt[:rank]


def restrict_basis(basis: np.ndarray, basis_terms: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """Orthonormal (len(terms), r') basis: `basis` (rows = basis_terms) cut down to `terms`, re-orthonormalised."""
    out = np.zeros((len(terms), basis.shape[1]), dtype=np.float64)
    if len(basis_terms) and len(terms):
        pos = np.minimum(np.searchsorted(basis_terms, terms), len(basis_terms) - 1)
        hit = basis_terms[pos] == terms
        out[hit] = basis[pos[hit]]
    out = out[:, np.linalg.norm(out, axis=0) > 0.05]  # directions that barely touch these terms add nothing
    if not out.size:
        return out.astype(np.float32)
    # One BLAS thread: a factorisation this small gains nothing from more, and right after the big products
    # its threads waited for busy cores' spinning ones (0.6-1.5 s instead of 10 ms, numpy's qr and scipy's).
    with threadpool_limits(1, user_api="blas"):
        q = scipy.linalg.qr(out, mode="economic")[0]
    return np.ascontiguousarray(q, dtype=np.float32)


def project(tfidf_rows: sp.csr_matrix, basis: np.ndarray) -> np.ndarray:
    """(n, r + 1) float32: coordinates in the basis, then the norm of the residual."""
    coords = np.asarray(tfidf_rows @ basis, dtype=np.float32) if basis.shape[1] else np.zeros((tfidf_rows.shape[0], 0), np.float32)
    norms = np.asarray(tfidf_rows.multiply(tfidf_rows).sum(axis=1), dtype=np.float64).ravel()
    resid = np.sqrt(np.maximum(norms - (coords.astype(np.float64) ** 2).sum(axis=1), 0.0))
    return np.ascontiguousarray(np.hstack([coords, resid[:, None].astype(np.float32)]))


def rowwise_dot(a: sp.csr_matrix, a_rows, b: sp.csr_matrix, b_rows) -> np.ndarray:
    """Dot products a[a_rows[p]] · b[b_rows[p]] for every p, without forming a full product."""
    if len(a_rows) == 0:
        return np.zeros(0, dtype=np.float32)
    return np.asarray(a[a_rows].multiply(b[b_rows]).sum(axis=1), dtype=np.float32).ravel()


def access_table(work_style: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """(9, n) bool: row ws*3 + area is True where a professional accepts a role of that style and area.

    Remote roles ignore the area; hybrid and onsite roles need the professional on site in that area."""
    rows = []
    for ws in range(3):
        for area in range(3):
            ok = work_style >= ws
            rows.append(ok if ws == 0 else ok & regions[:, area])
    return np.vstack(rows)


def must_plan(req_level: np.ndarray, req_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Must requirements that can fail, as (role row, cumulative one-hot column), sorted by role.

    A must skill fails when held < required - 1, i.e. passes iff bit [s, required - 2] of the cumulative
    one-hot is set; a must skill required at level 1 can never fail."""
    thr = req_level.astype(np.int16) - 1
    role, skill = np.nonzero((req_weight == 3) & (thr > 0))
    return role, skill * N_LEVELS + thr[role, skill] - 1


def gate_mask(prof, role_days, role_code, must) -> np.ndarray:
    """(m, n) bool, True where the pair passes every hard gate (days, work style and area, must skills).

    prof = (cumulative one-hot as bool (S*4, n), days (n,), access table (9, n)); must = must_plan rows
    with role rows relative to this block."""
    onehot_t, days, access = prof
    # Few distinct (days, style/area) combinations: build each once, then copy rows.
    combos, inverse = np.unique(np.column_stack([role_days, role_code]), axis=0, return_inverse=True)
    table = (days[None, :] >= combos[:, 0:1].astype(days.dtype)) & access[combos[:, 1].astype(np.intp)]
    ok = table[inverse.ravel()]
    role, col = must
    done = np.zeros(len(role), dtype=bool)
    while not done.all():
        # One must requirement per role at a time, so fancy-indexed rows never repeat.
        first = np.flatnonzero(~done & np.concatenate([[True], (role[1:] != role[:-1]) | done[:-1]]))
        ok[role[first]] &= onehot_t[col[first]]
        done[first] = True
    return ok


def select_top(rows, cols, values, m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best k (col, value) per row from candidate triples: (indices (m, k), scores (m, k)), -1 / nan padded.

    Ties are broken by the lower column, so the result does not depend on how candidates were found."""
    idx = np.full((m, k), -1, dtype=np.int64)
    val = np.full((m, k), np.nan, dtype=np.float32)
    keep = np.isfinite(values)
    rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    pos = np.arange(len(rows)) - np.searchsorted(rows, rows)
    top = pos < k
    idx[rows[top], pos[top]] = cols[top]
    val[rows[top], pos[top]] = values[top]
    return idx, val


def kth_lower_bound(scores: np.ndarray, k: int) -> np.ndarray:
    """Per row a value <= the k-th largest entry (a finite floor when fewer than k entries are finite).

    The k-th largest of block maxima: k blocks reach it, so at least k entries do. With blocks much more
    numerous than k it is usually the k-th largest itself, at the cost of one max-reduction instead of a
    partition of the whole row."""
    m, n = scores.shape
    floor = np.finfo(np.float32).min
    if n == 0 or k <= 0:
        return np.full(m, np.inf, dtype=np.float32)
    width = n // (64 * k)
    reduced = np.maximum.reduceat(scores, np.arange(0, n, width), axis=1) if width >= 2 else scores
    kk = min(k, reduced.shape[1])
    tau = np.partition(reduced, reduced.shape[1] - kk, axis=1)[:, reduced.shape[1] - kk]
    return np.maximum(tau, floor)


def top_k_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best k columns per row of a (m, n) score block: (indices, scores), -1 / nan where -inf."""
    tau = kth_lower_bound(scores, k)
    flat = np.flatnonzero(scores >= tau[:, None])
    rows, cols = flat // scores.shape[1], flat % scores.shape[1]
    return select_top(rows, cols, scores[rows, cols], len(scores), k)
