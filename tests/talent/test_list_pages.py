"""The coordinators' list pages (roles, talent pool) are built from plain rows (queries.roles_rows,
queries.professionals_rows) and display tuples (talent/presenters.py): the same rows, order, totals, cells,
badges, links and escaping as the shared queries give (roles_page + the match counts per status,
professionals_page + each one's top skills, both read here the plain way), in Japanese and English, on SQLite
and PostgreSQL."""
from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from govtech.accounts.services import find_municipality
from govtech.core.models import Skill
from govtech.extensions import db
from govtech.talent import queries
from govtech.talent.models import Match, Professional, ProfessionalSkill, Role
from tests.conftest import login

PRO_QUERIES = [{}, {"sort": "name"}, {"sort": "-name"}, {"sort": "days"}, {"sort": "-days"}, {"sort": "style"},
               {"sort": "-updated"}, {"sort": "bogus"}, {"consenting": True}, {"consenting": False, "sort": "name"},
               {"q": "pro"}, {"q": "example"}, {"q": "nobody-at-all"}, {"page": 2}, {"page": 99}]
ROLE_QUERIES = [{}, {"sort": "title"}, {"sort": "-title"}, {"sort": "start"}, {"sort": "-start"}, {"sort": "state"},
                {"sort": "-created"}, {"sort": "bogus"}, {"state": "open"}, {"state": "closed", "sort": "title"},
                {"q": "role"}, {"q": "T-R-1"}, {"q": "nothing-like-it"}, {"page": 2}, {"page": 99}]


def status_counts(role_ids) -> dict[int, dict[str, int]]:
    """Reference: match counts per role and status, one grouped query (what the roles page read before)."""
    out: dict[int, dict[str, int]] = {rid: {} for rid in role_ids}
    for rid, status, n in db.session.execute(select(Match.role_id, Match.status, func.count(Match.id))
                                             .where(Match.role_id.in_(list(role_ids)))
                                             .group_by(Match.role_id, Match.status)):
        out[rid][status] = n
    return out


def top_skills(professional_ids, n: int = 4) -> dict[int, list[tuple[int, int, bool]]]:
    """Reference: (skill id, level, verified) of each one's n highest levels, ties by lower skill id (what the
    pool page read before: every skill row, the first n kept)."""
    out: dict[int, list[tuple[int, int, bool]]] = {pid: [] for pid in professional_ids}
    ps = ProfessionalSkill
    for pid, skill_id, level, verified in db.session.execute(
            select(ps.professional_id, ps.skill_id, ps.level, ps.verified)
            .where(ps.professional_id.in_(list(out)), ps.level > 0)
            .order_by(ps.professional_id, ps.level.desc(), ps.skill_id)):
        if len(out[pid]) < n:
            out[pid].append((skill_id, level, bool(verified)))
    return out


