"""Request guards and response headers: login by default, idle timeout, CSP and friends."""
from __future__ import annotations

import re
import time

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from govtech.accounts.permissions import is_public_endpoint

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def require_login():
    """before_request: everything needs a signed-in user except the public allowlist."""
    if is_public_endpoint(current_app, request.endpoint):
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            return {"error": "unauthorized", "message": _("Sign in or send an API token."), "fields": {}}, 401
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return None


def enforce_idle_timeout():
    """before_request: a session unused for SESSION_IDLE_MINUTES, or older than the absolute lifetime, ends.

    Both clocks live inside the signed session, so a copied cookie cannot be replayed past them.
    """
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now = int(time.time())
    last = session.get("seen")
    started = session.setdefault("started", now)
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if (last and now - last > current_app.config["SESSION_IDLE_MINUTES"] * 60) or now - started > absolute:
        logout_user()
        session.clear()
        flash(_("Your session ended after a period of inactivity. Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    if not last or now - last >= 30:  # 30 s granularity: most requests leave the cookie as it is (no re-signing)
        session["seen"] = now
    return None


_INT_RE = re.compile(r"[+-]?\d+")
_FREE_TEXT_ARGS = frozenset({"q"})  # searches may hold long digit strings
INT32_MAX = 2**31 - 1


def reject_unstorable_input():
    """before_request: a 400 for input no database can take, which would otherwise be a 500:
    a form or query value holding a NUL character (PostgreSQL can neither store nor compare it), and a whole
    number in the query string (page, filters by id or year) beyond 32 bits (PostgreSQL: out of range).
    (The JSON API checks its own input: api/fields.py.)"""
    if request.path.startswith("/api/"):
        return None
    for source in (request.args, request.form):
        if any("\x00" in value for _name, value in source.items(multi=True)):
            abort(400)
    for name, value in request.args.items(multi=True):
        if name not in _FREE_TEXT_ARGS and _INT_RE.fullmatch(value.strip()) and abs(int(value)) > INT32_MAX:
            abort(400)
    return None


def set_security_headers(response):
    """after_request: strict CSP, no framing, no sniffing, no caching of signed-in pages."""
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if current_user and getattr(current_user, "is_authenticated", False) and request.endpoint != "static":
        h["Cache-Control"] = "no-store"
    return response
