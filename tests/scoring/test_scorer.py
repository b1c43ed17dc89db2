"""SkillMapScorer: hard gates, coverage capping, explanations, chunked top-k against brute force, bilingual text."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from govtech.scoring import FEATURES, SkillMapScorer, kernel
from govtech.scoring.synthetic import make_pool, true_coverage, true_gates

STD = "systems.standardization"
CLOUD = "systems.gov-cloud"
VENDOR = "delivery.vendor-mgmt"
ROLE = {
    "requirements": {STD: (3, "must"), CLOUD: (2, "important"), VENDOR: (2, "bonus")},
    "days": 2.0, "work_style": "hybrid", "area": "tama",
    "description": "基幹業務システム標準化アドバイザー。ガバメントクラウド移行を支援していただきます。",
}
QUALIFIED = {"skills": {STD: 3, CLOUD: 2, VENDOR: 2}, "days": 2.0, "work_style": "hybrid",
             "regions": ["wards", "tama"]}


def fitted(codes, pros):
    """A scorer fitted on `pros` with prior weights."""
    return SkillMapScorer(codes).fit(pros)


def with_(base: dict, **changes) -> dict:
    """A copy of a spec with some fields replaced."""
    return {**base, **changes}


@pytest.mark.parametrize("change, gate", [
    ({"days": 1.5}, "days"),
    ({"skills": {STD: 1, CLOUD: 2, VENDOR: 2}}, "must_skill"),
    ({"work_style": "remote"}, "work_style"),
    ({"regions": ["wards"]}, "area"),
])
def test_each_gate_excludes(codes, make_pros, make_roles, change, gate):
    pros = make_pros(QUALIFIED, with_(QUALIFIED, **change))
    roles = make_roles(ROLE)
    scorer = fitted(codes, pros)
    scores = scorer.score_matrix(roles)
    assert np.isfinite(scores[0, 0]) and scores[0, 1] == -np.inf
    idx, val = scorer.top_k(roles, k=2)
    assert idx[0].tolist() == [0, -1] and np.isnan(val[0, 1])
    explanation = scorer.explain(roles, 0, [1])[0]
    assert not explanation["eligible"]
    assert [g["gate"] for g in explanation["gates"]] == [gate]


def test_remote_role_ignores_area_and_onsite_professional_takes_all(codes, make_pros, make_roles):
    pros = make_pros(with_(QUALIFIED, work_style="onsite", regions=[]), with_(QUALIFIED, work_style="remote"))
    roles = make_roles(with_(ROLE, work_style="remote", area="islands"), with_(ROLE, work_style="onsite"))
    scores = fitted(codes, pros).score_matrix(roles)
    assert np.isfinite(scores[0]).all()  # remote role: any style, any area
    assert scores[1, 0] == -np.inf  # onsite in tama but the professional has no on-site region
    assert scores[1, 1] == -np.inf  # remote-only professional


def test_one_level_short_must_is_partial_two_short_is_gated(codes, make_pros, make_roles):
    pros = make_pros(QUALIFIED, with_(QUALIFIED, skills={STD: 2, CLOUD: 2, VENDOR: 2}),
                     with_(QUALIFIED, skills={STD: 1, CLOUD: 2, VENDOR: 2}))
    roles = make_roles(ROLE)
    scorer = fitted(codes, pros)
    scores = scorer.score_matrix(roles)[0]
    assert np.isfinite(scores[1]) and scores[1] < scores[0]
    assert scores[2] == -np.inf
    partial, gated = scorer.explain(roles, 0, [1, 2])
    assert partial["eligible"] and partial["skills"][0] == {
        "skill": STD, "required": 3, "held": 2, "weight": "must", "status": "partial", "verified": False,
        "contribution": partial["skills"][0]["contribution"]}
    assert partial["coverage"] == pytest.approx((3 * 2 / 3 + 2 + 1) / 6, abs=1e-4)
    assert gated["gates"] == [{"gate": "must_skill", "detail": {"skill": STD, "required": 3, "held": 1}}]


def test_over_qualification_adds_nothing(codes, make_pros, make_roles):
    expert = with_(QUALIFIED, skills={STD: 4, CLOUD: 4, VENDOR: 4})
    scores = fitted(codes, make_pros(QUALIFIED, expert)).score_matrix(make_roles(ROLE))[0]
    assert scores[0] == pytest.approx(scores[1], abs=1e-6)


def test_coverage_weights_classes_and_matches_reference(codes, make_pros, make_roles):
    pros = make_pros(with_(QUALIFIED, skills={STD: 2, CLOUD: 2}), with_(QUALIFIED, skills={STD: 3, VENDOR: 2}))
    roles = make_roles(ROLE)
    features = fitted(codes, pros).pair_features(roles, [0, 0], [0, 1])
    coverage = features[:, :3].sum(axis=1)
    assert coverage == pytest.approx([(3 * 2 / 3 + 2) / 6, (3 + 1) / 6])
    assert coverage == pytest.approx(true_coverage(pros, roles)[0])


def test_scores_equal_weighted_features_and_lie_in_unit_interval(codes):
    pool = make_pool(300, 40, seed=11)
    scorer = SkillMapScorer(codes, chunk_size=16).fit(pool.professionals)
    scores = scorer.score_matrix(pool.roles)
    rows, cols = np.nonzero(np.isfinite(scores))
    weighted = scorer.pair_features(pool.roles, rows, cols) @ [scorer.weights_[f] for f in FEATURES]
    assert scores[rows, cols] == pytest.approx(weighted / scorer.scale_, abs=1e-5)
    assert scores[rows, cols].min() >= 0 and scores[rows, cols].max() <= 1
    assert np.array_equal(~np.isfinite(scores), true_gates(pool.professionals, pool.roles))


@pytest.mark.parametrize("text_rank, chunk_size", [(96, 256), (8, 7), (0, 33)])
def test_chunked_top_k_equals_brute_force(codes, monkeypatch, text_rank, chunk_size):
    monkeypatch.setattr(kernel, "SMALL_POOL", 0)  # use the text bound even on this small pool
    pool = make_pool(700, 60, seed=5)
    scorer = SkillMapScorer(codes, text_rank=text_rank, chunk_size=chunk_size).fit(pool.professionals)
    scores = scorer.score_matrix(pool.roles)
    k = 12
    idx, val = scorer.top_k(pool.roles, k)
    for j in range(len(pool.roles)):
        finite = np.flatnonzero(np.isfinite(scores[j]))
        order = finite[np.lexsort((finite, -scores[j, finite]))][:k]
        assert idx[j, :len(order)].tolist() == order.tolist()
        assert val[j, :len(order)] == pytest.approx(scores[j, order], abs=1e-6)
        assert (idx[j, len(order):] == -1).all() and np.isnan(val[j, len(order):]).all()


def test_top_k_pads_when_fewer_pass_and_handles_k_above_pool(codes, make_pros, make_roles):
    pros = make_pros(QUALIFIED, with_(QUALIFIED, days=1.0), with_(QUALIFIED, bio="標準化"))
    idx, val = fitted(codes, pros).top_k(make_roles(ROLE), k=5)
    assert sorted(idx[0, :2].tolist()) == [0, 2] and idx[0, 2:].tolist() == [-1, -1, -1]
    assert np.isnan(val[0, 2:]).all() and val[0, 0] >= val[0, 1]


def test_explanation_is_json_and_contributions_add_up(codes, make_pros, make_roles):
    pros = make_pros(with_(QUALIFIED, verified=[STD], years=6.0,
                           bio="区役所で基幹業務システム標準化とガバメントクラウド移行を担当しました。"),
                     with_(QUALIFIED, skills={STD: 3}, available_from=dt.date(2026, 1, 1)))
    roles = make_roles(ROLE)
    scorer = fitted(codes, pros)
    explanations = scorer.explain(roles, 0, [0, 1])
    json.dumps(explanations)  # JSON-serialisable as is
    first, second = explanations
    assert first["score"] == pytest.approx(float(scorer.score_matrix(roles)[0, 0]), abs=1e-4)
    parts = (sum(s["contribution"] for s in first["skills"]) + first["text_contribution"]
             + sum(sig["contribution"] for sig in first["signals"].values()))
    assert parts == pytest.approx(first["score"], abs=1e-3)
    assert [s["status"] for s in second["skills"]] == ["met", "missing", "missing"]
    assert first["skills"][0]["verified"] and not second["skills"][0]["verified"]
    assert first["signals"]["public_sector"]["years"] == 6.0
    assert second["signals"]["start_fit"]["value"] == 0.0 and second["signals"]["start_fit"]["start"] == "2025-04-01"
    assert "ガバメントクラウド" in first["shared_terms"]
    assert first["text_relevance"] > second["text_relevance"] == 0.0


def test_japanese_and_english_bios_match_a_japanese_role(codes, make_pros, make_roles):
    bios = [
        "区役所で基幹業務システムの標準化とガバメントクラウドへの移行を担当しました。",
        "Led core system standardisation and the government cloud migration for a municipality.",
        "飲食店の予約アプリをスマートフォン向けに開発しました。",
        "Built a mobile ordering app for a restaurant chain.",
    ]
    pros = make_pros(*[with_(QUALIFIED, bio=b) for b in bios])
    roles = make_roles(with_(ROLE, description="自治体の基幹業務システム標準化とガバメントクラウド移行の支援"))
    text = fitted(codes, pros).pair_features(roles, [0] * 4, range(4))[:, FEATURES.index("text")]
    assert text[0] > text[2] and text[1] > text[3] and text[1] > 0.05


def test_learned_weights_change_ranking(codes, make_pros, make_roles):
    pros = make_pros(with_(QUALIFIED, years=0.0), with_(QUALIFIED, skills={STD: 3, CLOUD: 2}, years=20.0))
    roles = make_roles(ROLE)
    assert fitted(codes, pros).top_k(roles, 1)[0][0, 0] == 0
    scorer = SkillMapScorer(codes, weights={"public_years": 5.0}).fit(pros)
    assert scorer.top_k(roles, 1)[0][0, 0] == 1
    assert SkillMapScorer(codes, weights=np.ones(len(FEATURES))).fit(pros).weights_["text"] == 1.0


def test_rejects_bad_input(codes, make_pros, make_roles):
    pros = make_pros(QUALIFIED)
    with pytest.raises(RuntimeError):
        SkillMapScorer(codes).top_k(make_roles(ROLE), 1)
    with pytest.raises(ValueError):
        SkillMapScorer(codes[:5]).fit(pros)
    with pytest.raises(ValueError):
        SkillMapScorer(codes, weights={"charisma": 1.0}).fit(pros)
    with pytest.raises(ValueError):
        SkillMapScorer(codes, weights={"text": -1.0}).fit(pros)


def test_one_role_against_whole_pool_matches_batch(codes):
    pool = make_pool(500, 30, seed=2)
    scorer = SkillMapScorer(codes).fit(pool.professionals)
    idx, val = scorer.top_k(pool.roles, 10)
    one_idx, one_val = scorer.top_k(pool.roles.subset([17]), 10)
    assert one_idx[0].tolist() == idx[17].tolist()
    assert one_val[0] == pytest.approx(val[17], abs=1e-6, nan_ok=True)


def test_importing_scoring_does_not_import_flask_or_sqlalchemy():
    code = ("import sys, govtech.scoring, govtech.scoring.synthetic; "
            "print(any(m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_explanations_and_gates_agree_with_score_matrix_on_a_shuffled_pool(codes):
    pool = make_pool(250, 6, seed=4)  # random availability dates: the scorer's internal order differs
    scorer = SkillMapScorer(codes).fit(pool.professionals)
    scores = scorer.score_matrix(pool.roles)
    for j in range(len(pool.roles)):
        rows = np.arange(len(pool.professionals))
        explained = scorer.explain(pool.roles, j, rows)
        eligible = np.array([e["eligible"] for e in explained])
        assert np.array_equal(eligible, np.isfinite(scores[j]))
        assert np.array_equal(eligible, scorer.gates(pool.roles, np.full(len(rows), j), rows))
        assert all(bool(e["gates"]) != e["eligible"] for e in explained)
        got = np.array([e["score"] for e in explained])[eligible]
        assert got == pytest.approx(scores[j, eligible], abs=1e-4)


def test_empty_pool_and_empty_roles(codes):
    pool = make_pool(30, 4, seed=1)
    idx, val = SkillMapScorer(codes).fit(pool.professionals.subset([])).top_k(pool.roles, 3)
    assert (idx == -1).all() and np.isnan(val).all()
    scorer = SkillMapScorer(codes).fit(pool.professionals)
    assert scorer.top_k(pool.roles.subset([]), 3)[0].shape == (0, 3)
    assert scorer.score_matrix(pool.roles.subset([])).shape == (0, 30)
    assert scorer.explain(pool.roles, 0, []) == []


def test_restored_state_scores_and_explains_like_the_fitted_scorer(codes, monkeypatch):
    """fitted_state() → plain arrays (no pickle) → restore(): the same rankings, scores and explanations,
    text bound included (a pool large enough for the basis)."""
    monkeypatch.setattr(kernel, "SMALL_POOL", 0)
    pool = make_pool(400, 40, seed=11)
    fitted = SkillMapScorer(codes).fit(pool.professionals)
    state = fitted.fitted_state()
    assert all(isinstance(v, np.ndarray) and v.dtype != object for v in state.values())
    restored = SkillMapScorer(codes).restore({k: v.copy() for k, v in state.items()})
    for left, right in zip(fitted.top_k(pool.roles, 10), restored.top_k(pool.roles, 10), strict=True):
        assert np.array_equal(left, right, equal_nan=True)
    assert np.array_equal(fitted.score_matrix(pool.roles), restored.score_matrix(pool.roles))
    rows = np.arange(0, 400, 37)
    assert fitted.explain(pool.roles, 3, rows) == restored.explain(pool.roles, 3, rows)
    assert restored.professionals_.bios == pool.professionals.bios


@pytest.mark.parametrize("damage", ["bio_offsets", "matrix_rows", "text_columns", "order"])
def test_restore_refuses_a_damaged_state(codes, damage):
    pool = make_pool(60, 2, seed=3)
    state = SkillMapScorer(codes).fit(pool.professionals).fitted_state()
    if damage == "bio_offsets":
        state["prof_bio_ends"] = state["prof_bio_ends"] + 1
    elif damage == "matrix_rows":
        state["profile_matrix"] = state["profile_matrix"][:-1]
    elif damage == "text_columns":
        state["bio_shape"] = state["bio_shape"] + np.array([0, 5])
    else:
        state["order"] = np.zeros_like(state["order"])
    with pytest.raises(ValueError):
        SkillMapScorer(codes).restore(state)


def test_one_role_path_equals_the_score_matrix(codes, monkeypatch):
    """score_one (a page scoring one role) gives the batch path's scores and gates; ungated_scores are the
    weighted features of every pair, gated or not."""
    monkeypatch.setattr(kernel, "SMALL_POOL", 0)
    pool = make_pool(600, 12, seed=9)
    scorer = SkillMapScorer(codes).fit(pool.professionals)
    matrix = scorer.score_matrix(pool.roles)
    for j in range(len(pool.roles)):
        gated, ungated = scorer.score_one(pool.roles, j), scorer.ungated_scores(pool.roles, j)
        assert np.array_equal(np.isfinite(gated), np.isfinite(matrix[j]))
        assert gated[np.isfinite(gated)] == pytest.approx(matrix[j][np.isfinite(matrix[j])], abs=1e-5)
        rows = np.arange(len(pool.professionals))
        exact = scorer._weighted_sum(scorer.pair_features(pool.roles, np.full(len(rows), j), rows))
        assert ungated == pytest.approx(exact, abs=1e-5)


def test_scikit_learn_estimator_api_without_importing_scikit_learn(codes):
    """The scorer keeps scikit-learn's parameter API (clone, get/set_params), while starting the portal and
    ranking does not import scikit-learn (its scipy.stats is 0.5 s of every command's and worker's start-up)."""
    from sklearn.base import clone

    scorer = SkillMapScorer(codes, text_weight=0.5, chunk_size=64)
    copy = clone(scorer)
    assert copy is not scorer and copy.get_params() == scorer.get_params()
    assert copy.set_params(text_rank=8).text_rank == 8
    with pytest.raises(ValueError, match="invalid parameter"):
        scorer.set_params(nope=1)
    assert "text_weight=0.5" in repr(scorer) and "chunk_size=64" in repr(scorer) and "ngram_range" not in repr(scorer)
    code = ("import os, sys; os.environ.setdefault('SECRET_KEY', 'x'); import app, govtech.talent.ranking, "
            "govtech.scoring; govtech.scoring.SkillMapScorer; "
            "print(sorted({m.split('.')[0] + '.' + (m.split('.') + [''])[1] for m in sys.modules "
            "if m.startswith(('sklearn', 'scipy.stats', 'scipy.optimize', 'scipy.cluster'))}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2],
                         env={**os.environ, "DATABASE_URL": "sqlite://", "POOL_STORE_DIR": ""})
    assert out.stdout.strip().splitlines()[-1] == "[]"
