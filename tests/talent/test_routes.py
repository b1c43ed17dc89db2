"""The pages through HTTP with real CSRF tokens: profile, posting a role, the workflow buttons."""
from __future__ import annotations

from sqlalchemy import select

from govtech.extensions import db
from govtech.talent.models import Match, Professional, Role
from tests.conftest import csrf_token, login


def _client(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_professional_fills_the_profile_with_the_skill_grid(app, people, skill_ids):
    client = _client(app, people["professional"])
    page = client.get("/talent/profile").get_data(as_text=True)
    assert 'role="radiogroup"' in page and "<legend>" in page and 'for="skill_' in page
    token = csrf_token(client, "/talent/profile")
    form = {"csrf_token": token, "name": "新しい 人", "email": "new@example.jp", "days_per_week": "1.5",
            "available_from": "2026-05-01", "work_style": "hybrid", "regions": ["wards", "tama"],
            "public_sector_years": "2", "bio": "自治体のBI", "consent_to_introduce": "y",
            f"skill_{skill_ids['data.bi']}": "3", f"skill_{skill_ids['data.ebpm']}": "1"}
    response = client.post("/talent/profile", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    pro = db.session.scalar(select(Professional).where(Professional.user_id == people["professional"].id))
    assert pro.days_per_week == 1.5 and pro.regions == ["wards", "tama"] and pro.consent_to_introduce
    assert {s.skill.code: s.level for s in pro.skills} == {"data.bi": 3, "data.ebpm": 1}
    bad = client.post("/talent/profile", data={**form, "regions": [], "csrf_token": token})
    assert bad.status_code == 200 and "field-error" in bad.get_data(as_text=True)


def test_officer_posts_a_role_from_a_template(app, people, skill_ids):
    client = _client(app, people["officer"])
    page = client.get("/talent/roles/new?template=cio-adviser").get_data(as_text=True)
    assert "CIO" in page and f'<option selected value="{skill_ids["strategy.dx-strategy"]}">' in page
    token = csrf_token(client, "/talent/roles/new")
    form = {"csrf_token": token, "title": "CIO補佐官", "description": "助言", "days_per_week": "1",
            "start_date": "2026-06-01", "work_style": "hybrid", "positions": "1", "template": "cio-adviser",
            "requirements-0-skill": str(skill_ids["strategy.dx-strategy"]), "requirements-0-min_level": "3",
            "requirements-0-weight": "must", "requirements-1-skill": "", "requirements-1-min_level": "2",
            "requirements-1-weight": "bonus"}
    response = client.post("/talent/roles/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    role = db.session.scalar(select(Role).where(Role.title == "CIO補佐官"))
    assert role.municipality_id == people["officer"].municipality_id and role.template == "cio-adviser"
    assert [(r.skill_id, r.min_level, r.weight) for r in role.requirements] == [
        (skill_ids["strategy.dx-strategy"], 3, "must")]
    empty = client.post("/talent/roles/new", data={**form, "requirements-0-skill": ""})
    assert empty.status_code == 200 and "error-summary" in empty.get_data(as_text=True)
    # Another municipality's officer cannot edit it.
    other = _client(app, people["officer2"])
    assert other.get(f"/talent/roles/{role.id}/edit").status_code == 403


def test_workflow_buttons_end_to_end(app, people, make_role, make_professional):
    role = make_role(reqs=[("data.analysis", 3, "must")])
    pro = make_professional(skills={"data.analysis": 4}, user=people["professional"], bio="データ分析")
    coord = _client(app, people["coordinator"])
    page = coord.get(f"/talent/roles/{role.id}/suggestions").get_data(as_text=True)
    assert f'data-testid="suggestion-{pro.id}"' in page
    token = csrf_token(coord, f"/talent/roles/{role.id}/suggestions")
    assert coord.post(f"/talent/roles/{role.id}/consider/{pro.id}",
                      data={"csrf_token": token, "decision": "shortlist"}).status_code == 302
    match = db.session.scalar(select(Match))
    assert match.status == "shortlisted" and match.explanation["eligible"]

    def act(client, action, version=None):
        db.session.refresh(match)
        return client.post(f"/talent/matches/{match.id}/action", data={
            "csrf_token": csrf_token(client, "/talent/roles" if client is not me else "/talent/introductions"),
            "action": action, "version": str(version or match.version)})

    me = _client(app, people["professional"])
    officer = _client(app, people["officer"])
    assert act(coord, "introduce").status_code == 302
    assert act(me, "accept").status_code == 302
    stale = match.version - 1
    assert act(officer, "interview").status_code == 302
    act(officer, "appoint", version=stale)  # stale click: refused
    db.session.refresh(match)
    assert match.status == "interviewing"
    assert act(officer, "appoint").status_code == 302
    db.session.refresh(match)
    assert match.status == "appointed"


def test_forms_without_csrf_are_refused(app, people, introduced):
    _role, match = introduced
    me = _client(app, people["professional"])
    response = me.post(f"/talent/matches/{match.id}/action", data={"action": "accept", "version": match.version})
    assert response.status_code == 400
    db.session.refresh(match)
    assert match.professional_consent is None


def test_plan_apply_and_retrain_buttons(app, people, make_role, make_professional):
    role = make_role(reqs=[("data.bi", 2, "important")])
    pro = make_professional(skills={"data.bi": 3})
    coord = _client(app, people["coordinator"])
    app.config["JOBS_INLINE"] = True  # the plan is computed by a background job; run it at once here
    token = csrf_token(coord, "/talent/plan")
    job_page = coord.post("/talent/plan", data={"csrf_token": token, "do": "compute", "max": "2"}).location
    assert "/jobs/" in job_page
    page = coord.get("/talent/plan").get_data(as_text=True)
    assert f'value="{role.id}:{pro.id}"' in page
    assert coord.post("/talent/plan", data={"csrf_token": token, "pair": f"{role.id}:{pro.id}"}).status_code == 302
    assert db.session.scalar(select(Match.status)) == "shortlisted"
    assert coord.post("/talent/model", data={"csrf_token": token}).status_code == 302
    assert "v1" in coord.get("/talent/model").get_data(as_text=True)


def test_csv_upload_reports_lines(app, people):
    import io

    coord = _client(app, people["coordinator"])
    app.config["JOBS_INLINE"] = True  # the upload becomes a background job; run it at once here
    token = csrf_token(coord, "/talent/import")
    bad = "external_id,name,email,skills,days_per_week,available_from,work_style,regions,public_sector_years,bio\n" \
          "P1,,x,data.bi:9,1,,remote,,0,\n"
    job_page = coord.post("/talent/import", data={"csrf_token": token, "kind": "professionals",
                                                  "file": (io.BytesIO(bad.encode("cp932")), "p.csv")},
                          content_type="multipart/form-data").location
    page = coord.get(job_page).get_data(as_text=True)
    assert "取り込みませんでした" in page and "2行目・email" in page
    assert db.session.query(Professional).count() == 0


def test_home_panels_per_role(app, people, introduced):
    _role, match = introduced
    for who, text in (("professional", match.role.title), ("coordinator", "talent"), ("officer", match.role.title)):
        page = _client(app, people[who]).get("/").get_data(as_text=True)
        assert 'data-testid="panel-talent"' in page and text in page, who
    assert 'data-testid="panel-talent"' not in _client(app, people["admin"]).get("/").get_data(as_text=True)


def test_near_misses_load_on_demand_as_a_fragment_and_as_a_page(app, people, make_role, make_professional):
    """The suggestion page leaves the gated-out list to a collapsed section that loads it when opened (its
    link is the page itself without JavaScript); only coordinators see either."""
    role = make_role(reqs=[("data.analysis", 3, "must")], work_style="onsite", municipality="13401")  # islands
    fits = make_professional(skills={"data.analysis": 4}, name="合う 人")
    no_area = make_professional(skills={"data.analysis": 4}, regions=("wards",), name="区部 のみ")
    coord = _client(app, people["coordinator"])
    page = coord.get(f"/talent/roles/{role.id}/suggestions").get_data(as_text=True)
    assert f'data-testid="suggestion-{fits.id}"' in page and "区部 のみ" not in page
    assert f'data-fragment="/talent/roles/{role.id}/excluded?fragment=1"' in page
    assert f'href="/talent/roles/{role.id}/excluded"' in page
    fragment = coord.get(f"/talent/roles/{role.id}/excluded?fragment=1")
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and 'data-testid="excluded-table"' in html
    assert "区部 のみ" in html and "合う 人" not in html and "Content-Security-Policy" in fragment.headers
    full = coord.get(f"/talent/roles/{role.id}/excluded").get_data(as_text=True)
    assert "<html" in full and "区部 のみ" in full and f'/talent/professionals/{no_area.id}"' in full
    for who in ("officer", "professional"):
        assert _client(app, people[who]).get(f"/talent/roles/{role.id}/excluded?fragment=1").status_code == 403
    nobody = make_role(reqs=[("data.analysis", 1, "bonus")], work_style="remote")
    assert "excluded-table" not in coord.get(f"/talent/roles/{nobody.id}/excluded?fragment=1").get_data(as_text=True)
