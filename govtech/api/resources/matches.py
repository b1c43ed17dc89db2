"""Matches and the introduction workflow: coordinators shortlist, introduce and reject; the professional
accepts, declines or withdraws; the municipality's officers interview, appoint or decline introduced
candidates. Every step is talent.workflow.transition (permission, state, version and positions checked)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from govtech.api import presenters
from govtech.api.auth import allow
from govtech.api.base import ALL, WRITE_ERRORS, documented, done, found, make_blueprint
from govtech.api.concurrency import ETAG_HEADER, IF_MATCH, expected_version, with_etag
from govtech.api.fields import envelope, page_of
from govtech.api.queries import match_page
from govtech.api.schemas.talent import MatchArgs, MatchSchema, TransitionSchema
from govtech.core.errors import ValidationFailed
from govtech.talent import queries, workflow
from govtech.talent.access import can_view_candidate

blp = make_blueprint("matches", "Candidates for roles and the introduction workflow.")
MATCH = "/matches/<int(max=2147483647):match_id>"


def load_match(match_id: int):
    """The match if this user may see its candidate (404 otherwise)."""
    return found(queries.match(match_id), can_view_candidate)


@blp.route("/matches")
@allow(*ALL)
@blp.arguments(MatchArgs, location="query")
@blp.response(200, page_of(MatchSchema))
@documented(blp, 401, 403)
def list_matches(args):
    """Matches: all for coordinators; a professional's own; for officers, candidates introduced to their
    municipality's roles who accepted."""
    page = match_page(current_user, page=args["page"], per_page=args["per_page"], role_id=args.get("role_id"),
                      status=args.get("status"))
    return {**envelope(page), "items": [presenters.match(m) for m in page.items]}


@blp.route(MATCH)
@allow(*ALL)
@blp.response(200, MatchSchema, headers=ETAG_HEADER)
@documented(blp, 401, 403, 404)
def get_match(match_id: int):
    """One match with its candidate and the explanation of the score."""
    match = load_match(match_id)
    return with_etag("match", match, presenters.match(match))


@blp.route(f"{MATCH}/transitions", methods=["POST"])
@allow(*ALL)
@blp.arguments(TransitionSchema)
@blp.response(200, MatchSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def transition(data, match_id: int):
    """Take one step: shortlist, introduce, reject (coordinators); accept, decline, withdraw (the professional);
    interview, appoint, not_selected (officers of the role's municipality, or coordinators).

    Send the match version you read in If-Match or `version`: a step someone else took first is refused (409).
    """
    match = load_match(match_id)
    version = expected_version("match", match, data.get("version"))
    if version is None:
        raise ValidationFailed(_("Send the version you read (If-Match header or version field)."),
                               fields={"version": _("Required: the match version you read.")})
    workflow.transition(match_id=match.id, action=data["action"], actor=current_user, expected_version=version,
                        note=data["note"])
    done()
    match = load_match(match_id)
    return with_etag("match", match, presenters.match(match))
