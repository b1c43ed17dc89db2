"""Roles: officers post, change, close and reopen their municipality's roles; professionals read open roles
and ask to be considered; coordinators read every role, its explained suggestions, and shortlist candidates.
Same services as the role and suggestion pages (talent.services, talent.ranking, talent.workflow)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtech.api import presenters
from govtech.api.auth import allow
from govtech.api.base import WRITE_ERRORS, documented, done, found, make_blueprint, permitted
from govtech.api.concurrency import ETAG_HEADER, IF_MATCH, expected_version, with_etag
from govtech.api.fields import PageArgs, envelope, page_of
from govtech.api.resources.professionals import skill_ids
from govtech.api.schemas.talent import (
    ConsiderSchema,
    MatchSchema,
    RoleArgs,
    RoleCreateSchema,
    RolePatchSchema,
    RoleSchema,
    RoleStateSchema,
    SuggestionSchema,
)
from govtech.core.errors import InvalidTransition
from govtech.talent import access, queries, ranking, services, workflow
from govtech.talent.services import ROLE_FIELDS

blp = make_blueprint("roles", "Municipal roles (CIO assistants, DX advisers…), suggestions and interest.")
ROLE = "/roles/<int(max=2147483647):role_id>"


def load_role(role_id: int, *, edit: bool = False):
    """The role if this user may see it (404 otherwise); changing it needs can_edit_role (403)."""
    role = found(queries.role(role_id), access.can_view_role)
    return permitted(role, access.can_edit_role) if edit else role


def role_view(role) -> dict:
    """A role with its requirements by skill code."""
    data = {name: getattr(role, name) for name in ("id", "external_id", "municipality", "title", "description",
                                                   "days_per_week", "start_date", "work_style", "positions",
                                                   "state", "version", "created_at", "updated_at")}
    data["requirements"] = [{"skill": r.skill.code, "min_level": r.min_level, "weight": r.weight}
                            for r in role.requirements]
    return data


def role_result(role_id: int, status: int = 200, headers: dict | None = None):
    """The role freshly read, with its ETag."""
    role = load_role(role_id)
    return with_etag("role", role, role_view(role), status, headers)


def _requirements(items) -> list[tuple[int, int, str]]:
    ids = skill_ids([r["skill"] for r in items])
    return [(ids[r["skill"]], r["min_level"], r["weight"]) for r in items]


@blp.route("/roles")
@allow("officer", "coordinator", "professional")
@blp.arguments(RoleArgs, location="query")
@blp.response(200, page_of(RoleSchema))
@documented(blp, 401, 403)
def list_roles(args):
    """Roles: an officer's municipality's, every role for coordinators, open roles for professionals."""
    state = "open" if current_user.role == "professional" else args.get("state")
    page = queries.roles_page(user=current_user, page=args["page"], per_page=args["per_page"], state=state,
                              q=args.get("q"), municipality_id=args.get("municipality"), sort=args.get("sort"))
    return {**envelope(page), "items": [role_view(r) for r in page.items]}


@blp.route("/roles", methods=["POST"])
@allow("officer")
@blp.arguments(RoleCreateSchema)
@blp.response(201, RoleSchema, headers=ETAG_HEADER)
@documented(blp, *WRITE_ERRORS)
def create_role(data):
    """Post an open role for one's own municipality."""
    role = services.create_role(municipality=current_user.municipality, data={k: data[k] for k in ROLE_FIELDS},
                                requirements=_requirements(data["requirements"]), actor=current_user)
    done()
    return role_result(role.id, 201, {"Location": url_for("roles.get_role", role_id=role.id)})


@blp.route(ROLE)
@allow("officer", "coordinator", "professional")
@blp.response(200, RoleSchema, headers=ETAG_HEADER)
@documented(blp, 401, 403, 404)
def get_role(role_id: int):
    """One role (officers: their municipality's; professionals: open roles)."""
    return role_result(role_id)


@blp.route(ROLE, methods=["PATCH"])
@allow("officer", "coordinator")
@blp.arguments(RolePatchSchema)
@blp.response(200, RoleSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def update_role(data, role_id: int):
    """Change a role (officers: their municipality's); `requirements`, when given, replaces the list."""
    role = load_role(role_id, edit=True)
    version = expected_version("role", role, data.get("version"))
    values = {name: data.get(name, getattr(role, name)) for name in ROLE_FIELDS}
    requirements = (_requirements(data["requirements"]) if "requirements" in data
                    else [(r.skill_id, r.min_level, r.weight) for r in role.requirements])
    services.update_role(role=role, data=values, requirements=requirements, actor=current_user,
                         expected_version=version)
    done()
    return role_result(role_id)


@blp.route(f"{ROLE}/state", methods=["POST"])
@allow("officer", "coordinator")
@blp.arguments(RoleStateSchema)
@blp.response(200, RoleSchema, headers=ETAG_HEADER)
@blp.doc(parameters=[IF_MATCH])
@documented(blp, *WRITE_ERRORS)
def set_state(data, role_id: int):
    """Close a role, or reopen a closed one."""
    role = load_role(role_id, edit=True)
    expected_version("role", role)
    services.set_role_state(role=role, state=data["state"], actor=current_user)
    done()
    return role_result(role_id)


@blp.route(f"{ROLE}/suggestions")
@allow("coordinator")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SuggestionSchema))
@documented(blp, 401, 403, 404)
def suggestions(args, role_id: int):
    """Professionals ranked for the role, best first, each with the explanation of the score."""
    role = load_role(role_id)
    ranked = ranking.suggest(role, top=args["per_page"], offset=(args["page"] - 1) * args["per_page"])
    people = queries.professionals_by_id([s.professional_id for s in ranked])
    items = [{"professional_id": s.professional_id, "external_id": people[s.professional_id].external_id,
              "name": people[s.professional_id].name, "score": s.score, "explanation": s.explanation}
             for s in ranked]
    return {"items": items, "page": args["page"], "per_page": args["per_page"], "total": ranking.count_eligible(role)}


@blp.route(f"{ROLE}/candidates", methods=["POST"])
@allow("coordinator")
@blp.arguments(ConsiderSchema)
@blp.response(201, MatchSchema)
@documented(blp, *WRITE_ERRORS)
def consider(data, role_id: int):
    """Shortlist a professional for the role, or record them as not a fit (both teach the scoring model)."""
    role = load_role(role_id)
    professional = found(queries.professional(data["professional_id"]))
    explanation = ranking.explain_pair(role, professional.id)
    model = ranking.active_model()
    match = workflow.consider(role=role, professional=professional, actor=current_user,
                              status="rejected" if data["decision"] == "reject" else "shortlisted",
                              score=explanation["score"] if explanation else None, explanation=explanation,
                              model_version=model.version if model else None)
    done()
    return presenters.match(queries.match(match.id))


@blp.route(f"{ROLE}/interest", methods=["POST"])
@allow("professional")
@blp.response(201, MatchSchema)
@documented(blp, *WRITE_ERRORS)
def interest(role_id: int):
    """Ask the coordinators to consider me for an open role."""
    role = load_role(role_id)
    professional = services.profile_for(current_user, create=False)
    if professional is None:
        raise InvalidTransition(_("Save your profile first (PUT /api/v1/professionals/me)."))
    explanation = ranking.explain_pair(role, professional.id)
    match = workflow.express_interest(role=role, professional=professional, actor=current_user,
                                      score=explanation["score"] if explanation else None, explanation=explanation)
    done()
    return presenters.match(queries.match(match.id))
