"""`seed-demo` data for talent sharing: a pool of 64 professionals, 12 roles, matches in every state.

Idempotent: nothing is added when the demo roles already exist.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from govtech.accounts.services import find_municipality
from govtech.core.models import Skill
from govtech.extensions import db
from govtech.talent import csv_import, ranking, role_templates, services, workflow
from govtech.talent.models import REGIONS, WORK_STYLES, Role
from govtech.talent.seed_data import (
    CLOSING_EN,
    CLOSING_JA,
    DEMO_PRO_BIO,
    DEMO_PRO_SKILLS,
    FAMILY,
    FOREIGN,
    GIVEN,
    PERSONAS,
    ROLES,
)

POOL_SIZE = 64


def _professional_rows(skill_ids: dict[str, int], today: date) -> list[dict]:
    rng = random.Random(2026)  # nosec B311 - seeded, reproducible demo data, not security
    names = list(PERSONAS)
    rows = []
    for n in range(POOL_SIZE):
        persona = PERSONAS[names[n % len(names)]]
        foreign = n % 7 == 3
        name = FOREIGN[(n // 7) % len(FOREIGN)] if foreign else f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        english = foreign or rng.random() < 0.2
        days = rng.choice([1, 1, 1, 1.5, 2, 2, 3])
        sentences = rng.sample(persona["en" if english else "ja"], 2)
        closing = rng.choice(CLOSING_EN if english else CLOSING_JA).format(d=f"{days:g}")
        levels = {skill_ids[code]: (max(1, min(4, lvl + rng.choice([-1, 0, 0, 1]))), None)
                  for code, lvl in persona["skills"]}
        for code in rng.sample(sorted(skill_ids), 3):
            levels.setdefault(skill_ids[code], (rng.choice([1, 1, 2]), None))
        style = rng.choice(WORK_STYLES)
        regions = [r for r in REGIONS if rng.random() < {"wards": 0.8, "tama": 0.5, "islands": 0.15}[r]]
        if style != "remote" and not regions:
            regions = ["wards"]
        rows.append({
            "external_id": f"DEMO-P-{n + 1:03d}", "name": name, "email": f"talent{n + 1:03d}@example.jp",
            "levels": levels, "days_per_week": float(days),
            "available_from": today + timedelta(days=rng.choice([-60, -30, 0, 0, 14, 30, 90])),
            "work_style": style, "onsite_wards": "wards" in regions, "onsite_tama": "tama" in regions,
            "onsite_islands": "islands" in regions, "public_sector_years": rng.choice([0, 0, 1, 2, 3, 5, 8, 12]),
            "bio": " ".join(sentences + [closing])})
    return rows


def _role_rows(skill_ids: dict[str, int], today: date) -> list[dict]:
    rows = []
    for n, (ext, muni, template, title, desc, days, style, positions, reqs) in enumerate(ROLES):
        if reqs is None:
            reqs = role_templates.get(template).requirements
        rows.append({
            "external_id": ext, "municipality_id": find_municipality(muni).id, "title": title, "description": desc,
            "requirements": {skill_ids[c]: (lvl, w) for c, lvl, w in reqs}, "days_per_week": float(days),
            "start_date": today + timedelta(days=30 + 15 * n), "work_style": style, "positions": positions})
    return rows


def _demo_profile(user, skill_ids):
    professional = services.profile_for(user)
    services.save_profile(professional=professional, actor=user, levels={
        skill_ids[c]: lvl for c, lvl in DEMO_PRO_SKILLS}, data={
        "name": user.display_name, "email": user.email, "days_per_week": 2.0,
        "available_from": date.today(), "work_style": "hybrid", "regions": ["wards", "tama"],
        "public_sector_years": 4, "bio": DEMO_PRO_BIO, "consent_to_introduce": True})
    return professional


def _step(match, action, actor):
    return workflow.transition(match_id=match.id, action=action, actor=actor, expected_version=match.version)


def _matches(users, demo_pro) -> None:
    """Put some candidates through the workflow so every page has something to show."""
    coordinator, roles = users["coordinator"], {r.external_id: r for r in db.session.scalars(select(Role))}
    for ext, role in sorted(roles.items()):
        if not ext.startswith("DEMO-R-"):
            continue
        ranked = [s for s in ranking.suggest(role, top=9) if s.professional_id != demo_pro.id]
        created = {}
        for rank, s in enumerate(ranked):
            if rank in (0, 1, 2) or rank >= 6:
                person = db.session.get(services.Professional, s.professional_id)
                status = "rejected" if rank >= 6 else "shortlisted"
                created[rank] = workflow.consider(role=role, professional=person, actor=coordinator, status=status,
                                                  score=s.score, explanation=s.explanation)
        officer = users["officer2"] if ext == "DEMO-R-02" else users["officer"]
        story = {"DEMO-R-01": "interviewing", "DEMO-R-02": "appointed", "DEMO-R-03": "declined",
                 "DEMO-R-05": "withdrawn", "DEMO-R-04": "introduced"}.get(ext)
        if story and 0 in created:
            m = _step(created[0], "introduce", coordinator)
            if story != "introduced":
                m = _step(m, "decline" if story == "declined" else "accept", _owner(m, coordinator))
            if story == "withdrawn":
                _step(m, "withdraw", _owner(m, coordinator))
            elif story in ("interviewing", "appointed"):
                m = _step(m, "interview", officer if ext in ("DEMO-R-01", "DEMO-R-02") else coordinator)
                if story == "appointed":
                    _step(m, "appoint", officer)
    why = ranking.explain_pair(roles["DEMO-R-01"], demo_pro.id)
    demo_match = workflow.consider(role=roles["DEMO-R-01"], professional=demo_pro, actor=coordinator,
                                   score=why["score"] if why else None, explanation=why)
    _step(demo_match, "introduce", coordinator)


def _owner(match, coordinator):
    """Who answers for the professional: their login, or the coordinator for an imported profile."""
    from govtech.accounts.models import User

    return db.session.get(User, match.professional.user_id) if match.professional.user_id else coordinator


def seed_talent(users: dict) -> None:
    """Seed the demo pool, roles and matches (skipped when already there)."""
    if db.session.scalar(select(Role.id).where(Role.external_id == "DEMO-R-01")) is not None:
        return
    skill_ids = dict(db.session.execute(select(Skill.code, Skill.id)).all())
    today = date.today()
    csv_import.save_professionals(_professional_rows(skill_ids, today))
    csv_import.save_roles(_role_rows(skill_ids, today))
    demo_pro = _demo_profile(users["professional"], skill_ids)
    db.session.flush()
    _matches(users, demo_pro)
    db.session.flush()
