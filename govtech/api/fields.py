"""Input and output fields shared by every API schema, and the list envelope.

Input fields are strict about what a database can store (no NUL characters or lone surrogates, ids and
dates in a range the columns hold); business rules stay in the services, which answer with the same
errors as the pages.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

MAX_ID = 2**31 - 1
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Text(fields.String):
    """A string a database can store: no NUL character, no lone surrogate."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if UNSTORABLE.search(text):
            raise ma.ValidationError(_("Contains characters that cannot be stored."))
        return text


class Day(fields.Date):
    """A calendar date (YYYY-MM-DD) between the years 2000 and 2100."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
            raise ma.ValidationError(_("Give a date between 2000 and 2100."))
        return day


class UtcDateTime(fields.DateTime):
    """A naive-UTC database timestamp written as RFC 3339 with its offset (2026-04-01T09:00:00+00:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - reads like a field class
    """A database id (1 … 2³¹−1)."""
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


def Int(low: int, high: int, **kwargs) -> fields.Integer:  # noqa: N802
    """A whole number within bounds the database column can hold (the service checks the business range)."""
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


def OneOf(values, **kwargs) -> fields.String:  # noqa: N802
    """A string from a fixed list (documented as an enum)."""
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


class PageArgs(ma.Schema):
    """Pagination of a list: page number from 1, up to 100 items a page."""

    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, 100))


_PAGES: dict[str, type[ma.Schema]] = {}


def page_of(item: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope of an item schema: {"items": [...], "page", "per_page", "total"}."""
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _PAGES:
        _PAGES[name] = type(name, (ma.Schema,), {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
            "__doc__": f"A page of {item.__name__.removesuffix('Schema')} items.",
        })
    return _PAGES[name]


def envelope(pagination) -> dict:
    """The list envelope of a Flask-SQLAlchemy pagination."""
    return {"items": pagination.items, "page": pagination.page, "per_page": pagination.per_page,
            "total": pagination.total or 0}


def envelope_list(items: list, args: dict) -> dict:
    """The list envelope of an in-memory list, sliced by the page arguments."""
    page, per_page = args.get("page", 1), args.get("per_page", 25)
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "page": page, "per_page": per_page, "total": len(items)}
