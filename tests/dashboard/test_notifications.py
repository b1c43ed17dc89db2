"""In-app notifications: a tender opens for an officer's category, its deadline nears (cron command and the
hourly check started from the home page), a candidate is introduced; a professional when introduced."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from govtech.core.jobs import Job
from govtech.core.models import utcnow
from govtech.core.notifications import Notification
from govtech.extensions import db
from govtech.procurement import participation
from govtech.talent import workflow
from tests.conftest import login
from tests.dashboard.conftest import open_tender
from tests.procurement.builders import make_request
from tests.talent.conftest import step


def _kinds(user) -> list[str]:
    return sorted(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def test_a_tender_opening_in_an_officers_category_notifies_them(app, make_user):
    hinohara, chiyoda = make_user(role="officer", municipality="13307"), make_user(role="officer", municipality="13101")
    make_request("13101", category_code="groupware")  # asked for the same category: told too
    open_tender(("13307", "13112"), days_left=10)
    assert _kinds(hinohara) == ["tender.open"] and _kinds(chiyoda) == ["tender.open"]


def test_deadline_reminders_reach_officers_who_have_not_answered_once(app, make_user):
    from govtech.dashboard import reminders

    hinohara = make_user(role="officer", municipality="13307")
    setagaya = make_user(role="officer", municipality="13112")
    soon = open_tender(("13307", "13112"), days_left=2)
    open_tender(("13307",), days_left=10, category="chat")  # not near yet
    offered = next(p for p in soon.participations if p.municipality.code == "13112")
    participation.join_tender(actor=None, tender_id=soon.id, municipality=offered.municipality, quantity=5)
    db.session.commit()
    assert reminders.run_now() == 1
    db.session.commit()
    assert "tender.deadline" in _kinds(hinohara) and "tender.deadline" not in _kinds(setagaya)
    note = db.session.scalar(select(Notification).where(Notification.kind == "tender.deadline"))
    assert note.link == f"/procurement/tenders/{soon.id}" and note.params["title"] == soon.title
    assert reminders.run_now() == 0  # the same tender and deadline: never twice


def test_notify_deadlines_command_prints_json_and_records_the_run(app, runner, make_user):
    make_user(role="officer", municipality="13307")
    open_tender(("13307",), days_left=1)
    result = runner.invoke(args=["notify-deadlines"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"sent": 1}
    job = db.session.scalar(select(Job).where(Job.kind == "procurement.deadline_reminders"))
    assert job.status == "done" and job.payload["trigger"] == "cli"


def test_home_page_starts_the_check_at_most_once_an_hour(app, make_user):
    from govtech.dashboard import reminders

    officer, coordinator = make_user(role="officer", municipality="13307"), make_user(role="coordinator")
    open_tender(("13307",), days_left=1)
    runs = lambda: db.session.scalar(select(func.count(Job.id)).where(Job.kind == reminders.KIND))  # noqa: E731
    client = app.test_client()
    login(client, coordinator)
    assert client.get("/").status_code == 200
    assert runs() == 1 and _kinds(officer) == ["tender.deadline", "tender.open"]
    assert client.get("/").status_code == 200
    officer_client = app.test_client()
    login(officer_client, officer)
    assert officer_client.get("/").status_code == 200
    assert runs() == 1  # within the hour: neither this worker nor the database says it is due
    app.extensions["govtech_reminders"].clear()  # another worker, which has not looked yet
    assert officer_client.get("/").status_code == 200
    assert runs() == 1
    db.session.execute(db.update(Job).values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    app.extensions["govtech_reminders"].clear()
    assert officer_client.get("/").status_code == 200
    assert runs() == 2


def test_introductions_notify_the_professional_then_the_municipality(app, people, make_professional, make_role):
    coordinator, officer, setagaya = people["coordinator"], people["officer"], people["officer2"]
    role = make_role()
    pro = make_professional(skills={"data.analysis": 3, "data.bi": 2}, user=people["professional"])
    match = workflow.consider(role=role, professional=pro, actor=coordinator)
    db.session.commit()
    step(match, "introduce", coordinator)
    assert _kinds(people["professional"]) == ["talent.introduced"] and _kinds(officer) == []
    step(match, "accept", people["professional"])
    assert _kinds(officer) == ["talent.candidate"] and _kinds(setagaya) == []
    note = db.session.scalar(select(Notification).where(Notification.kind == "talent.candidate"))
    assert note.link == f"/talent/candidates/{match.id}"
    client = app.test_client()
    login(client, officer)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"募集「{role.title}」への紹介を候補者が承諾しました" in page
