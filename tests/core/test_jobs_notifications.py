"""Background jobs report progress and outcome; notifications reach their user once, in their language."""
from __future__ import annotations

import time

from govtech.core import jobs, notifications
from govtech.core.errors import ValidationFailed
from govtech.core.jobs import Job
from govtech.extensions import db
from tests.conftest import csrf_token


def _count_job(ctx, payload):
    for i in range(payload["n"]):
        ctx.progress(i + 1, payload["n"])
    if payload.get("fail"):
        raise ValidationFailed("line 3: bad value")
    return {"summary": f"{payload['n']} rows", "redirect": "/"}


def test_a_threaded_job_runs_and_its_owner_sees_the_result(app, make_user, login_as):
    jobs.register_job("test.count", _count_job)
    user = make_user(role="officer")
    client = login_as(user)
    job = jobs.submit(kind="test.count", user=user, payload={"n": 500})
    db.session.commit()
    jobs.start(job.id)  # a real background thread
    deadline = time.time() + 10
    while time.time() < deadline:
        status = client.get(f"/jobs/{job.id}.json").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert status == {"id": job.id, "kind": "test.count", "status": "done", "progress": 500, "total": 500,
                      "result": {"summary": "500 rows", "redirect": "/"}, "error": None}
    assert "500 rows" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_failed_job_keeps_its_error_and_others_cannot_see_it(app, make_user, login_as):
    jobs.register_job("test.count", _count_job)
    owner, stranger = make_user(role="officer"), make_user(role="officer", municipality="13112")
    app.config["JOBS_INLINE"] = True
    job = jobs.submit(kind="test.count", user=owner, payload={"n": 5, "fail": True})
    db.session.commit()
    jobs.start(job.id)
    db.session.expire_all()
    assert db.session.get(jobs.Job, job.id).status == "failed"
    assert db.session.get(jobs.Job, job.id).error == "line 3: bad value"
    client = login_as(stranger)
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_notifications_are_deduplicated_translated_and_marked_read(app, make_user, login_as):
    user = make_user(role="officer")
    for _ in range(2):
        notifications.notify([user.id], kind="test", message="A new joint tender is open: %(title)s",
                             params={"title": "eラーニング"}, link="/", dedupe_key="tender:1")
    db.session.commit()
    assert notifications.unread_count(user.id) == 1
    client = login_as(user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "eラーニング" in page
    client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications")})
    assert notifications.unread_count(user.id) == 0


def test_the_unread_badge_comes_with_the_user_and_follows_changes_in_the_same_request(app, make_user, login_as):
    """The user loader fetches the unread count in its own statement; a notification added or read later in
    the same request is not hidden by that remembered count."""
    user = make_user(role="officer")
    client = login_as(user)
    notifications.notify([user.id], kind="test", message="A new joint tender is open: %(title)s",
                         params={"title": "x"}, dedupe_key="badge:1")
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert 'data-testid="notifications"' in page and ">1<" in page.split('data-testid="notifications"')[1][:200]
    with app.test_request_context("/"):
        notifications.remember_unread(user.id, 0)
        assert notifications.unread_count(user.id) == 0  # the remembered figure, no query
        notifications.notify([user.id], kind="test", message="A new joint tender is open: %(title)s",
                             params={"title": "y"}, dedupe_key="badge:2")
        assert notifications.unread_count(user.id) == 2
        notifications.remember_unread(user.id, 2)
        notifications.mark_all_read(user.id)
        assert notifications.unread_count(user.id) == 0
        db.session.rollback()


def _stuck_job(user, *, runner: str | None, heartbeat_age_s: float | None):
    from datetime import timedelta

    from govtech.core.models import utcnow

    jobs.register_job("test.count", _count_job)
    job = jobs.submit(kind="test.count", user=user, payload={"n": 1})
    job.status, job.runner = "running", runner
    job.heartbeat_at = None if heartbeat_age_s is None else utcnow() - timedelta(seconds=heartbeat_age_s)
    db.session.commit()
    return job.id


def test_a_job_whose_worker_died_is_reported_failed_not_running_for_ever(app, make_user, login_as):
    import subprocess
    import sys

    user = make_user(role="officer")
    client = login_as(user)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a real process that has exited: its pid is free
    dead = _stuck_job(user, runner=f"{jobs._RUNNER_HOST}:{gone.pid}", heartbeat_age_s=5)
    status = client.get(f"/jobs/{dead}.json").get_json()
    assert status["status"] == "failed" and "完了前に停止しました" in status["error"]  # Japanese by default
    assert db.session.get(Job, dead).error == "job:stale"  # stored as a code, shown in the reader's language
    user.locale = "en"  # the same failure read in English: the reader's language, not the recoverer's
    db.session.commit()
    assert "stopped before it finished" in client.get(f"/jobs/{dead}.json").get_json()["error"]
    assert "stopped before it finished" in client.get(f"/jobs/{dead}").get_data(as_text=True)  # the page too
    # This very process, with no thread running the job (a thread died with an unrecorded error): failed too.
    orphan = _stuck_job(user, runner=jobs._RUNNER, heartbeat_age_s=5)
    assert client.get(f"/jobs/{orphan}.json").get_json()["status"] == "failed"
    # Another host: judged by its heartbeat (progress writes it): recent -> still running, old -> failed.
    fresh = _stuck_job(user, runner="other-host:123", heartbeat_age_s=60)
    assert client.get(f"/jobs/{fresh}.json").get_json()["status"] == "running"
    old = _stuck_job(user, runner="other-host:123", heartbeat_age_s=2 * 3600)
    assert client.get(f"/jobs/{old}").status_code == 200
    assert db.session.get(jobs.Job, old).status == "failed"


def test_a_live_job_of_this_process_is_not_taken_for_stale(app, make_user, login_as):
    import threading

    user = make_user(role="officer")
    client = login_as(user)
    job_id = _stuck_job(user, runner=jobs._RUNNER, heartbeat_age_s=5)
    release = threading.Event()
    worker = threading.Thread(target=release.wait, name=f"job-{job_id}", daemon=True)
    worker.start()
    try:
        assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "running"
    finally:
        release.set()
        worker.join()
