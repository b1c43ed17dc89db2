"""Reference data every role reads (municipalities, categories, the skill map) and the caller (/me)."""
from __future__ import annotations

from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select

from govtech.api.auth import allow, via_token
from govtech.api.base import ALL, documented, make_blueprint
from govtech.api.fields import PageArgs, envelope, envelope_list, page_of
from govtech.api.schemas.reference import (
    CategorySchema,
    MeSchema,
    MunicipalityArgs,
    MunicipalitySchema,
    SkillMapSchema,
)
from govtech.core.models import Municipality
from govtech.extensions import db
from govtech.procurement import queries as procurement_queries
from govtech.talent import queries as talent_queries
from govtech.talent.vocab import LEVELS

blp = make_blueprint("reference", "Reference data: municipalities, procurement categories, the skill map; "
                                  "and the caller.")


@blp.route("/me")
@allow(*ALL, "admin")
@blp.response(200, MeSchema)
@documented(blp, 401)
def me():
    """The caller: role, municipality, and how they are authenticated.

    A cookie session also gets the CSRF token that its writes must send in the X-CSRFToken header.
    """
    token = via_token()
    return {"id": current_user.id, "email": current_user.email, "display_name": current_user.display_name,
            "role": current_user.role, "locale": current_user.locale, "municipality": current_user.municipality,
            "auth": "token" if token else "session", "csrf_token": None if token else generate_csrf()}


@blp.route("/municipalities")
@allow(*ALL, "admin")
@blp.arguments(MunicipalityArgs, location="query")
@blp.response(200, page_of(MunicipalitySchema))
@documented(blp, 401)
def municipalities(args):
    """Tokyo's 62 municipalities, by code; filter by area, kind or name."""
    stmt = select(Municipality).order_by(Municipality.code)
    if args.get("area"):
        stmt = stmt.where(Municipality.area == args["area"])
    if args.get("kind"):
        stmt = stmt.where(Municipality.kind == args["kind"])
    if args.get("q"):
        like = f"%{args['q'].strip()}%"
        stmt = stmt.where(or_(Municipality.name_ja.like(like), Municipality.name_en.like(like),
                              Municipality.code.like(like)))
    return envelope(db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False))


@blp.route("/categories")
@allow(*ALL, "admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(CategorySchema))
@documented(blp, 401)
def categories(args):
    """Active procurement categories."""
    return envelope_list(procurement_queries.categories(), args)


@blp.route("/skill-map")
@allow(*ALL, "admin")
@blp.response(200, SkillMapSchema)
@documented(blp, 401)
def skill_map():
    """The skill map: categories, their active skills, and what each level 0–4 means."""
    categories = [{"code": c.code, "name_ja": c.name_ja, "name_en": c.name_en,
                   "skills": [s for s in c.skills if s.active]} for c in talent_queries.skill_map()]
    levels = [{"level": value, "label": str(label), "description": str(hint)} for value, label, hint in LEVELS]
    return {"categories": categories, "levels": levels}
