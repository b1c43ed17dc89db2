"""Procurement requests: officers file, change, submit and withdraw their municipality's requests;
coordinators read submitted ones and return or decline them. Same services as the request pages."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from govtech.api.auth import allow
from govtech.api.base import WRITE_ERRORS, documented, done, found, make_blueprint, permitted
from govtech.api.concurrency import ETAG_HEADER, IF_MATCH, expected_version, with_etag
from govtech.api.fields import envelope, page_of
from govtech.api.schemas.procurement import (
    ReasonSchema,
    RequestArgs,
    RequestCreateSchema,
    RequestPatchSchema,
    RequestSchema,
)
from govtech.procurement import queries, services
from govtech.procurement.access import can_edit_request, can_view_request
from govtech.procurement.services import FIELDS

blp = make_blueprint("requests", "Procurement requests: one municipality's need, on its way to a joint tender.")


def _request(request_id: int, *, edit: bool = False):
    """The request if this user may see it (404 otherwise); changing it needs its own municipality (403)."""
    req = found(queries.get_request(request_id), can_view_request)
    return permitted(req, can_edit_request) if edit else req


def _values(data: dict, current=None) -> dict:
    """Service values from the JSON body, over the request's current values for a partial update."""
    values = {name: getattr(current, name) for name in FIELDS if name != "category"} if current else {}
    values["category"] = current.category if current else None
    values.update({k: v for k, v in data.items() if k in FIELDS and k != "category"})
    if "category" in data:
        values["category"] = {c.code: c for c in queries.categories()}.get(data["category"])
    return values


@blp.route("/requests")
@allow("officer", "coordinator")
@blp.arguments(RequestArgs, location="query")
@blp.response(200, page_of(RequestSchema))
@documented(blp, 401, 403)
def list_requests(args):
    """Requests: an officer's municipality's (drafts included), or every submitted one for coordinators."""
    return envelope(queries.request_page(
        user=current_user, page=args["page"], per_page=args["per_page"], state=args.get("state"),
        category=args.get("category"), fiscal_year=args.get("fiscal_year"),
        municipality_id=args.get("municipality"), q=args.get("q"), sort=args.get("sort")))


@blp.route("/requests", methods=["POST"])
@allow("officer")
@blp.arguments(RequestCreateSchema)
@blp.response(201, RequestSchema, headers=ETAG_HEADER)
@documented(blp, *WRITE_ERRORS)
def create_request(data):
    """File a request for one's own municipality (a draft, or submitted with `submit: true`)."""
    req = services.create_request(actor=current_user, municipality=current_user.municipality,
                                  values=_values(data), submit=data.get("submit", False))
    done()
    return with_etag("request", req, status=201,
                     headers={"Location": url_for("requests.get_request", request_id=req.id)})


@blp.route("/requests/<int(max=2147483647):request_id>")
@allow("officer", "coordinator")
@blp.response(200, RequestSchema, headers=ETAG_HEADER)
@documented(blp, 401, 403, 404)
def get_request(request_id: int):
    """One request (officers: their municipality's; coordinators: once submitted)."""
    return with_etag("request", _request(request_id))


@blp.route("/requests/<int(max=2147483647):request_id>", methods=["PATCH"])
@allow("officer")
@blp.arguments(RequestPatchSchema)
@blp.response(200, RequestSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def update_request(data, request_id: int):
    """Change a draft, submitted or returned request of one's municipality (If-Match or `version`)."""
    req = _request(request_id, edit=True)
    version = expected_version("request", req, data.get("version"))
    services.update_request(actor=current_user, request=req, values=_values(data, req), version=version)
    done()
    return with_etag("request", req)


def _step(request_id: int, service, *, edit: bool, **kwargs):
    req = _request(request_id, edit=edit)
    expected_version("request", req)
    service(actor=current_user, request=req, **kwargs)
    done()
    return with_etag("request", req)


@blp.route("/requests/<int(max=2147483647):request_id>/submit", methods=["POST"])
@allow("officer")
@blp.response(200, RequestSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def submit_request(request_id: int):
    """Submit a draft or returned request to GovTech Tokyo."""
    return _step(request_id, services.submit_request, edit=True)


@blp.route("/requests/<int(max=2147483647):request_id>/withdraw", methods=["POST"])
@allow("officer")
@blp.response(200, RequestSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def withdraw_request(request_id: int):
    """Withdraw a request the municipality no longer needs (before it is pooled)."""
    return _step(request_id, services.withdraw_request, edit=True)


@blp.route("/requests/<int(max=2147483647):request_id>/return", methods=["POST"])
@allow("coordinator")
@blp.arguments(ReasonSchema)
@blp.response(200, RequestSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def return_request(data, request_id: int):
    """Return a submitted request to its municipality for changes, saying why."""
    return _step(request_id, services.return_request, edit=False, reason=data["reason"])


@blp.route("/requests/<int(max=2147483647):request_id>/decline", methods=["POST"])
@allow("coordinator")
@blp.arguments(ReasonSchema)
@blp.response(200, RequestSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def decline_request(data, request_id: int):
    """Decline a request that cannot be bought jointly, saying why."""
    return _step(request_id, services.decline_request, edit=False, reason=data["reason"])
