"""SQL statements per page stay few and flat: counted with SQLAlchemy's before_cursor_execute event on the main
list and detail pages of procurement and talent, first with a handful of rows, then with tens of rows on the
same pages (no N+1: the count must not grow), and always under a small bound per page.
"""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from govtech.extensions import db
from govtech.talent import csv_import, matrices, workflow
from govtech.talent.csv_parse import PROFESSIONAL_COLUMNS, ROLE_COLUMNS
from govtech.talent.models import Match, Professional, Role
from tests.conftest import login
from tests.procurement.builders import make_request, make_tender
from tests.support.queries import count_queries

# Statements a signed-in page may issue: user, session checks, nav badges, the page's own queries.
MAX_LIST = 15
MAX_DETAIL = 15
MAX_SUGGESTIONS = 22  # also the pool fingerprint, the model, the pipeline, the people shown, the skill map




@pytest.fixture(autouse=True)
def _fresh_pool_cache():
    """The fitted pool scorer is cached per process: start and end without it."""
    matrices.clear_cache()
    yield
    matrices.clear_cache()


def _clients(app, make_user) -> tuple[dict, dict]:
    """A signed-in test client per role, and the users."""
    clients, users = {}, {}
    for role, muni in (("coordinator", None), ("officer", "13307"), ("professional", None)):
        users[role] = make_user(role=role, municipality=muni)
        clients[role] = app.test_client()
        assert login(clients[role], users[role]).status_code == 302
    return clients, users


def _measure(clients, pages) -> dict[str, int]:
    """Statements per page (the second of two visits, so per-process caches and hourly checks are warm)."""
    counts = {}
    for name, (who, url) in pages.items():
        for _ in range(2):
            with count_queries() as statements:
                response = clients[who].get(url() if callable(url) else url)
            assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
    return counts


def _assert_flat_and_bounded(few: dict, many: dict, bounds: dict) -> None:
    grew = {k: (few[k], many[k]) for k in few if many[k] > few[k]}
    assert not grew, f"statements grow with the rows shown (few, many): {grew}"
    over = {k: many[k] for k in many if many[k] > bounds[k]}
    assert not over, f"more statements than allowed {bounds}: {over}"


# --------------------------------------------------------------------------- procurement


def _tenders(n: int, start: int) -> list:
    codes = ("13101", "13102", "13103", "13104", "13105", "13307", "13112", "13308")
    return [make_tender(codes=codes[i % 3:i % 3 + 5], quantities=(10, 20, 30, 40, 50),
                        budgets=(500_000, 900_000, 1_300_000, 1_700_000, 2_100_000), title=f"共同調達 {start + i}")
            for i in range(n)]


def test_procurement_pages_issue_few_statements_whatever_the_rows(app, make_user):
    clients, _users = _clients(app, make_user)
    tenders = _tenders(2, 0)
    own = [make_request("13307", title=f"依頼 {i}") for i in range(2)]
    pages = {
        "requests (coordinator)": ("coordinator", "/procurement/requests"),
        "requests (officer)": ("officer", "/procurement/requests"),
        "tenders": ("coordinator", "/procurement/tenders"),
        "open tenders (officer)": ("officer", "/procurement/open-tenders"),
        "pools": ("coordinator", "/procurement/pools"),
        "tender detail": ("coordinator", lambda: f"/procurement/tenders/{tenders[-1].id}"),
        "tender detail (officer)": ("officer", lambda: f"/procurement/tenders/{tenders[-1].id}"),
        "request detail": ("officer", lambda: f"/procurement/requests/{own[-1].id}"),
    }
    few = _measure(clients, pages)
    tenders += _tenders(28, 2)  # 30 tenders of 5 municipalities each: more than a page of 25
    own += [make_request("13307", title=f"依頼 {i}", category_code=("chat", "rpa", "e-learning")[i % 3])
            for i in range(2, 40)]
    many = _measure(clients, pages)
    print("procurement statements per page (few rows, many rows):", {k: (few[k], many[k]) for k in few})
    bounds = {k: MAX_LIST if "detail" not in k else MAX_DETAIL for k in pages}
    _assert_flat_and_bounded(few, many, bounds)


