"""Two coordinators clicking at once, on PostgreSQL: one decision per match, positions never over-filled."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from govtech.core.errors import Conflict, DomainError
from tests.conftest import make_test_app

pytestmark = pytest.mark.postgres


def _setup(url: str, n_candidates: int, positions: int):
    from govtech.accounts import services as accounts
    from govtech.cli import init_db
    from govtech.core.models import Skill
    from govtech.extensions import db
    from govtech.talent import workflow
    from govtech.talent.models import Professional, ProfessionalSkill, Role, RoleRequirement

    app = make_test_app(url)
    with app.app_context():
        init_db()
        coordinator = accounts.create_user(email="c@example.jp", password="correct-horse-battery", role="coordinator")
        skill = db.session.scalar(select(Skill).where(Skill.code == "data.bi"))
        role = Role(municipality_id=1, title="BI", days_per_week=1, work_style="remote", positions=positions,
                    external_id="R")
        role.requirements.append(RoleRequirement(skill_id=skill.id, min_level=2, weight="must"))
        db.session.add(role)
        ids = []
        for n in range(n_candidates):
            pro = Professional(external_id=f"P{n}", name=f"P{n}", email=f"p{n}@example.jp", consent_to_introduce=True)
            pro.skills.append(ProfessionalSkill(skill_id=skill.id, level=3))
            db.session.add(pro)
            db.session.flush()
            m = workflow.consider(role=role, professional=pro, actor=coordinator)
            for action in ("introduce", "accept"):
                m = workflow.transition(match_id=m.id, action=action, actor=coordinator, expected_version=m.version)
            ids.append((m.id, m.version))
        db.session.commit()
        return app, coordinator.id, role.id, ids


def _race(app, jobs):
    """Run jobs (callables taking no argument) at the same moment, each in its own app context."""
    from govtech.extensions import db

    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job):
        with app.app_context():
            barrier.wait()
            try:
                job()
                db.session.commit()
                result = "ok"
            except DomainError as exc:
                db.session.rollback()
                result = type(exc).__name__
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_twenty_coordinators_deciding_one_match_one_wins(pg_url):
    from govtech.accounts.models import User
    from govtech.core.audit import AuditEvent, verify_chain
    from govtech.extensions import db
    from govtech.talent import workflow
    from govtech.talent.models import Match

    app, coordinator_id, _role_id, [(match_id, version)] = _setup(pg_url, 1, 1)
    actions = ["interview", "not_selected", "appoint", "withdraw"] * 5

    def job(action):
        return lambda: workflow.transition(match_id=match_id, action=action, expected_version=version,
                                           actor=db.session.get(User, coordinator_id))

    outcomes = _race(app, [job(a) for a in actions])
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {Conflict.__name__, "InvalidTransition", "PositionsFilled"}
    with app.app_context():
        match = db.session.get(Match, match_id)
        assert match.version == version + 1
        decisions = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.object_type == "match", AuditEvent.object_id == str(match_id)))
        assert decisions == 4  # consider, introduce, accept, and exactly one decision
        assert verify_chain()["ok"]
        db.engine.dispose()


def test_concurrent_appointments_never_exceed_positions(pg_url):
    from govtech.accounts.models import User
    from govtech.extensions import db
    from govtech.talent import workflow
    from govtech.talent.models import Match, Role

    app, coordinator_id, role_id, matches = _setup(pg_url, 10, 2)

    def job(match_id, version):
        return lambda: workflow.transition(match_id=match_id, action="appoint", expected_version=version,
                                           actor=db.session.get(User, coordinator_id))

    outcomes = _race(app, [job(m, v) for m, v in matches])
    assert outcomes.count("ok") == 2, outcomes
    assert outcomes.count("PositionsFilled") == 8
    with app.app_context():
        appointed = db.session.scalar(select(func.count(Match.id)).where(Match.status == "appointed"))
        assert appointed == 2
        assert db.session.get(Role, role_id).state == "filled"
        db.engine.dispose()


def test_sqlite_serialises_the_same_race(tmp_path):
    """Without row locks, SQLite's write lock (taken first by lock_role) gives the same guarantee."""
    from govtech.accounts.models import User
    from govtech.extensions import db
    from govtech.talent import workflow
    from govtech.talent.models import Match

    app, coordinator_id, _role_id, matches = _setup(f"sqlite:///{tmp_path / 'race.sqlite3'}", 6, 2)

    def job(match_id, version, action):
        return lambda: workflow.transition(match_id=match_id, action=action, expected_version=version,
                                           actor=db.session.get(User, coordinator_id))

    jobs = [job(m, v, "appoint") for m, v in matches] + [job(matches[0][0], matches[0][1], "withdraw")] * 4
    outcomes = _race(app, jobs)
    assert outcomes.count("ok") in (2, 3), outcomes  # two appointments, plus the withdrawal if it won
    with app.app_context():
        assert db.session.scalar(select(func.count(Match.id)).where(Match.status == "appointed")) == 2
        assert db.session.get(Match, matches[0][0]).version == matches[0][1] + 1  # one decision on match 0
        db.engine.dispose()
