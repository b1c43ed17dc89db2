"""Learning from decisions: fallback with few decisions, learned weights and held-out metrics with enough."""
from __future__ import annotations

from sqlalchemy import select

from govtech.extensions import db
from govtech.scoring import PRIOR_WEIGHTS
from govtech.talent import ranking, training, workflow
from govtech.talent.models import ScoringModel


def test_too_few_decisions_keep_the_prior(make_role, make_professional, people):
    role = make_role(reqs=[("data.bi", 2, "important")])
    pro = make_professional(skills={"data.bi": 3})
    workflow.consider(role=role, professional=pro, actor=people["coordinator"])
    model = training.retrain(actor=people["coordinator"])
    db.session.commit()
    assert model.version == 1 and model.fallback and model.active and model.n_decisions == 1
    assert model.weights == PRIOR_WEIGHTS and "fewer than" in model.metrics["reason"]


def test_enough_decisions_learn_weights_with_held_out_metrics(make_role, make_professional, people):
    relevant = "自治体のEBPM推進とBIダッシュボード整備を支援してきました。"
    unrelated = "飲食店の店舗運営と接客の経験があります。"
    pros = [make_professional(skills={"data.bi": 2}, bio=relevant if n % 2 == 0 else unrelated) for n in range(24)]
    for r in range(8):
        role = make_role(reqs=[("data.bi", 2, "important")], title="EBPMアドバイザー",
                         description="EBPMの推進とBIダッシュボードの整備")
        for n in range(6):
            pro = pros[(r * 3 + n) % len(pros)]
            status = "shortlisted" if pro.bio == relevant else "rejected"
            workflow.consider(role=role, professional=pro, actor=people["coordinator"], status=status)
    db.session.commit()
    training.retrain()  # v1
    model = training.retrain(actor=people["coordinator"])  # v2
    db.session.commit()
    assert model.version == 2 and model.n_decisions == 48
    assert not model.fallback, model.metrics
    assert model.metrics["ndcg@5"] >= 0.95 and model.metrics["precision@5"] > 0
    assert model.weights["text"] > 0
    active = db.session.scalars(select(ScoringModel).where(ScoringModel.active.is_(True))).all()
    assert [m.version for m in active] == [2]
    # The pool scorer now uses the learned weights.
    assert ranking.pool().model_version == 2
