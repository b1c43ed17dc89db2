"""`flask --app app …` commands: init-db, seed-demo, create-user, audit verify (thin wrappers over services).

JSON goes to stdout and messages to stderr, as the command contract in DOMAIN.md says.
"""
from __future__ import annotations

import functools
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from govtech.core.errors import DomainError
from govtech.extensions import db

SEEDERS = "govtech_seeders"


def say(message: str) -> None:
    """A message for people: stderr, so stdout stays machine-readable."""
    click.echo(message, err=True)


def emit_json(data) -> None:
    """Machine-readable output on stdout: an object or array with one top-level entry per line.

    (json's `indent` switches to its pure-Python encoder: 0.7 s for the 5,000 roles of `talent suggest-all`;
    each entry here goes through the C encoder.)"""
    dumps = functools.partial(json.dumps, ensure_ascii=False, default=str)
    if isinstance(data, dict) and data:
        text = "{\n" + ",\n".join(f"  {dumps(str(key))}: {dumps(value)}" for key, value in data.items()) + "\n}"
    elif isinstance(data, list | tuple) and data:
        text = "[\n" + ",\n".join(f"  {dumps(value)}" for value in data) + "\n]"
    else:
        text = dumps(data)
    click.echo(text)


def fail(message: str, code: int = 1):
    """Print an actionable error and exit non-zero (the transaction is rolled back)."""
    db.session.rollback()
    say(f"error: {message}")
    sys.exit(code)


def register_seeder(app, order: int, func) -> None:
    """Features add their demo data through this; functions get (users: dict) and must be idempotent."""
    app.extensions.setdefault(SEEDERS, []).append((order, func))


def init_db() -> dict:
    """Upgrade the schema to the newest migration, then load the reference data."""
    from alembic.util.exc import CommandError
    from flask_migrate import upgrade

    from govtech.core.reference import load_reference_data
    from govtech.extensions import LazyMigrate

    try:
        # Flask-Migrate's wrapper logs alembic's errors and exits; the wrapped function lets us explain.
        upgrade.__wrapped__(directory=LazyMigrate.ready(current_app).directory)
    except CommandError as exc:
        if "Can't locate revision" not in str(exc):
            raise
        # Until the first release the initial migration is regenerated (make migration), so a database made
        # by an older checkout names a revision that no longer exists.
        fail("this database was created by an older, unreleased schema "
             f"({db.engine.url.render_as_string(hide_password=True)}). Move it away or delete it (for the "
             "default SQLite database: rm instance/govtech.sqlite3) and run the command again.")
    counts = load_reference_data()
    db.session.commit()
    return counts


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the schema and load municipalities, categories and the skill map."""
    counts = init_db()
    say("database ready: {municipalities} municipalities, {categories} categories, {skills} skills".format(**counts))


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no users yet.")
@with_appcontext
def seed_demo_command(if_empty: bool):
    """init-db, then demo users (one per role) and realistic demo data; safe to run twice."""
    from govtech.accounts.models import User
    from govtech.demo import DEMO_PASSWORD, seed_users

    init_db()
    if if_empty and db.session.query(User.id).first() is not None:
        say("database already has data: demo seeding skipped")
        return
    users = seed_users()
    for _order, func in sorted(current_app.extensions.get(SEEDERS, []), key=lambda item: item[0]):
        func(users)
    db.session.commit()
    say(f"demo data ready; every demo account uses the password: {DEMO_PASSWORD}")
    for key, user in users.items():
        say(f"  {key:<14} {user.email}")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "officer", "professional"]))
@click.option("--municipality", default=None, help="Name (Japanese or English) or 5-digit code; officers only.")
@with_appcontext
def create_user_command(email: str, role: str, municipality: str | None):
    """Create an account; the password is asked on the terminal, or read from stdin in scripts."""
    from govtech.accounts import services

    muni = None
    if municipality:
        muni = services.find_municipality(municipality)
        if muni is None:
            fail(f"unknown municipality {municipality!r}: give its Japanese name or 5-digit code")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = services.create_user(email=email, password=password, role=role, municipality=muni)
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    say(f"created {role} #{user.id}")


@click.group("audit")
def audit_group():
    """Audit trail tools."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the hash chain; exit 1 and report the first broken link when tampered."""
    from govtech.core.audit import verify_chain

    result = verify_chain()
    emit_json(result)
    if not result["ok"]:
        say(f"audit chain broken at entry {result['broken_at']}: {result['reason']}")
        sys.exit(1)


def register_cli(app) -> None:
    """Register the core commands (features add their own groups)."""
    for command in (init_db_command, seed_demo_command, create_user_command, audit_group):
        app.cli.add_command(command)
