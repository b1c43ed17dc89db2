"""Professionals: coordinators search the pool and verify levels; a professional reads and saves only their own
profile. Same services as the profile and pool pages (talent.services)."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from govtech.api import presenters
from govtech.api.auth import allow
from govtech.api.base import WRITE_ERRORS, documented, done, found, make_blueprint
from govtech.api.concurrency import ETAG_HEADER, IF_MATCH, expected_version, with_etag
from govtech.api.fields import envelope, page_of
from govtech.api.schemas.talent import ProfessionalArgs, ProfessionalSchema, ProfileSchema, VerificationSchema
from govtech.core.errors import ValidationFailed
from govtech.talent import queries, services
from govtech.talent.access import can_view_professional

blp = make_blueprint("professionals", "Digital professionals in the talent pool and their skill levels.")
PROFESSIONAL = "/professionals/<int(max=2147483647):professional_id>"


def skill_ids(codes) -> dict[str, int]:
    """Skill code -> id for the given codes; an unknown code is a validation error naming it."""
    known = {s.code: s.id for s in queries.skills()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(_("Unknown skill: %(codes)s", codes=", ".join(sorted(unknown))),
                               fields={"skills": _("Unknown skill: %(codes)s", codes=", ".join(sorted(unknown)))})
    return {c: known[c] for c in codes}


def result(professional):
    """The profile with its ETag."""
    return with_etag("professional", professional, presenters.professional(professional))


@blp.route("/professionals")
@allow("coordinator")
@blp.arguments(ProfessionalArgs, location="query")
@blp.response(200, page_of(ProfessionalSchema))
@documented(blp, 401, 403)
def list_professionals(args):
    """The pool: search by name, email, external id or bio; filter by a skill at a minimum level."""
    skill_id = skill_ids([args["skill"]])[args["skill"]] if args.get("skill") else None
    page = queries.professionals_page(page=args["page"], per_page=args["per_page"], q=args.get("q"),
                                      skill_id=skill_id, min_level=args["min_level"],
                                      consenting=args.get("consenting"))
    return {**envelope(page), "items": [presenters.professional(p) for p in page.items]}


@blp.route("/professionals/me")
@allow("professional")
@blp.response(200, ProfessionalSchema, headers=ETAG_HEADER)
@documented(blp, 401, 403, 404)
def get_me():
    """One's own profile (404 until it is first saved with PUT)."""
    return result(found(services.profile_for(current_user, create=False)))


@blp.route("/professionals/me", methods=["PUT"])
@allow("professional")
@blp.arguments(ProfileSchema)
@blp.response(200, ProfessionalSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def put_me(data):
    """Save one's profile: availability, work style, areas, skill levels, bio, consent to introductions."""
    existing = services.profile_for(current_user, create=False)
    if existing is not None:
        expected_version("professional", existing, data.get("version"))
    ids = skill_ids(data["skills"])
    levels = {s.id: 0 for s in queries.skills()} | {ids[code]: level for code, level in data["skills"].items()}
    professional = existing or services.profile_for(current_user, create=True)
    profile = {k: v for k, v in data.items() if k not in ("skills", "version")}
    services.save_profile(professional=professional, data=profile, levels=levels, actor=current_user)
    done()
    return result(queries.professional(professional.id))


@blp.route(PROFESSIONAL)
@allow("coordinator", "professional")
@blp.response(200, ProfessionalSchema, headers=ETAG_HEADER)
@documented(blp, 401, 403, 404)
def get_professional(professional_id: int):
    """A full profile (coordinators; a professional only their own)."""
    return result(found(queries.professional(professional_id), can_view_professional))


@blp.route(f"{PROFESSIONAL}/skills/<string(maxlength=60):skill>/verification", methods=["PUT"])
@allow("coordinator")
@blp.arguments(VerificationSchema)
@blp.response(200, ProfessionalSchema, headers=ETAG_HEADER)
@documented(blp, *WRITE_ERRORS)
def verify(data, professional_id: int, skill: str):
    """Mark a self-assessed level verified (or withdraw the verification)."""
    professional = found(queries.professional(professional_id), can_view_professional)
    skill_id = next((s.id for s in queries.skills() if s.code == skill), None) or abort(404)
    services.verify_skill(professional=professional, skill_id=skill_id, verified=data["verified"],
                          actor=current_user)
    done()
    return result(queries.professional(professional_id))
