"""Privacy rights: download everything the portal holds about you (JSON), and delete your account.

Deletion anonymises rather than drops what the audit trail and other people's records need (a role's
appointment history, the audit chain): names, emails, bios and skills go; ids and states stay.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from govtech.accounts.models import User
from govtech.accounts.passwords import hash_password, verify_password
from govtech.accounts.services import end_all_sessions
from govtech.core import audit
from govtech.core.audit import AuditEvent
from govtech.core.errors import NotAllowed, ValidationFailed
from govtech.core.models import utcnow
from govtech.core.notifications import Notification
from govtech.extensions import db

OPEN_MATCH_STATES = ("suggested", "shortlisted", "introduced", "interviewing")


def _professional(user: User):
    from govtech.talent.models import Professional

    return db.session.scalar(select(Professional).where(Professional.user_id == user.id))


def export_user_data(user: User) -> dict[str, Any]:
    """Everything stored about the user, as plain JSON-ready data."""
    data: dict[str, Any] = {
        "account": {"id": user.id, "email": user.email, "name": user.display_name, "role": user.role,
                    "municipality": user.municipality.code if user.municipality else None,
                    "language": user.locale, "created_at": user.created_at, "last_login_at": user.last_login_at,
                    "consent_at": user.consent_at, "active": user.active},
        "notifications": [{"created_at": n.created_at, "message": n.message, "params": n.params,
                           "read_at": n.read_at} for n in db.session.scalars(
                               select(Notification).where(Notification.user_id == user.id))],
        "actions_in_audit_trail": [{"at": e.created_at, "action": e.action, "object": f"{e.object_type} {e.object_id}"}
                                   for e in db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id))],
    }
    pro = _professional(user) if user.role == "professional" else None
    if pro is not None:
        data["profile"] = _profile(pro)
    return data


def _profile(pro) -> dict[str, Any]:
    from govtech.talent.models import Match

    matches = db.session.scalars(select(Match).where(Match.professional_id == pro.id)).all()
    return {
        "name": pro.name, "email": pro.email, "days_per_week": pro.days_per_week,
        "available_from": pro.available_from, "work_style": pro.work_style,
        "on_site_areas": [a for a, on in (("wards", pro.onsite_wards), ("tama", pro.onsite_tama),
                                          ("islands", pro.onsite_islands)) if on],
        "public_sector_years": pro.public_sector_years, "bio": pro.bio,
        "consent_to_introduce": pro.consent_to_introduce, "updated_at": pro.updated_at,
        "skills": [{"skill": s.skill.code, "level": s.level, "verified": s.verified} for s in pro.skills],
        "introductions": [{"role": m.role.title, "municipality": m.role.municipality.code, "status": m.status,
                           "your_consent": m.professional_consent, "updated_at": m.updated_at} for m in matches],
    }


def delete_account(*, user: User, password: str) -> None:
    """Delete (anonymise) a professional's own account after checking the password."""
    if user.role != "professional":
        raise NotAllowed(_("Staff accounts are closed by an administrator, who disables them."))
    if not verify_password(user.password_hash, password):
        raise ValidationFailed(_("The password is not correct."), fields={"password": _("Not correct.")})
    pro = _professional(user)
    if pro is not None:
        _anonymise_profile(pro, actor=user)
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = ""
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False
    user.consent_at = None
    end_all_sessions(user)
    db.session.execute(Notification.__table__.delete().where(Notification.user_id == user.id))
    audit.record(actor=user, action="user.delete", object_type="user", object_id=user.id,
                 after={"anonymised": True})


def _anonymise_profile(pro, *, actor) -> None:
    from govtech.talent.models import Match, ProfessionalSkill

    for match in db.session.scalars(select(Match).where(Match.professional_id == pro.id,
                                                        Match.status.in_(OPEN_MATCH_STATES))):
        before = match.status
        match.status, match.note, match.updated_at = "withdrawn", "", utcnow()
        match.version += 1
        audit.record(actor=actor, action="match.withdraw", object_type="match", object_id=match.id,
                     before={"status": before}, after={"status": "withdrawn", "reason": "account deleted"},
                     municipality_id=match.role.municipality_id)
    db.session.execute(ProfessionalSkill.__table__.delete().where(ProfessionalSkill.professional_id == pro.id))
    pro.name, pro.email, pro.bio = _("(deleted)"), f"deleted-{pro.id}@deleted.invalid", ""
    pro.consent_to_introduce = False
    pro.onsite_wards = pro.onsite_tama = pro.onsite_islands = False
    pro.available_from, pro.public_sector_years = None, 0
    pro.updated_at = utcnow()
    pro.version += 1
