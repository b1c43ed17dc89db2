"""SkillMapScorer: the scikit-learn-style estimator that ranks professionals for roles.

fit() turns the pool into matrices once. top_k() scores roles in chunks: one BLAS product gives the skill
part, the signals and an upper bound of the text term; vectorised gates mask it; the exact TF-IDF cosine is
then computed only for pairs whose upper bound reaches the k-th best lower bound (see kernel.py). The result
equals ranking the full score matrix, but 50,000 professionals × 5,000 roles never materialise at once.
Scores lie in [0, 1]; gated pairs are never returned.
"""

from __future__ import annotations

import inspect

import numpy as np
import scipy.sparse as sp

from govtech.scoring import kernel
from govtech.scoring.arrays import ProfessionalArrays, RoleArrays
from govtech.scoring.explain import explain_pairs
from govtech.scoring.ngrams import CharNgramTfidf
from govtech.scoring.text import GlossaryExpander, default_glossary, skill_name_terms

_PROF_ARRAYS = ("ids", "levels", "verified", "days", "available_from", "work_style", "regions", "public_years")
_MARGIN = 1e-4  # float32 rounding slack on the text bounds; only widens the candidate set


class EstimatorParams:
    """scikit-learn's estimator parameter API (get_params, set_params, a repr of the non-default ones) without
    importing scikit-learn: `sklearn.base` pulls in scipy.stats, 0.5 s of the start-up of every command and
    worker. As scikit-learn requires, the parameters are the constructor's keyword arguments stored unchanged,
    so `sklearn.base.clone` works on these estimators (tests/scoring/test_scorer.py)."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values() if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters by name (`deep` is accepted for scikit-learn; nothing is nested)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set constructor parameters by name; returns self."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}; valid: {valid}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        shown = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            same = value is default or (isinstance(value, str | int | float | tuple | type(None))
                                        and type(value) is type(default) and value == default)
            if not same:
                text = repr(value)
                shown.append(f"{name}={text if len(text) <= 60 else text[:57] + '...'}")
        return f"{type(self).__name__}({', '.join(shown)})"


class SkillMapScorer(EstimatorParams):
    """Explainable skill-map score: weighted coverage + text relevance + small signals, behind hard gates.

    weights: component weights (dict or array in `kernel.FEATURES` order; missing names keep the prior),
    e.g. `DecisionModel.weights_`. text_weight overrides weights["text"]. class_values: how much a bonus,
    important and must skill count inside coverage. glossary: (Japanese, English) term pairs bridging the
    languages (default `text.default_glossary()`); strip_terms: phrases removed from texts before TF-IDF
    (default: the skill names of `skill_codes`, already scored by coverage). text_rank: size of the basis
    bounding the cosine; it changes speed only, never results.

    Fitted: weights_ (resolved component weights), scale_ (score = weighted sum / scale_), tfidf_,
    bio_tfidf_, text_basis_, profile_matrix_, order_ (internal column order: by availability date). Row indices in and
    out of every method refer to the `professionals` passed to fit.
    """

    def __init__(self, skill_codes, weights=None, text_weight=None, ngram_range=(2, 3), max_df=1.0,
                 min_df=1, class_values=kernel.DEFAULT_CLASS_VALUES, text_rank=96, chunk_size=256,
                 glossary=None, strip_terms=None, random_state=0):
        self.skill_codes = skill_codes
        self.weights = weights
        self.text_weight = text_weight
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.min_df = min_df
        self.class_values = class_values
        self.text_rank = text_rank
        self.chunk_size = chunk_size
        self.glossary = glossary
        self.strip_terms = strip_terms
        self.random_state = random_state

    # ----------------------------------------------------------------- fitting
    def fit(self, professionals: ProfessionalArrays, y=None):
        """Build the profile matrix, the bio TF-IDF and its bound basis for the pool; returns self."""
        # Internally professionals are ordered by availability date, so that "available by the role's
        # start" is a prefix of every row (one slice instead of a comparison over the whole row).
        self._prepare(professionals, np.argsort(professionals.available_from, kind="stable"))
        inner = professionals.subset(self.order_)
        self.tfidf_ = CharNgramTfidf(self.ngram_range, min_df=self.min_df, max_df=self.max_df)
        self.bio_tfidf_ = self.tfidf_.fit_transform([self.expander_(b) for b in inner.bios])
        self.basis_terms_ = kernel.frequent_terms(self.bio_tfidf_)
        self.text_basis_ = kernel.text_basis(self.bio_tfidf_[:, self.basis_terms_], self.text_rank,
                                             seed=self.random_state)
        # Column-major: one role's product reads only the columns of the skills it requires (`_one_role_base`).
        self.profile_matrix_ = np.asfortranarray(
            kernel.profile_matrix(inner.levels, inner.verified, inner.public_years))
        self._gate_arrays()
        return self

    def _prepare(self, professionals: ProfessionalArrays, order: np.ndarray) -> None:
        """The cheap part of fitting: weights, row order, glossary (shared by fit and restore)."""
        codes = list(self.skill_codes)
        if professionals.n_skills != len(codes):
            raise ValueError(f"professionals have {professionals.n_skills} skills, skill_codes has {len(codes)}")
        if not np.array_equal(np.sort(order), np.arange(len(professionals))):
            raise ValueError("order must be a permutation of the professionals' rows")
        self.weights_ = kernel.resolve_weights(self.weights, self.text_weight)
        self._description_memo = {}  # of this fit's TF-IDF (`_description_rows`)
        self.scale_ = kernel.score_scale(self.weights_)
        self.text_scale_ = np.float32(self.weights_["text"] / self.scale_)
        self.professionals_ = professionals
        self.n_professionals_ = len(professionals)
        self.order_ = np.asarray(order, dtype=np.int64)
        self.rank_ = np.empty_like(self.order_)
        self.rank_[self.order_] = np.arange(len(self.order_))
        self.available_sorted_ = professionals.available_from[self.order_]
        self.expander_ = GlossaryExpander(
            default_glossary() if self.glossary is None else self.glossary,
            strip=skill_name_terms(codes) if self.strip_terms is None else self.strip_terms,
        )

    def _gate_arrays(self) -> None:
        """Held-level mask, days and on-site access in internal order (derived from the fitted state)."""
        prof, order = self.professionals_, self.order_
        self.gate_arrays_ = (
            np.ascontiguousarray(self.profile_matrix_[:, :len(self.skill_codes) * kernel.N_LEVELS].T > 0),
            prof.days[order], kernel.access_table(prof.work_style[order], prof.regions[order]),
        )

    # ------------------------------------------------------------ persistence
    def fitted_state(self) -> dict[str, np.ndarray]:
        """The fitted state as plain arrays (no Python objects, so it can be stored and read back without
        pickle): `restore` turns it back into this fitted scorer without fitting again."""
        if not self.__sklearn_is_fitted__():
            raise RuntimeError("SkillMapScorer is not fitted; call fit(professionals) first")
        prof = self.professionals_
        state = {f"prof_{name}": getattr(prof, name) for name in _PROF_ARRAYS}
        encoded = [bio.encode("utf-8") for bio in prof.bios]
        state["prof_bios"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        state["prof_bio_ends"] = np.cumsum([len(e) for e in encoded], dtype=np.int64)
        bio = self.bio_tfidf_
        state.update(
            order=self.order_, basis_terms=self.basis_terms_, text_basis=self.text_basis_,
            profile_matrix=self.profile_matrix_, bio_data=bio.data, bio_indices=bio.indices,
            bio_indptr=bio.indptr, bio_shape=np.array(bio.shape, dtype=np.int64),
            tfidf_alphabet=self.tfidf_.alphabet_, tfidf_bits=np.array(self.tfidf_.bits_, dtype=np.int64),
            tfidf_vocabulary=self.tfidf_.vocabulary_keys_, tfidf_idf=self.tfidf_.idf_,
        )
        return state

    def restore(self, state) -> SkillMapScorer:
        """This scorer as `fit` left it, from `fitted_state()` of a scorer with the same parameters.

        Shapes are checked (ValueError when they do not fit together), so a damaged state is refused
        rather than scored; the caller keys stored states on the parameters and the pool."""
        ends = np.asarray(state["prof_bio_ends"], dtype=np.int64)
        blob = np.asarray(state["prof_bios"], dtype=np.uint8).tobytes()
        if len(ends) and (ends[-1] != len(blob) or np.any(np.diff(ends) < 0)):
            raise ValueError("stored bios do not match their offsets")
        starts = np.concatenate([[0], ends[:-1]]).tolist()
        bios = [blob[a:b].decode("utf-8") for a, b in zip(starts, ends.tolist(), strict=True)]
        prof = ProfessionalArrays(**{name: state[f"prof_{name}"] for name in _PROF_ARRAYS}, bios=bios)
        self._prepare(prof, np.asarray(state["order"]))
        n = len(prof)
        shape = tuple(int(v) for v in state["bio_shape"])
        tfidf = CharNgramTfidf(self.ngram_range, min_df=self.min_df, max_df=self.max_df)
        tfidf.alphabet_ = np.asarray(state["tfidf_alphabet"])
        tfidf.bits_ = int(state["tfidf_bits"])
        tfidf.vocabulary_keys_ = np.asarray(state["tfidf_vocabulary"])
        tfidf.idf_ = np.asarray(state["tfidf_idf"])
        if shape != (n, len(tfidf.vocabulary_keys_)) or len(tfidf.idf_) != shape[1]:
            raise ValueError("stored text index does not match the professionals")
        self.tfidf_ = tfidf
        self.bio_tfidf_ = sp.csr_matrix((state["bio_data"], state["bio_indices"], state["bio_indptr"]), shape=shape)
        self.bio_tfidf_.check_format(full_check=True)
        self.basis_terms_ = np.asarray(state["basis_terms"])
        self.text_basis_ = np.asarray(state["text_basis"])
        self.profile_matrix_ = np.asfortranarray(state["profile_matrix"], dtype=np.float32)
        expected = prof.n_skills * (kernel.N_LEVELS + 1) + 1  # kernel.profile_matrix's columns
        if (self.profile_matrix_.shape != (n, expected) or self.text_basis_.shape[0] != len(self.basis_terms_)
                or (len(self.basis_terms_) and self.basis_terms_.max() >= shape[1])):
            raise ValueError("stored matrices do not match the professionals")
        self._gate_arrays()
        return self

    # ------------------------------------------------------------ role side
    def _roles(self, roles: RoleArrays) -> dict:
        """Per-call role side: role matrix, description TF-IDF and its bound coordinates, gate plan."""
        if not hasattr(self, "profile_matrix_"):
            raise RuntimeError("SkillMapScorer is not fitted; call fit(professionals) first")
        if roles.n_skills != len(self.skill_codes):
            raise ValueError(f"roles have {roles.n_skills} skills, skill_codes has {len(self.skill_codes)}")
        desc = self.tfidf_.transform([self.expander_(d) for d in roles.descriptions])
        # Only n-grams of these descriptions can contribute to a cosine: the bound ignores the rest of a bio.
        terms = np.unique(desc.indices)
        bio, desc = self.bio_tfidf_[:, terms].tocsr(), desc[:, terms].tocsr()
        basis = self.text_basis_ if len(roles) >= kernel.SMALL_CALL else self.text_basis_[:, :0]
        basis = kernel.restrict_basis(basis, self.basis_terms_, terms)
        bio_text = kernel.project(bio, basis)  # (n, r + 1): coordinates, residual norm
        text = kernel.project(desc, basis) * self.text_scale_
        base = kernel.role_matrix(roles.req_level, roles.req_weight, self.class_values, self.weights_,
                                  self.scale_)
        return {
            "bio": bio, "desc": desc, "residual": np.ascontiguousarray(bio_text[:, -1]),
            # One product gives the base score plus the text upper bound (see kernel.py).
            "P": np.ascontiguousarray(np.hstack([self.profile_matrix_, bio_text])),
            "W": np.ascontiguousarray(np.hstack([base, text])), "text_gap": 2.0 * text[:, -1],
            "must": kernel.must_plan(roles.req_level, roles.req_weight),
            "code": roles.work_style.astype(np.intp) * 3 + roles.area,
            "start_bonus": np.float32(self.weights_["start_fit"] / self.scale_),
        }

    def _upper(self, roles: RoleArrays, side: dict, lo: int, hi: int, out=None) -> np.ndarray:
        """(hi-lo, n) float32 upper bound of the score of roles lo..hi-1 (base + text bound), -inf if gated."""
        upper = np.matmul(side["W"][lo:hi], side["P"].T, out=None if out is None else out[:hi - lo])
        if side["start_bonus"]:
            ready = np.searchsorted(self.available_sorted_, roles.start[lo:hi], side="right")
            for row, count in enumerate(ready):
                upper[row, :count] += side["start_bonus"]
        role, col = side["must"]
        first, last = np.searchsorted(role, [lo, hi])
        must = (role[first:last] - lo, col[first:last])
        ok = kernel.gate_mask(self.gate_arrays_, roles.days[lo:hi], side["code"][lo:hi], must)
        np.putmask(upper, np.logical_not(ok, out=ok), -np.inf)
        return upper

    def _exact(self, side, upper, lo, rows, cols) -> np.ndarray:
        """Final scores of candidate pairs (rows relative to lo): upper - text bound + weighted exact cosine."""
        nb = self.profile_matrix_.shape[1]
        bound = (side["W"][rows + lo, nb:] * side["P"][cols, nb:]).sum(axis=1)
        text = kernel.rowwise_dot(side["desc"], rows + lo, side["bio"], cols)
        return upper[rows, cols] - bound + self.text_scale_ * text

    def _candidates(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cols) of True entries; flatnonzero is several times faster than 2-D nonzero."""
        flat = np.flatnonzero(mask)
        return flat // mask.shape[1], flat % mask.shape[1]

    def _chunk_top_k(self, roles, side, lo, hi, k, buffers):
        """Exact top-k of one chunk of roles, evaluating the cosine only where its bound allows."""
        # Reused buffers: a fresh 50 MB array per step costs more in page faults than the step itself.
        upper = self._upper(roles, side, lo, hi, out=buffers[0])
        lower = np.multiply.outer(side["text_gap"][lo:hi], side["residual"], out=buffers[1][:hi - lo])
        np.subtract(upper, lower, out=lower)  # base + w·(x̂·d̂ - |e||f|) <= final score
        tau = kernel.kth_lower_bound(lower, k) - _MARGIN
        rows, cols = self._candidates(np.greater_equal(upper, tau[:, None], out=buffers[2][:hi - lo]))
        values = self._exact(side, upper, lo, rows, cols)
        return kernel.select_top(rows, self.order_[cols], values, hi - lo, k)

    # --------------------------------------------------------------- scoring
    def score_matrix(self, roles: RoleArrays) -> np.ndarray:
        """(m, n) float32 scores in [0, 1], -inf where gated; for small sizes (optimiser, tests)."""
        side = self._roles(roles)
        out = np.full((len(roles), self.n_professionals_), -np.inf, dtype=np.float32)
        for lo in range(0, len(roles), self.chunk_size):
            hi = min(lo + self.chunk_size, len(roles))
            upper = self._upper(roles, side, lo, hi)
            rows, cols = self._candidates(np.isfinite(upper))
            out[rows + lo, self.order_[cols]] = self._exact(side, upper, lo, rows, cols)
        return out

    def top_k(self, roles: RoleArrays, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Best k professionals per role: (indices (m, k) into the fitted pool, scores (m, k) float32).

        Gated-out professionals never appear; rows are padded with -1 / nan when fewer pass."""
        side = self._roles(roles)
        idx = np.full((len(roles), k), -1, dtype=np.int64)
        val = np.full((len(roles), k), np.nan, dtype=np.float32)
        shape = (min(self.chunk_size, len(roles)), self.n_professionals_)
        buffers = (np.empty(shape, np.float32), np.empty(shape, np.float32), np.empty(shape, bool))
        for lo in range(0, len(roles), self.chunk_size):
            hi = min(lo + self.chunk_size, len(roles))
            idx[lo:hi], val[lo:hi] = self._chunk_top_k(roles, side, lo, hi, k, buffers)
        return idx, val

    # ------------------------------------------------------ per-pair views
    def pair_features(self, roles: RoleArrays, role_rows, prof_rows) -> np.ndarray:
        """(p, 7) float64 components per pair in `kernel.FEATURES` order: coverage by weight class
        (must, important, bonus; they sum to the coverage), text cosine, public-sector signal, verified
        share, start fit. The score is their weighted sum divided by `scale_`."""
        role_rows, prof_rows = np.asarray(role_rows, np.intp), np.asarray(prof_rows, np.intp)
        prof = self.professionals_
        req = roles.req_level[role_rows].astype(float)
        held = prof.levels[prof_rows].astype(float)
        wcode = roles.req_weight[role_rows]
        share = kernel.class_contributions(roles.req_level, roles.req_weight, self.class_values)[role_rows]
        reach = np.divide(np.minimum(held, req), req, out=np.zeros_like(req), where=req > 0)
        cover = [(reach * share * (wcode == code)).sum(axis=1) for code in (3, 2, 1)]
        used, where = np.unique(role_rows, return_inverse=True)
        desc = self._description_rows([roles.descriptions[j] for j in used])
        text = kernel.rowwise_dot(desc, where.ravel(), self.bio_tfidf_, self.rank_[prof_rows]).astype(float)
        n_req = (req > 0).sum(axis=1)
        ver = (prof.verified[prof_rows] & (held > 0) & (req > 0)).sum(axis=1)
        verified = np.divide(ver, n_req, out=np.zeros(len(ver)), where=n_req > 0)
        public = kernel.years_signal(prof.public_years[prof_rows]).astype(float)
        start = (prof.available_from[prof_rows] <= roles.start[role_rows]).astype(float)
        return np.column_stack(cover + [text, public, verified, start])

    def gates(self, roles: RoleArrays, role_rows, prof_rows) -> np.ndarray:
        """(p,) bool: True where the pair passes every hard gate."""
        role_rows, prof_rows = np.asarray(role_rows, np.intp), np.asarray(prof_rows, np.intp)
        prof = self.professionals_
        held = prof.levels[prof_rows].astype(np.int16)
        req = roles.req_level[role_rows].astype(np.int16)
        short = ((roles.req_weight[role_rows] == 3) & (held < req - 1)).any(axis=1)
        code = roles.work_style[role_rows].astype(np.intp) * 3 + roles.area[role_rows]
        access = self.gate_arrays_[2][code, self.rank_[prof_rows]]
        return (prof.days[prof_rows] >= roles.days[role_rows]) & access & ~short

    def ungated_scores(self, roles: RoleArrays, role_row: int = 0) -> np.ndarray:
        """(n,) float32 score of one role for every professional as if no gate applied, in fitted row order.

        The same terms as `pair_features` weighted (coverage, text cosine, signals) in one product per term,
        computed in float32: within 1e-5 of the float64 weighted sum, which is what a caller preselecting the
        best gated-out professionals needs before ranking a few of them exactly."""
        one, inner = self._one_role_base(roles, role_row)
        inner += self.text_scale_ * np.asarray(self.bio_tfidf_ @ self._description(one), dtype=np.float32).ravel()
        return inner[self.rank_]

    def score_one(self, roles: RoleArrays, role_row: int = 0) -> np.ndarray:
        """(n,) scores of one role for every professional in fitted row order, -inf where a hard gate fails:
        the gates first, then one matrix-vector product per term over those who pass (for a single role this
        is several times cheaper than the batch path's text bound, which pays off over many roles)."""
        one, inner = self._one_role_base(roles, role_row)
        code = one.work_style.astype(np.intp) * 3 + one.area
        ok = kernel.gate_mask(self.gate_arrays_, one.days, code, kernel.must_plan(one.req_level, one.req_weight))[0]
        rows = np.flatnonzero(ok)
        out = np.full(len(inner), -np.inf, dtype=np.float32)
        if len(rows):
            text = np.asarray(self.bio_tfidf_[rows] @ self._description(one), dtype=np.float32).ravel()
            out[rows] = inner[rows] + self.text_scale_ * text
        return out[self.rank_]

    def _one_role_base(self, roles: RoleArrays, role_row: int) -> tuple[RoleArrays, np.ndarray]:
        """(that role, (n,) float32 skill coverage + signals + start fit in internal order, without text)."""
        one = roles.subset([role_row])
        base = kernel.role_matrix(one.req_level, one.req_weight, self.class_values, self.weights_, self.scale_)[0]
        # A role requires a few skills: about 17 of 211 columns are not zero. Those columns of the column-major
        # profile matrix, not all of it: 0.4 ms instead of 3.8 at 50,000 professionals.
        used = np.flatnonzero(base)
        inner = self.profile_matrix_[:, used] @ base[used]
        inner[:np.searchsorted(self.available_sorted_, one.start[0], side="right")] += (
            self.weights_["start_fit"] / self.scale_)
        return one, inner

    def _description(self, one: RoleArrays) -> np.ndarray:
        """(V, 1) dense TF-IDF column of a one-role RoleArrays' description."""
        return self._description_rows(one.descriptions[:1]).T.toarray()

    _DESCRIPTIONS_KEPT = 8

    def _description_rows(self, descriptions) -> sp.csr_matrix:
        """TF-IDF rows of role descriptions. A suggestion page scores its role, then explains ten candidates
        for it: the one description is expanded and transformed once (the last few are kept)."""
        if len(descriptions) != 1:
            return self.tfidf_.transform([self.expander_(d) for d in descriptions])
        kept = self._description_memo
        row = kept.get(descriptions[0])
        if row is None:
            if len(kept) >= self._DESCRIPTIONS_KEPT:
                kept.clear()
            row = kept[descriptions[0]] = self.tfidf_.transform([self.expander_(descriptions[0])])
        return row

    def explain(self, roles: RoleArrays, role_row: int, prof_rows, terms: bool = True) -> list[dict]:
        """Why each professional scores as they do for one role: per-skill status, gates, text, signals
        (terms=False: without the shared phrases of bio and description)."""
        return explain_pairs(self, roles, int(role_row), np.atleast_1d(np.asarray(prof_rows, np.intp)), terms)

    def _weighted_sum(self, features: np.ndarray) -> np.ndarray:
        """Score in [0, 1] from pair_features (gates ignored)."""
        beta = np.array([self.weights_[f] for f in kernel.FEATURES])
        return features @ beta / self.scale_

    def __sklearn_is_fitted__(self) -> bool:
        """Tell sklearn's check_is_fitted whether fit() ran."""
        return hasattr(self, "profile_matrix_")

