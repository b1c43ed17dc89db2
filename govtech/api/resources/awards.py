"""Bids, award and cost allocation: coordinators record bids, award the tender (the costs are allocated at
once) and may split them again with another rule; participants read the award and their own share.
Same services as the tender page (procurement.awards)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from govtech.api import presenters
from govtech.api.auth import allow
from govtech.api.base import WRITE_ERRORS, documented, done, make_blueprint
from govtech.api.concurrency import IF_MATCH, expected_version
from govtech.api.fields import PageArgs, envelope_list, page_of
from govtech.api.resources.tenders import TENDER, load_tender
from govtech.api.schemas.procurement import (
    AllocationRuleSchema,
    AwardSchema,
    BidCreateSchema,
    BidSchema,
    BidValiditySchema,
    ParticipationSchema,
)
from govtech.procurement import awards

blp = make_blueprint("awards", "Bids, the award and the cost allocation of a joint tender.")


def _bids_visible(tender) -> bool:
    """Coordinators always; officers once the tender is awarded (as on the tender page)."""
    return current_user.role == "coordinator" or tender.award is not None


@blp.route(f"{TENDER}/bids")
@allow("officer", "coordinator")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(BidSchema))
@documented(blp, 401, 403, 404)
def list_bids(args, tender_id: int):
    """The tender's bids with their award points (officers: after the award)."""
    tender = load_tender(tender_id)
    if not _bids_visible(tender):
        abort(403)
    return envelope_list(presenters.bids(tender), args)


@blp.route(f"{TENDER}/bids", methods=["POST"])
@allow("coordinator")
@blp.arguments(BidCreateSchema)
@blp.response(201, BidSchema)
@documented(blp, *WRITE_ERRORS)
def create_bid(data, tender_id: int):
    """Record one vendor's bid while the tender is out for bids or being evaluated."""
    bid = awards.record_bid(actor=current_user, tender=load_tender(tender_id), **data)
    done()
    return next(b for b in presenters.bids(load_tender(tender_id)) if b["id"] == bid.id)


@blp.route(f"{TENDER}/bids/<int(max=2147483647):bid_id>", methods=["PATCH"])
@allow("coordinator")
@blp.arguments(BidValiditySchema)
@blp.response(200, BidSchema)
@documented(blp, *WRITE_ERRORS)
def update_bid(data, tender_id: int, bid_id: int):
    """Mark a bid valid again, or invalid with a reason (before the award)."""
    tender = load_tender(tender_id)
    bid = next((b for b in tender.bids if b.id == bid_id), None) or abort(404)
    awards.set_bid_validity(actor=current_user, bid=bid, valid=data["valid"], reason=data["invalid_reason"])
    done()
    return next(b for b in presenters.bids(load_tender(tender_id)) if b["id"] == bid_id)


@blp.route(f"{TENDER}/award")
@allow("officer", "coordinator")
@blp.response(200, AwardSchema)
@documented(blp, 401, 403, 404)
def get_award(tender_id: int):
    """The award of the tender (404 before the award)."""
    return load_tender(tender_id).award or abort(404)


@blp.route(f"{TENDER}/award", methods=["POST"])
@allow("coordinator")
@blp.response(201, AwardSchema)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def award(tender_id: int):
    """Award the tender to the winning valid bid (by its method) and allocate the costs with its rule."""
    tender = load_tender(tender_id)
    expected_version("tender", tender)
    awards.award_tender(actor=current_user, tender=tender)
    done()
    return load_tender(tender_id).award


@blp.route(f"{TENDER}/allocations")
@allow("officer", "coordinator")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ParticipationSchema))
@documented(blp, 401, 403, 404)
def list_allocations(args, tender_id: int):
    """Each participant's share of the award total and its savings (officers: their own row)."""
    tender = load_tender(tender_id)
    return envelope_list(presenters.allocations(current_user, tender), args)


@blp.route(f"{TENDER}/allocations", methods=["POST"])
@allow("coordinator")
@blp.arguments(AllocationRuleSchema)
@blp.response(200, page_of(ParticipationSchema))
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def allocate(data, tender_id: int):
    """Split the award total again with another rule (after the award, before contracting)."""
    tender = load_tender(tender_id)
    expected_version("tender", tender)
    awards.allocate_costs(actor=current_user, tender=tender, rule=data)
    done()
    rows = presenters.allocations(current_user, load_tender(tender_id))
    return envelope_list(rows, {"page": 1, "per_page": max(len(rows), 1)})
