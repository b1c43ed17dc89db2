"""The dashboard's grouped queries and the demo history also run on PostgreSQL (stricter GROUP BY rules)."""
from __future__ import annotations

import io

import pytest

from govtech.core.jobs import Job
from govtech.demo import DEMO_PASSWORD, DEMO_USERS
from govtech.extensions import db
from tests.conftest import FreshContextClient, csrf_token, login, make_test_app
from tests.dashboard.test_jobs import REQUESTS

pytestmark = pytest.mark.postgres


def test_dashboard_on_postgresql(pg_url):
    app = make_test_app(pg_url, JOBS_INLINE=True)
    app.test_client_class = FreshContextClient
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        from govtech.dashboard import queries

        years = {r["key"]: r["savings_jpy"] for r in queries.savings_by_year()}
        assert sorted(years) == [2024, 2025, 2026] and all(v > 0 for v in years.values())
        assert sum(r["municipalities"] for r in queries.participation_by_area()) == 62
        assert queries.funnel()["reached"]["suggested"] > 0
        for key in ("coordinator", "officer", "admin"):
            client = app.test_client()
            login(client, DEMO_USERS[key][0], DEMO_PASSWORD)
            assert client.get("/dashboard/").status_code == 200, key
            assert client.get("/").status_code == 200, key
        officer = app.test_client()
        login(officer, DEMO_USERS["officer"][0], DEMO_PASSWORD)
        token = csrf_token(officer, "/procurement/requests/import")
        response = officer.post("/procurement/requests/import", content_type="multipart/form-data", data={
            "csrf_token": token, "state": "draft", "file": (io.BytesIO(REQUESTS.encode("cp932")), "r.csv")})
        job = db.session.get(Job, int(response.location.rsplit("/", 1)[-1]))
        assert job.status == "done" and job.progress == job.total == 2 and job.payload["data"] is None
        db.session.remove()
        db.engine.dispose()
