"""One error shape for the whole API: {"error": code, "message": text, "fields": {field: text}}.

Domain errors from the services keep their code, message and fields; HTTP errors (401, 403, 404, 405,
409, 422 from request validation, 500 …) get a code and a translated message. Validation messages from
marshmallow are flattened to "field" or "parent.child" keys and translated where a translation exists.
"""
from __future__ import annotations

import marshmallow as ma
from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions

from govtech.core.errors import DomainError
from govtech.core.templating import role_label
from govtech.extensions import db

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 412: "precondition_failed", 413: "too_large", 415: "unsupported_media_type",
         422: "validation_failed", 428: "precondition_required", 429: "too_many_requests"}

MESSAGES = {
    400: _l("The request could not be understood. Check the JSON body and the parameters."),
    401: _l("Sign in or send an API token."),
    404: _l("The item does not exist, or you cannot see it."),
    405: _l("This address does not accept that kind of request."),
    409: _l("The item changed meanwhile. Read it again and retry."),
    413: _l("The request is too large."),
    415: _l("Send the body as application/json."),
    422: _l("Some fields need correcting."),
}

# marshmallow's own messages, translated (others are shown as they are).
FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Field may not be null.": _l("This field cannot be empty (null)."),
    "Not a valid integer.": _l("Give a whole number."),
    "Not a valid number.": _l("Give a number."),
    "Not a valid string.": _l("Give text."),
    "Not a valid boolean.": _l("Give true or false."),
    "Not a valid date.": _l("Give a date as YYYY-MM-DD."),
    "Not a valid list.": _l("Give a list."),
    "Not a valid mapping type.": _l("Give an object."),
    "Invalid input type.": _l("Give a JSON object."),
    "Invalid value.": _l("Invalid value."),
}


class ErrorSchema(ma.Schema):
    """Every error the API returns."""

    error = ma.fields.String(required=True, metadata={"description": "Machine-readable code, e.g. not_found"})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, in the user's language"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                            metadata={"description": "Field name -> what to correct (may be empty)"})


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The error shape."""
    return {"error": code, "message": str(message), "fields": {k: str(v) for k, v in (fields or {}).items()}}


def _flatten(messages, prefix: str = "") -> dict[str, str]:
    """{"json": {"title": ["…"]}, "query": {...}} -> {"title": "…"} (nested keys joined with dots)."""
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "headers", "form", "files", "path"):
                out.update(_flatten(value, ""))
            else:
                out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list | tuple):
        texts = [str(FIELD_MESSAGES.get(m, m)) for m in messages if isinstance(m, str)]
        for item in messages:
            if isinstance(item, dict | list):
                out.update(_flatten(item, prefix))
        if texts:
            out[prefix or "_schema"] = " ".join(texts)
    else:
        out[prefix or "_schema"] = str(FIELD_MESSAGES.get(messages, messages))
    return out


def http_error(exc: HTTPException):
    """Any HTTP error raised inside an API view (or its checks) in the error shape."""
    status = exc.code or 500
    if status >= 500:
        db.session.rollback()
        return error_body("error", _("Something went wrong. The error was logged; try again in a moment.")), status
    if isinstance(exc, CSRFError):
        return error_body("csrf_failed", _("The CSRF token is missing or invalid. Send it in the X-CSRFToken "
                                           "header, or use an API token instead of the session cookie.")), 400
    data = getattr(exc, "data", None) or {}
    fields = _flatten(data["messages"]) if "messages" in data else {}
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    return error_body(CODES.get(status, "error"), _message(status), fields), status, headers


def _message(status: int) -> str:
    if status == 403:
        roles = getattr(g, "required_roles", None)
        if roles:
            return _("This operation is for: %(roles)s.", roles=", ".join(role_label(r) for r in roles))
        return _("You do not have access to this item.")
    return str(MESSAGES.get(status, _("The request could not be completed.")))


def domain_error(exc: DomainError):
    """A service's rule error: its code, translated message and fields; the transaction is rolled back."""
    db.session.rollback()
    return error_body(exc.code, exc.message, exc.fields), exc.status


def install(blueprint) -> None:
    """Attach the handlers to an API blueprint. Flask prefers a handler for the exact status code at any level
    over a class handler, so every code gets its own entry (the portal's 403/404 pages are per code)."""
    for code in default_exceptions:
        blueprint.register_error_handler(code, http_error)
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(DomainError, domain_error)
