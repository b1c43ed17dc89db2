"""One permission vocabulary: role decorators, the public allowlist, and object-level checks."""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user

PUBLIC_ENDPOINTS: set[str] = {"static"}


def public(view):
    """Mark a view as reachable without signing in (login is required everywhere else)."""
    view.is_public = True
    return view


def role_required(*roles: str):
    """Allow only the given roles; others get a 403 page that names the role needed."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                g.required_roles = roles
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_roles = roles
        return wrapped
    return decorator


def is_public_endpoint(app, endpoint: str | None) -> bool:
    """True when the endpoint is on the public allowlist."""
    if endpoint is None:
        return True  # 404s: let the error handler answer
    if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def acts_for(user, municipality_id: int | None) -> bool:
    """True when the user may act for that municipality: its own officers, or coordinators/admins."""
    if user.role in ("coordinator", "admin"):
        return True
    return user.role == "officer" and municipality_id is not None and user.municipality_id == municipality_id


def own_municipality_only(user, municipality_id: int | None) -> bool:
    """True only for an officer of that very municipality (writes officers make for their town)."""
    return user.role == "officer" and user.municipality_id == municipality_id
