"""Who may see and do what in talent sharing (object checks on top of `role_required`).

Personal data of a professional is seen by coordinators, by the professional, and by a municipality's
officers only once the professional was introduced to that municipality's role and accepted.
"""
from __future__ import annotations

from govtech.accounts.permissions import acts_for, own_municipality_only
from govtech.talent.models import Match, Professional, Role

# Workflow actions and the roles that may take them (object rules are in can_act).
ACTION_ROLES = {
    "shortlist": ("coordinator",), "introduce": ("coordinator",), "reject": ("coordinator",),
    "accept": ("professional",), "decline": ("professional",), "withdraw": ("professional",),
    "interview": ("officer", "coordinator"), "appoint": ("officer", "coordinator"),
    "not_selected": ("officer", "coordinator"),
}


def can_edit_role(user, role: Role) -> bool:
    """Officers edit their own municipality's roles; coordinators may correct any."""
    return user.role == "coordinator" or own_municipality_only(user, role.municipality_id)


def can_view_role(user, role: Role) -> bool:
    """Officers see their municipality's roles; coordinators all; professionals open ones."""
    if user.role == "professional":
        return role.state == "open"
    return user.role != "admin" and acts_for(user, role.municipality_id)


def can_view_candidate(user, match: Match) -> bool:
    """The candidate behind a match: coordinators, the professional, the consented municipality's officers."""
    if user.role == "coordinator":
        return True
    if user.role == "professional":
        return match.professional.user_id == user.id
    return (own_municipality_only(user, match.role.municipality_id) and match.visible_to_municipality)


def can_view_professional(user, professional: Professional) -> bool:
    """A full profile: coordinators and the professional themself."""
    return user.role == "coordinator" or (user.role == "professional" and professional.user_id == user.id)


PROFESSIONAL_ANSWERS = ("accept", "decline", "withdraw")


def can_act(user, match: Match, action: str) -> bool:
    """May this user take this workflow step on this match?

    A professional imported by CSV has no login yet: a coordinator records their answer (given by phone or
    email) for them. Professionals with a login always answer themselves."""
    if action in PROFESSIONAL_ANSWERS and user.role == "coordinator":
        return match.professional.user_id is None
    if user.role not in ACTION_ROLES.get(action, ()):
        return False
    if user.role == "professional":
        return match.professional.user_id == user.id
    if user.role == "officer":
        return own_municipality_only(user, match.role.municipality_id) and match.visible_to_municipality
    return True
