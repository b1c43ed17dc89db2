"""Joint procurement: requests, pools, tenders, participations, bids, awards, allocations.

Input schemas check types and what a column can hold; the business rules (ranges, states, who may do
what) are the services' and come back as their ValidationFailed/Conflict errors, as on the pages.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from govtech.api.fields import Day, Id, Int, OneOf, PageArgs, Text, UtcDateTime
from govtech.api.schemas.reference import MunicipalityRefSchema
from govtech.procurement.models import (
    ALLOCATION_RULES,
    AWARD_METHODS,
    PARTICIPATION_STATUSES,
    REQUEST_STATES,
    TENDER_STATES,
)
from govtech.procurement.queries import REQUEST_SORTS, TENDER_SORTS

BIG = 2**53  # money columns are 64-bit; JSON numbers are exact up to 2**53
SMALL = 2**31 - 1


def _sorts(keys) -> list[str]:
    return [k for key in sorted(keys) for k in (key, f"-{key}")]


class RequestArgs(PageArgs):
    """Filters of the request list."""

    state = OneOf(REQUEST_STATES)
    category = Text(validate=validate.Length(max=40), metadata={"description": "Category code"})
    fiscal_year = fields.Integer(validate=validate.Range(2000, 2100))
    municipality = Id(metadata={"description": "Municipality id (coordinators)"})
    q = Text(validate=validate.Length(max=100), metadata={"description": "Part of the title or external id"})
    sort = OneOf(_sorts(REQUEST_SORTS), metadata={"description": "Column, '-' first for descending"})


class RequestSchema(ma.Schema):
    """A municipality's procurement request."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    external_id = fields.String(allow_none=True, required=True)
    municipality = fields.Nested(MunicipalityRefSchema, required=True)
    category = fields.String(attribute="category.code", required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    requirements = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit = fields.String(required=True)
    budget_jpy = fields.Integer(required=True)
    desired_start = fields.Date(allow_none=True, required=True)
    fiscal_year = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": list(REQUEST_STATES)})
    status_reason = fields.String(allow_none=True, required=True)
    tender_id = fields.Integer(allow_none=True, required=True)
    version = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    submitted_at = UtcDateTime(allow_none=True, required=True)


class RequestPatchSchema(ma.Schema):
    """Fields to change (any subset); `version` is the one you read (or send If-Match)."""

    category = Text(metadata={"description": "Category code, e.g. office-license"})
    title = Text()
    description = Text()
    requirements = Text(metadata={"description": "Must-have requirements, one per line"})
    quantity = Int(-SMALL, SMALL)
    unit = Text()
    budget_jpy = Int(-BIG, BIG, metadata={"description": "Budget in yen, tax included"})
    desired_start = Day(allow_none=True)
    fiscal_year = Int(-SMALL, SMALL, metadata={"description": "Fiscal year (April to March), e.g. 2026"})
    external_id = Text(allow_none=True)
    version = Int(1, SMALL)


class RequestCreateSchema(RequestPatchSchema):
    """A new request for the officer's own municipality (a draft, or submitted with `submit: true`)."""

    category = Text(required=True, metadata={"description": "Category code", "example": "office-license"})
    title = Text(required=True, metadata={"example": "Microsoft 365 licences for staff"})
    quantity = Int(-SMALL, SMALL, required=True, metadata={"example": 40})
    unit = Text(required=True, metadata={"example": "licences"})
    budget_jpy = Int(-BIG, BIG, required=True, metadata={"description": "Budget in yen, tax included",
                                                         "example": 2400000})
    fiscal_year = Int(-SMALL, SMALL, required=True, metadata={"example": 2026})
    submit = fields.Boolean(load_default=False, metadata={"description": "Submit right away"})

    class Meta:
        exclude = ("version",)


class ReasonSchema(ma.Schema):
    """Why (returned to the municipality, or recorded on the tender)."""

    reason = Text(required=True, validate=validate.Length(max=2000),
                  metadata={"example": "Please add the number of licences per department."})


class PoolSchema(ma.Schema):
    """A suggested pool: the same need filed by several municipalities."""

    request_ids = fields.List(fields.Integer(), required=True)
    category = fields.String(required=True)
    fiscal_year = fields.Integer(required=True)
    municipalities = fields.List(fields.String(), required=True, metadata={"description": "Municipality codes"})
    total_quantity = fields.Float(required=True)
    unit = fields.String(required=True)
    similarity = fields.Float(required=True)
    shared_terms = fields.List(fields.String(), required=True)
    estimated_savings_jpy = fields.Integer(required=True)


class TenderArgs(PageArgs):
    """Filters of the tender list."""

    state = OneOf(TENDER_STATES)
    category = Text(validate=validate.Length(max=40), metadata={"description": "Category code"})
    fiscal_year = fields.Integer(validate=validate.Range(2000, 2100))
    q = Text(validate=validate.Length(max=100), metadata={"description": "Part of the title"})
    sort = OneOf(_sorts(TENDER_SORTS), metadata={"description": "Column, '-' first for descending"})


class TenderSchema(ma.Schema):
    """A joint tender run by GovTech Tokyo."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    specification = fields.String(required=True)
    category = fields.String(attribute="category.code", required=True)
    fiscal_year = fields.Integer(required=True)
    unit = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(TENDER_STATES)})
    survey_deadline = UtcDateTime(required=True)
    bid_deadline = UtcDateTime(allow_none=True, required=True)
    contract_start = fields.Date(allow_none=True, required=True)
    contract_end = fields.Date(allow_none=True, required=True)
    award_method = fields.String(required=True, metadata={"enum": list(AWARD_METHODS)})
    price_weight = fields.Integer(required=True)
    quality_weight = fields.Integer(required=True)
    allocation_rule = fields.String(required=True, metadata={"enum": list(ALLOCATION_RULES)})
    mix_equal = fields.Integer(required=True)
    mix_quantity = fields.Integer(required=True)
    mix_population = fields.Integer(required=True)
    total_quantity = fields.Integer(required=True)
    status_reason = fields.String(allow_none=True, required=True)
    retender_of_id = fields.Integer(allow_none=True, required=True)
    version = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class ParticipationSchema(ma.Schema):
    """One municipality in a tender; amounts are null where the caller may not see them."""

    id = fields.Integer(required=True)
    tender_id = fields.Integer(required=True)
    municipality = fields.Nested(MunicipalityRefSchema, required=True)
    status = fields.String(required=True, metadata={"enum": list(PARTICIPATION_STATUSES)})
    quantity = fields.Integer(allow_none=True, required=True)
    budget_ceiling_jpy = fields.Integer(allow_none=True, required=True)
    request_id = fields.Integer(allow_none=True, required=True)
    allocated_jpy = fields.Integer(allow_none=True, required=True)
    rounding_extra_jpy = fields.Integer(allow_none=True, required=True)
    standalone_jpy = fields.Integer(allow_none=True, required=True)
    standalone_estimated = fields.Boolean(allow_none=True, required=True)
    savings_jpy = fields.Integer(allow_none=True, required=True)
    responded_at = UtcDateTime(allow_none=True, required=True)


class AwardSchema(ma.Schema):
    """The award: winning bid, total and unit price."""

    id = fields.Integer(required=True)
    tender_id = fields.Integer(required=True)
    bid_id = fields.Integer(required=True)
    vendor_name = fields.String(attribute="bid.vendor_name", required=True)
    total_jpy = fields.Integer(required=True)
    unit_price_jpy = fields.Integer(allow_none=True, required=True)
    quantity = fields.Integer(required=True)
    score = fields.Float(allow_none=True, required=True)
    awarded_at = UtcDateTime(required=True)


class TenderDetailSchema(TenderSchema):
    """A tender with the participations the caller may see and its award."""

    participations = fields.List(fields.Nested(ParticipationSchema), required=True)
    award = fields.Nested(AwardSchema, allow_none=True, required=True)


class TenderCreateSchema(ma.Schema):
    """A new tender, by hand or from pooled requests (`request_ids`, submitted and of the same fiscal year)."""

    title = Text(required=True, metadata={"example": "Joint procurement: Microsoft 365 (FY2026)"})
    description = Text(load_default="", validate=validate.Length(max=5000))
    category = Text(required=True, metadata={"description": "Category code", "example": "office-license"})
    fiscal_year = Int(-SMALL, SMALL, required=True, metadata={"example": 2026})
    unit = Text(load_default="", metadata={"example": "licences"})
    survey_deadline = Day(required=True, metadata={"description": "Last day to join (Tokyo date)",
                                                   "example": "2030-03-31"})
    award_method = OneOf(AWARD_METHODS, required=True, metadata={"example": "lowest_price"})
    price_weight = Int(-SMALL, SMALL, allow_none=True, load_default=None)
    quality_weight = Int(-SMALL, SMALL, allow_none=True, load_default=None)
    allocation_rule = OneOf(ALLOCATION_RULES, required=True, metadata={"example": "quantity"})
    mix_equal = Int(-SMALL, SMALL, allow_none=True, load_default=None)
    mix_quantity = Int(-SMALL, SMALL, allow_none=True, load_default=None)
    mix_population = Int(-SMALL, SMALL, allow_none=True, load_default=None)
    request_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=500))


class SpecificationSchema(ma.Schema):
    """The joint specification, the bid deadline and the contract period."""

    specification = Text(required=True, validate=validate.Length(max=20000),
                         metadata={"example": "Microsoft 365 E3, 80 licences, 12 months from April 2026."})
    bid_deadline = Day(allow_none=True, load_default=None, metadata={"example": "2030-01-31"})
    contract_start = Day(allow_none=True, load_default=None)
    contract_end = Day(allow_none=True, load_default=None)
    version = Int(1, SMALL)


class ReopenSchema(ma.Schema):
    """A new participation deadline."""

    deadline = Day(required=True, metadata={"example": "2030-03-31"})


class JoinSchema(ma.Schema):
    """The municipality's answer: its quantity and (optional) budget ceiling."""

    quantity = Int(-SMALL, SMALL, required=True, metadata={"example": 40})
    budget_ceiling_jpy = Int(-BIG, BIG, allow_none=True, load_default=None, metadata={"example": 2400000})


class BidSchema(ma.Schema):
    """A vendor's bid."""

    id = fields.Integer(required=True)
    tender_id = fields.Integer(required=True)
    vendor_name = fields.String(required=True)
    unit_price_jpy = fields.Integer(allow_none=True, required=True)
    total_jpy = fields.Integer(required=True)
    technical_score = fields.Float(allow_none=True, required=True)
    valid = fields.Boolean(required=True)
    invalid_reason = fields.String(allow_none=True, required=True)
    score = fields.Float(allow_none=True, required=True, metadata={"description": "Award points of a valid bid"})
    received_at = UtcDateTime(required=True)


class BidCreateSchema(ma.Schema):
    """One bid: a unit price (times the tender's total quantity) or a total, not both."""

    vendor_name = Text(required=True, metadata={"example": "Example Systems KK"})
    unit_price_jpy = Int(-BIG, BIG, allow_none=True, load_default=None)
    total_jpy = Int(-BIG, BIG, allow_none=True, load_default=None, metadata={"example": 3600000})
    technical_score = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-1e9, 1e9))
    valid = fields.Boolean(load_default=True)
    invalid_reason = Text(load_default="", validate=validate.Length(max=500))


class BidValiditySchema(ma.Schema):
    """Mark a bid valid again, or invalid with a reason."""

    valid = fields.Boolean(required=True)
    invalid_reason = Text(load_default="", validate=validate.Length(max=500))


class AllocationRuleSchema(ma.Schema):
    """How the award total is split: by quantity, equally, by population, or a mix in percent."""

    allocation_rule = OneOf(ALLOCATION_RULES, required=True, metadata={"example": "mix"})
    mix_equal = Int(-SMALL, SMALL, allow_none=True, load_default=None, metadata={"example": 20})
    mix_quantity = Int(-SMALL, SMALL, allow_none=True, load_default=None, metadata={"example": 80})
    mix_population = Int(-SMALL, SMALL, allow_none=True, load_default=None)
