"""Flask extensions, created unbound and initialised in the factory."""
import click
from flask.cli import ScriptInfo
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic batch migrations on SQLite can alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class LazyMigrate:
    """Flask-Migrate, set up on first use: importing it imports alembic, 0.3 s of the start-up of every
    command and worker, while only `flask db …` and `init-db` need it."""

    def __init__(self, **options):
        self.options = options

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate_setup"] = (self, db, directory)
        app.cli.add_command(_MigrateCommands())

    @staticmethod
    def ready(app):
        """Flask-Migrate's config for `app` (initialising it the first time)."""
        if "migrate" not in app.extensions:
            from flask_migrate import Migrate

            self, db, directory = app.extensions["migrate_setup"]
            Migrate(app, db, directory=directory, **self.options)
        return app.extensions["migrate"]


class _MigrateCommands(click.Command):
    """`flask db …`: hands its arguments to Flask-Migrate's own command group, imported when asked for."""

    def __init__(self):
        super().__init__("db", help="Perform database migrations (Flask-Migrate: flask db --help).",
                         add_help_option=False,
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})

    def invoke(self, ctx):
        LazyMigrate.ready(ctx.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as commands

        return commands.main(args=ctx.args, prog_name=ctx.command_path, obj=ctx.obj, standalone_mode=False)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
