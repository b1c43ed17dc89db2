"""Plugs the JSON API into the portal: the flask-smorest Api and its resource blueprints under /api/v1,
token authentication, the token page under /account/tokens and the API reference under /api/docs."""
from __future__ import annotations

import importlib

from flask_babel import lazy_gettext as _l

from govtech.core.nav import NavItem, register_nav


def register(app) -> None:
    """Called by the application factory (FEATURES)."""
    from govtech.api import auth, models  # noqa: F401 - the token table belongs to the metadata
    from govtech.api.resources import MODULES
    from govtech.api.spec import create_api
    from govtech.api.views import bp as pages_bp

    api = create_api(app)
    for name in MODULES:
        api.register_blueprint(importlib.import_module(f"govtech.api.resources.{name}").blp)
    app.extensions["govtech_api"] = api
    auth.install(app)
    app.register_blueprint(pages_bp)
    register_nav(app,
                 NavItem("api_pages.token_list", _l("API tokens"), ("admin", "coordinator", "officer", "professional"),
                         95))
