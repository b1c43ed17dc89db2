"""Plugs joint procurement into the portal: blueprints, menu, home panels, demo data, CLI, template filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from govtech.cli import register_seeder
from govtech.core.jobs import register_job
from govtech.core.nav import NavItem, register_nav


def register(app) -> None:
    """Called by the application factory."""
    from govtech.procurement import coordination_routes, tender_routes  # noqa: F401 - routes on the blueprint
    from govtech.procurement.cli import procurement_group
    from govtech.procurement.demo_data import seed_procurement
    from govtech.procurement.labels import BADGES, label
    from govtech.procurement.open_data import bp as open_data_bp
    from govtech.procurement.panels import home_panel
    from govtech.procurement.routes import bp
    from govtech.procurement.services import IMPORT_JOB, import_requests_job

    app.config.setdefault("OCDS_OCID_PREFIX", "ocds-govtechtokyo-")
    app.register_blueprint(bp)
    app.register_blueprint(open_data_bp)
    register_nav(app,
                 NavItem("procurement.requests", _l("Procurement requests"), ("officer", "coordinator"), 10),
                 NavItem("procurement.open_tenders", _l("Joint tenders"), ("officer",), 11),
                 NavItem("procurement.pools", _l("Pooling suggestions"), ("coordinator",), 11),
                 NavItem("procurement.tenders_list", _l("Joint tenders"), ("coordinator",), 12),
                 NavItem("procurement.savings", _l("Savings"), ("officer", "coordinator"), 13),
                 NavItem("procurement.category_curves", _l("Volume discounts"), ("admin",), 70))
    app.extensions.setdefault("govtech_home_panels", []).append(home_panel)
    register_seeder(app, 30, seed_procurement)
    register_job(IMPORT_JOB, import_requests_job)
    app.cli.add_command(procurement_group)
    app.jinja_env.filters["plabel"] = lambda value, kind: label(kind, value)
    app.jinja_env.filters["pbadge"] = lambda state: BADGES.get(state, "badge-muted")
    app.jinja_env.filters["deadline"] = deadline
    app.jinja_env.globals["state_badge"] = state_badge


_BADGES: dict[tuple, object] = {}


def state_badge(kind: str, value: str):
    """The badge of a state (kind: request, tender, participation): its colour, value and translated label, kept
    per language, kind and value (a list page shows one per row)."""
    from markupsafe import Markup

    from govtech.core.web import get_locale_code
    from govtech.procurement.labels import BADGES, label

    key = (get_locale_code(), kind, value)
    found = _BADGES.get(key)
    if found is None:
        found = Markup('<span class="badge %s" data-state="%s">%s</span>') % (
            BADGES.get(value, "badge-muted"), value, label(kind, value))
        if len(_BADGES) < 1000:  # states are a closed set; the bound only guards against the unexpected
            _BADGES[key] = found
    return found


def deadline(value) -> str:
    """A deadline stored as naive UTC (end of day in Tokyo), shown as that Tokyo date: 2026年12月8日."""
    from govtech.core.templating import long_date
    from govtech.procurement.dates import tokyo_date

    return "—" if value is None else long_date(tokyo_date(value))
