"""Login by default and role checks, enumerated from the app's own URL map so no route escapes."""
from __future__ import annotations

import pytest

from tests.conftest import login

ROLES = ("admin", "coordinator", "officer", "professional")


def _get_routes_without_arguments(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            yield rule.rule, rule.endpoint


def test_every_page_needs_sign_in_except_the_allowlist(app, client):
    from govtech.accounts.permissions import is_public_endpoint

    checked = 0
    for path, endpoint in _get_routes_without_arguments(app):
        response = client.get(path)
        if is_public_endpoint(app, endpoint):
            assert response.status_code in (200, 302, 404), path  # 404: e.g. no open data published yet
        else:
            assert response.status_code in (302, 401), f"{path} answered {response.status_code} without sign-in"
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], path
        checked += 1
    assert checked >= 8


def test_public_allowlist_is_small_and_explicit(app):
    from govtech.accounts.permissions import is_public_endpoint

    public = sorted(e for e in app.view_functions if is_public_endpoint(app, e) and not e.endswith("static"))
    allowed_prefixes = ("accounts.login", "accounts.register", "core.healthz", "core.set_language", "core.favicon",
                        "procurement_open_data.", "api.openapi", "api.docs", "api_pages.api_docs", "api_pages.openapi")
    for endpoint in public:
        assert endpoint.startswith(allowed_prefixes), f"{endpoint} is public but not on the allowlist"


@pytest.mark.parametrize("role", ROLES)
def test_role_restricted_pages_answer_403_to_other_roles(app, make_user, role):
    user = make_user(role=role)
    client = app.test_client()
    assert login(client, user).status_code == 302
    checked = 0
    for path, endpoint in _get_routes_without_arguments(app):
        view = app.view_functions[endpoint]
        required = getattr(view, "required_roles", None)
        if required is None:
            continue
        response = client.get(path)
        if role in required:
            # 404: a per-user resource that this fresh account does not have yet (e.g. a professional's profile)
            assert response.status_code in (200, 302, 404), f"{role} should reach {path}, got {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} reached {path} ({response.status_code})"
        checked += 1
    assert checked >= 3


def test_forbidden_page_names_the_role_needed_in_both_languages(app, make_user):
    officer = make_user(role="officer")
    client = app.test_client()
    login(client, officer)
    response = client.get("/audit")
    assert response.status_code == 403
    assert "コーディネーター" in response.get_data(as_text=True)
    from govtech.extensions import db
    officer.locale = "en"
    db.session.commit()
    assert "Coordinator" in client.get("/audit").get_data(as_text=True)
