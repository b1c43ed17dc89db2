"""Long work runs as background jobs with a progress page: the web CSV imports (procurement requests, talent
professionals and roles) and the pool-wide plan. All or nothing; per-row errors on the job page."""
from __future__ import annotations

import io
import time
from pathlib import Path

from sqlalchemy import func, select

from govtech.core.jobs import Job
from govtech.extensions import db
from govtech.procurement.models import ProcurementRequest
from govtech.talent.models import Match, Professional, Role
from tests.conftest import csrf_token, login

REQUESTS = ("external_id,municipality,title,category,description,quantity,unit,budget_jpy,desired_start,fiscal_year\r\n"
            "HNH-1,檜原村,Microsoft 365,office-license,職員用,40,ライセンス,2400000,2027-04-01,2027\r\n"
            "HNH-2,13307,AI-OCR,ai-ocr,手書き,10000,枚,1200000,2027-06-01,2027\r\n")
PROS = ("external_id,name,email,skills,days_per_week,available_from,work_style,regions,public_sector_years,bio\n"
        "P-1,新井 さくら,arai@example.jp,data.bi:3;data.analysis:3,2,2026-04-01,remote,,3,BIとデータ分析\n")
ROLES = ("external_id,municipality,title,description,requirements,days_per_week,start_date,work_style,positions\n"
         "R-1,檜原村,データ活用アドバイザー,EBPM,data.bi:2:must,1,2026-10-01,remote,1\n")


def _post_file(client, path: str, text: str, **fields):
    token = csrf_token(client, path)
    return client.post(path, content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(text.encode("cp932")), "upload.csv"), **fields})


def _job(response) -> Job:
    assert response.status_code == 302 and "/jobs/" in response.location, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    return db.session.get(Job, int(response.location.rstrip("/").split("/")[-1]))


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_request_import_runs_as_a_job_and_forgets_the_file(app, make_user):
    client = app.test_client()
    login(client, make_user(role="officer", municipality="13307"))
    job = _job(_post_file(client, "/procurement/requests/import", REQUESTS, state="submitted"))
    assert job.status == "done" and job.kind == "procurement.import_requests"
    assert job.payload["data"] is None  # the uploaded bytes are not kept
    assert job.result["redirect"] == "/procurement/requests" and "新規2件" in job.result["summary"]
    assert {r.state for r in db.session.scalars(select(ProcurementRequest))} == {"submitted"}
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'href="/procurement/requests"' in page and "新規2件" in page


def test_a_bad_row_fails_the_job_lists_the_rows_in_the_uploaders_language_and_saves_nothing(app, make_user):
    client = app.test_client()
    user = make_user(role="officer", municipality="13307")
    user.locale = "en"
    db.session.commit()
    login(client, user)
    bad = REQUESTS.replace(",40,", ",zero,").replace("13307,AI-OCR", "13112,AI-OCR")
    job = _job(_post_file(client, "/procurement/requests/import", bad, state="draft"))
    assert job.status == "failed" and _count(ProcurementRequest) == 0
    assert job.error.startswith("Nothing was imported: 2 problem(s) found")
    assert job.result["errors"][0].startswith("Line 2, quantity:")
    assert job.result["errors"][1].startswith("Line 3, municipality:")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Line 3, municipality:" in page


def test_the_upload_does_not_wait_for_the_work(app, make_user):
    app.config["JOBS_INLINE"] = False  # a real background thread, as in production
    client = app.test_client()
    login(client, make_user(role="officer", municipality="13307"))
    started = time.monotonic()
    response = _post_file(client, "/procurement/requests/import", REQUESTS, state="draft")
    assert response.status_code == 302 and time.monotonic() - started < 5
    status = {}
    for _ in range(200):
        status = client.get(response.location + ".json").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert status["status"] == "done" and status["progress"] == status["total"] == 2
    db.session.expire_all()
    assert _count(ProcurementRequest) == 2


def test_talent_imports_run_as_jobs(app, people):
    client = app.test_client()
    login(client, people["coordinator"])
    job = _job(_post_file(client, "/talent/import", PROS, kind="professionals"))
    assert job.status == "done" and job.result["redirect"] == "/talent/professionals"
    assert job.payload["data"] is None and _count(Professional) == 1
    # The job also fitted and stored the new pool for the suggestion pages of every worker.
    assert len(list(Path(app.config["POOL_STORE_DIR"]).glob("pool-*.npz"))) == 1
    job = _job(_post_file(client, "/talent/import", ROLES, kind="roles"))
    assert job.status == "done" and job.result["redirect"] == "/talent/roles" and _count(Role) == 1
    job = _job(_post_file(client, "/talent/import", PROS.replace("arai@example.jp", "not-an-email"),
                          kind="professionals"))
    assert job.status == "failed" and "email" in " ".join(job.result["errors"])


def test_the_plan_is_computed_by_a_job_and_shown_for_applying(app, people, make_role, make_professional):
    role = make_role(reqs=[("data.bi", 2, "important")])
    pro = make_professional(skills={"data.bi": 3})
    client = app.test_client()
    login(client, people["coordinator"])
    assert "data-testid=\"compute-plan\"" in client.get("/talent/plan").get_data(as_text=True)
    token = csrf_token(client, "/talent/plan")
    job = _job(client.post("/talent/plan", data={"csrf_token": token, "do": "compute", "max": "1"}))
    assert job.status == "done" and job.result["pairs"] == [[role.id, pro.id, job.result["pairs"][0][2]]]
    assert job.result["redirect"] == f"/talent/plan?job={job.id}"
    page = client.get(job.result["redirect"]).get_data(as_text=True)
    assert f'value="{role.id}:{pro.id}"' in page and 'data-testid="plan-computed"' in page
    client.post("/talent/plan", data={"csrf_token": token, "pair": f"{role.id}:{pro.id}"})
    assert db.session.scalar(select(Match.status)) == "shortlisted"
    assert f'value="{role.id}:{pro.id}"' not in client.get("/talent/plan").get_data(as_text=True)
