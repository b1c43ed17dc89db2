"""Domain errors raised by services. Routes and the API turn them into messages and status codes."""
from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; `message` is already translated text a person can act on."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """Input is wrong; `fields` maps field names to messages."""

    status = 422
    code = "validation_failed"


class NotAllowed(DomainError):
    """The user may not do this (role or object rules)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist, or is not visible to this user."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The state changed underneath the request (stale edit, double join, filled role)."""

    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    """The object is not in a state that allows this step."""

    code = "invalid_transition"
