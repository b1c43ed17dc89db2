"""The API blueprint factory and the helpers every resource module uses (loading, committing, docs)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint

from govtech.api import auth, errors
from govtech.core.web import commit
from govtech.extensions import csrf

PREFIX = "/api/v1"
ALL = ("officer", "coordinator", "professional")
# Errors documented on every operation besides its own (`default` covers the rest, in the same shape).
COMMON_ERRORS = (401, 403, 404)
WRITE_ERRORS = COMMON_ERRORS + (409, 422)


def make_blueprint(name: str, description: str) -> Blueprint:
    """An API blueprint under /api/v1 with JSON errors and CSRF required for cookie-authenticated writes."""
    blp = Blueprint(name, __name__, url_prefix=PREFIX, description=description)
    errors.install(blp)
    csrf.exempt(blp)  # the blueprint hook below decides: token calls are exempt, cookie writes are not
    blp.before_request(auth.csrf_for_cookie_writes)
    return blp


def documented(blp: Blueprint, *statuses: int):
    """Document error responses (the shared error schema) on an operation."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
             422: "UNPROCESSABLE_ENTITY"}

    def decorator(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view
    return decorator


def found(obj, check=None):
    """The object, or a JSON 404 when it is missing or `check(current_user, obj)` says this user may not see
    it (no hint that it exists)."""
    if obj is None or (check is not None and not check(current_user, obj)):
        abort(404)
    return obj


def permitted(obj, check):
    """The object, or a JSON 403 when `check(current_user, obj)` refuses the change (the user can see it)."""
    if not check(current_user, obj):
        abort(403)
    return obj


def done(result=None):
    """Commit the request's unit of work and pass the result through (routes: `return done(...)`)."""
    commit()
    return result
