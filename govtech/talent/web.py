"""Plugs talent sharing into the portal: blueprint, menu, home panels, demo data, `flask talent …` commands."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from govtech.cli import register_seeder
from govtech.core.jobs import register_job
from govtech.core.nav import NavItem, register_nav


def home_panel(user):
    """The talent panel of the home page for this user's role (None for admins)."""
    from govtech.talent import queries, ranking, services

    if user.role == "professional":
        professional = services.profile_for(user, create=False)
        fits = []
        if professional is not None:
            fits = [r for r in ranking.roles_for(professional, queries.open_roles()) if r[1]["eligible"]][:3]
        return {"template": "talent/_home_professional.html", "professional": professional, "fits": fits,
                "completeness": services.profile_completeness(professional),
                "pending": queries.pending_introductions(professional.id) if professional else []}
    if user.role == "officer":
        return {"template": "talent/_home_officer.html", **queries.officer_summary(user.municipality_id)}
    if user.role == "coordinator":
        return {"template": "talent/_home_coordinator.html", "roles": queries.roles_without_candidates(),
                "model": ranking.active_model()}
    return None


def talent_skills() -> dict:
    """Skills by code for templates (one query per request)."""
    from flask import g
    from sqlalchemy import select

    from govtech.core.models import Skill
    from govtech.extensions import db

    if "talent_skills" not in g:
        g.talent_skills = {s.code: s for s in db.session.scalars(select(Skill))}
    return g.talent_skills


def explanation_rows(explanation: dict) -> list[tuple]:
    """The per-skill rows of an explanation with every label resolved in the reader's language:
    (skill name, weight, needed level, held level, verified, status, status label). One call per
    explanation instead of five template calls per skill: the suggestion page shows a dozen of them."""
    from govtech.core.web import get_locale_code
    from govtech.talent import vocab

    skills, lang, label = talent_skills(), get_locale_code(), vocab.label
    rows = []
    for s in explanation.get("skills") or ():
        skill = skills.get(s["skill"])
        rows.append((skill.display_name(lang) if skill else s["skill"], label(vocab.WEIGHT_LABELS, s["weight"]),
                     label(vocab.LEVEL_LABELS, s["required"]), label(vocab.LEVEL_LABELS, s["held"]),
                     s["verified"], s["status"], label(vocab.SKILL_STATUS_LABELS, s["status"])))
    return rows


def register(app) -> None:
    """Called by the factory (FEATURES)."""
    from govtech.talent import csv_import, ranking, vocab
    from govtech.talent.cli import talent_group
    from govtech.talent.routes import bp
    from govtech.talent.seed import seed_talent

    app.register_blueprint(bp)
    app.jinja_env.globals.update(talent=vocab, talent_skills=talent_skills, explanation_rows=explanation_rows)
    register_nav(app,
                 NavItem("talent.profile", _l("My profile"), ("professional",), 20),
                 NavItem("talent.my_roles", _l("Roles for me"), ("professional",), 21),
                 NavItem("talent.introductions", _l("Introductions"), ("professional",), 22),
                 NavItem("talent.index", _l("Digital talent"), ("officer", "coordinator"), 30))
    app.extensions.setdefault("govtech_home_panels", []).append(home_panel)
    register_seeder(app, 30, seed_talent)
    register_job(csv_import.IMPORT_JOB, csv_import.import_job)
    register_job(ranking.PLAN_JOB, ranking.plan_job)
    app.cli.add_command(talent_group)
