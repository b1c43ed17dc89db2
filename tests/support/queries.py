"""Count the SQL statements a block runs (no-N+1 tests and bulk paths)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from govtech.extensions import db


@contextmanager
def count_queries():
    """Collect the SQL statements run on the app's engine while the block runs."""
    statements: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
