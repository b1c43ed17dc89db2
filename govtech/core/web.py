"""Small helpers shared by every blueprint's routes: transactions, form errors, locale, redirects."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from govtech.core.errors import DomainError
from govtech.extensions import db


def commit() -> None:
    """Commit the request's unit of work (the one commit per request)."""
    db.session.commit()


def end_read_only_transaction(exc) -> None:
    """teardown_request: on PostgreSQL, end a GET's transaction that wrote nothing with COMMIT, not ROLLBACK.

    psycopg forgets every prepared statement of its connection at a ROLLBACK (DEALLOCATE ALL), and Flask-SQLAlchemy
    rolls back at the end of each request: no statement was ever executed often enough to be prepared, and
    PostgreSQL planned each list page's statements again on every request. A COMMIT of a transaction that only
    read is the same for the database. Anything else (an error, another method, a flush or an ORM write in the
    transaction, SQLite) is left to the usual rollback."""
    if exc is not None or not db.session.registry.has():
        return
    work = db.session()
    wrote = work.info.pop("wrote", False)
    if (wrote or not work.in_transaction() or work.new or work.dirty or work.deleted
            or not has_request_context() or request.method not in ("GET", "HEAD")
            or work.get_bind().dialect.name != "postgresql"):
        return
    work.commit()


def _note_write(session, *_args) -> None:
    session.info["wrote"] = True


def _note_orm_write(state) -> None:
    if not state.is_select:
        state.session.info["wrote"] = True


event.listen(Session, "after_flush", _note_write)
event.listen(Session, "do_orm_execute", _note_orm_write)
event.listen(Session, "after_soft_rollback", lambda session, _previous: session.info.pop("wrote", None))


def apply_field_errors(form, exc: DomainError) -> None:
    """Show a domain error next to the fields it names, or on the form when it names none."""
    placed = False
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
            placed = True
    form.form_errors = list(getattr(form, "form_errors", [])) + ([] if placed else [exc.message])
    if placed and exc.message not in exc.fields.values():
        form.form_errors.append(exc.message)


def safe_next_url(target: str | None) -> str | None:
    """Only local paths are accepted as a post-login redirect (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def select_locale() -> str:
    """The user's remembered language, else the session's, else Japanese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background jobs: GOVTECH_LANG or the default
        lang = os.environ.get("GOVTECH_LANG", "")
        return lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    lang = session.get("lang")
    return lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def get_locale_code() -> str:
    """'ja' or 'en' for the current request.

    A page asks for it a hundred times (labels, dates, names): once Flask-Babel has selected the locale of the
    context (kept in `g._flask_babel`, where `force_locale` also puts its own), it is read from there
    directly (the app context's own variable, not the `g` proxy) instead of through `get_locale`'s lookups."""
    app_context = _cv_app.get(None)
    selected = getattr(app_context.g, "_flask_babel", None) if app_context is not None else None
    locale = getattr(selected, "babel_locale", None) or get_locale()
    return locale.language if locale else "ja"


_TRANSLATED: dict[tuple, str] = {}


def translated(text) -> str:
    """str() of a label, cached per language when it is a plain lazy msgid (`_l("…")` without values).

    The catalogues do not change while the process runs, and list pages show a label per row and column:
    the cache saves Flask-Babel's lookups (domain, catalogue, locale) on each of them."""
    args = getattr(text, "_args", None)
    if args is None or getattr(text, "_kwargs", True):
        return str(text)
    key = (get_locale_code(), text._func, args)
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = str(text)
    return found
