"""Error pages (401/403/404/429/500) in both languages, JSON under /api/."""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import gettext as _

from govtech.core.errors import DomainError
from govtech.core.templating import role_label
from govtech.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, title: str, message: str):
    if _wants_json():
        return {"error": {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                          405: "method_not_allowed", 413: "too_large", 429: "too_many_requests"}.get(status, "error"),
                "message": message, "fields": {}}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app) -> None:
    """Attach the handlers to the app."""

    @app.errorhandler(400)
    def bad_request(_e):
        return _page(400, _("Bad request"), _("The form was incomplete or expired. Go back, reload and try again."))

    @app.errorhandler(401)
    def unauthorized(_e):
        return _page(401, _("Sign-in needed"), _("Please sign in to see this page."))

    @app.errorhandler(403)
    def forbidden(_e):
        roles = getattr(g, "required_roles", None)
        if roles:
            names = ", ".join(role_label(r) for r in roles)
            message = _("This page is for: %(roles)s. Ask an administrator if you need access.", roles=names)
        else:
            message = _("You do not have access to this item. Officers see their own municipality's items only.")
        return _page(403, _("Access denied"), message)

    @app.errorhandler(404)
    def not_found(_e):
        return _page(404, _("Page not found"), _("The page or item does not exist, or you cannot see it."))

    @app.errorhandler(405)
    def not_allowed(_e):
        return _page(405, _("Not allowed"), _("This address does not accept that kind of request."))

    @app.errorhandler(413)
    def too_large(_e):
        return _page(413, _("File too large"), _("Files up to 20 MB can be uploaded. Split the file and try again."))

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if _wants_json():
            return {"error": exc.code, "message": exc.message, "fields": exc.fields}, exc.status
        return _page(exc.status, _("The request could not be completed"), exc.message)

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return _page(500, _("Something went wrong"),
                     _("The error was logged. Try again in a moment; if it persists, contact GovTech Tokyo."))
