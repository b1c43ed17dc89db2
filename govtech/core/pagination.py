"""Paginated lists whose total comes with the page's rows: one statement instead of two.

`db.paginate` asks for the rows of a page, then for the count of every matching row. Here the count is a
scalar subquery of the rows' own statement (`SELECT …, (SELECT count(*) FROM (…)) FROM … LIMIT 25`): the
database evaluates it once, the total stays exact (and is read in the same snapshot as the rows), and a list
page saves a round trip and a statement's worth of SQLAlchemy work. Only a page past the end, which has no row
to carry the total, asks for the count on its own.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import orm

from govtech.extensions import db


class CountedPagination(SelectPagination):
    """A `SelectPagination` (same attributes and page links) that reads the total with the items; `extra`
    holds, per item, the values of the `columns` asked for beside it (say, a correlated count)."""

    _total: int | None = None
    extra: list[tuple] = []

    def _count_statement(self):
        select = self._query_args["select"]
        return sa.select(sa.func.count()).select_from(select.options(orm.lazyload("*")).order_by(None).subquery())

    def _query_items(self) -> list:
        select = self._query_args["select"]
        total = self._count_statement().scalar_subquery().label("pagination_total")
        rows = self._query_args["session"].execute(
            select.add_columns(*self._query_args["columns"], total).limit(self.per_page).offset(self._query_offset)
        ).unique().all()
        self.extra = [tuple(row[1:-1]) for row in rows]
        if rows:
            self._total = rows[0][-1]
        elif self._query_offset == 0:
            self._total = 0  # nothing on the first page: nothing at all
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        return self._query_args["session"].execute(self._count_statement()).scalar()


def paginate(select, *, page: int, per_page: int, columns=()) -> CountedPagination:
    """`db.paginate(select, page=…, per_page=…, error_out=False)` in one statement (see the module), with the
    values of `columns` for each item in `.extra`."""
    return CountedPagination(select=select, session=db.session(), page=page, per_page=per_page, error_out=False,
                             columns=tuple(columns))
