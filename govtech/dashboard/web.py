"""Plugs the dashboards into the portal: blueprints, menu entry, home panels, reminder job and command."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from govtech.cli import register_seeder
from govtech.core.jobs import register_job
from govtech.core.nav import NavItem, register_nav


def register(app) -> None:
    """Called by the application factory (FEATURES)."""
    from govtech.dashboard import downloads, reminders, routes
    from govtech.dashboard.demo import seed_history
    from govtech.dashboard.panels import home_panel

    app.register_blueprint(routes.bp)
    app.register_blueprint(downloads.bp)
    register_nav(app, NavItem("dashboard.index", _l("Dashboard"), ("admin", "coordinator", "officer"), 5))
    app.extensions.setdefault("govtech_home_panels", []).append(home_panel)
    register_job(reminders.KIND, reminders.run)
    register_seeder(app, 90, seed_history)
    app.cli.add_command(reminders.notify_deadlines_command)
