"""The application factory: config, extensions, blueprints, error pages, commands."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from govtech.config import ROOT, finish_config, resolve_config
from govtech.extensions import babel, csrf, db, login_manager, migrate

TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"


def create_app(config=None) -> Flask:
    """Build the portal: `create_app()` for development, `create_app(TestingConfig)` in tests."""
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC),
                instance_path=str(ROOT / "instance"))
    app.config.from_object(resolve_config(config))
    if isinstance(config, dict):
        app.config.update(config)
    finish_config(app)
    app.url_map.converters["int"] = IdConverter
    if app.config.get("TRUSTED_PROXIES"):
        # Behind a TLS-terminating proxy: trust its X-Forwarded-* so HTTPS, HSTS and client IPs are right.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_commands(app)
    return app


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL is a database id: a number beyond the 32-bit INTEGER columns is a 404, not a database
    error (PostgreSQL: integer out of range; SQLite: beyond 64 bits)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _translation_dirs() -> str:
    base = Path(__file__).resolve().parent
    dirs = [base / "translations"] + sorted(p for p in base.glob("*/translations") if p.is_dir())
    return ";".join(str(d) for d in dirs)


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    from govtech.accounts.queries import session_user
    from govtech.core import notifications
    from govtech.core.web import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", _translation_dirs())
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str):
        user_id, _, version = identity.partition(".")
        if not user_id.isdigit() or not version.isdigit():
            return None
        row = session_user(int(user_id))
        if row is None or not row[0].active or row[0].session_version != int(version):
            return None
        notifications.remember_unread(row[0].id, row[1])  # the header's badge, fetched in the same statement
        return row[0]

    _enable_sqlite_pragmas(app)


def _enable_sqlite_pragmas(app: Flask) -> None:
    """SQLite: foreign keys, WAL, a busy timeout, and BEGIN IMMEDIATE for requests that write.

    SQLite ignores SELECT … FOR UPDATE, so a request that reads then writes (join a tender, appoint a
    candidate) could act on a stale read. Taking the write lock at BEGIN for POST/PUT/PATCH/DELETE requests
    serialises writers; readers (GET) stay concurrent under WAL.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from flask import has_request_context, request
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            raw = conn.connection.dbapi_connection
            if has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS"):
                raw.isolation_level = None  # we issue BEGIN ourselves
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                raw.isolation_level = ""  # pysqlite's default: BEGIN right before the first write


def register_blueprints(app: Flask) -> None:
    """Mount every feature blueprint and its menu entries."""
    from flask_babel import lazy_gettext as _l

    from govtech.accounts.routes import bp as accounts_bp
    from govtech.core.nav import NavItem, register_nav
    from govtech.core.routes import bp as core_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    register_nav(app,
                 NavItem("core.home", _l("Home"), ("admin", "coordinator", "officer", "professional"), 0),
                 NavItem("accounts.users", _l("Users"), ("admin",), 80),
                 NavItem("core.municipalities", _l("Municipalities"), ("admin", "coordinator"), 85),
                 NavItem("core.audit", _l("Audit trail"), ("admin", "coordinator"), 90))
    for module in FEATURES:
        _register_feature(app, module)


# Feature packages expose `register(app)` in their `web.py`; listed here so the order is explicit.
FEATURES: tuple[str, ...] = ("govtech.procurement.web", "govtech.talent.web", "govtech.api.web",
                              "govtech.dashboard.web")


def _register_feature(app: Flask, module: str) -> None:
    import importlib
    import importlib.util

    if importlib.util.find_spec(module) is None:
        return
    importlib.import_module(module).register(app)


def register_hooks(app: Flask) -> None:
    """Login by default, idle timeout, security headers, error pages, template helpers."""
    from govtech.core import security
    from govtech.core.handlers import register_error_handlers
    from govtech.core.templating import register_template_helpers
    from govtech.core.web import end_read_only_transaction

    app.before_request(security.require_login)
    app.before_request(security.enforce_idle_timeout)
    app.before_request(security.reject_unstorable_input)
    app.after_request(security.set_security_headers)

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()

    app.teardown_request(end_read_only_transaction)

    register_error_handlers(app)
    register_template_helpers(app)


def register_commands(app: Flask) -> None:
    """Add the `flask …` commands."""
    from govtech.cli import register_cli

    register_cli(app)
