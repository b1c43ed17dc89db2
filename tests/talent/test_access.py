"""Who sees what: every talent URL × every role, and the privacy rule for professionals' data."""
from __future__ import annotations

import pytest

from tests.conftest import login
from tests.talent.conftest import step

ROLES = ("admin", "coordinator", "officer", "officer2", "professional")
# url template -> roles that get 200 (everyone else: 403, or 404 where the object is hidden)
MATRIX = [
    ("/talent/profile", {"professional"}),
    ("/talent/my-roles", {"professional"}),
    ("/talent/introductions", {"professional"}),
    ("/talent/roles", {"officer", "officer2", "coordinator"}),
    ("/talent/roles/new", {"officer", "officer2"}),
    ("/talent/roles/{role}", {"officer", "coordinator"}),
    ("/talent/roles/{role}/edit", {"officer", "coordinator"}),
    ("/talent/roles/{role}/suggestions", {"coordinator"}),
    ("/talent/professionals", {"coordinator"}),
    ("/talent/professionals/{pro}", {"coordinator"}),
    ("/talent/plan", {"coordinator"}),
    ("/talent/model", {"coordinator"}),
    ("/talent/supply", {"coordinator"}),
    ("/talent/import", {"coordinator"}),
    ("/talent/candidates/{match}", {"coordinator", "professional"}),  # not accepted yet: officers cannot see
]


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


@pytest.mark.parametrize("who", ROLES)
def test_access_matrix(app, people, introduced, who):
    role, match = introduced
    client = _client(app, people[who])
    for template, allowed in MATRIX:
        url = template.format(role=role.id, pro=match.professional_id, match=match.id)
        status = client.get(url).status_code
        if who in allowed:
            assert status == 200, (url, who, status)
        else:
            assert status in (403, 404), (url, who, status)


def test_signed_out_visitors_are_sent_to_sign_in(client, introduced):
    role, _match = introduced
    for url in ("/talent/profile", f"/talent/roles/{role.id}", "/talent/plan"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_officers_see_a_professional_only_after_an_accepted_introduction(app, people, introduced,
                                                                         make_professional):
    role, match = introduced
    from govtech.talent import workflow

    other = make_professional(skills={"data.analysis": 3}, name="Pool Person")
    workflow.consider(role=role, professional=other, actor=people["coordinator"])
    from govtech.extensions import db

    db.session.commit()
    officer, officer2 = _client(app, people["officer"]), _client(app, people["officer2"])
    name = match.professional.name
    page = officer.get(f"/talent/roles/{role.id}").get_data(as_text=True)
    assert name not in page and "Pool Person" not in page
    assert officer.get(f"/talent/candidates/{match.id}").status_code == 404
    step(match, "accept", people["professional"])
    page = officer.get(f"/talent/roles/{role.id}").get_data(as_text=True)
    assert name in page and "Pool Person" not in page  # the rest of the pool stays hidden
    candidate = officer.get(f"/talent/candidates/{match.id}")
    assert candidate.status_code == 200 and match.professional.email in candidate.get_data(as_text=True)
    assert officer2.get(f"/talent/candidates/{match.id}").status_code == 404
    step(match, "withdraw", people["professional"])
    assert officer.get(f"/talent/candidates/{match.id}").status_code == 404


def test_a_professional_sees_only_their_own_candidacy(app, people, introduced, make_user):
    _role, match = introduced
    stranger = make_user(role="professional")
    assert _client(app, stranger).get(f"/talent/candidates/{match.id}").status_code == 404
