"""Who is calling: a personal token (`Authorization: Bearer …`) or the signed-in session, and what they may call.

The token is turned into a user by Flask-Login's request loader, so the portal's own login-by-default check
(core/security.py) sees a signed-in user and every role and object rule applies unchanged. Token calls are
exempt from CSRF (a browser never attaches the header by itself); cookie-authenticated writes must send the
session's CSRF token in the `X-CSRFToken` header.
"""
from __future__ import annotations

from copy import deepcopy

from flask import g, request, session
from flask_login import current_user

from govtech.accounts.permissions import role_required
from govtech.extensions import csrf, login_manager

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def bearer_secret() -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def load_user_from_token(req):
    """Flask-Login request loader: the token's user, for /api/ requests with a valid bearer token."""
    from govtech.api.tokens import authenticate

    if not req.path.startswith("/api/"):
        return None
    secret = bearer_secret()
    token = authenticate(secret) if secret else None
    if token is None:
        return None
    g.api_token_id = token.id
    return token.user


def via_token() -> bool:
    """True when this request was authenticated by a personal token."""
    return bool(g.get("api_token_id"))


def load_token_early():
    """before_request (app-wide, before the login check): resolve a bearer token, and keep the session clocks
    out of token calls so a script that stores cookies is never timed out like an idle browser."""
    if request.path.startswith("/api/") and bearer_secret() and current_user.is_authenticated and via_token():
        session.pop("seen", None)
        session.pop("started", None)


def csrf_for_cookie_writes():
    """before_request of the API blueprints: writes with the session cookie need the CSRF header."""
    if request.method not in SAFE_METHODS and not via_token():
        csrf.protect()


def install(app) -> None:
    """Register the request loader and the early token check."""
    login_manager.request_loader(load_user_from_token)
    app.before_request(load_token_early)


def allow(*roles: str):
    """Only these roles may call the operation (others: JSON 403 naming them); documented as `x-roles`."""
    def decorator(view):
        wrapped = role_required(*roles)(view)
        wrapped._apidoc = deepcopy(getattr(wrapped, "_apidoc", {}))
        wrapped._apidoc.setdefault("manual_doc", {})["x-roles"] = list(roles)
        return wrapped
    return decorator