# --------------------------------------------------------------------------- talent

SKILLS = ("data.analysis:3;data.bi:2;security.policy:1", "strategy.dx-strategy:3;strategy.exec-advisory:2",
          "systems.standardization:3;systems.gov-cloud:2;delivery.pmo:2", "design.ux:2;design.bpr:3")
MUNICIPALITIES = ("13112", "13101", "13102", "13103", "13104", "13201", "13202", "13361", "13308", "13421")
REQS = ("data.analysis:3:must;data.bi:2:important", "strategy.dx-strategy:2:must;strategy.policy:2:bonus",
        "systems.standardization:2:must;delivery.vendor-mgmt:2:important;systems.network:1:bonus")


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _import_people(start: int, n: int) -> None:
    rows = [[f"QC-P{i}", f"専門人材 {i}", f"qc{i}@example.jp", SKILLS[i % len(SKILLS)], 2, "2025-04-01",
             ("remote", "hybrid", "onsite")[i % 3], "wards;tama", i % 7, f"自治体のデータ分析とBIを支援 {i}"]
            for i in range(start, start + n)]
    csv_import.import_professionals(_csv(list(PROFESSIONAL_COLUMNS), rows))


def _import_roles(start: int, n: int) -> None:
    rows = [[f"QC-R{i}", "13307" if i % 2 else MUNICIPALITIES[i % len(MUNICIPALITIES)], f"データ利活用アドバイザー {i}",
             "庁内データの分析とBIの整備",
             REQS[i % len(REQS)], 1, "2025-06-01", "remote", 1] for i in range(start, start + n)]
    csv_import.import_roles(_csv(list(ROLE_COLUMNS), rows))


def _shortlist(role: Role, people: list[Professional], actor) -> None:
    for p in people:
        workflow.consider(role=role, professional=p, actor=actor)


def test_talent_pages_issue_few_statements_whatever_the_rows(app, make_user):
    clients, users = _clients(app, make_user)
    coordinator = users["coordinator"]
    _import_people(0, 4)
    _import_roles(0, 3)
    db.session.commit()
    role = db.session.scalar(select(Role).where(Role.external_id == "QC-R1"))  # 檜原村 (13307)
    people = list(db.session.scalars(select(Professional).order_by(Professional.id)))
    person = people[0]
    person.user_id = users["professional"].id  # the signed-in professional's own profile
    _shortlist(role, people[:2], coordinator)
    db.session.commit()
    match = db.session.scalar(select(Match).where(Match.role_id == role.id).order_by(Match.id))
    pages = {
        "roles (coordinator)": ("coordinator", "/talent/roles"),
        "roles (officer)": ("officer", "/talent/roles"),
        "professionals": ("coordinator", "/talent/professionals"),
        "role detail": ("coordinator", f"/talent/roles/{role.id}"),
        "role detail (officer)": ("officer", f"/talent/roles/{role.id}"),
        "professional detail": ("coordinator", f"/talent/professionals/{person.id}"),
        "candidate": ("coordinator", f"/talent/candidates/{match.id}"),
        "suggestions": ("coordinator", f"/talent/roles/{role.id}/suggestions"),
        "my roles (professional)": ("professional", "/talent/my-roles"),
        "introductions (professional)": ("professional", "/talent/introductions"),
    }
    few = _measure(clients, pages)
    _import_people(4, 56)  # 60 professionals, 40 roles, 30 candidates on the role, 10 roles for the person
    _import_roles(3, 37)
    db.session.commit()
    people = list(db.session.scalars(select(Professional).order_by(Professional.id)))
    _shortlist(role, people[2:30], coordinator)
    for other in db.session.scalars(select(Role).where(Role.id != role.id).order_by(Role.id).limit(10)):
        _shortlist(other, [person], coordinator)
    db.session.commit()
    many = _measure(clients, pages)
    print("talent statements per page (few rows, many rows):", {k: (few[k], many[k]) for k in few})
    bounds = {k: MAX_SUGGESTIONS if k == "suggestions" else MAX_DETAIL if "detail" in k or k == "candidate"
              else MAX_LIST for k in pages}
    _assert_flat_and_bounded(few, many, bounds)
