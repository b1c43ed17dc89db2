"""Joint tenders and pools: coordinators create tenders (by hand or from pooled requests) and move them
through their lifecycle; officers read the tenders open to them or that their municipality takes part in.
Same services as the tender pages (procurement.tenders, procurement.awards)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from govtech.api import presenters
from govtech.api.auth import allow
from govtech.api.base import WRITE_ERRORS, documented, done, found, make_blueprint
from govtech.api.concurrency import ETAG_HEADER, IF_MATCH, expected_version, with_etag
from govtech.api.fields import PageArgs, envelope, envelope_list, page_of
from govtech.api.queries import officer_tender_page
from govtech.api.schemas.procurement import (
    PoolSchema,
    ReasonSchema,
    ReopenSchema,
    SpecificationSchema,
    TenderArgs,
    TenderCreateSchema,
    TenderDetailSchema,
    TenderSchema,
)
from govtech.procurement import queries, tenders
from govtech.procurement.access import can_view_tender
from govtech.procurement.coordination_routes import STEPS

blp = make_blueprint("tenders", "Joint tenders through their lifecycle, and pooling suggestions.")
TENDER = "/tenders/<int(max=2147483647):tender_id>"
NO_ARGUMENT_STEPS = ("close_survey", "start_spec", "publish", "evaluate", "start_contracting", "activate", "close")


def load_tender(tender_id: int):
    """The tender if this user may see it (404 otherwise)."""
    return found(queries.get_tender(tender_id), can_view_tender)


def tender_result(tender_id: int, status: int = 200, headers: dict | None = None):
    """The tender as this user sees it, freshly read, with its ETag."""
    tender = load_tender(tender_id)
    return with_etag("tender", tender, presenters.tender_detail(current_user, tender), status, headers)


@blp.route("/tenders")
@allow("officer", "coordinator")
@blp.arguments(TenderArgs, location="query")
@blp.response(200, page_of(TenderSchema))
@documented(blp, 401, 403)
def list_tenders(args):
    """Tenders: all for coordinators; for officers, those open for participation or joined by their town."""
    filters = {k: args.get(k) for k in ("state", "category", "fiscal_year", "q", "sort")}
    if current_user.role == "officer":
        return envelope(officer_tender_page(current_user, page=args["page"], per_page=args["per_page"], **filters))
    return envelope(queries.tender_page(page=args["page"], per_page=args["per_page"], **filters))


@blp.route("/tenders", methods=["POST"])
@allow("coordinator")
@blp.arguments(TenderCreateSchema)
@blp.response(201, TenderDetailSchema, headers=ETAG_HEADER)
@documented(blp, *WRITE_ERRORS)
def create_tender(data):
    """Open a joint tender for participation, by hand or from pooled requests (`request_ids`)."""
    values = {k: v for k, v in data.items() if k != "request_ids"}
    values["category"] = {c.code: c for c in queries.categories()}.get(data["category"])
    if data["request_ids"]:
        tender = tenders.create_tender_from_pool(actor=current_user, request_ids=data["request_ids"], values=values)
    else:
        tender = tenders.create_tender(actor=current_user, values=values)
    done()
    return tender_result(tender.id, 201, {"Location": url_for("tenders.get_tender", tender_id=tender.id)})


@blp.route(TENDER)
@allow("officer", "coordinator")
@blp.response(200, TenderDetailSchema, headers=ETAG_HEADER)
@documented(blp, 401, 403, 404)
def get_tender(tender_id: int):
    """One tender with its participants (others' amounts hidden from officers) and its award."""
    return tender_result(tender_id)


@blp.route(f"{TENDER}/specification", methods=["PUT"])
@allow("coordinator")
@blp.arguments(SpecificationSchema)
@blp.response(200, TenderDetailSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def put_specification(data, tender_id: int):
    """Write the joint specification, bid deadline and contract period (before publication)."""
    tender = load_tender(tender_id)
    expected_version("tender", tender, data.get("version"))
    tenders.update_specification(actor=current_user, tender=tender, specification=data["specification"],
                                 bid_deadline=data["bid_deadline"], contract_start=data["contract_start"],
                                 contract_end=data["contract_end"])
    done()
    return tender_result(tender_id)


@blp.route(f"{TENDER}/steps/<any({', '.join(NO_ARGUMENT_STEPS)}):step>", methods=["POST"])
@allow("coordinator")
@blp.response(200, TenderDetailSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def take_step(tender_id: int, step: str):
    """Move the tender one step: close_survey, start_spec, publish, evaluate, start_contracting, activate, close.

    Each step checks its own rules (e.g. publish needs a specification, a future bid deadline and a confirmed
    participant); award is POST /tenders/{id}/award.
    """
    tender = load_tender(tender_id)
    expected_version("tender", tender)
    STEPS[step][0](actor=current_user, tender=tender)
    done()
    return tender_result(tender_id)


def _stop(tender_id: int, service, reason: str):
    tender = load_tender(tender_id)
    expected_version("tender", tender)
    service(actor=current_user, tender=tender, reason=reason)
    done()
    return tender_result(tender_id)


@blp.route(f"{TENDER}/cancel", methods=["POST"])
@allow("coordinator")
@blp.arguments(ReasonSchema)
@blp.response(200, TenderDetailSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def cancel_tender(data, tender_id: int):
    """Cancel the tender before award (its requests go back to the pool), saying why."""
    return _stop(tender_id, tenders.cancel_tender, data["reason"])


@blp.route(f"{TENDER}/fail", methods=["POST"])
@allow("coordinator")
@blp.arguments(ReasonSchema)
@blp.response(200, TenderDetailSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def fail_tender(data, tender_id: int):
    """Declare the tender failed for lack of a valid bid, saying why (it can then be re-tendered)."""
    return _stop(tender_id, tenders.fail_tender, data["reason"])


@blp.route(f"{TENDER}/reopen", methods=["POST"])
@allow("coordinator")
@blp.arguments(ReopenSchema)
@blp.response(200, TenderDetailSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def reopen_tender(data, tender_id: int):
    """Open participation again until a new deadline."""
    tender = load_tender(tender_id)
    expected_version("tender", tender)
    tenders.reopen_survey(actor=current_user, tender=tender, deadline=data["deadline"])
    done()
    return tender_result(tender_id)


@blp.route(f"{TENDER}/retender", methods=["POST"])
@allow("coordinator")
@blp.response(201, TenderDetailSchema, headers=ETAG_HEADER)
@documented(blp, *WRITE_ERRORS)
def retender(tender_id: int):
    """A new tender for a failed one's confirmed participants and specification."""
    new = tenders.retender(actor=current_user, tender=load_tender(tender_id))
    done()
    return tender_result(new.id, 201, {"Location": url_for("tenders.get_tender", tender_id=new.id)})


@blp.route("/pools")
@allow("coordinator")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(PoolSchema))
@documented(blp, 401, 403)
def list_pools(args):
    """Suggested pools over the submitted requests, best estimated savings first."""
    pools = [{"request_ids": [r.id for r in view.requests], "category": view.suggestion.category,
              "fiscal_year": view.fiscal_year, "municipalities": [m.code for m in view.municipalities],
              "total_quantity": view.suggestion.total_quantity, "unit": view.suggestion.unit,
              "similarity": view.suggestion.similarity, "shared_terms": list(view.suggestion.shared_terms),
              "estimated_savings_jpy": view.suggestion.estimated_savings_jpy}
             for view in queries.pool_suggestions()]
    return envelope_list(pools, args)
