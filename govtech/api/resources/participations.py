"""Participation (手挙げ): officers join a tender for their municipality (or change their quantity), decline
it, or withdraw before publication; everyone who may see the tender reads its participants.
Same services as the tender page (procurement.participation)."""
from __future__ import annotations

from flask_login import current_user

from govtech.api import presenters
from govtech.api.auth import allow
from govtech.api.base import WRITE_ERRORS, documented, done, make_blueprint
from govtech.api.fields import PageArgs, envelope_list, page_of
from govtech.api.resources.tenders import TENDER, load_tender
from govtech.api.schemas.procurement import JoinSchema, ParticipationSchema
from govtech.procurement import participation

blp = make_blueprint("participations", "Municipalities joining joint tenders (手挙げ), with their quantities.")


def _answer(tender_id: int, service, **kwargs):
    tender = load_tender(tender_id)
    row = service(actor=current_user, tender_id=tender.id, municipality=current_user.municipality, **kwargs)
    done()
    tender = load_tender(tender_id)
    return presenters.participation(current_user, tender, next(p for p in tender.participations if p.id == row.id))


@blp.route(f"{TENDER}/participations")
@allow("officer", "coordinator")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ParticipationSchema))
@documented(blp, 401, 403, 404)
def list_participations(args, tender_id: int):
    """The tender's participants: all rows for coordinators; for officers, municipalities that joined and
    their own row (other municipalities' ceilings and amounts are null)."""
    tender = load_tender(tender_id)
    rows = [presenters.participation(current_user, tender, p)
            for p in presenters.visible_participations(current_user, tender)]
    return envelope_list(rows, args)


@blp.route(f"{TENDER}/participation", methods=["PUT"])
@allow("officer")
@blp.arguments(JoinSchema)
@blp.response(200, ParticipationSchema)
@documented(blp, *WRITE_ERRORS)
def join(data, tender_id: int):
    """Join the tender for one's municipality with a quantity and ceiling, or change them while it is open."""
    tender = load_tender(tender_id)
    joined = any(p.joined and p.municipality_id == current_user.municipality_id for p in tender.participations)
    service = participation.update_participation if joined else participation.join_tender
    return _answer(tender_id, service, quantity=data["quantity"], budget_ceiling_jpy=data["budget_ceiling_jpy"])


@blp.route(f"{TENDER}/participation/decline", methods=["POST"])
@allow("officer")
@blp.response(200, ParticipationSchema)
@documented(blp, *WRITE_ERRORS)
def decline(tender_id: int):
    """Decline the tender for one's municipality while it is open."""
    return _answer(tender_id, participation.decline_participation)


@blp.route(f"{TENDER}/participation/withdraw", methods=["POST"])
@allow("officer")
@blp.response(200, ParticipationSchema)
@documented(blp, *WRITE_ERRORS)
def withdraw(tender_id: int):
    """Leave the tender before it is published."""
    return _answer(tender_id, participation.withdraw_participation)
