"""The dashboard and the home pages issue a fixed number of SQL statements, however much data there is (no N+1)."""
from __future__ import annotations

from govtech.extensions import db
from govtech.talent import workflow
from tests.conftest import login
from tests.dashboard.conftest import awarded_tender
from tests.support.queries import count_queries

MAX_DASHBOARD_QUERIES = 20




def _more_data(n: int, coordinator, make_role, make_professional) -> None:
    codes = ("13101", "13102", "13103", "13201", "13202", "13361", "13307")
    for i in range(n):
        awarded_tender(codes[i % 3: i % 3 + 4], (10, 20, 30, 40), (500_000, 900_000, 1_300_000, 1_700_000),
                       fy=2025 + i % 3, category=("chat", "rpa", "e-learning")[i % 3])
        role = make_role(reqs=[("data.bi", 1 + i % 3, "must"), ("strategy.policy", 2, "bonus")],
                         municipality=codes[i % len(codes)])
        for j in range(3):
            pro = make_professional(skills={"data.bi": 1 + j, "security.policy": 2, "design.ux": j + 1})
            workflow.consider(role=role, professional=pro, actor=coordinator)
    db.session.commit()


def test_dashboard_and_home_pages_do_not_query_per_row(app, people, make_role, make_professional):
    clients = {}
    for key in ("coordinator", "officer", "admin"):
        clients[key] = app.test_client()
        login(clients[key], people[key])
    pages = [("coordinator", "/dashboard/"), ("officer", "/dashboard/"), ("admin", "/dashboard/"),
             ("admin", "/"), ("coordinator", "/")]

    def counts():
        result = []
        for key, url in pages:
            with count_queries() as statements:
                assert clients[key].get(url).status_code == 200
            result.append(len(statements))
        return result

    _more_data(1, people["coordinator"], make_role, make_professional)
    counts()  # the first home page of the hour also runs the deadline reminders
    few = counts()
    _more_data(6, people["coordinator"], make_role, make_professional)
    assert counts() == few
    assert max(few[:3]) <= MAX_DASHBOARD_QUERIES, few
