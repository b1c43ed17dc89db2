"""The introduction workflow: suggested → shortlisted → introduced → interviewing → appointed | declined |
withdrawn | rejected. One decision per match and never more appointments than positions, even when two
people click at once.

Concurrency: every step first locks the role row (SELECT … FOR UPDATE on PostgreSQL; on SQLite a no-op
UPDATE takes the database write lock, which serialises writers), then re-reads the match and compares its
version with the one the person saw. The loser of a race gets a Conflict, never a second decision.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from govtech.accounts.models import User
from govtech.core import audit
from govtech.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from govtech.core.models import utcnow
from govtech.core.notifications import N_, notify
from govtech.extensions import db
from govtech.talent.access import can_act
from govtech.talent.models import Match, Professional, Role


class PositionsFilled(Conflict):
    """Every position of the role is already taken."""

    code = "positions_filled"


# action -> (statuses it starts from, status it leads to)
TRANSITIONS = {
    "shortlist": (("suggested",), "shortlisted"),
    "introduce": (("suggested", "shortlisted"), "introduced"),
    "reject": (("suggested", "shortlisted"), "rejected"),
    "accept": (("introduced",), "introduced"),
    "decline": (("introduced",), "declined"),
    "withdraw": (("suggested", "shortlisted", "introduced", "interviewing"), "withdrawn"),
    "interview": (("introduced",), "interviewing"),
    "appoint": (("introduced", "interviewing"), "appointed"),
    "not_selected": (("introduced", "interviewing"), "rejected"),
}
INTRODUCED = N_("You were introduced to the role “%(title)s”. Please accept or decline the introduction.")
CANDIDATE = N_("A candidate accepted the introduction to your role “%(title)s”: you can now see their profile.")
# Steps that need the professional's consent first, and steps that answer the consent question.
NEEDS_CONSENT = {"interview", "appoint", "not_selected"}
ANSWERS_CONSENT = {"accept", "decline"}


def lock_role(role_id: int) -> Role:
    """Take the role's row lock for the rest of the transaction and return the fresh row."""
    if db.engine.dialect.name != "postgresql":
        # SQLite has no row locks: this write takes the database write lock, so writers queue here.
        db.session.execute(update(Role).where(Role.id == role_id).values(version=Role.version))
    stmt = select(Role).where(Role.id == role_id).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Role)
    role = db.session.scalar(stmt)
    if role is None:
        raise NotFound(_("This role no longer exists."))
    return role


def _fresh_match(match_id: int) -> Match:
    stmt = select(Match).where(Match.id == match_id).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Match)
    match = db.session.scalar(stmt)
    if match is None:
        raise NotFound(_("This candidate record no longer exists."))
    return match


def appointed_count(role_id: int) -> int:
    """Positions of the role already filled."""
    return db.session.scalar(select(func.count(Match.id)).where(
        Match.role_id == role_id, Match.status == "appointed")) or 0


def transition(*, match_id: int, action: str, actor, expected_version: int, note: str = "") -> Match:
    """Take one workflow step on a match, checking permission, state, version and free positions."""
    if action not in TRANSITIONS:
        raise InvalidTransition(_("Unknown step."))
    role_id = db.session.scalar(select(Match.role_id).where(Match.id == match_id))
    if role_id is None:
        raise NotFound(_("This candidate record no longer exists."))
    role = lock_role(role_id)
    match = _fresh_match(match_id)
    if not can_act(actor, match, action):
        raise NotAllowed(_("You cannot take this step on this candidate."))
    if match.version != expected_version:
        raise Conflict(_("Someone else already updated this candidate. Reload the page to see the new state."))
    _check_state(match, role, action)
    before = {"status": match.status, "consent": match.professional_consent}
    _apply(match, action, actor)
    if action == "appoint":
        db.session.flush()
        if appointed_count(role.id) >= role.positions:
            role.state = "filled"
            role.touch()
    if note:
        match.note = note.strip()[:500]
    match.version += 1
    match.updated_at = utcnow()
    audit.record(actor=actor, action=f"match.{action}", object_type="match", object_id=match.id,
                 before=before, after={"status": match.status, "consent": match.professional_consent,
                                       "role_id": role.id}, municipality_id=role.municipality_id)
    _notify(match, role, action)
    return match


def _notify(match: Match, role: Role, action: str) -> None:
    """The professional learns of an introduction; the municipality's officers of a candidate who accepted."""
    def path(endpoint: str, **values) -> str:
        return current_app.url_map.bind("").build(endpoint, values)

    if action == "introduce" and match.professional.user_id is not None:
        notify([match.professional.user_id], kind="talent.introduced", message=INTRODUCED,
               params={"title": role.title}, link=path("talent.introductions"),
               dedupe_key=f"match-introduced:{match.id}")
    elif action == "accept":
        officers = db.session.scalars(select(User.id).where(User.role == "officer", User.active.is_(True),
                                                            User.municipality_id == role.municipality_id))
        notify(officers, kind="talent.candidate", message=CANDIDATE, params={"title": role.title},
               link=path("talent.candidate", match_id=match.id), dedupe_key=f"match-accepted:{match.id}")


