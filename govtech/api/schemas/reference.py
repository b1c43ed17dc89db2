"""Reference data and the caller: municipalities, categories, the skill map, /me."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from govtech.api.fields import OneOf, PageArgs, Text
from govtech.core.models import AREAS, KINDS


class MunicipalitySchema(ma.Schema):
    """One of Tokyo's 62 municipalities."""

    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "5-digit local-government code"})
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    area = fields.String(required=True, metadata={"enum": list(AREAS)})
    population = fields.Integer(allow_none=True, required=True)


class MunicipalityRefSchema(ma.Schema):
    """A municipality named inside another object."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)


class MunicipalityArgs(PageArgs):
    """Filters of the municipality list."""

    area = OneOf(AREAS)
    kind = OneOf(KINDS)
    q = Text(validate=ma.validate.Length(max=100), metadata={"description": "Part of the name or the code"})


class CategorySchema(ma.Schema):
    """A procurement category."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)
    discount_exponent = fields.Float(allow_none=True, required=True,
                                     metadata={"description": "Volume-discount exponent b (null: default)"})


class SkillSchema(ma.Schema):
    """A skill on the skill map."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)


class SkillCategorySchema(ma.Schema):
    """A group of skills."""

    code = fields.String(required=True)
    name_ja = fields.String(required=True)
    name_en = fields.String(required=True)
    skills = fields.List(fields.Nested(SkillSchema), required=True)


class LevelSchema(ma.Schema):
    """A skill level 0–4."""

    level = fields.Integer(required=True)
    label = fields.String(required=True)
    description = fields.String(required=True)


class SkillMapSchema(ma.Schema):
    """The skill map: categories with their active skills, and the meaning of each level."""

    categories = fields.List(fields.Nested(SkillCategorySchema), required=True)
    levels = fields.List(fields.Nested(LevelSchema), required=True)


class MeSchema(ma.Schema):
    """The caller."""

    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ["admin", "coordinator", "officer", "professional"]})
    locale = fields.String(required=True)
    municipality = fields.Nested(MunicipalityRefSchema, allow_none=True, required=True)
    auth = fields.String(required=True, metadata={"enum": ["token", "session"]})
    csrf_token = fields.String(allow_none=True, required=True,
                               metadata={"description": "For cookie sessions: send it as X-CSRFToken on writes"})
