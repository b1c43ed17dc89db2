"""Paginated lists whose total comes with the page's rows: one statement instead of two, built once.

`db.paginate` asks for the rows of a page, then for the count of every matching row. Here the count is a
scalar subquery of the rows' own statement (`SELECT …, (SELECT count(*) FROM (…)) FROM … LIMIT 25`): the
database evaluates it once, the total stays exact (and is read in the same snapshot as the rows), and a list
page saves a round trip and a statement's worth of SQLAlchemy work. Only a page past the end, which has no row
to carry the total, asks for the count on its own.

The statements take their values as bound parameters (the page's size and offset, the filters), so a list
query can build them once per shape of filters (`counted` under an `lru_cache`): building an ORM statement
and its cache key cost more than a list page's SQL.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import orm

from govtech.extensions import db


def counted(select, columns=(), total=None) -> tuple:
    """(rows, total) statements of a paginated `select`: the rows of a page with the values of `columns` and
    the total beside each item, and the total alone. Bound at execution: `page_limit`, `page_offset`.
    `total`: a scalar expression known to equal the number of rows of `select` (row_counts.total_of), used
    instead of counting them."""
    if total is None:
        total = sa.select(sa.func.count()).select_from(
            select.options(orm.lazyload("*")).order_by(None).subquery()).scalar_subquery()
    total = total.label("pagination_total")
    rows = (select.add_columns(*columns, total)
            .limit(sa.bindparam("page_limit", type_=sa.Integer))
            .offset(sa.bindparam("page_offset", type_=sa.Integer)))
    return rows, sa.select(total)


class CountedPagination(SelectPagination):
    """A `SelectPagination` (same attributes and page links) that reads the total with the items; `extra`
    holds, per item, the values of the `columns` asked for beside it (say, a correlated count)."""

    _total: int | None = None
    extra: list[tuple] = []

    def _query_items(self) -> list:
        rows_statement, _total = self._query_args["statements"]
        params = {**self._query_args["params"], "page_limit": self.per_page, "page_offset": self._query_offset}
        rows = self._query_args["session"].execute(rows_statement, params).unique().all()
        self.extra = [tuple(row[1:-1]) for row in rows]
        if rows:
            self._total = rows[0][-1]
        elif self._query_offset == 0:
            self._total = 0  # nothing on the first page: nothing at all
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        _rows, total = self._query_args["statements"]
        return self._query_args["session"].execute(total, self._query_args["params"]).scalar()


def paginate(statements: tuple, params: dict | None = None, *, page: int, per_page: int) -> CountedPagination:
    """Like `db.paginate(select, page=…, per_page=…, error_out=False)`, for `counted(select)` and the values
    of its bound parameters, in one statement (see the module)."""
    return CountedPagination(statements=statements, params=params or {}, session=db.session(), page=page,
                             per_page=per_page, error_out=False)