def _client(app, user, locale: str = "ja"):
    db.session.execute(update(type(user)).where(type(user).id == user.id).values(locale=locale))
    db.session.commit()
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _body_rows(html: str) -> list[str]:
    """The `<tr>`s of the list's table body, whitespace collapsed."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def _pro_page_args(args: dict) -> dict:
    return {"page": args.get("page", 1), "per_page": 4, **{k: v for k, v in args.items() if k != "page"}}


def _assert_pool_rows_agree(skill_filter: int) -> None:
    """professionals_rows: the ids, order, totals, columns and top skills of professionals_page + top_skills."""
    for args in [*PRO_QUERIES, {"skill_id": skill_filter, "min_level": 2}, {"skill_id": skill_filter, "min_level": 4,
                                                                          "sort": "-days"}]:
        old = queries.professionals_page(with_skills=False, **_pro_page_args(args))
        new = queries.professionals_rows(**_pro_page_args(args))
        assert new.items == [p.id for p in old.items], args
        assert (new.total, new.pages, new.has_next, new.has_prev) == (old.total, old.pages, old.has_next,
                                                                      old.has_prev), args
        top = top_skills(new.items)
        for p, (name, external_id, days, style, consent, text) in zip(old.items, new.extra, strict=True):
            assert (name, external_id, days, style, bool(consent)) == (p.name, p.external_id, p.days_per_week,
                                                                        p.work_style, p.consent_to_introduce)
            items = [tuple(item.split(":")) for item in text.split(",")] if text else []
            shown = sorted((int(s), int(lvl), v == "1") for s, lvl, v in items)
            assert shown == sorted(top[p.id]), (args, p.id)


def _assert_role_rows_agree(user) -> None:
    """roles_rows: the ids, order, totals, columns and pipeline counts of roles_page + status_counts."""
    for args in [*ROLE_QUERIES, {"municipality_id": find_municipality("13112").id}]:
        paging = {"page": args.get("page", 1), "per_page": 3}
        filters = {k: v for k, v in args.items() if k != "page"}
        old = queries.roles_page(user=user, with_requirements=False, **paging, **filters)
        new = queries.roles_rows(user=user, **paging, **filters)
        assert new.items == [r.id for r in old.items], args
        assert (new.total, new.pages) == (old.total, old.pages), args
        counts = status_counts(new.items)
        for r, (title, external_id, name_ja, name_en, days, style, start, state, positions, pipeline) in zip(
                old.items, new.extra, strict=True):
            assert (title, external_id, name_ja, name_en, days, style, start, state, positions) == (
                r.title, r.external_id, r.municipality.name_ja, r.municipality.name_en, r.days_per_week,
                r.work_style, r.start_date, r.state, r.positions)
            expected = {s: counts[r.id].get(s, 0) for s in ("shortlisted", "introduced", "interviewing", "appointed")}
            assert queries.pipeline_counts(pipeline) == expected, (args, r.id)


def _pool(skill_ids: dict[str, int]) -> dict[str, int]:
    """Professionals whose top skills have ties, verified marks, levels 0 and more than four skills."""
    codes = sorted(skill_ids, key=skill_ids.get)
    spec = [
        ("Alpha pro", 2.5, "hybrid", True, [3, 4, 3, 0, 3, 4, 1, 3, 2], {1, 4}),
        ("Beta pro", 1.0, "remote", False, [2, 2, 2, 2, 2, 2], {0, 2, 4}),
        ("Gamma pro", 0.5, "onsite", True, [], set()),
        ("Delta pro", 3.0, "remote", True, [0, 0, 1], {2}),
        ("Epsilon pro", 2.0, "hybrid", False, [4, 4, 4, 4, 4, 1], {5}),
        ("Zeta pro", 1.5, "onsite", True, [1, 0, 2, 3, 4, 3, 2, 1, 0, 4], {3, 9}),
    ]
    ids = {}
    for n, (name, days, style, consent, levels, verified) in enumerate(spec):
        p = Professional(name=name, email=f"pool{n}@example.jp", external_id=f"POOL-{n}", days_per_week=days,
                         work_style=style, consent_to_introduce=consent, bio="")
        offset = 3 * n  # each one holds different skills
        for i, level in enumerate(levels):
            p.skills.append(ProfessionalSkill(skill_id=skill_ids[codes[offset + i]], level=level,
                                              verified=i in verified))
        db.session.add(p)
        db.session.flush()
        ids[name] = p.id
    db.session.commit()
    return ids


def _skill_names(lang: str) -> dict[int, str]:
    return {s.id: s.display_name(lang) for s in db.session.scalars(select(Skill))}


def test_pool_rows_agree_with_the_shared_queries(app, skill_ids):
    _pool(skill_ids)
    with app.test_request_context():
        _assert_pool_rows_agree(skill_ids[sorted(skill_ids, key=skill_ids.get)[4]])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pool_page_cells_top_skills_and_escaping(app, people, skill_ids, lang):
    ids = _pool(skill_ids)
    evil = Professional(name="<script>alert(1)</script> 太郎", email="evil@example.jp", external_id="<b>E-1</b>",
                        days_per_week=1.0, work_style="remote", consent_to_introduce=False, bio="")
    db.session.add(evil)
    db.session.commit()
    codes = sorted(skill_ids, key=skill_ids.get)
    db.session.get(Skill, skill_ids[codes[5]]).active = False  # taken off the map: old profiles still show it
    renamed = db.session.get(Skill, skill_ids[codes[0]])  # names are reference data an admin may edit
    renamed.name_ja = renamed.name_en = "<i>BI</i> & 分析"
    db.session.commit()
    names = _skill_names(lang)
    html = _client(app, people["coordinator"], lang).get("/talent/professionals?sort=name").get_data(as_text=True)
    rows = {re.search(r'href="/talent/professionals/(\d+)"', row).group(1): row for row in _body_rows(html)}
    yes, no = ("Yes", "No") if lang == "en" else ("あり", "なし")
    styles = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On site"} if lang == "en" else \
        {"remote": "リモート", "hybrid": "ハイブリッド", "onsite": "出勤"}
    for p in db.session.scalars(select(Professional)):
        top = top_skills([p.id])[p.id]
        terms = "".join(f'<span class="term">{escape(names[s])} {level}{"✓" if verified else ""}</span>'
                        for s, level, verified in top)
        consent = f'<span class="badge badge-ok">{yes}</span>' if p.consent_to_introduce else \
            f'<span class="badge badge-muted">{no}</span>'
        if p.id == evil.id:
            assert rows[str(p.id)] == (
                f'<td><a href="/talent/professionals/{p.id}">&lt;script&gt;alert(1)&lt;/script&gt; 太郎</a><br>'
                '<span class="muted small">&lt;b&gt;E-1&lt;/b&gt;</span></td> <td></td> <td class="num">1</td> '
                f'<td>{styles["remote"]}</td> <td>{consent}</td>')
            continue
        assert rows[str(p.id)] == (
            f'<td><a href="/talent/professionals/{p.id}">{p.name}</a><br><span class="muted small">{p.external_id}'
            f'</span></td> <td>{terms}</td> <td class="num">{p.days_per_week:g}</td> <td>{styles[p.work_style]}</td> '
            f'<td>{consent}</td>')
    assert "<script>alert" not in html and "<i>BI</i>" not in html
    assert rows[str(ids["Alpha pro"])].count("&lt;i&gt;BI&lt;/i&gt; &amp; 分析 3</span>") == 1
    filtered = _client(app, people["coordinator"], lang).get(
        f"/talent/professionals?skill={skill_ids[codes[0]]}&level=3").get_data(as_text=True)
    options = re.findall(r'<option value="(\d*)" ?(selected)?>([^<]*)</option>', filtered.split('id="skill"')[1].split(
        "</select>")[0])
    active = list(db.session.execute(select(Skill.id, Skill.name_en if lang == "en" else Skill.name_ja).where(
        Skill.active.is_(True)).order_by(Skill.position)))
    assert options == [("", "", "Any" if lang == "en" else "すべて")] + [
        (str(sid), "selected" if sid == skill_ids[codes[0]] else "", str(escape(name))) for sid, name in active]
    levels = re.findall(r'<option value="(\d)" ?(selected)?>([^<]*)</option>', filtered.split('id="level"')[1].split(
        "</select>")[0])
    assert levels == ([("1", "", "1 Awareness"), ("2", "", "2 Working"), ("3", "selected", "3 Practitioner"),
                       ("4", "", "4 Expert")] if lang == "en" else
                      [("1", "", "1 知識"), ("2", "", "2 実務"), ("3", "selected", "3 実践・指導"), ("4", "", "4 第一人者")])
    # Highest levels first, ties by skill id, verified marks kept, a fifth level 4 left out.
    assert top_skills([ids["Alpha pro"]])[ids["Alpha pro"]] == [
        (skill_ids[codes[i]], level, verified) for i, level, verified in
        ((1, 4, True), (5, 4, False), (0, 3, False), (2, 3, False))]
    assert top_skills([ids["Epsilon pro"]])[ids["Epsilon pro"]] == [
        (skill_ids[codes[12 + i]], 4, False) for i in range(4)]
    assert f'{escape(names[skill_ids[codes[1]]])} 4✓</span><span class="term">{names[skill_ids[codes[5]]]} 4</span>' \
        in rows[str(ids["Alpha pro"])]
    assert rows[str(ids["Gamma pro"])].count('class="term"') == 0  # no skills, no terms
    assert rows[str(ids["Delta pro"])].count('class="term"') == 1  # levels 0 are not shown
    assert [re.search(r'">([^<]+)</a>', row).group(1) for row in _body_rows(html)][:3] == [
        "&lt;script&gt;alert(1)&lt;/script&gt; 太郎", "Alpha pro", "Beta pro"]


def test_pool_page_filters_and_pagination(app, people, skill_ids):
    from tests.talent.test_row_counts import _rows

    db.session.execute(Professional.__table__.insert(), _rows(60, "PG"))
    db.session.commit()
    client = _client(app, people["coordinator"], "en")
    first = client.get("/talent/professionals").get_data(as_text=True)
    assert len(_body_rows(first)) == 25 and "60 items" in first and 'rel="next"' in first
    last = client.get("/talent/professionals?page=3").get_data(as_text=True)
    assert len(_body_rows(last)) == 10
    past = client.get("/talent/professionals?page=9").get_data(as_text=True)
    assert "Nobody matches." in past
    consenting = client.get("/talent/professionals?consent=yes&sort=-name").get_data(as_text=True)
    names = re.findall(r'">(Bulk \d+)</a>', consenting)
    assert len(names) == 25 and names == sorted(names, reverse=True) and "30 items" in consenting


def test_role_rows_agree_with_the_shared_queries(app, people, make_role, make_professional):
    _roles_with_pipelines(make_role, make_professional)
    with app.test_request_context():
        for who in ("coordinator", "officer", "officer2"):
            _assert_role_rows_agree(people[who])


def _roles_with_pipelines(make_role, make_professional) -> list[Role]:
    """Roles of two municipalities in every state, with matches in every pipeline state (and others)."""
    roles = [make_role(title="<script>x</script> & role", days=1.5, work_style="onsite", positions=3),
             make_role(title="Closed role", state="closed", start=date(2026, 4, 1)),
             make_role(title="Filled role", state="filled", work_style="hybrid", days=0.5),
             make_role(title="Setagaya role", municipality="13112", positions=2),
             make_role(title="Quiet role", municipality="13112", state="closed")]
    people = [make_professional() for _ in range(8)]
    statuses = {0: ["shortlisted", "shortlisted", "introduced", "interviewing", "appointed", "suggested", "rejected"],
                2: ["appointed"], 3: ["appointed", "declined", "withdrawn", "introduced"]}
    for index, states in statuses.items():
        for person, status in zip(people, states, strict=False):
            db.session.add(Match(role_id=roles[index].id, professional_id=person.id, status=status))
    db.session.commit()
    return roles


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_roles_page_for_coordinators_and_officers(app, people, make_role, make_professional, lang):
    roles = _roles_with_pipelines(make_role, make_professional)
    en = lang == "en"
    muni = {code: find_municipality(code).display_name(lang) for code in ("13307", "13112")}
    html = _client(app, people["coordinator"], lang).get("/talent/roles").get_data(as_text=True)
    rows = _body_rows(html)
    assert [re.search(r'href="/talent/roles/(\d+)"', row).group(1) for row in rows] == [
        str(r.id) for r in reversed(roles)]  # newest first
    by_id = {re.search(r'href="/talent/roles/(\d+)"', row).group(1): row for row in rows}
    first = by_id[str(roles[0].id)]
    work = "1.5 d/wk · On site" if en else "週1.5日 · 出勤"
    assert first.startswith(f'<td><a href="/talent/roles/{roles[0].id}">&lt;script&gt;x&lt;/script&gt; &amp; role</a>'
                            f'<br><span class="muted small">{roles[0].external_id}</span></td> <td>{muni["13307"]}</td> '
                            f'<td class="nowrap">{work}</td>')
    badges = re.findall(r'<span class="badge (badge-\w+)">([^<]+)</span>', first)
    expected = ([("badge-ok", "Open"), ("badge-info", "Shortlisted 2"), ("badge-info", "Introduced 1"),
                 ("badge-warn", "Interviewing 1"), ("badge-ok", "Appointed 1")] if en else
                [("badge-ok", "募集中"), ("badge-info", "選考候補 2"), ("badge-info", "紹介済み 1"),
                 ("badge-warn", "面談中 1"), ("badge-ok", "任用決定 1")])
    assert badges == expected
    suggestions = "Suggestions" if en else "候補者の提案"
    assert f'<a href="/talent/roles/{roles[0].id}/suggestions">{suggestions}</a>' in first
    closed = by_id[str(roles[1].id)]
    assert '<span class="muted">—</span>' in closed and "/suggestions" not in closed
    assert ("Apr 1, 2026" if en else "2026/04/01") in closed
    assert "<script>x" not in html
    assert muni["13112"] in by_id[str(roles[3].id)]

    officer = _client(app, people["officer"], lang).get("/talent/roles").get_data(as_text=True)
    officer_rows = _body_rows(officer)
    assert [re.search(r'href="/talent/roles/(\d+)"', row).group(1) for row in officer_rows] == [
        str(r.id) for r in reversed(roles[:3])]  # their municipality (檜原村) only
    assert "/suggestions" not in officer and muni["13307"] not in "".join(officer_rows)
    appointed = ("{n} of {p} appointed" if en else "{p}人中{n}人任用")
    assert appointed.format(n=1, p=3) in officer_rows[2] and appointed.format(n=1, p=1) in officer_rows[0]
    assert appointed.format(n=0, p=1) in officer_rows[1]
    other = _client(app, people["officer2"], lang).get(
        f"/talent/roles?municipality={find_municipality('13307').id}").get_data(as_text=True)
    assert [re.search(r'href="/talent/roles/(\d+)"', row).group(1) for row in _body_rows(other)] == [
        str(roles[4].id), str(roles[3].id)]  # the filter does not widen an officer's scope


def test_roles_page_sorts_and_filters(app, people, make_role):
    for title, state in (("B role", "open"), ("A role", "closed"), ("C role", "open")):
        make_role(title=title, state=state)
    client = _client(app, people["coordinator"])

    def titles(query: str) -> list[str]:
        return re.findall(r'">([ABC] role)</a>', client.get(f"/talent/roles?{query}").get_data(as_text=True))

    assert titles("sort=title") == ["A role", "B role", "C role"]
    assert titles("sort=-title") == ["C role", "B role", "A role"]
    assert titles("state=open&sort=title") == ["B role", "C role"]
    assert titles("q=A%20ro") == ["A role"]
    html = client.get("/talent/roles?state=open&sort=title").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "sort=-title" in html and "state=open" in html


@pytest.mark.postgres
def test_list_rows_agree_on_postgresql(pg_url, make_user):
    from govtech.cli import init_db
    from tests.conftest import make_test_app

    app = make_test_app(pg_url)
    with app.app_context(), app.test_request_context():
        init_db()
        skill_ids = dict(db.session.execute(select(Skill.code, Skill.id)).all())
        _pool(skill_ids)
        muni = find_municipality("13307")
        roles = []
        for n, state in enumerate(("open", "closed", "filled", "open")):
            roles.append(Role(municipality_id=muni.id, external_id=f"PG-R-{n}", title=f"PG role {n}", state=state,
                              days_per_week=1.0 + n / 2, work_style="remote", positions=n + 1))
        db.session.add_all(roles)
        db.session.flush()
        people = list(db.session.scalars(select(Professional.id)))
        for person, status in zip(people, ("shortlisted", "appointed", "introduced", "shortlisted"), strict=False):
            db.session.add(Match(role_id=roles[0].id, professional_id=person, status=status))
        db.session.commit()
        _assert_pool_rows_agree(skill_ids[sorted(skill_ids, key=skill_ids.get)[4]])
        from govtech.accounts import services

        for role in ("coordinator", "officer"):
            user = services.create_user(email=f"{role}@pg.example.jp", password="correct-horse-battery", role=role,
                                        municipality=muni if role == "officer" else None)
            db.session.commit()
            _assert_role_rows_agree(user)
