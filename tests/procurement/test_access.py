"""Access rules, parametrized over URLs × roles: officers act for their own municipality only, drafts stay
private to it, tenders an officer's municipality has no part in are invisible, private amounts are not shown."""
from __future__ import annotations

import shutil

import pytest

from govtech.extensions import db
from govtech.procurement import tenders
from tests.conftest import FreshContextClient, csrf_token, login, make_test_app
from tests.procurement.builders import join_all, make_request, make_tender, to_awarded

ROLES = {"hinohara": ("officer", "13307"), "setagaya": ("officer", "13112"), "chiyoda": ("officer", "13101"),
         "coordinator": ("coordinator", None), "admin": ("admin", None), "professional": ("professional", None)}


@pytest.fixture(scope="module")
def world(template_db, tmp_path_factory):
    """One app and database for the module: users of every role and tenders in several states."""
    from govtech.accounts import services

    path = tmp_path_factory.mktemp("access") / "db.sqlite3"
    shutil.copy(template_db, path)
    app = make_test_app(f"sqlite:///{path}")
    app.test_client_class = FreshContextClient
    with app.app_context():
        for key, (role, code) in ROLES.items():
            services.create_user(email=f"{key}@example.jp", password="correct-horse-battery", role=role,
                                 municipality=services.find_municipality(code) if code else None)
        db.session.commit()
        ids = {"draft": make_request("13307", submit=False).id, "submitted": make_request("13307").id}
        open_tender = make_tender(codes=("13307", "13112"), quantities=(10, 300), budgets=(600_000, 15_000_000))
        drafting = make_tender(codes=("13307", "13308"), quantities=(10, 20), budgets=(1, 2))
        join_all(drafting)
        tenders.close_survey(actor=None, tender=drafting)
        tenders.start_spec_drafting(actor=None, tender=drafting)
        db.session.commit()
        awarded = make_tender(codes=("13307", "13112"), quantities=(10, 300), budgets=(600_000, 15_000_000))
        to_awarded(awarded)
        ids.update(open=open_tender.id, drafting=drafting.id, awarded=awarded.id)
        yield {"app": app, "ids": ids, "clients": {}}
        db.session.remove()
        db.engine.dispose()


def client_for(world, who: str | None):
    """A test client signed in as `who` (None: signed out), reused across the module's tests."""
    if who not in world["clients"]:
        client = world["app"].test_client()
        if who:
            assert login(client, f"{who}@example.jp").status_code == 302
        world["clients"][who] = client
    return world["clients"][who]


OFFICERS = ("hinohara", "setagaya", "chiyoda")
CASES = [
    ("/procurement/requests", {**dict.fromkeys(OFFICERS, 200), "coordinator": 200, "admin": 403, "professional": 403}),
    ("/procurement/requests/new", {"hinohara": 200, "coordinator": 403, "professional": 403}),
    ("/procurement/requests/import", {"hinohara": 200, "coordinator": 403}),
    ("/procurement/requests/{draft}", {"hinohara": 200, "setagaya": 404, "coordinator": 404, "admin": 403}),
    ("/procurement/requests/{draft}/edit", {"hinohara": 200, "setagaya": 404, "coordinator": 403}),
    ("/procurement/requests/{submitted}", {"hinohara": 200, "setagaya": 404, "coordinator": 200, "professional": 403}),
    ("/procurement/pools", {"coordinator": 200, "hinohara": 403, "admin": 403}),
    ("/procurement/tenders", {"coordinator": 200, "hinohara": 403}),
    ("/procurement/tenders/new", {"coordinator": 200, "setagaya": 403}),
    ("/procurement/open-tenders", {"hinohara": 200, "chiyoda": 200, "coordinator": 403}),
    ("/procurement/tenders/{open}", {"hinohara": 200, "chiyoda": 200, "coordinator": 200, "professional": 403}),
    ("/procurement/tenders/{drafting}", {"hinohara": 200, "setagaya": 404, "chiyoda": 404, "coordinator": 200}),
    ("/procurement/tenders/{awarded}", {"hinohara": 200, "setagaya": 200, "chiyoda": 404, "coordinator": 200}),
    ("/procurement/tenders/{awarded}/ocds.json", {"coordinator": 200, "hinohara": 403}),
    ("/procurement/savings", {"hinohara": 200, "coordinator": 200, "professional": 403}),
    ("/procurement/categories", {"coordinator": 200, "admin": 200, "hinohara": 403}),
    ("/open-data/procurement/", {None: 200, "professional": 200}),
    ("/open-data/procurement/{awarded}.json", {None: 200}),
    ("/open-data/procurement/{open}.json", {None: 404}),
    ("/open-data/procurement/all.json", {None: 200}),
    ("/procurement/requests", {None: 302}),
]


@pytest.mark.parametrize("url, who, status", [(u, w, s) for u, table in CASES for w, s in table.items()],
                         ids=lambda v: str(v))
def test_get_access(world, url, who, status):
    response = client_for(world, who).get(url.format(**world["ids"]))
    assert response.status_code == status


POSTS = [
    ("/procurement/requests/{draft}/submit", "setagaya", 404),
    ("/procurement/requests/{submitted}/withdraw", "coordinator", 403),
    ("/procurement/requests/{submitted}/return", "hinohara", 403),
    ("/procurement/tenders/{drafting}/join", "chiyoda", 404),
    ("/procurement/tenders/{open}/join", "coordinator", 403),
    ("/procurement/tenders/{open}/step/close_survey", "hinohara", 403),
    ("/procurement/tenders/{open}/bids", "setagaya", 403),
    ("/procurement/tenders/{awarded}/allocate", "admin", 403),
]


@pytest.mark.parametrize("url, who, status", POSTS, ids=lambda v: str(v))
def test_post_access(world, url, who, status):
    client = client_for(world, who)
    token = csrf_token(client, "/")
    response = client.post(url.format(**world["ids"]), data={"csrf_token": token, "quantity": 1, "reason": "x"})
    assert response.status_code == status


def test_officers_see_only_their_own_ceiling_and_share(world):
    tender = world["ids"]["awarded"]
    own = client_for(world, "hinohara").get(f"/procurement/tenders/{tender}").get_data(as_text=True)
    assert "¥600,000" in own and "¥15,000,000" not in own  # 世田谷区's ceiling stays private
    coordinator = client_for(world, "coordinator").get(f"/procurement/tenders/{tender}").get_data(as_text=True)
    assert "¥600,000" in coordinator and "¥15,000,000" in coordinator
