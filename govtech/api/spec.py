"""The flask-smorest Api of the portal: OpenAPI 3 document generated from the resource code."""
from __future__ import annotations

from flask_smorest import Api

from govtech.api.errors import ErrorSchema

DESCRIPTION = """JSON API of the GovTech Tokyo shared-services portal (joint procurement and digital-talent sharing).

Authenticate with a personal token (`Authorization: Bearer gtt_…`, created under /account/tokens) or with the
browser session (writes then need the `X-CSRFToken` header). A token acts as its user: same role, same
object rules. Every write goes through the same services as the web pages. Lists return
`{"items": [...], "page", "per_page", "total"}`; errors return `{"error", "message", "fields"}`.
Detail reads send an `ETag`; send it back in `If-Match` (or the `version` field) to update, and a stale
write is refused with 409. `x-roles` on each operation lists the roles that may call it."""


class PortalApi(Api):
    """flask-smorest's Api with the portal's error shape; error handlers live on the API blueprints only,
    so the HTML error pages of the rest of the portal stay as they are."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Not app-wide: see govtech.api.errors.install."""


def create_api(app) -> PortalApi:
    """Bind a new Api to the app and describe the security schemes."""
    app.config.setdefault("API_TITLE", "GovTech Tokyo shared services API")
    app.config.setdefault("API_VERSION", "1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served by govtech.api.views (public, no CDN UI)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    })
    api = PortalApi(app)
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer", "bearerFormat": "gtt_ token",
        "description": "A personal API token from /account/tokens."})
    api.spec.components.security_scheme("cookieAuth", {
        "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
        "description": "The browser session; writes also need the X-CSRFToken header."})
    return api
