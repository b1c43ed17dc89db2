"""Dashboard aggregates against builder data: each figure equals the sum of the rows it summarises."""
from __future__ import annotations

from sqlalchemy import select

from govtech.accounts.services import find_municipality
from govtech.extensions import db
from govtech.procurement.models import JOINED, Participation
from govtech.talent import workflow
from tests.dashboard.conftest import awarded_tender, open_tender
from tests.talent.conftest import step


def _ledger(municipality_code: str | None = None) -> list[Participation]:
    """The participations the savings figures must add up (checked row by row, in Python)."""
    rows = [p for p in db.session.scalars(select(Participation))
            if p.status in JOINED and p.allocated_jpy is not None and p.tender.state in ("awarded", "contracting",
                                                                                      "active", "closed")]
    return [p for p in rows if municipality_code is None or p.municipality.code == municipality_code]


def test_savings_by_year_municipality_and_category_add_up(app):
    from govtech.dashboard import queries

    awarded_tender(("13307", "13112", "13101"), (10, 300, 50), (600_000, 15_000_000, 2_600_000), fy=2026)
    awarded_tender(("13307", "13361"), (20, 5), (900_000, 300_000), fy=2027, category="e-learning")
    open_tender(("13307", "13102"))  # not awarded: counts nowhere
    rows = _ledger()
    by_year = {r["key"]: r for r in queries.savings_by_year()}
    assert sorted(by_year) == [2026, 2027]
    for fy, r in by_year.items():
        mine = [p for p in rows if p.tender.fiscal_year == fy]
        assert r["savings_jpy"] == sum(p.savings_jpy for p in mine)
        assert r["allocated_jpy"] == sum(p.allocated_jpy for p in mine)
        assert r["standalone_jpy"] == sum(p.standalone_jpy for p in mine)
        assert r["tenders"] == 1
    by_muni = queries.savings_by_municipality()
    assert {r["key"].code for r in by_muni} == {"13307", "13112", "13101", "13361"}
    assert [r["savings_jpy"] for r in by_muni] == sorted((r["savings_jpy"] for r in by_muni), reverse=True)
    hinohara = next(r for r in by_muni if r["key"].code == "13307")
    assert hinohara["tenders"] == 2 and hinohara["savings_jpy"] == sum(p.savings_jpy for p in _ledger("13307"))
    assert sum(r["savings_jpy"] for r in by_muni) == sum(r["savings_jpy"] for r in by_year.values())
    own = find_municipality("13307").id
    assert [r["savings_jpy"] for r in queries.savings_by_year(own)] == [
        sum(p.savings_jpy for p in _ledger("13307") if p.tender.fiscal_year == fy) for fy in (2026, 2027)]
    assert {r["key"].code: r["tenders"] for r in queries.savings_by_category(own)} == {"office-license": 1,
                                                                                       "e-learning": 1}


def test_participation_covers_the_62_municipalities_by_area(app):
    from govtech.dashboard import queries

    awarded_tender(("13307", "13112", "13101"), (10, 300, 50), (600_000, 15_000_000, 2_600_000))
    awarded_tender(("13307", "13361"), (20, 5), (900_000, 300_000), category="e-learning")
    open_tender(("13102", "13201"))  # offered only: filed a request, has not joined
    areas = {r["area"]: r for r in queries.participation_by_area()}
    assert {a: r["municipalities"] for a, r in areas.items()} == {"wards": 23, "tama": 30, "islands": 9}
    assert {a: r["joined"] for a, r in areas.items()} == {"wards": 2, "tama": 1, "islands": 1}
    assert {a: r["participations"] for a, r in areas.items()} == {"wards": 2, "tama": 2, "islands": 1}
    assert {a: r["filed"] for a, r in areas.items()} == {"wards": 3, "tama": 2, "islands": 1}
    grid = queries.participation_by_municipality()
    assert len(grid) == 62
    assert {r["municipality"].code: r["joined"] for r in grid if r["joined"]} == {"13307": 2, "13112": 1,
                                                                                "13101": 1, "13361": 1}


def test_skill_heatmap_counts_consenting_supply_and_open_demand(app, make_professional, make_role):
    from govtech.dashboard import queries

    make_professional(skills={"data.bi": 3, "data.analysis": 1})    # data: best level 3
    make_professional(skills={"data.analysis": 2})                  # data: 2
    make_professional(skills={"data.bi": 4}, consent=False)         # not in the pool
    make_professional(skills={"security.policy": 1})
    make_role(reqs=[("data.bi", 2, "must"), ("data.analysis", 2, "important")])  # one role, counted once
    make_role(reqs=[("data.bi", 3, "must")], municipality="13112")
    make_role(reqs=[("data.bi", 3, "must")], state="closed")
    rows = {r["category"].code: {c["level"]: (c["supply"], c["demand"]) for c in r["cells"]}
            for r in queries.skill_heatmap()}
    assert rows["data"] == {1: (2, 0), 2: (2, 1), 3: (1, 1), 4: (0, 0)}
    assert rows["security"] == {1: (1, 0), 2: (0, 0), 3: (0, 0), 4: (0, 0)}
    assert len(rows) == 7
    hinohara = find_municipality("13307").id
    scoped = {r["category"].code: [c["demand"] for c in r["cells"]] for r in queries.skill_heatmap(hinohara)}
    assert scoped["data"] == [0, 1, 0, 0]


def test_funnel_counts_how_far_each_match_got(app, people, make_professional, make_role):
    from govtech.dashboard import queries

    coordinator, officer = people["coordinator"], people["officer"]
    role = make_role(positions=3)
    other = make_role(municipality="13112")
    pros = [make_professional(skills={"data.analysis": 3, "data.bi": 2}) for _ in range(6)]
    m = [workflow.consider(role=role, professional=p, actor=coordinator) for p in pros[:5]]
    workflow.consider(role=other, professional=pros[5], actor=coordinator, status="rejected")
    db.session.commit()
    for match in m[:4]:
        step(match, "introduce", coordinator)
    for match in m[:3]:
        step(match, "accept", coordinator)  # imported professionals: the coordinator records their answer
    step(m[3], "decline", coordinator)
    step(m[0], "interview", officer)
    step(m[0], "appoint", officer)
    step(m[1], "interview", officer)
    figures = queries.funnel()
    assert figures["reached"] == {"suggested": 6, "shortlisted": 5, "introduced": 4, "interviewing": 2,
                                  "appointed": 1}
    assert figures["ended"] == {"declined": 1, "withdrawn": 0, "rejected": 1}
    hinohara = queries.funnel(find_municipality("13307").id)
    assert hinohara["reached"]["suggested"] == 5 and hinohara["ended"]["rejected"] == 0


def test_admin_figures(app, make_user):
    from govtech.dashboard import queries

    make_user(role="officer")
    make_user(role="officer", municipality="13112")
    make_user(role="coordinator")
    counts = queries.users_by_role()
    assert counts == {"officer": {"active": 2, "inactive": 0}, "coordinator": {"active": 1, "inactive": 0}}
    assert queries.reference_counts() == {"municipalities": 62, "categories": 15, "skill_categories": 7,
                                          "skills": 42}
