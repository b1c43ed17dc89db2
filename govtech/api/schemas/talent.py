"""Digital-talent sharing: professionals, roles, explained suggestions, matches and their workflow steps.

Lengths mirror the talent forms; the rules (days, levels, work style and areas, states, consent, who may
take which step) are the services' and come back as their errors.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from govtech.api.fields import Day, Id, Int, OneOf, PageArgs, Text, UtcDateTime
from govtech.api.schemas.reference import MunicipalityRefSchema
from govtech.talent.models import MATCH_STATES, REGIONS, ROLE_STATES, WEIGHTS, WORK_STYLES
from govtech.talent.queries import SORTS as ROLE_SORTS
from govtech.talent.workflow import TRANSITIONS

SMALL = 2**31 - 1
DAYS = validate.Range(-1e6, 1e6)  # a float a column holds; the services check 0–5


class HeldSkillSchema(ma.Schema):
    """A skill a professional holds."""

    skill = fields.String(required=True, metadata={"description": "Skill code"})
    level = fields.Integer(required=True, metadata={"description": "1 awareness … 4 expert"})
    verified = fields.Boolean(required=True)


class ProfessionalSchema(ma.Schema):
    """A professional's profile (coordinators, and the professional themself)."""

    id = fields.Integer(required=True)
    external_id = fields.String(allow_none=True, required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    days_per_week = fields.Float(required=True)
    available_from = fields.Date(allow_none=True, required=True)
    work_style = fields.String(required=True, metadata={"enum": list(WORK_STYLES)})
    regions = fields.List(fields.String(metadata={"enum": list(REGIONS)}), required=True)
    public_sector_years = fields.Integer(required=True)
    bio = fields.String(required=True)
    consent_to_introduce = fields.Boolean(required=True)
    has_login = fields.Boolean(required=True)
    skills = fields.List(fields.Nested(HeldSkillSchema), required=True)
    version = fields.Integer(required=True)
    updated_at = UtcDateTime(required=True)


class ProfessionalArgs(PageArgs):
    """Search the pool."""

    q = Text(validate=validate.Length(max=100), metadata={"description": "Name, email, external id or bio"})
    skill = Text(validate=validate.Length(max=60), metadata={"description": "Skill code"})
    min_level = fields.Integer(load_default=1, validate=validate.Range(0, 4))
    consenting = fields.Boolean(metadata={"description": "Only those who (do not) agree to introductions"})


class ProfileSchema(ma.Schema):
    """One's own profile; `skills` maps skill codes to levels 0–4 (skills left out are set to 0)."""

    name = Text(required=True, validate=validate.Length(max=100), metadata={"example": "山田 花子"})
    email = fields.Email(required=True, validate=validate.Length(max=254), metadata={"example": "hanako@example.jp"})
    days_per_week = fields.Float(required=True, validate=DAYS, metadata={"example": 2})
    available_from = Day(allow_none=True, load_default=None)
    work_style = OneOf(WORK_STYLES, required=True, metadata={"example": "hybrid"})
    regions = fields.List(OneOf(REGIONS), load_default=list, metadata={"example": ["wards", "tama"]})
    public_sector_years = Int(-SMALL, SMALL, load_default=0, metadata={"example": 4})
    bio = Text(load_default="", validate=validate.Length(max=4000),
               metadata={"example": "情報化予算の精査とDX戦略の策定を担当してきました。"})
    consent_to_introduce = fields.Boolean(required=True, metadata={"example": True})
    skills = fields.Dict(keys=Text(validate=validate.Length(max=60)), values=Int(-SMALL, SMALL), load_default=dict,
                         metadata={"example": {"strategy.dx-strategy": 3, "strategy.budget-review": 3}})
    version = Int(1, SMALL)


class VerificationSchema(ma.Schema):
    """Mark a self-assessed level verified, or withdraw that."""

    verified = fields.Boolean(required=True)


class RequirementSchema(ma.Schema):
    """A skill a role needs."""

    skill = fields.String(required=True, metadata={"description": "Skill code"})
    min_level = fields.Integer(required=True)
    weight = fields.String(required=True, metadata={"enum": list(WEIGHTS)})


class RequirementInputSchema(ma.Schema):
    """A required skill: code, minimum level 1–4, weight."""

    skill = Text(required=True, validate=validate.Length(max=60), metadata={"example": "strategy.dx-strategy"})
    min_level = Int(-SMALL, SMALL, required=True, metadata={"example": 3})
    weight = OneOf(WEIGHTS, load_default="important", metadata={"example": "must"})


class RoleSchema(ma.Schema):
    """A municipality's part-time role."""

    id = fields.Integer(required=True)
    external_id = fields.String(allow_none=True, required=True)
    municipality = fields.Nested(MunicipalityRefSchema, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    days_per_week = fields.Float(required=True)
    start_date = fields.Date(allow_none=True, required=True)
    work_style = fields.String(required=True, metadata={"enum": list(WORK_STYLES)})
    positions = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": list(ROLE_STATES)})
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)
    version = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class RoleArgs(PageArgs):
    """Filters of the role list."""

    state = OneOf(ROLE_STATES, metadata={"description": "Professionals always get open roles"})
    q = Text(validate=validate.Length(max=100), metadata={"description": "Part of the title or external id"})
    municipality = Id(metadata={"description": "Municipality id (coordinators, professionals)"})
    sort = OneOf([k for key in sorted(ROLE_SORTS) for k in (key, f"-{key}")])


class RolePatchSchema(ma.Schema):
    """Fields to change (any subset); `requirements`, when given, replaces the list."""

    title = Text(validate=validate.Length(max=200))
    description = Text(validate=validate.Length(max=6000))
    days_per_week = fields.Float(validate=DAYS)
    start_date = Day(allow_none=True)
    work_style = OneOf(WORK_STYLES)
    positions = Int(-SMALL, SMALL)
    requirements = fields.List(fields.Nested(RequirementInputSchema), validate=validate.Length(max=50))
    version = Int(1, SMALL)


class RoleCreateSchema(RolePatchSchema):
    """A new open role for the officer's own municipality."""

    title = Text(required=True, validate=validate.Length(max=200), metadata={"example": "CIO補佐官"})
    description = Text(load_default="", validate=validate.Length(max=6000),
                       metadata={"example": "村長とCIOへの助言、情報化予算の精査をお願いします。"})
    days_per_week = fields.Float(required=True, validate=DAYS, metadata={"example": 1})
    start_date = Day(allow_none=True, load_default=None)
    work_style = OneOf(WORK_STYLES, required=True, metadata={"example": "remote"})
    positions = Int(-SMALL, SMALL, load_default=1, metadata={"example": 1})
    requirements = fields.List(fields.Nested(RequirementInputSchema), required=True,
                               validate=validate.Length(max=50))

    class Meta:
        exclude = ("version",)


class RoleStateSchema(ma.Schema):
    """Close a role, or reopen a closed one."""

    state = OneOf(("open", "closed"), required=True)


class SkillFitSchema(ma.Schema):
    """How one required skill is covered."""

    skill = fields.String()
    required = fields.Integer()
    held = fields.Integer()
    weight = fields.String()
    status = fields.String(metadata={"enum": ["met", "partial", "missing"]})
    verified = fields.Boolean()
    contribution = fields.Float()


class GateSchema(ma.Schema):
    """A hard gate the pair fails (days, must_skill, work_style, area)."""

    gate = fields.String()
    detail = fields.Dict()


class ExplanationSchema(ma.Schema):
    """Why a professional scores what they score for a role: skills, gates, text relevance, signals."""

    score = fields.Float()
    eligible = fields.Boolean()
    coverage = fields.Float()
    text_relevance = fields.Float()
    text_contribution = fields.Float()
    signals = fields.Dict()
    skills = fields.List(fields.Nested(SkillFitSchema))
    gates = fields.List(fields.Nested(GateSchema))
    shared_terms = fields.List(fields.String())


class SuggestionSchema(ma.Schema):
    """A ranked professional for a role (gated-out professionals never appear)."""

    professional_id = fields.Integer(required=True)
    external_id = fields.String(allow_none=True, required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True)
    explanation = fields.Nested(ExplanationSchema, required=True)


class ConsiderSchema(ma.Schema):
    """Shortlist a suggested professional for the role, or record that they are not a fit."""

    professional_id = Id(required=True)
    decision = OneOf(("shortlist", "reject"), load_default="shortlist")


class CandidateSchema(ma.Schema):
    """The professional behind a match."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    external_id = fields.String(allow_none=True, required=True)


class MatchSchema(ma.Schema):
    """One professional considered for one role, and where that stands."""

    id = fields.Integer(required=True)
    role_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(MATCH_STATES)})
    origin = fields.String(required=True)
    interest = fields.Boolean(required=True)
    score = fields.Float(allow_none=True, required=True)
    explanation = fields.Nested(ExplanationSchema, allow_none=True, required=True)
    professional_consent = fields.Boolean(allow_none=True, required=True)
    note = fields.String(required=True)
    version = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    professional = fields.Nested(CandidateSchema, required=True)


class MatchArgs(PageArgs):
    """Filters of the match list."""

    role_id = Id()
    status = OneOf(MATCH_STATES)


class TransitionSchema(ma.Schema):
    """One workflow step; `version` is the match version you read (or send If-Match)."""

    action = OneOf(sorted(TRANSITIONS), required=True)
    version = Int(1, SMALL)
    note = Text(load_default="", validate=validate.Length(max=500))
