"""Suggestions, explanations, gates, roles for a professional and the pool-wide plan (no HTTP)."""
from __future__ import annotations

from govtech.extensions import db
from govtech.talent import ranking, workflow
from govtech.talent.models import Match


def test_suggest_ranks_by_coverage_and_excludes_gates_and_non_consenting(make_role, make_professional):
    role = make_role(reqs=[("data.analysis", 3, "must"), ("data.bi", 2, "important")], days=1)
    best = make_professional(skills={"data.analysis": 4, "data.bi": 3})
    partial = make_professional(skills={"data.analysis": 2, "data.bi": 1})
    make_professional(skills={"data.analysis": 1, "data.bi": 4})  # must skill two levels short
    make_professional(skills={"data.analysis": 4, "data.bi": 4}, days=0.5)  # not enough days
    make_professional(skills={"data.analysis": 4, "data.bi": 4}, consent=False)
    ranked = ranking.suggest(role, top=10)
    assert [s.professional_id for s in ranked] == [best.id, partial.id]
    assert ranked[0].score > ranked[1].score
    top = ranked[0].explanation
    assert top["eligible"] and not top["gates"]
    assert {s["skill"]: s["status"] for s in top["skills"]} == {"data.analysis": "met", "data.bi": "met"}
    assert {s["skill"]: s["status"] for s in ranked[1].explanation["skills"]} == {
        "data.analysis": "partial", "data.bi": "partial"}
    assert ranking.count_eligible(role) == 2


def test_gated_out_lists_the_failed_gate(make_role, make_professional):
    role = make_role(reqs=[("data.analysis", 3, "must")], work_style="hybrid", municipality="13401")  # islands
    no_area = make_professional(skills={"data.analysis": 4}, regions=("wards",))
    remote_only = make_professional(skills={"data.analysis": 4}, work_style="remote")
    short = make_professional(skills={"data.analysis": 1})
    gated = {g.professional_id: [x["gate"] for x in g.explanation["gates"]] for g in ranking.gated_out(role)}
    assert gated[no_area.id] == ["area"]
    assert gated[remote_only.id] == ["work_style"]
    assert "must_skill" in gated[short.id]
    assert ranking.suggest(role) == []


def test_text_relevance_breaks_ties_between_equal_skills(make_role, make_professional):
    role = make_role(reqs=[("systems.standardization", 2, "important")], title="標準化アドバイザー",
                     description="基幹業務システムの標準化とガバメントクラウド移行を支援")
    plain = make_professional(skills={"systems.standardization": 3}, bio="営業とマーケティングの経験があります。")
    told = make_professional(skills={"systems.standardization": 3},
                             bio="自治体の基幹業務システム標準化とガバメントクラウド移行を支援してきました。")
    ranked = ranking.suggest(role)
    assert [s.professional_id for s in ranked] == [told.id, plain.id]
    assert ranked[0].explanation["text_relevance"] > ranked[1].explanation["text_relevance"]


def test_roles_for_a_professional_eligible_first_even_without_consent(make_role, make_professional):
    fits = make_role(reqs=[("data.bi", 2, "important")], title="fits")
    too_long = make_role(reqs=[("data.bi", 2, "important")], days=4, title="needs 4 days")
    pro = make_professional(skills={"data.bi": 3}, days=2, consent=False)
    results = ranking.roles_for(pro, [too_long, fits])
    assert [r.id for r, _e in results] == [fits.id, too_long.id]
    assert results[0][1]["eligible"] and not results[1][1]["eligible"]
    assert results[1][1]["gates"][0]["gate"] == "days"


def test_suggest_all_covers_every_open_role(make_role, make_professional):
    a = make_role(reqs=[("data.bi", 2, "must")])
    b = make_role(reqs=[("security.policy", 2, "must")])
    make_role(reqs=[("data.bi", 2, "must")], state="closed")
    pro = make_professional(skills={"data.bi": 3})
    result = ranking.suggest_all(top=5)
    assert set(result) == {a.id, b.id}
    assert [pid for pid, _s in result[a.id]] == [pro.id]
    assert result[b.id] == []


def test_plan_respects_days_positions_and_existing_pairs(make_role, make_professional, people):
    r1 = make_role(reqs=[("data.bi", 2, "important")], days=2, positions=1)
    r2 = make_role(reqs=[("data.bi", 2, "important")], days=2, positions=2)
    star = make_professional(skills={"data.bi": 4}, days=2)  # can take only one 2-day role
    others = [make_professional(skills={"data.bi": 2}, days=3) for _ in range(3)]
    pairs = ranking.plan()
    per_pro = {}
    for p in pairs:
        per_pro.setdefault(p.professional_id, []).append(p.role_id)
    assert len(per_pro.get(star.id, [])) <= 1
    assert sum(1 for p in pairs if p.role_id == r1.id) <= 1
    assert sum(1 for p in pairs if p.role_id == r2.id) <= 2
    assert len(pairs) == 3
    # Applying shortlists the pairs; the next plan proposes only new ones.
    created = workflow.apply_plan(pairs={(p.role_id, p.professional_id) for p in pairs}, actor=people["coordinator"])
    db.session.commit()
    assert {m.status for m in created} == {"shortlisted"} and all(m.origin == "plan" for m in created)
    again = {(p.role_id, p.professional_id) for p in ranking.plan()}
    assert not again & {(p.role_id, p.professional_id) for p in pairs}
    assert db.session.query(Match).count() == 3
    assert others  # the pool had enough people


def test_cached_pool_is_rebuilt_after_a_profile_change(make_role, make_professional, skill_ids):
    from govtech.talent import services

    role = make_role(reqs=[("data.bi", 3, "must")])
    pro = make_professional(skills={"data.bi": 1})
    assert ranking.suggest(role) == []  # two levels short of a must skill
    services.set_levels(pro, {skill_ids["data.bi"]: 3})
    pro.touch()
    db.session.commit()
    assert [s.professional_id for s in ranking.suggest(role)] == [pro.id]


def test_a_roles_results_are_kept_with_the_pool_until_the_role_or_the_pool_changes(make_role, make_professional,
                                                                                  skill_ids, monkeypatch):
    """The suggestion page's ranking, near misses and eligible count are computed once per role version and
    fitted pool; editing the role (version) or any profile (new pool) computes them again."""
    from govtech.talent.models import RoleRequirement

    role = make_role(reqs=[("data.analysis", 3, "must")], days=1)
    analyst = make_professional(skills={"data.analysis": 4})
    bi = make_professional(skills={"data.analysis": 2, "data.bi": 4})
    calls = []
    real = ranking._explained
    monkeypatch.setattr(ranking, "_explained", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = ranking.suggest(role, top=10)
    assert [s.professional_id for s in first] == [analyst.id, bi.id] and len(calls) == 1
    assert [s.professional_id for s in ranking.suggest(role, top=10)] == [analyst.id, bi.id]
    assert len(calls) == 1  # remembered
    # The role now asks for BI first: a new version, computed again, new order.
    role.requirements.append(RoleRequirement(skill_id=skill_ids["data.bi"], min_level=4, weight="must"))
    role.touch()
    db.session.commit()
    assert [s.professional_id for s in ranking.suggest(role, top=10)] == [bi.id] and len(calls) == 2
    # A profile change makes a new pool: computed again.
    analyst.skills[0].level = 1
    analyst.touch()
    db.session.commit()
    ranking.suggest(role, top=10)
    assert len(calls) == 3
