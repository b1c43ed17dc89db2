"""Exact row counts of large tables, kept by database triggers.

The talent pool's list page shows how many professionals there are (50,000 nationwide); counting them again
on every view cost about 3 ms of PostgreSQL per request, more than the rest of the page's SQL. `install()`
(run by init-db, idempotent) creates, for each tracked table, triggers that keep its count in the writer's own
transaction after every INSERT and DELETE (and TRUNCATE, on PostgreSQL; see below), then sets the count from
count(*) while holding the table's lock: the kept count is exact in every snapshot, like count(*).
`total_of` reads it, and counts instead when the table has no kept count (triggers not installed).

Tracked: professionals (the pool page) and roles (the coordinators' roles page, 5,000 open nationwide).
Concurrent transactions that insert into or delete from a tracked table wait for each other (until commit);
professionals are added by imports and sign-ups, roles by officers one at a time and by imports, not by many
writers at once.
"""
from __future__ import annotations

from sqlalchemy import func, select, text

from govtech.core.models import RowCount
from govtech.extensions import db

TRACKED = ("professional", "role")

# PostgreSQL: a writing statement only marks its table "to settle" in row_count (an insert that does nothing
# when the mark is there, so 50,000 single-row INSERTs of an import cost little); a deferred trigger on the
# mark counts the table once, at the transaction's commit, and removes the mark. Writers of a tracked table
# wait for each other at the mark, so each settles the count of everything committed before it.
_PG_MARK = """CREATE OR REPLACE FUNCTION row_count_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO row_count (table_name, n) VALUES (TG_TABLE_NAME || '/settle', 0) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$"""
_PG_SETTLE = """CREATE OR REPLACE FUNCTION row_count_settle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tracked text := split_part(NEW.table_name, '/', 1);
BEGIN
  EXECUTE 'UPDATE row_count SET n = (SELECT count(*) FROM ' || quote_ident(tracked) || ') WHERE table_name = $1'
    USING tracked;
  DELETE FROM row_count WHERE table_name = NEW.table_name;
  RETURN NULL;
END $$"""


def _postgresql(table: str) -> list[str]:
    mark = "FOR EACH STATEMENT EXECUTE FUNCTION row_count_mark()"
    return [f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", _PG_MARK, _PG_SETTLE,
            *(f"DROP TRIGGER IF EXISTS {table}_count_{op} ON {table}" for op in ("insert", "delete", "truncate")),
            f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} {mark}",
            f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} {mark}",
            f"CREATE TRIGGER {table}_count_truncate AFTER TRUNCATE ON {table} {mark}",
            "DROP TRIGGER IF EXISTS row_count_settle ON row_count",
            "CREATE CONSTRAINT TRIGGER row_count_settle AFTER INSERT ON row_count DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW WHEN (right(NEW.table_name, 7) = '/settle') EXECUTE FUNCTION row_count_settle()"]


def _sqlite(table: str) -> list[str]:
    update = f"UPDATE row_count SET n = n %s 1 WHERE table_name = '{table}'"  # noqa: S608  # nosec B608 - our own table names (TRACKED)
    return [f"DROP TRIGGER IF EXISTS {table}_count_insert", f"DROP TRIGGER IF EXISTS {table}_count_delete",
            f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} BEGIN {update % '+'}; END",
            f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} BEGIN {update % '-'}; END"]


def install() -> None:
    """Create (again) the counting triggers of every tracked table and set each count, in the session's
    transaction (the caller commits)."""
    dialect = db.session.get_bind().dialect.name
    for table in TRACKED:
        for statement in {"postgresql": _postgresql, "sqlite": _sqlite}[dialect](table):
            db.session.connection().exec_driver_sql(statement)
        db.session.execute(RowCount.__table__.delete().where(RowCount.table_name == table))
        db.session.execute(text(f"INSERT INTO row_count (table_name, n) SELECT '{table}', count(*) FROM {table}"))  # noqa: S608  # nosec B608 - our own table names (TRACKED)


def total_of(table) -> object:
    """A scalar expression: the table's kept row count, or count(*) when it has none (see the module)."""
    kept = select(RowCount.n).where(RowCount.table_name == table.name).scalar_subquery()
    return func.coalesce(kept, select(func.count()).select_from(table).scalar_subquery())
