"""Optimistic concurrency: an ETag from each object's version; `If-Match` (or a `version` field) on writes.

Detail GETs send `ETag: "request-12-v3"`. A PUT/PATCH (and any write on a versioned object) may send it back
in `If-Match`, or the version it read in the body's `version` field; when the object changed meanwhile the
API answers 409 with the usual error shape, and nothing is written.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from govtech.core.errors import Conflict

IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "The ETag of the version you read; a stale write is refused with 409."}
ETAG_HEADER = {"ETag": {"description": "Version tag of the object; send it back in If-Match to update it.",
                        "schema": {"type": "string"}}}


def etag(kind: str, obj) -> str:
    """The strong ETag of a versioned object."""
    return f'"{kind}-{obj.id}-v{obj.version}"'


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def expected_version(kind: str, obj, body_version: int | None = None) -> int | None:
    """The version the caller says it read (If-Match first, then the body's `version`), checked against the
    object: a mismatch raises Conflict (409). None when the caller gave neither."""
    header = request.headers.get("If-Match")
    if header is not None:
        tags = _tags(header)
        if "*" in tags:
            return obj.version
        if etag(kind, obj) not in tags:
            raise Conflict(_("Someone else changed this item meanwhile. Read it again and retry."),
                           fields={"If-Match": _("Does not match the current version.")})
        return obj.version
    if body_version is not None and body_version != obj.version:
        raise Conflict(_("Someone else changed this item meanwhile. Read it again and retry."),
                       fields={"version": _("The current version is %(v)s.", v=obj.version)})
    return body_version


def with_etag(kind: str, obj, data=None, status: int = 200, headers: dict | None = None):
    """A view result carrying the object's ETag (data defaults to the object itself)."""
    return (obj if data is None else data), status, {"ETag": etag(kind, obj), **(headers or {})}
