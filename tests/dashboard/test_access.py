"""Who reaches the dashboard and the CSV downloads (roles × URLs), and what officers see: their municipality only."""
from __future__ import annotations

import csv
import io

import pytest

from govtech.extensions import db
from govtech.talent import workflow
from tests.conftest import login
from tests.dashboard.conftest import awarded_tender
from tests.procurement.builders import make_request

ROLES = {"hinohara": ("officer", "13307"), "setagaya": ("officer", "13112"), "coordinator": ("coordinator", None),
         "admin": ("admin", None), "professional": ("professional", None)}


@pytest.fixture()
def world(app, make_user, make_role, make_professional):
    """Users of every role, an awarded tender of 檜原村 and 世田谷区, a draft, a role with a suggestion."""
    users = {key: make_user(role=role, municipality=code) for key, (role, code) in ROLES.items()}
    tender = awarded_tender(("13307", "13112"), (10, 300), (600_000, 15_000_000))
    draft = make_request("13307", submit=False, title="檜原村の下書き")
    make_request("13112", title="世田谷区の要望")
    role = make_role(reqs=[("data.bi", 2, "must")])
    make_professional(skills={"data.bi": 3}, name="=HYPERLINK(\"http://evil\")")
    workflow.consider(role=role, professional=make_professional(skills={"data.bi": 2}), actor=users["coordinator"])
    db.session.commit()
    return {"users": users, "tender": tender, "draft": draft, "role": role}


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


URLS = {  # path template -> roles that may open it
    "/dashboard/": {"hinohara", "setagaya", "coordinator", "admin"},
    "/procurement/requests.csv": {"hinohara", "setagaya", "coordinator"},
    "/procurement/tenders.csv": {"coordinator"},
    "/procurement/tenders/{tender}/allocations.csv": {"hinohara", "setagaya", "coordinator"},
    "/talent/roles/{role}/suggestions.csv": {"coordinator"},
}


def test_roles_by_url(app, world):
    clients = {key: _client(app, user) for key, user in world["users"].items()}
    for template, allowed in URLS.items():
        path = template.format(tender=world["tender"].id, role=world["role"].id)
        for key, client in clients.items():
            status = client.get(path).status_code
            assert status == (200 if key in allowed else 403), f"{key} {path}: {status}"
    anonymous = app.test_client()
    for template in URLS:
        response = anonymous.get(template.format(tender=world["tender"].id, role=world["role"].id))
        assert response.status_code == 302 and "/login" in response.location


def test_officers_download_their_own_municipality_only(app, world):
    hinohara = _client(app, world["users"]["hinohara"])
    rows = _rows(hinohara.get("/procurement/requests.csv"))
    names = {r[2] for r in rows[1:]}
    assert names == {"檜原村"} and any(r[3] == "檜原村の下書き" for r in rows[1:])  # own drafts included
    split = _rows(hinohara.get(f"/procurement/tenders/{world['tender'].id}/allocations.csv"))
    assert [r[2] for r in split[1:]] == ["檜原村"]
    everyone = _rows(_client(app, world["users"]["coordinator"]).get(
        f"/procurement/tenders/{world['tender'].id}/allocations.csv"))
    assert sorted(r[2] for r in everyone[1:]) == ["世田谷区", "檜原村"]
    assert sum(int(r[6]) for r in everyone[1:]) == world["tender"].award.total_jpy
    coordinator_requests = _rows(_client(app, world["users"]["coordinator"]).get("/procurement/requests.csv"))
    assert "檜原村の下書き" not in {r[3] for r in coordinator_requests[1:]}  # drafts stay private


def test_an_officer_does_not_get_a_tender_their_municipality_has_no_part_in(app, world, make_user):
    chiyoda = _client(app, make_user(role="officer", municipality="13101"))
    assert chiyoda.get(f"/procurement/tenders/{world['tender'].id}/allocations.csv").status_code == 404
    assert chiyoda.get("/procurement/tenders/99999/allocations.csv").status_code == 404


def test_officer_dashboard_is_scoped_to_their_municipality(app, world):
    page = _client(app, world["users"]["hinohara"]).get("/dashboard/").get_data(as_text=True)
    assert "檜原村 — " in page and "chart-savings-category" in page
    assert "chart-savings-municipality" not in page and "世田谷区" not in page
    full = _client(app, world["users"]["coordinator"]).get("/dashboard/").get_data(as_text=True)
    assert "chart-savings-municipality" in full and "世田谷区" in full


def test_csv_filters_follow_the_list(app, world):
    coordinator = _client(app, world["users"]["coordinator"])
    rows = _rows(coordinator.get("/procurement/requests.csv?state=pooled"))
    assert sorted(r[2] for r in rows[1:]) == ["世田谷区", "檜原村"]
    muni = world["tender"].participations[0].municipality_id
    only = _rows(coordinator.get(f"/procurement/requests.csv?municipality={muni}&state=pooled"))
    assert len(only) == 2 and only[1][0] != rows[0][0]