def _check_state(match: Match, role: Role, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if match.status not in sources:
        raise InvalidTransition(_("This step is not possible while the candidate is %(status)s.",
                                  status=_state_name(match.status)))
    if action in ANSWERS_CONSENT and match.professional_consent is not None:
        raise InvalidTransition(_("You already answered this introduction."))
    if action in NEEDS_CONSENT and match.professional_consent is not True:
        raise InvalidTransition(_("The professional has not accepted the introduction yet."))
    if action == "introduce":
        if role.state != "open":
            raise InvalidTransition(_("Only open roles can receive introductions."))
        if not match.professional.consent_to_introduce:
            raise InvalidTransition(_("This professional does not currently agree to introductions."))
    if action == "appoint" and appointed_count(role.id) >= role.positions:
        raise PositionsFilled(_("Every position of this role is already filled."))


def _apply(match: Match, action: str, actor) -> None:
    match.status = TRANSITIONS[action][1]
    if action == "introduce":
        match.professional_consent = None
    elif action in ANSWERS_CONSENT:
        match.professional_consent = action == "accept"
        match.consent_at = utcnow()
    if actor.role in ("coordinator", "officer"):
        match.decided_by_id = actor.id
        match.decided_at = utcnow()


def _state_name(status: str) -> str:
    from govtech.talent.vocab import MATCH_STATE_LABELS, label

    return label(MATCH_STATE_LABELS, status)


def consider(*, role: Role, professional: Professional, actor, status: str = "shortlisted",
             score: float | None = None, explanation: dict | None = None, origin: str = "coordinator",
             model_version: int | None = None) -> Match:
    """Create the match of a suggested professional (shortlisted, or rejected as not a fit)."""
    if status not in ("suggested", "shortlisted", "rejected"):
        raise InvalidTransition(_("Unknown step."))
    if role.state != "open":
        raise InvalidTransition(_("This role is not open."))
    if not professional.consent_to_introduce:
        raise InvalidTransition(_("This professional does not currently agree to introductions."))
    match = Match(role_id=role.id, professional_id=professional.id, status=status, origin=origin,
                  score=score, explanation=explanation, model_version=model_version,
                  decided_by_id=actor.id if actor is not None and status != "suggested" else None,
                  decided_at=utcnow() if status != "suggested" else None)
    try:
        with db.session.begin_nested():
            db.session.add(match)
    except IntegrityError as exc:
        raise Conflict(_("This professional is already a candidate for this role.")) from exc
    audit.record(actor=actor, action=f"match.{status}", object_type="match", object_id=match.id,
                 after={"status": status, "role_id": role.id, "professional_id": professional.id,
                        "origin": origin}, municipality_id=role.municipality_id)
    return match


def express_interest(*, role: Role, professional: Professional, actor, score=None, explanation=None) -> Match:
    """The professional asks to be considered for an open role (a suggested match flagged as interest)."""
    existing = db.session.scalar(select(Match).where(Match.role_id == role.id,
                                                     Match.professional_id == professional.id))
    if existing is not None:
        if existing.interest:
            raise Conflict(_("You already expressed interest in this role."))
        existing.interest = True
        existing.version += 1
        audit.record(actor=actor, action="match.interest", object_type="match", object_id=existing.id,
                     after={"interest": True}, municipality_id=role.municipality_id)
        return existing
    if not professional.consent_to_introduce:
        raise InvalidTransition(_("Turn on consent to introductions in your profile first."))
    match = consider(role=role, professional=professional, actor=actor, status="suggested", score=score,
                     explanation=explanation, origin="interest")
    match.interest = True
    return match


def apply_plan(*, pairs, actor) -> list[Match]:
    """Shortlist the (role id, professional id) pairs a coordinator kept from the pool-wide plan."""
    from govtech.talent import ranking

    created = []
    for role_id, professional_id in sorted(pairs):
        role = db.session.get(Role, role_id)
        professional = db.session.get(Professional, professional_id)
        if role is None or professional is None:
            raise NotFound(_("A planned role or professional no longer exists. Reload the plan."))
        existing = db.session.scalar(select(Match).where(Match.role_id == role_id,
                                                         Match.professional_id == professional_id))
        if existing is not None:
            continue
        explanation = ranking.explain_pair(role, professional_id)
        created.append(consider(role=role, professional=professional, actor=actor, status="shortlisted",
                                origin="plan", score=explanation["score"] if explanation else None,
                                explanation=explanation))
    return created
