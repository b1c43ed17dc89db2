"""Helpers shared by the talent views: loading objects with their access check, form data."""
from __future__ import annotations

from flask import abort, current_app, flash, request
from flask_login import current_user

from govtech.core.errors import DomainError
from govtech.core.web import commit
from govtech.extensions import db
from govtech.talent import access, queries
from govtech.talent.forms import REQUIREMENT_ROWS


def page_args() -> dict:
    """Page number and size from the query string."""
    return {"page": request.args.get("page", 1, type=int), "per_page": current_app.config["PAGE_SIZE"]}


def role_or_404(role_id: int, check=access.can_view_role):
    """The role, or 404 when missing, or 403 when this user may not see or edit it."""
    role = queries.role(role_id)
    if role is None:
        abort(404)
    if not check(current_user, role):
        abort(403)
    return role


def match_or_404(match_id: int):
    """The match, or 404 (also when this user may not see its candidate: no hint that it exists)."""
    match = queries.match(match_id)
    if match is None or not access.can_view_candidate(current_user, match):
        abort(404)
    return match


def role_data(form) -> dict:
    """Role fields from a validated RoleForm."""
    return {"title": form.title.data, "description": form.description.data or "",
            "days_per_week": float(form.days_per_week.data), "start_date": form.start_date.data,
            "work_style": form.work_style.data, "positions": int(form.positions.data)}


def requirement_data(form) -> list[tuple[int, int, str]]:
    """(skill id, min level, weight) of the filled requirement rows."""
    rows = []
    for entry in form.requirements.entries:
        skill = entry.form.skill.data
        if skill and str(skill).isdigit():
            rows.append((int(skill), int(entry.form.min_level.data), entry.form.weight.data))
    return rows


def fill_requirement_rows(form, requirements: list[tuple[int, int, str]]) -> None:
    """Pre-fill the requirement rows (existing requirements, or a template), keeping blank rows to add more."""
    while len(form.requirements.entries) < max(REQUIREMENT_ROWS, len(requirements) + 2):
        form.requirements.append_entry()
    for entry, (skill_id, level, weight) in zip(form.requirements.entries, requirements, strict=False):
        entry.form.skill.data, entry.form.min_level.data, entry.form.weight.data = str(skill_id), str(level), weight


def skill_choices(lang: str) -> list[tuple[str, str]]:
    """Skill select options grouped by category name."""
    choices = [("", "—")]
    for category in queries.skill_map():
        for skill in category.skills:
            if skill.active:
                choices.append((str(skill.id), f"{category.display_name(lang)} › {skill.display_name(lang)}"))
    return choices


def attempt(action, success: str) -> bool:
    """Run a service call and commit; flash the success message, or the domain error after a rollback."""
    try:
        action()
        commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    flash(success, "success")
    return True
