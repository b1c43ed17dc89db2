"""Talent writes: professional profiles and skill levels, roles and their requirements.

Services check the rules, `add`/`flush`, record the audit trail and raise domain errors; the caller commits.
Rows become scorer arrays only in `talent.matrices` (used by `talent.ranking`).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from govtech.core import audit
from govtech.core.errors import Conflict, InvalidTransition, ValidationFailed
from govtech.core.models import Municipality, Skill, utcnow
from govtech.extensions import db
from govtech.talent.models import (
    REGIONS,
    WEIGHTS,
    WORK_STYLES,
    Professional,
    ProfessionalSkill,
    Role,
    RoleRequirement,
)

PROFILE_FIELDS = ("name", "email", "days_per_week", "available_from", "work_style", "public_sector_years", "bio",
                  "consent_to_introduce")
ROLE_FIELDS = ("title", "description", "days_per_week", "start_date", "work_style", "positions")


def profile_for(user, create: bool = True) -> Professional | None:
    """The professional profile of a signed-in professional (created empty on first use)."""
    professional = db.session.scalar(select(Professional).where(Professional.user_id == user.id))
    if professional is None and create:
        professional = Professional(user_id=user.id, name=user.display_name or "", email=user.email,
                                    consent_to_introduce=user.consent_at is not None)
        db.session.add(professional)
        db.session.flush()
        professional.external_id = f"P-WEB-{professional.id}"
    return professional


def _check_profile(data: dict) -> None:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Enter your name.")
    if not 0 <= float(data.get("days_per_week") or 0) <= 5:
        errors["days_per_week"] = _("Between 0 and 5 days.")
    if data.get("work_style") not in WORK_STYLES:
        errors["work_style"] = _("Choose a work style.")
    if not set(data.get("regions") or ()) <= set(REGIONS):
        errors["regions"] = _("Unknown area.")
    if data.get("work_style") in ("hybrid", "onsite") and not data.get("regions"):
        errors["regions"] = _("Choose at least one area where you can be on site, or choose remote.")
    if not 0 <= int(data.get("public_sector_years") or 0) <= 60:
        errors["public_sector_years"] = _("Between 0 and 60 years.")
    if errors:
        raise ValidationFailed(_("Some answers need a correction."), fields=errors)


def save_profile(*, professional: Professional, data: dict, levels: dict[int, int], actor) -> Professional:
    """Update the profile and its skill levels; a changed level loses its verification."""
    _check_profile(data)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(professional, name, data[name])
    professional.name = professional.name.strip()
    professional.set_regions(data.get("regions") or ())
    changed = set_levels(professional, levels)
    professional.touch()
    audit.record(actor=actor, action="professional.update", object_type="professional", object_id=professional.id,
                 after={"skills_changed": changed, "consent": professional.consent_to_introduce})
    return professional


def set_levels(professional: Professional, levels: dict[int, int]) -> int:
    """Set skill levels (skill id -> 0..4); returns how many changed."""
    if any(not 0 <= int(v) <= 4 for v in levels.values()):
        raise ValidationFailed(_("Skill levels go from 0 to 4."))
    current = {ps.skill_id: ps for ps in professional.skills}
    changed = 0
    for skill_id, level in levels.items():
        level = int(level)
        held = current.get(skill_id)
        if held is None:
            if level > 0:
                professional.skills.append(ProfessionalSkill(skill_id=skill_id, level=level))
                changed += 1
        elif held.level != level:
            changed += 1
            if level == 0:
                professional.skills.remove(held)
            else:
                held.level, held.verified, held.verified_by_id, held.verified_at = level, False, None, None
    return changed


def verify_skill(*, professional: Professional, skill_id: int, verified: bool, actor) -> ProfessionalSkill:
    """A coordinator confirms (or withdraws confirmation of) a self-assessed level."""
    held = next((ps for ps in professional.skills if ps.skill_id == skill_id), None)
    if held is None or held.level == 0:
        raise ValidationFailed(_("Only a skill the professional holds can be verified."))
    held.verified = verified
    held.verified_by_id = actor.id if verified else None
    held.verified_at = utcnow() if verified else None
    professional.touch()
    audit.record(actor=actor, action="professional.verify_skill", object_type="professional",
                 object_id=professional.id, after={"skill_id": skill_id, "level": held.level, "verified": verified})
    return held


def _check_role(data: dict, requirements: list[tuple[int, int, str]]) -> None:
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("Enter a title.")
    if not 0 < float(data.get("days_per_week") or 0) <= 5:
        errors["days_per_week"] = _("Between 0.5 and 5 days.")
    if data.get("work_style") not in WORK_STYLES:
        errors["work_style"] = _("Choose a work style.")
    if int(data.get("positions") or 0) < 1:
        errors["positions"] = _("At least one position.")
    skills = [skill_id for skill_id, _level, _weight in requirements]
    if not requirements:
        errors["requirements"] = _("Add at least one required skill.")
    elif len(set(skills)) != len(skills):
        errors["requirements"] = _("Each skill can be required only once.")
    elif any(not 1 <= level <= 4 or weight not in WEIGHTS for _s, level, weight in requirements):
        errors["requirements"] = _("Levels go from 1 to 4 and weights are must, important or bonus.")
    elif db.session.scalar(select(db.func.count(Skill.id)).where(Skill.id.in_(skills))) != len(skills):
        errors["requirements"] = _("Unknown skill.")
    if errors:
        raise ValidationFailed(_("Some answers need a correction."), fields=errors)


def _set_requirements(role: Role, requirements: list[tuple[int, int, str]]) -> None:
    current = {r.skill_id: r for r in role.requirements}
    wanted = {skill_id: (level, weight) for skill_id, level, weight in requirements}
    for skill_id, req in current.items():
        if skill_id not in wanted:
            role.requirements.remove(req)
    for skill_id, (level, weight) in wanted.items():
        if skill_id in current:
            current[skill_id].min_level, current[skill_id].weight = level, weight
        else:
            role.requirements.append(RoleRequirement(skill_id=skill_id, min_level=level, weight=weight))


def create_role(*, municipality: Municipality, data: dict, requirements, actor, template: str | None = None) -> Role:
    """Post a new open role for a municipality."""
    _check_role(data, requirements)
    role = Role(municipality_id=municipality.id, state="open", template=template or None,
                created_by_id=getattr(actor, "id", None), **{k: data[k] for k in ROLE_FIELDS})
    role.title = role.title.strip()
    db.session.add(role)
    _set_requirements(role, requirements)
    db.session.flush()
    role.external_id = f"R-WEB-{role.id}"
    audit.record(actor=actor, action="role.create", object_type="role", object_id=role.id,
                 after={"state": "open", "positions": role.positions, "requirements": len(requirements)},
                 municipality_id=municipality.id)
    return role


def update_role(*, role: Role, data: dict, requirements, actor, expected_version: int | None) -> Role:
    """Edit a role; refuses a stale edit (someone saved in between)."""
    if expected_version is not None and role.version != expected_version:
        raise Conflict(_("Someone else changed this role while you were editing. Reload and edit again."))
    _check_role(data, requirements)
    for name in ROLE_FIELDS:
        setattr(role, name, data[name])
    role.title = role.title.strip()
    _set_requirements(role, requirements)
    role.touch()
    audit.record(actor=actor, action="role.update", object_type="role", object_id=role.id,
                 after={"version": role.version, "requirements": len(requirements)},
                 municipality_id=role.municipality_id)
    return role


def set_role_state(*, role: Role, state: str, actor) -> Role:
    """Close a role, or reopen a closed one."""
    allowed = {"closed": ("open", "filled"), "open": ("closed",)}
    if role.state not in allowed.get(state, ()):
        raise InvalidTransition(_("This role cannot change to that state now."))
    before = role.state
    role.state = state
    role.touch()
    audit.record(actor=actor, action=f"role.{'close' if state == 'closed' else 'reopen'}", object_type="role",
                 object_id=role.id, before={"state": before}, after={"state": state},
                 municipality_id=role.municipality_id)
    return role


def profile_completeness(professional: Professional | None) -> int:
    """Percent of the profile filled in (what a professional sees on the home page)."""
    if professional is None:
        return 0
    checks = [bool(professional.name), bool(professional.email), professional.days_per_week > 0,
              professional.available_from is not None,
              bool(professional.work_style), len(professional.bio or "") >= 80,
              sum(1 for s in professional.skills if s.level > 0) >= 3, professional.consent_to_introduce,
              professional.work_style == "remote" or bool(professional.regions)]
    return round(100 * sum(checks) / len(checks))
