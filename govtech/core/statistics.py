"""Planner statistics of tables that a bulk import has just filled (PostgreSQL).

PostgreSQL plans every statement from its statistics of each table, which autovacuum refreshes on its own
schedule (a minute or more after a change). Right after an import of 50,000 professionals the list pages were
planned as if the tables were still nearly empty. An import marks its tables (`analyze_after_commit`); when its
transaction commits, they are analysed at once, on a connection of their own (a sampled read, well under a
second at 900,000 skill rows). Small imports and SQLite are left to the usual course.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from govtech.extensions import db

BULK_ROWS = 1000  # rows written by one import from which its tables are analysed at commit


def analyze_after_commit(tables: tuple[str, ...], rows: int) -> None:
    """Mark `tables` (names of this app's tables) to be analysed when the current transaction commits, if the
    import wrote at least BULK_ROWS rows."""
    if rows >= BULK_ROWS:
        db.session().info.setdefault("analyze_tables", set()).update(tables)


def _analyze(session) -> None:
    """after_commit: ANALYZE the marked tables on PostgreSQL."""
    tables = session.info.pop("analyze_tables", None)
    bind = session.get_bind() if tables else None
    if bind is None or bind.dialect.name != "postgresql":
        return
    known = [name for name in sorted(tables) if name in db.metadata.tables]  # never a name from elsewhere
    quote = bind.dialect.identifier_preparer.quote
    with bind.connect() as conn:
        for name in known:
            conn.exec_driver_sql(f"ANALYZE {quote(name)}")  # nosec B608 - a table of the app's metadata, quoted
        conn.commit()


event.listen(Session, "after_commit", _analyze)
event.listen(Session, "after_soft_rollback", lambda session, _previous: session.info.pop("analyze_tables", None))
