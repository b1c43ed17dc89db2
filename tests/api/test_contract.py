"""Contract fuzzing: schemathesis generates requests for every operation of /api/openapi.json and sends them
to the app in-process (WSGI), once with an officer's token and once with a coordinator's, on a copy of the
demo data. Nothing may answer 5xx, use an undocumented status code, break its response schema, succeed for
a role the operation does not list in `x-roles`, or show an officer another municipality's request or role.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

EXAMPLES = 20
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
OWN_MUNICIPALITY_PATHS = ("/api/v1/requests", "/api/v1/roles")
STATS: dict[str, Counter] = defaultdict(Counter)  # role -> (operation, status) -> calls
SUMMARY = Path(__file__).resolve().parents[2] / "test-artifacts" / "api-contract.json"


class FreshContext:
    """WSGI wrapper: each call gets its own app context (own `g`, own session), as behind a real server,
    although the test body holds one for its fixtures."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with self.app.app_context():
            return self.app(environ, start_response)


def openapi_document() -> dict:
    """/api/openapi.json of a freshly built app (the document comes from the code, not from data)."""
    from tests.conftest import make_test_app

    app = make_test_app("sqlite://")
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture(scope="module")
def fuzz_env(demo_db, tmp_path_factory):
    """One app for the module on a working copy of the demo data with a token per demo account; `reset()`
    puts the pristine copy back (cheaper than building an app per operation)."""
    from sqlalchemy import select

    from govtech.accounts.models import User
    from govtech.api import tokens
    from govtech.extensions import db
    from tests.api.conftest import DEMO_EMAILS, bearer
    from tests.conftest import make_test_app

    folder = tmp_path_factory.mktemp("fuzz")
    work, pristine = folder / "work.sqlite3", folder / "pristine.sqlite3"
    shutil.copy(demo_db, work)
    app = make_test_app(f"sqlite:///{work}")
    with app.app_context():
        users = {key: db.session.scalar(select(User).where(User.email == email)) for key, email in DEMO_EMAILS.items()}
        headers = {key: bearer(tokens.create_token(user=user, name="fuzz")[1]) for key, user in users.items()}
        municipality = users["officer"].municipality_id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    shutil.copy(work, pristine)

    def reset():
        with app.app_context():
            db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            work.with_name(work.name + suffix).unlink(missing_ok=True)
        shutil.copy(pristine, work)

    return {"app": FreshContext(app), "headers": headers, "municipality_id": municipality, "reset": reset}


@pytest.fixture()
def fuzz(fuzz_env):
    """The fuzzing environment, its database back to the pristine demo data for each operation."""
    fuzz_env["reset"]()
    return fuzz_env


def role_respected(role: str):
    """Check: a 2xx answer only for roles the operation lists in `x-roles`."""
    def role_respected_check(ctx, response, case):
        if response.request.method.upper() != case.operation.method.upper():
            return  # schemathesis also probes undocumented methods (OPTIONS answers every role)
        roles = case.operation.definition.raw.get("x-roles", [])
        if 200 <= response.status_code < 300 and role not in roles:
            raise AssertionError(f"{role} got {response.status_code} from {case.operation.label}, "
                                 f"which is for {roles}")
    return role_respected_check


def own_municipality_only(municipality_id: int):
    """Check: an officer never receives another municipality's request or role."""
    def own_municipality_check(ctx, response, case):
        if (response.status_code >= 300 or response.request.method.upper() != case.operation.method.upper()
                or not case.operation.path.startswith(OWN_MUNICIPALITY_PATHS)):
            return
        body = response.json()
        for item in body.get("items", [body]) if isinstance(body, dict) else []:
            muni = item.get("municipality") if isinstance(item, dict) else None
            if muni and muni["id"] != municipality_id:
                raise AssertionError(f"officer of municipality {municipality_id} saw {muni} "
                                     f"from {case.operation.label}")
    return own_municipality_check


def recorded(role: str):
    """Not a rule: counts the calls per operation and status for test-artifacts/api-contract.json."""
    def record_check(ctx, response, case):
        probe = response.request.method.upper() != case.operation.method.upper()
        STATS[role][(case.operation.label, response.status_code, probe)] += 1
    return record_check


@pytest.fixture(scope="module", autouse=True)
def contract_summary():
    """After the run: operations, calls and status codes per role (a figure to quote, not an assertion)."""
    yield
    summary = {}
    for role, counts in STATS.items():
        operations = {label for label, _status, _probe in counts}
        succeeded = {label for label, status, probe in counts if 200 <= status < 300 and not probe}
        statuses = Counter()
        for (_label, status, _probe), n in counts.items():
            statuses[str(status)] += n
        summary[role] = {"operations": len(operations), "calls": sum(counts.values()),
                         "probes_of_other_methods": sum(n for (_l, _s, probe), n in counts.items() if probe),
                         "statuses": dict(sorted(statuses.items())), "operations_with_2xx": len(succeeded),
                         "never_2xx": sorted(operations - succeeded)}
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2))


CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@FUZZ
def test_api_as_officer(case, fuzz):
    """Every operation, as the officer of 檜原村."""
    case.call_and_validate(app=fuzz["app"], headers=fuzz["headers"]["officer"], checks=CHECKS + [
        role_respected("officer"), own_municipality_only(fuzz["municipality_id"]), recorded("officer")])


@schema.parametrize()
@FUZZ
def test_api_as_coordinator(case, fuzz):
    """Every operation, as a GovTech Tokyo coordinator."""
    case.call_and_validate(app=fuzz["app"], headers=fuzz["headers"]["coordinator"],
                           checks=CHECKS + [role_respected("coordinator"), recorded("coordinator")])
