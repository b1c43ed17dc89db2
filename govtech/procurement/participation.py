"""Participation (手挙げ): a municipality joins, changes its answer, declines or withdraws.

Joins lock the tender row (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers) and the unique
constraint on (tender, municipality) catches whatever slips through, so a municipality never takes part
twice; the deadline is checked under the same lock.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from govtech.accounts.permissions import acts_for
from govtech.core import audit
from govtech.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from govtech.core.models import Municipality, utcnow
from govtech.extensions import db
from govtech.procurement import tenders
from govtech.procurement.errors import AlreadyJoined, TenderClosed
from govtech.procurement.labels import label
from govtech.procurement.models import JointTender, Participation
from govtech.procurement.services import flush
from govtech.procurement.tenders import release_request


def _participation(tender: JointTender, municipality_id: int) -> Participation | None:
    return db.session.scalar(select(Participation).where(Participation.tender_id == tender.id,
                                                         Participation.municipality_id == municipality_id)
                             .execution_options(populate_existing=True))


def _check_open(tender: JointTender) -> None:
    if tender.state != "survey_open":
        raise TenderClosed(_("This tender is no longer open for participation (it is %(state)s).",
                             state=label("tender", tender.state)))
    if utcnow() > tender.survey_deadline:
        raise TenderClosed(_("The deadline for joining this tender has passed."))


def _answer_errors(quantity, ceiling) -> dict[str, str]:
    errors = {}
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 < quantity <= 10_000_000:
        errors["quantity"] = _("Give a whole number greater than zero.")
    if ceiling is not None and (not isinstance(ceiling, int) or not 0 <= ceiling <= 10**12):
        errors["budget_ceiling_jpy"] = _("Give the ceiling in whole yen, or leave it empty.")
    return errors


def _check_acts(actor, municipality: Municipality) -> None:
    if actor is not None and not acts_for(actor, municipality.id):
        raise NotAllowed(_("Officers answer for their own municipality only."))


def _audit_participation(actor, p: Participation, action: str, before: str | None) -> None:
    audit.record(actor=actor, action=f"participation.{action}", object_type="participation", object_id=p.id,
                 before={"status": before} if before else None,
                 after={"status": p.status, "tender_id": p.tender_id, "quantity": p.quantity},
                 municipality_id=p.municipality_id)


def _open_answer(actor, tender_id: int, municipality: Municipality, quantity: int, budget_ceiling_jpy: int | None):
    """The checks before a municipality's answer is written: who, what, tender locked and still open.
    Returns (tender, its participation of that municipality or None)."""
    _check_acts(actor, municipality)
    errors = _answer_errors(quantity, budget_ceiling_jpy)
    if errors:
        raise ValidationFailed(_("Some fields need correcting."), fields=errors)
    tender = tenders.lock_tender(tender_id)
    _check_open(tender)
    return tender, _participation(tender, municipality.id)


def join_tender(*, actor, tender_id: int, municipality: Municipality, quantity: int,
                budget_ceiling_jpy: int | None = None) -> Participation:
    """手挙げ: the municipality joins with its quantity and ceiling, before the deadline, once."""
    tender, p = _open_answer(actor, tender_id, municipality, quantity, budget_ceiling_jpy)
    before = p.status if p else None
    if p is not None and p.joined:
        raise AlreadyJoined(_("%(name)s already takes part in this tender. Change its answer instead.",
                              name=municipality.name_ja))
    if p is None:
        p = Participation(tender_id=tender.id, municipality_id=municipality.id)
        db.session.add(p)
    p.status, p.quantity, p.budget_ceiling_jpy = "interested", quantity, budget_ceiling_jpy
    p.responded_by_id, p.responded_at = getattr(actor, "id", None), utcnow()
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent join won the race (SQLite, or no row lock)
        db.session.rollback()
        raise AlreadyJoined(_("%(name)s already takes part in this tender.", name=municipality.name_ja)) from exc
    _audit_participation(actor, p, "join", before)
    return p


def update_participation(*, actor, tender_id: int, municipality: Municipality, quantity: int,
                         budget_ceiling_jpy: int | None = None) -> Participation:
    """Change a joined municipality's quantity or ceiling while the tender is open."""
    _tender, p = _open_answer(actor, tender_id, municipality, quantity, budget_ceiling_jpy)
    if p is None or not p.joined:
        raise InvalidTransition(_("Join the tender first."))
    p.quantity, p.budget_ceiling_jpy, p.responded_at = quantity, budget_ceiling_jpy, utcnow()
    flush()
    _audit_participation(actor, p, "update", p.status)
    return p


def decline_participation(*, actor, tender_id: int, municipality: Municipality) -> Participation:
    """The municipality says no (or changes its mind) while the tender is open."""
    _check_acts(actor, municipality)
    tender = tenders.lock_tender(tender_id)
    _check_open(tender)
    p = _participation(tender, municipality.id)
    if p is None:
        p = Participation(tender_id=tender.id, municipality_id=municipality.id)
        db.session.add(p)
    elif p.status == "declined":
        raise InvalidTransition(_("Your municipality already declined this tender."))
    before = p.status
    p.status, p.responded_by_id, p.responded_at = "declined", getattr(actor, "id", None), utcnow()
    release_request(p)
    flush()
    _audit_participation(actor, p, "decline", before)
    return p


def withdraw_participation(*, actor, tender_id: int, municipality: Municipality) -> Participation:
    """Leave the tender before it is published; afterwards the bids depend on the quantities."""
    _check_acts(actor, municipality)
    tender = tenders.lock_tender(tender_id)
    if tender.state not in ("survey_open", "survey_closed", "spec_drafting"):
        raise TenderClosed(_("The tender was published; ask GovTech Tokyo if your municipality must leave."))
    p = _participation(tender, municipality.id)
    if p is None or p.status not in ("interested", "confirmed"):
        raise InvalidTransition(_("Your municipality does not take part in this tender."))
    before = p.status
    p.status, p.responded_by_id, p.responded_at = "withdrawn", getattr(actor, "id", None), utcnow()
    release_request(p)
    flush()
    _audit_participation(actor, p, "withdraw", before)
    return p
